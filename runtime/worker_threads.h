// The thread plumbing of the thread models: workers are threads of the
// trial's one process, each reporting as worker i on pipe i.
#ifndef FORKCHECK_RUNTIME_WORKER_THREADS_H_
#define FORKCHECK_RUNTIME_WORKER_THREADS_H_

#include <functional>
#include <memory>

#include "forkcheck/worker_task.pb.h"
#include "grpcpp/channel.h"
#include "runtime/model.h"

namespace forkcheck {

// Stamps the workers' start (MarkWorkersStarting), then runs
// context.workers threads. Thread i opens WorkerReporter::ForThread(i),
// sends PHASE_STARTED, takes its channel from `channel_for(i)` (called on
// that thread) and carries out its share of `task` (RunWorkerTask, with
// RUSAGE_THREAD). Joins
// them all, reports how many TCP connections the process then holds to the
// server (ParentFacts; the channels live until then), and closes the
// workers' report fds. Returns the trial's exit
// code: 0, or 1 if a thread could not open its reporter.
int RunWorkerThreads(
    const ModelContext& context, const v1::WorkerTask& task,
    const std::function<std::shared_ptr<grpc::Channel>(int)>& channel_for);

}  // namespace forkcheck

#endif  // FORKCHECK_RUNTIME_WORKER_THREADS_H_
