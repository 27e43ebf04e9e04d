// The report pipes' messages: each is one frame (frame.h) of a serialized
// v1::WorkerMessage (protos/forkcheck/worker.proto). Processes of a trial
// write them (worker_reporter.h); the supervisor reads them, as they come,
// from every pipe at once (WorkerMessageReader).
#ifndef FORKCHECK_FRAMING_WORKER_MESSAGES_H_
#define FORKCHECK_FRAMING_WORKER_MESSAGES_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "forkcheck/worker.pb.h"
#include "framing/frame.h"
#include "google/protobuf/message_lite.h"

namespace forkcheck {

inline constexpr uint32_t kWorkerFormatVersion = 1;
// The largest message a report pipe carries (and a testee request).
inline constexpr size_t kMaxMessageFrameBytes = size_t{1} << 20;

// Writes `message` as one frame to `fd`, blocking while the pipe is full (a
// trial's process; the supervisor bounds it by killing the trial). An
// error if the message exceeds kMaxMessageFrameBytes or the write fails
// (e.g. EPIPE once the reader is gone, with SIGPIPE ignored).
absl::Status WriteMessageFrame(int fd,
                               const google::protobuf::MessageLite& message);

// Reads the WorkerMessages arriving on one non-blocking fd, as bytes come.
// After a protocol error it stops parsing (nothing after it can be trusted)
// but keeps draining the fd so the writer never blocks on a full pipe.
class WorkerMessageReader {
 public:
  explicit WorkerMessageReader(int fd)
      : fd_(fd), decoder_(kMaxMessageFrameBytes) {}

  // Reads what is available now without blocking; call when poll() reports
  // the fd readable or hung up. Parsed messages are appended to `out`. An
  // error only for a failing read(), which also counts as end of input.
  absl::Status ReadAvailable(std::vector<v1::WorkerMessage>* out);

  // Parses bytes as if read from the fd (for tests and ReadAvailable).
  void Consume(const char* data, size_t size,
               std::vector<v1::WorkerMessage>* out);
  // End of input: bytes of an unfinished frame become a protocol error.
  void Finish();

  int fd() const { return fd_; }
  bool eof() const { return eof_; }
  // Empty unless the input broke the protocol; then says how.
  const std::string& protocol_error() const { return decoder_.error(); }
  // Whether that error is only that the input ended inside a frame.
  bool ends_inside_frame() const { return decoder_.ends_inside_frame(); }

 private:
  int fd_;
  bool eof_ = false;
  FrameDecoder decoder_;
};

}  // namespace forkcheck

#endif  // FORKCHECK_FRAMING_WORKER_MESSAGES_H_
