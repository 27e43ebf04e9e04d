// Frames (frame.h) written to and read from one fd, blocking, each call
// bounded in time and size: a peer that dies, stalls or sends garbage costs
// at most the timeout. Used between the processes of one trial (the spawn
// model's session pipe, the forkserver's control socket, the testee request
// on stdin) and by the reporters (worker_messages.h).
#ifndef FORKCHECK_FRAMING_FRAMED_FD_H_
#define FORKCHECK_FRAMING_FRAMED_FD_H_

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace forkcheck {

// The largest payload either side accepts. A serialized session is a few
// KiB per stream; anything near this is wrong.
inline constexpr size_t kMaxFramedBytes = size_t{16} << 20;

// Writes one frame of `payload` to `fd` (a pipe or stream socket, blocking
// or not), waiting for room at most `timeout` in all. DEADLINE_EXCEEDED if
// the peer does not take it in time (absl::InfiniteDuration() waits as long
// as it takes: for reporters, whose process the supervisor kills);
// INVALID_ARGUMENT if `payload` exceeds kMaxFramedBytes; UNAVAILABLE if the
// write fails (EPIPE once the reader is gone, with SIGPIPE ignored).
absl::Status WriteFramed(int fd, absl::string_view payload,
                         absl::Duration timeout);

// Waits at most `timeout` for `fd` to become readable (or hung up: the next
// read says which). DEADLINE_EXCEEDED after `timeout`.
absl::Status WaitReadable(int fd, absl::Duration timeout);

// Reads one frame from `fd` within `timeout`. UNAVAILABLE if the input ends
// before the frame's first byte (the peer closed or died between frames);
// DATA_LOSS if it ends inside a frame; DEADLINE_EXCEEDED after `timeout`;
// OUT_OF_RANGE if the length exceeds `max_bytes`.
absl::StatusOr<std::string> ReadFramed(int fd, absl::Duration timeout,
                                       size_t max_bytes = kMaxFramedBytes);

}  // namespace forkcheck

#endif  // FORKCHECK_FRAMING_FRAMED_FD_H_
