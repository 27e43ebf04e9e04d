// Length-prefixed protobuf frames on the pipes between a trial and the
// supervisor: a 4-byte little-endian length, then that many bytes of a
// serialized v1::WorkerMessage (see protos/forkcheck/worker.proto).
#ifndef FORKCHECK_SUPERVISOR_FRAME_IO_H_
#define FORKCHECK_SUPERVISOR_FRAME_IO_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "forkcheck/worker.pb.h"
#include "google/protobuf/message_lite.h"

namespace forkcheck {

inline constexpr uint32_t kWorkerFormatVersion = 1;
inline constexpr size_t kMaxFrameBytes = size_t{1} << 20;  // payload limit

// `message` as one frame: its 4-byte little-endian length, then its bytes.
// INVALID_ARGUMENT if it exceeds kMaxFrameBytes or does not serialize.
absl::StatusOr<std::string> EncodeFrame(
    const google::protobuf::MessageLite& message);

// Writes one whole frame to `fd`, retrying partial writes and EINTR. Blocks
// while the pipe is full. An error if the message exceeds kMaxFrameBytes or
// the write fails (e.g. EPIPE once the reader is gone, with SIGPIPE ignored).
absl::Status WriteFrame(int fd, const google::protobuf::MessageLite& message);

// Parses the frames arriving on one non-blocking fd, as bytes come. After a
// protocol error it stops parsing (nothing after it can be trusted) but
// keeps draining the fd so the writer never blocks on a full pipe.
class FrameReader {
 public:
  explicit FrameReader(int fd) : fd_(fd) {}

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
  const std::string& protocol_error() const { return protocol_error_; }
  // Whether that error is only that the input ended inside a frame.
  bool ends_inside_frame() const { return ends_inside_frame_; }

 private:
  void Fail(std::string error);

  int fd_;
  bool eof_ = false;
  bool ends_inside_frame_ = false;
  std::string protocol_error_;
  std::string pending_;       // bytes of the frame being received
  uint64_t frame_index_ = 0;  // of the next frame, for messages
};

}  // namespace forkcheck

#endif  // FORKCHECK_SUPERVISOR_FRAME_IO_H_
