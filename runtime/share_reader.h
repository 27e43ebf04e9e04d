// What every worker of every model does once it has a channel: reads its
// share of the session's streams with the reference client, reports its
// phases as it goes, and reports a WorkerResult at the end.
#ifndef FORKCHECK_RUNTIME_SHARE_READER_H_
#define FORKCHECK_RUNTIME_SHARE_READER_H_

#include <sys/resource.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "forkcheck/worker.pb.h"
#include "framing/worker_reporter.h"
#include "google/cloud/bigquery/storage/v1/stream.pb.h"
#include "grpcpp/channel.h"
#include "runtime/model.h"

namespace forkcheck {

// Names of the streams worker `index` of `workers` reads: stream i goes to
// worker i % workers.
std::vector<std::string> StreamShare(
    const google::cloud::bigquery::storage::v1::ReadSession& session, int index,
    int workers);

struct ShareOptions {
  int index = 0;
  int workers = 1;
  // After this long without a connection the worker reports UNAVAILABLE.
  absl::Duration connect_timeout = absl::Seconds(5);
  // After its read (and its DONE phase), the worker makes this many
  // CreateReadSession calls of the session's table, each with this deadline,
  // and reports their durations (ModelContext::session_calls).
  int session_calls = 0;
  absl::Duration create_session_timeout = absl::Seconds(5);
  // RUSAGE_SELF for a worker process; RUSAGE_THREAD for a worker thread.
  int rusage_who = RUSAGE_SELF;
};

// Worker `index`'s options in `context` (for a worker process; thread
// workers set rusage_who to RUSAGE_THREAD).
ShareOptions ShareOptionsFor(const ModelContext& context, int index);

// In a worker that has sent PHASE_STARTED and whose `channel` now exists:
// sends CLIENT_CREATED, waits for the channel to connect (CONNECTED), reads
// its streams one at a time with ReferenceReader::ReadStreams(.., 1)
// (FIRST_ROW after the first stream that returned rows, but the result's
// first_row_micros is when that stream's first row arrived; a stream that
// fails ends the read), sends DONE, makes options.session_calls timed
// CreateReadSession calls if the read succeeded (the first that fails is the
// result's error), sends the result, and returns it.
v1::WorkerResult ReadShare(
    const std::shared_ptr<grpc::Channel>& channel,
    const google::cloud::bigquery::storage::v1::ReadSession& session,
    const ShareOptions& options, WorkerReporter& reporter);

// When the trial cannot start its workers (e.g. the session could not be
// created): reports `status` as the result of every worker, from the parent,
// which still holds every worker's pipe. Call before CloseWorkerFds.
// Returns the trial program's exit code for this case, 1.
int ReportSetupFailure(int workers, const absl::Status& status);

}  // namespace forkcheck

#endif  // FORKCHECK_RUNTIME_SHARE_READER_H_
