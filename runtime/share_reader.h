// What a reading worker of every model does once it has a channel: reads
// its share of the session's streams with the reference client, reports its
// phases as it goes, and reports a WorkerResult at the end (the steps every
// worker shares: worker_report.h).
#ifndef FORKCHECK_RUNTIME_SHARE_READER_H_
#define FORKCHECK_RUNTIME_SHARE_READER_H_

#include <memory>
#include <string>
#include <vector>

#include "forkcheck/worker.pb.h"
#include "framing/worker_reporter.h"
#include "google/cloud/bigquery/storage/v1/stream.pb.h"
#include "grpcpp/channel.h"
#include "runtime/worker_report.h"

namespace forkcheck {

// Names of the streams worker `index` of `workers` reads: stream i goes to
// worker i % workers.
std::vector<std::string> StreamShare(
    const google::cloud::bigquery::storage::v1::ReadSession& session, int index,
    int workers);

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

}  // namespace forkcheck

#endif  // FORKCHECK_RUNTIME_SHARE_READER_H_
