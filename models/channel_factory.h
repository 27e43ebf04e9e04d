// How every model creates its channels: insecure (the fake speaks plaintext),
// optionally in a subchannel pool of the channel's own.
#ifndef FORKCHECK_MODELS_CHANNEL_FACTORY_H_
#define FORKCHECK_MODELS_CHANNEL_FACTORY_H_

#include <memory>
#include <string>

#include "grpcpp/channel.h"
#include "models/model.h"

namespace forkcheck {

// `local_subchannel_pool`: GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, so the channel
// shares no connection with other channels to the same target.
std::shared_ptr<grpc::Channel> NewChannel(const std::string& target,
                                          bool local_subchannel_pool = false);

// A channel a worker creates for itself (not inherited, not the parent's):
// to context.target, in a local subchannel pool if
// context.child_local_subchannel_pool.
std::shared_ptr<grpc::Channel> NewWorkerChannel(const ModelContext& context);

}  // namespace forkcheck

#endif  // FORKCHECK_MODELS_CHANNEL_FACTORY_H_
