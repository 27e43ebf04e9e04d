// A ReadRows call held open across a fork: the parent starts it (on a
// one-stream session of its own, so it overlaps no worker's share) and reads
// its first response; afterwards the parent, or a child that inherited it,
// reads the rest. The call runs on the CompletionQueue API so that every
// wait is bounded by the waiting thread, whatever gRPC does after a fork.
#ifndef FORKCHECK_PROBES_IN_FLIGHT_READ_H_
#define FORKCHECK_PROBES_IN_FLIGHT_READ_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "client/avro_row_decoder.h"
#include "grpcpp/channel.h"
#include "probes/completion_queue_wait.h"

namespace forkcheck {

// What the call came to, from its first response on.
struct InFlightAccount {
  // How the call ended: its gRPC status; DEADLINE_EXCEEDED if it did not
  // end in time and was cancelled; DATA_LOSS if it ended OK short of the
  // stream's rows; UNKNOWN while it has not ended.
  absl::Status status = absl::UnknownError("the call has not ended");
  int64_t responses = 0;
  int64_t rows = 0;  // the responses' row_count, summed
  // Rows whose row_id was not their offset in the stream (the one stream
  // holds the whole table in order, so row k must have row_id k).
  int64_t misplaced_rows = 0;
  int64_t corrupt_responses = 0;  // responses whose rows did not decode

  bool wrong_data() const {
    return misplaced_rows > 0 || corrupt_responses > 0;
  }
};

class InFlightRead {
 public:
  // Creates a one-stream session of `table` on `channel` (blocking call),
  // starts ReadRows on its stream and reads the first response; each step
  // bounded by `timeout`. `table` must be in the default catalogue (rows are
  // checked against its row count).
  static absl::StatusOr<std::unique_ptr<InFlightRead>> Start(
      const std::shared_ptr<grpc::Channel>& channel, const std::string& table,
      absl::Duration timeout);

  // Cancels the call if it is still open and releases it; a call gRPC does
  // not complete within a second is leaked rather than destroyed.
  ~InFlightRead();
  InFlightRead(const InFlightRead&) = delete;
  InFlightRead& operator=(const InFlightRead&) = delete;

  // Reads the rest of the call and its status, waiting at most `timeout`;
  // then cancels it (and waits kAsyncGrace, unary_probe.h, for that).
  // Returns the account; once the call has ended, again the same account.
  InFlightAccount ReadToEnd(absl::Duration timeout);

  const std::string& stream() const { return stream_; }

 private:
  struct Call;

  InFlightRead(std::string stream, int64_t expected_rows,
               AvroRowDecoder decoder);

  using Step = AwaitedOp;

  // Issues one operation on the call (`issue` gets its tag) and waits for
  // it until `deadline`; if that passes, cancels the call (sets *cancelled)
  // and waits kAsyncGrace more. kAbandoned: it still did not complete, and
  // the call has been leaked (call_ is null).
  Step Await(const std::function<void(void*)>& issue, absl::Time deadline,
             bool* cancelled);

  void CountResponse();  // the response just read into call_
  // The account's status once the call ended with call_->status.
  absl::Status EndStatus(bool cancelled, absl::Duration timeout) const;

  const std::string stream_;
  const int64_t expected_rows_;
  const AvroRowDecoder decoder_;
  std::unique_ptr<Call> call_;  // null once abandoned (leaked)
  bool ended_ = false;
  InFlightAccount account_;
};

}  // namespace forkcheck

#endif  // FORKCHECK_PROBES_IN_FLIGHT_READ_H_
