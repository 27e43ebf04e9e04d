#include "common/grpc_server.h"

#include <unistd.h>

#include <string>

#include "grpcpp/grpcpp.h"
#include "grpcpp/impl/rpc_service_method.h"
#include "grpcpp/support/method_handler.h"
#include "gtest/gtest.h"

namespace forkcheck {
namespace {

// gRPC refuses to start a server with no method (no completion queue would
// be polled), and common/ has no generated service to use: one unary method
// on raw bytes, registered as generated code registers its methods.
class AnyService final : public grpc::Service {
 public:
  AnyService() {
    AddMethod(new grpc::internal::RpcServiceMethod(
        "/forkcheck.test.AnyService/Call",
        grpc::internal::RpcMethod::NORMAL_RPC,
        new grpc::internal::RpcMethodHandler<AnyService, grpc::ByteBuffer,
                                             grpc::ByteBuffer>(
            [](AnyService* /*service*/, grpc::ServerContext* /*context*/,
               const grpc::ByteBuffer* /*request*/,
               grpc::ByteBuffer* /*response*/) { return grpc::Status::OK; },
            this)));
  }
};

TEST(CheckListenAddressTest, AcceptsWhatGrpcBindsAsWritten) {
  for (const std::string& address :
       {std::string(""), std::string("127.0.0.1:0"),
        std::string("localhost:65535"), std::string("[::1]:8080"),
        std::string("0.0.0.0:1"), std::string("unix:/tmp/x.sock"),
        std::string("unix:relative.sock")}) {
    EXPECT_TRUE(CheckListenAddress(address).ok())
        << address << ": " << CheckListenAddress(address);
  }
}

TEST(CheckListenAddressTest, RejectsWhatGrpcWouldBindDifferently) {
  struct Case {
    std::string address;
    std::string problem;  // part of the message
  };
  for (const Case& c : std::vector<Case>{
           {"127.0.0.1:99999", "port \"99999\" is not a number in 0..65535"},
           {"127.0.0.1:65536", "port \"65536\""},
           {"127.0.0.1:", "no port"},
           {"127.0.0.1", "no port"},
           {"127.0.0.1:-1", "port \"-1\""},
           {"127.0.0.1:8o", "port \"8o\""},
           {"127.0.0.1:+80", "port \"+80\""},
           {"127.0.0.1:0000080", "port \"0000080\""},
           {":50051", "the host is empty"},
           {"::1:0", "IPv6 host must be in brackets"},
           {"unix:", "the path is empty"},
           {"unix:/tmp/" + std::string(200, 'x'), "longer than 107 bytes"},
       }) {
    const absl::Status status = CheckListenAddress(c.address);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.address;
    EXPECT_NE(status.message().find(c.problem), std::string::npos)
        << c.address << ": " << status;
    if (c.address.size() < 100) {
      EXPECT_NE(status.message().find("\"" + c.address + "\""),
                std::string::npos)
          << "the message names the address: " << status;
    }
  }
}

TEST(StartGrpcServerTest, ABadAddressIsRejectedBeforeBinding) {
  AnyService service;
  auto started = StartGrpcServer(&service, "127.0.0.1:99999");
  EXPECT_EQ(started.status().code(), absl::StatusCode::kInvalidArgument)
      << started.status();
}

TEST(StartGrpcServerTest, ASecondServerCannotTakeAPortInUse) {
  AnyService first_service;
  auto first = StartGrpcServer(&first_service, "127.0.0.1:0");
  ASSERT_TRUE(first.ok()) << first.status();
  // Without SO_REUSEPORT off, this bind succeeds and the kernel splits
  // connections between the two servers.
  AnyService second_service;
  auto second = StartGrpcServer(&second_service, first->address);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable)
      << first->address << ": " << second.status();
  first->server->Shutdown();
}

TEST(StartGrpcServerTest, AUnixSocketServesAtItsPath) {
  const std::string address =
      "unix:/tmp/forkcheck-grpc-server-test-" + std::to_string(getpid());
  AnyService service;
  auto started = StartGrpcServer(&service, address);
  ASSERT_TRUE(started.ok()) << started.status();
  EXPECT_EQ(started->address, address);
  started->server->Shutdown();
}

}  // namespace
}  // namespace forkcheck
