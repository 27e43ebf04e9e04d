// What each thread of the ceiling (process_models_benchmark's
// BM_BareReadLoop) reads, and over which span its steady rate is taken:
// planned from the trial request a model's trial gets, so that a thread
// reads exactly what a trial's worker reads and is timed as a worker is.
//
// A trial's workers share a session of request.max_streams() streams (two
// per worker, matrix/trial_spec.h) and each reads its share one stream
// after another, each to its end (runtime/share_reader.h), so a stream
// holds 1/(2N) of the table. A ceiling that reads the table in other pieces
// measures another quantity: how a read is cut changes its rate, and
// measured on 2 cores many short calls drained faster than two long
// streams (bench/README.md, "The ceiling measured as a trial's worker").
#ifndef FORKCHECK_BENCH_BARE_LOOP_PLAN_H_
#define FORKCHECK_BENCH_BARE_LOOP_PLAN_H_

#include <chrono>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "bench/read_rows_drain.h"
#include "bench/steady_rate.h"
#include "forkcheck/testee.pb.h"

namespace forkcheck {

// The streams each of the request's workers reads, in reading order: the
// session's streams assigned as the request assigns them (round robin:
// thread i reads streams i, i + W, i + 2W, ... of W workers). Thread i's
// share is what the trial's worker i reads. INVALID_ARGUMENT for no
// workers, an assignment other than round robin, or a session with more
// streams than the request asks for (its streams would be shorter than a
// trial's).
absl::StatusOr<std::vector<std::vector<std::string>>> ThreadShares(
    const v1::TrialRequest& request,
    const std::vector<std::string>& session_streams);

// One thread's read as a span of the steady rate, defined as a trial
// worker's (bench/trial_metrics.h): from the first response of its first
// call that had one to `done`, the end of its last call, in microseconds
// since `start`, with the payload bytes of all its calls. A thread that got
// no response has an empty span at `done`.
ReadSpan ThreadSpan(std::chrono::steady_clock::time_point start,
                    const std::vector<DrainResult>& calls,
                    std::chrono::steady_clock::time_point done);

}  // namespace forkcheck

#endif  // FORKCHECK_BENCH_BARE_LOOP_PLAN_H_
