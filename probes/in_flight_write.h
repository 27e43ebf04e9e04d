// An AppendRows call held open across a fork: the parent's own writes. The
// parent opens it on `{table}/streams/_default`, appends rows and reads
// their answers (the call is then idle), and, for a call in flight at the
// fork, sends more appends without reading their answers; after its
// workers it reads what is left, half-closes and finishes the call. The
// call runs on the CompletionQueue API so that every wait is bounded by the
// waiting thread, whatever gRPC does after a fork (as InFlightRead).
#ifndef FORKCHECK_PROBES_IN_FLIGHT_WRITE_H_
#define FORKCHECK_PROBES_IN_FLIGHT_WRITE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "client/append_builder.h"
#include "dataset/table_spec.h"
#include "grpcpp/channel.h"
#include "probes/completion_queue_wait.h"

namespace forkcheck {

struct InFlightWriteAccount {
  // How the call ended: OK when every append sent was acknowledged and the
  // call finished OK; an answer's error or row errors, the call's status,
  // or DEADLINE_EXCEEDED if it did not end in time and was cancelled;
  // UNKNOWN while it has not ended.
  absl::Status status = absl::UnknownError("the call has not ended");
  int64_t appends_sent = 0;
  int64_t appends_answered = 0;
  int64_t rows_sent = 0;
  int64_t rows_acknowledged = 0;
};

class InFlightWrite {
 public:
  // Rows per append: small, so that the parent's writes cost little.
  static constexpr int kRowsPerAppend = 100;

  // Opens AppendRows on `table`'s _default stream on `channel`, sends
  // `answered` appends of RowGenerator's rows of `spec` (from row 0) and
  // reads their answers; each step bounded by `timeout`. `spec` must
  // outlive the call; `answered` + later SendUnanswered appends may not
  // exceed `max_appends`.
  static absl::StatusOr<std::unique_ptr<InFlightWrite>> Start(
      const std::shared_ptr<grpc::Channel>& channel, const std::string& table,
      const TableSpec& spec, int answered, int max_appends,
      absl::Duration timeout);

  // Cancels the call if it is still open and releases it; a call gRPC does
  // not complete within a second is leaked rather than destroyed.
  ~InFlightWrite();
  InFlightWrite(const InFlightWrite&) = delete;
  InFlightWrite& operator=(const InFlightWrite&) = delete;

  // Sends `appends` more appends and does not read their answers: they are
  // in flight until Finish. Each send bounded by `timeout`.
  absl::Status SendUnanswered(int appends, absl::Duration timeout);

  // Reads the answers still owed, half-closes and finishes the call,
  // waiting at most `timeout` in all; then cancels it (and waits
  // kAsyncGrace, unary_probe.h, for that). Once the call has ended,
  // returns the same account again.
  InFlightWriteAccount Finish(absl::Duration timeout);

 private:
  struct Call;
  using Step = AwaitedOp;

  InFlightWrite(const TableSpec& spec, std::string stream, int max_appends);

  // One operation of the call, as InFlightRead::Await.
  Step Await(const std::function<void(void*)>& issue, absl::Time deadline,
             bool* cancelled);
  // Sends one append; false (with the reason in account_.status) if not.
  bool SendAppend(absl::Time deadline, bool* cancelled);
  // Reads one answer and counts it; false (the reason in account_.status)
  // if none came or it was an error.
  bool ReadAnswer(absl::Time deadline, bool* cancelled);

  AppendBuilder builder_;
  const std::string stream_;
  std::unique_ptr<Call> call_;  // null once abandoned (leaked)
  bool ended_ = false;
  InFlightWriteAccount account_;
};

}  // namespace forkcheck

#endif  // FORKCHECK_PROBES_IN_FLIGHT_WRITE_H_
