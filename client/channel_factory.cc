#include "client/channel_factory.h"

#include "grpc/grpc.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"

namespace forkcheck {

std::shared_ptr<grpc::Channel> NewChannel(const std::string& target,
                                          bool local_subchannel_pool) {
  grpc::ChannelArguments arguments;
  if (local_subchannel_pool) {
    arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  }
  return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(),
                                   arguments);
}

}  // namespace forkcheck
