// A deliberate data race in forkcheck's own code, reached from gRPC's
// threads: an in-process BigQueryRead server whose CreateReadSession handler
// (run by libgrpc++'s sync-server threads) increments a plain counter, and
// two concurrent calls to it. Built with --config=tsan, ThreadSanitizer must
// report the race through bazel/tsan.supp's suppressions (which silence
// Debian's uninstrumented gRPC); tsan_proof_test checks that it does.
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

#include "absl/base/attributes.h"
#include "common/grpc_server.h"
#include "google/cloud/bigquery/storage/v1/storage.grpc.pb.h"
#include "grpcpp/grpcpp.h"

namespace forkcheck {
namespace {

namespace bq = ::google::cloud::bigquery::storage::v1;

class RacyReadService final : public bq::BigQueryRead::Service {
 public:
  grpc::Status CreateReadSession(
      grpc::ServerContext* /*context*/,
      const bq::CreateReadSessionRequest* /*request*/,
      bq::ReadSession* /*session*/) override {
    RacyIncrement();
    // Keep both calls on their own gRPC thread at once, so that the two
    // increments really are concurrent. This lock (which TSan sees) comes
    // after the increments, so it orders neither before the other.
    std::unique_lock<std::mutex> lock(mutex_);
    ++arrived_;
    arrived_changed_.notify_all();
    arrived_changed_.wait_for(lock, std::chrono::seconds(10),
                              [this] { return arrived_ >= 2; });
    return grpc::Status::OK;
  }

 private:
  // The race itself, a frame of its own so that the report names it.
  ABSL_ATTRIBUTE_NOINLINE void RacyIncrement() { ++unsynchronised_calls_; }

  int unsynchronised_calls_ = 0;
  std::mutex mutex_;
  std::condition_variable arrived_changed_;
  int arrived_ = 0;  // guarded by mutex_
};

int Main() {
  RacyReadService service;
  absl::StatusOr<StartedServer> started = StartGrpcServer(&service, "");
  if (!started.ok()) {
    std::fprintf(stderr, "racy_grpc_server: %s\n",
                 started.status().ToString().c_str());
    return 2;
  }
  std::shared_ptr<grpc::Channel> channel =
      started->server->InProcessChannel(grpc::ChannelArguments());
  auto call = [&channel] {
    auto stub = bq::BigQueryRead::NewStub(channel);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(20));
    bq::ReadSession session;
    grpc::Status status = stub->CreateReadSession(
        &context, bq::CreateReadSessionRequest(), &session);
    if (!status.ok()) {
      std::fprintf(stderr, "racy_grpc_server: call failed: %s\n",
                   status.error_message().c_str());
    }
  };
  std::thread first(call);
  std::thread second(call);
  first.join();
  second.join();
  started->server->Shutdown();
  // Reached only if ThreadSanitizer did not stop the program at the race.
  std::fprintf(stderr, "racy_grpc_server: both calls returned\n");
  return 0;
}

}  // namespace
}  // namespace forkcheck

int main() { return forkcheck::Main(); }
