// The channel a worker creates for itself (not inherited, not the parent's),
// as the trial's axes ask for it.
#ifndef FORKCHECK_RUNTIME_WORKER_CHANNEL_H_
#define FORKCHECK_RUNTIME_WORKER_CHANNEL_H_

#include <memory>

#include "grpcpp/channel.h"
#include "runtime/model.h"

namespace forkcheck {

// To context.target, in a local subchannel pool if
// context.child_local_subchannel_pool (client/channel_factory.h).
std::shared_ptr<grpc::Channel> NewWorkerChannel(const ModelContext& context);

}  // namespace forkcheck

#endif  // FORKCHECK_RUNTIME_WORKER_CHANNEL_H_
