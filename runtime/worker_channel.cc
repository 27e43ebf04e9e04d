#include "runtime/worker_channel.h"

#include "client/channel_factory.h"

namespace forkcheck {

std::shared_ptr<grpc::Channel> NewWorkerChannel(const ModelContext& context) {
  return NewChannel(context.target, context.child_local_subchannel_pool);
}

}  // namespace forkcheck
