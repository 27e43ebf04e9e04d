// How the reference client makes its channels: insecure (the fake speaks
// plaintext), optionally in a subchannel pool of the channel's own. The
// process models and the benchmarks make theirs here, so that both measure
// the same channels.
#ifndef FORKCHECK_CLIENT_CHANNEL_FACTORY_H_
#define FORKCHECK_CLIENT_CHANNEL_FACTORY_H_

#include <memory>
#include <string>

#include "grpcpp/channel.h"

namespace forkcheck {

// `local_subchannel_pool`: GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, so the channel
// shares no connection with other channels to the same target.
std::shared_ptr<grpc::Channel> NewChannel(const std::string& target,
                                          bool local_subchannel_pool = false);

}  // namespace forkcheck

#endif  // FORKCHECK_CLIENT_CHANNEL_FACTORY_H_
