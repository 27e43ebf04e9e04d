// What a writing worker of every model does once it has a channel (the
// write workload, TrialRequest.workload "write"): writes its share of the
// rows through a COMMITTED write stream of its own with the reference
// writer, reports its phases as it goes, and reports a WorkerResult at the
// end (the steps every worker shares: worker_report.h).
#ifndef FORKCHECK_RUNTIME_SHARE_WRITER_H_
#define FORKCHECK_RUNTIME_SHARE_WRITER_H_

#include <cstdint>
#include <memory>

#include "forkcheck/worker.pb.h"
#include "forkcheck/worker_task.pb.h"
#include "framing/worker_reporter.h"
#include "grpcpp/channel.h"
#include "runtime/worker_report.h"

namespace forkcheck {

// Rows [begin, end) of `rows` that worker `index` of `workers` writes:
// [index * rows / workers, (index + 1) * rows / workers).
struct RowShare {
  int64_t begin = 0;
  int64_t end = 0;
};
RowShare WriteShareOf(int64_t rows, int index, int workers);

// In a worker that has sent PHASE_STARTED and whose `channel` now exists:
// sends CLIENT_CREATED, waits for the channel to connect (CONNECTED),
// writes its RowShare of task.rows_of's generated rows to task.table
// through a COMMITTED stream it creates (ReferenceWriter: appends of at most
// 500 rows with offsets, resumed from the last acknowledged one), sends
// FIRST_ROW when its first append is acknowledged, then DONE, and sends the
// result: rows_received the rows acknowledged, `seen` their row ids,
// `bytes` their serialized size, one StreamOutcome for its write stream,
// its status the first error no retry mended, `appends` the requests sent
// and `append_latency_ns` each acknowledged one's latency. Returns the
// result.
v1::WorkerResult WriteShare(const std::shared_ptr<grpc::Channel>& channel,
                            const v1::WriteTask& task,
                            const ShareOptions& options,
                            WorkerReporter& reporter);

}  // namespace forkcheck

#endif  // FORKCHECK_RUNTIME_SHARE_WRITER_H_
