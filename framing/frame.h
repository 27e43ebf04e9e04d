// The one wire format between the processes of a trial and the harness: a
// frame is a 4-byte little-endian length, then that many bytes. It carries
// the report pipes' WorkerMessages (worker_messages.h), the testee request
// on a trial's stdin, the spawn model's session hand-off and the
// forkserver's control socket (framed_fd.h). The Python testee speaks the
// same format (testees/python_grpcio/reporting.py).
#ifndef FORKCHECK_FRAMING_FRAME_H_
#define FORKCHECK_FRAMING_FRAME_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message_lite.h"

namespace forkcheck {

inline constexpr size_t kFrameHeaderBytes = 4;

// `payload` as one frame. INVALID_ARGUMENT if it exceeds `max_bytes`.
absl::StatusOr<std::string> EncodeFrame(absl::string_view payload,
                                        size_t max_bytes);
// `message`'s bytes. INVALID_ARGUMENT if they would exceed `max_bytes` or
// it does not serialize.
absl::StatusOr<std::string> SerializeWithin(
    const google::protobuf::MessageLite& message, size_t max_bytes);
// `message` serialized as one frame, within `max_bytes` as above.
absl::StatusOr<std::string> EncodeFrame(
    const google::protobuf::MessageLite& message, size_t max_bytes);

// The payload length a frame's first kFrameHeaderBytes bytes declare.
uint32_t DecodeFrameLength(const char* header);

// Cuts a byte stream into frames as the bytes come, in any pieces. After a
// frame declares more than `max_bytes`, or the caller rejects a payload, it
// stops (nothing after it can be trusted) and ignores further input.
class FrameDecoder {
 public:
  // Called once per whole frame; returns an error message to stop, or "".
  using OnPayload = absl::FunctionRef<std::string(absl::string_view payload,
                                                  uint64_t frame_index)>;

  explicit FrameDecoder(size_t max_bytes) : max_bytes_(max_bytes) {}

  void Consume(absl::string_view bytes, OnPayload on_payload);
  // End of input: the bytes of an unfinished frame become an error.
  void Finish();

  // Empty unless the stream broke the format (or a payload was rejected);
  // then says how.
  const std::string& error() const { return error_; }
  // Whether that error is only that the input ended inside a frame.
  bool ends_inside_frame() const { return ends_inside_frame_; }

 private:
  void Fail(std::string error);

  size_t max_bytes_;
  std::string pending_;       // bytes of the frames being received
  uint64_t frame_index_ = 0;  // of the next frame, for messages
  std::string error_;
  bool ends_inside_frame_ = false;
};

}  // namespace forkcheck

#endif  // FORKCHECK_FRAMING_FRAME_H_
