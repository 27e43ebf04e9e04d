// A process model: one way of arranging read clients over threads and
// processes (who creates the channel, the session, when to fork). The trial
// program (models/trial_main.cc) runs one model under the supervisor; each
// model reports through the pipe protocol of framing/worker_reporter.h.
#ifndef FORKCHECK_RUNTIME_MODEL_H_
#define FORKCHECK_RUNTIME_MODEL_H_

#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "framing/worker_reporter.h"
#include "probes/fork_hooks.h"

namespace forkcheck {

// What the workers do (TrialRequest.workload).
enum class Workload { kRead, kWrite };

// What a model runs against; set up by the trial program.
struct ModelContext {
  std::string target;  // the server's address, e.g. "127.0.0.1:4711"
  // Full name: "projects/p/datasets/d/tables/t"; for kWrite the trial's
  // own writable table ("projects/p/datasets/writable/tables/t").
  std::string table;
  Workload workload = Workload::kRead;
  // kWrite: worker i of `workers` writes rows [i * N / W, (i + 1) * N / W),
  // N = write_rows, of the catalogue table `write_rows_of` (its full name:
  // the one the writable table's last part names) to `table`.
  int64_t write_rows = 0;
  std::string write_rows_of;
  // kWrite: where the parent's own writes and its check go, never `table`,
  // and the catalogue table (full name) whose rows the parent writes.
  std::string parent_write_table;
  std::string parent_write_rows_of;
  int workers = 1;  // == parent->workers()
  int streams = 1;  // max_stream_count asked of the session
  // How long a worker waits for its channel to connect before it reports
  // UNAVAILABLE, and each session creation's deadline.
  absl::Duration connect_timeout = absl::Seconds(5);
  absl::Duration create_session_timeout = absl::Seconds(5);
  // The deadline of the parent's check of its own client.
  absl::Duration parent_check_timeout = absl::Seconds(2);
  // How long the parent waits for its workers before it checks its own
  // client anyway (ReapWorkersThen): a hung worker must not keep it from
  // using the client, as the parent of a real pool goes on using it.
  absl::Duration worker_patience = absl::Seconds(1);
  // CreateReadSession calls each worker makes on its own channel once it has
  // read its share, each timed (WorkerResult.create_session_latency_ns), so
  // that every model's session latency can be measured where its clients
  // live: in a forked child, a spawned process, a thread. 0: none.
  int session_calls = 0;
  ParentReporter* parent = nullptr;  // not owned; never null in Run

  // Axes (see matrix/README.md). How every fork of the trial is made.
  ForkHooks fork_hooks = ForkHooks::kNone;
  // Whether channels that workers create for themselves get a subchannel
  // pool of their own instead of gRPC's global one.
  bool child_local_subchannel_pool = false;
  // Whether another parent thread is inside a gRPC call on the parent's
  // channel when the parent forks (only models that say
  // supports_busy_parent_thread()).
  bool busy_parent_thread = false;
};

class Model {
 public:
  virtual ~Model() = default;

  // The model's name with its variant, e.g.
  // "channel_per_thread(subchannel_pool=local)".
  virtual std::string name() const = 0;

  // Whether the parent checks its own client after the workers ran (sends a
  // ParentCheck), for ClassifyTrial's `expects_parent_check`.
  virtual bool has_parent_check() const = 0;

  // Whether the parent holds a used channel when it forks, so that another
  // of its threads can be inside a call on it (ModelContext's
  // busy_parent_thread).
  virtual bool supports_busy_parent_thread() const { return false; }

  // Whether the model runs Workload::kWrite (every model reads).
  virtual bool supports_write() const { return false; }

  // Runs the whole trial in this (the trial's parent) process; returns the
  // trial program's exit code. Worker i reads streams i, i + N, i + 2N, ...
  // of the session (see share_reader.h), or writes its share of the rows
  // (share_writer.h).
  virtual int Run(const ModelContext& context) = 0;
};

}  // namespace forkcheck

#endif  // FORKCHECK_RUNTIME_MODEL_H_
