#include "runtime/worker_threads.h"

#include <sys/resource.h>

#include <atomic>
#include <cstdio>
#include <thread>
#include <vector>

#include "framing/worker_reporter.h"
#include "probes/connection_count.h"
#include "runtime/worker_task.h"

namespace forkcheck {

int RunWorkerThreads(
    const ModelContext& context, const v1::WorkerTask& task,
    const std::function<std::shared_ptr<grpc::Channel>(int)>& channel_for) {
  std::atomic<bool> failed{false};
  // Kept until every thread is done, so the connections they used can be
  // counted before the channels go.
  std::vector<std::shared_ptr<grpc::Channel>> channels(context.workers);
  std::vector<std::thread> threads;
  context.parent->MarkWorkersStarting();
  for (int i = 0; i < context.workers; ++i) {
    threads.emplace_back([&, i] {
      absl::StatusOr<WorkerReporter> reporter = WorkerReporter::ForThread(i);
      if (!reporter.ok()) {
        std::fprintf(stderr, "worker thread %d: %s\n", i,
                     reporter.status().ToString().c_str());
        failed = true;
        return;
      }
      reporter->Phase(v1::PHASE_STARTED);
      std::shared_ptr<grpc::Channel> channel = channel_for(i);
      channels[i] = channel;
      ShareOptions options = ShareOptionsFor(context, i);
      options.rusage_who = RUSAGE_THREAD;
      RunWorkerTask(channel, task, options, *reporter);
    });
  }
  for (std::thread& thread : threads) thread.join();
  context.parent->ParentFacts(
      CountTcpConnectionsTo(context.target).value_or(-1));
  context.parent->CloseWorkerFds();
  return failed ? 1 : 0;
}

}  // namespace forkcheck
