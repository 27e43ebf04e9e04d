#include "framing/framed_fd.h"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "framing/frame.h"

namespace forkcheck {
namespace {

using Clock = std::chrono::steady_clock;

// Written per call after poll() says there is room: a pipe that polls
// writable has at least a page free, so a blocking fd does not block.
constexpr size_t kWriteChunk = 4096;

// No deadline: poll() waits as long as it takes.
constexpr Clock::time_point kNoDeadline = Clock::time_point::max();

Clock::time_point DeadlineAfter(absl::Duration timeout) {
  if (timeout == absl::InfiniteDuration()) return kNoDeadline;
  return Clock::now() + absl::ToChronoMilliseconds(timeout);
}

// Milliseconds until `deadline`, at least 0, rounded up; -1 for none.
int MillisLeft(Clock::time_point deadline) {
  if (deadline == kNoDeadline) return -1;
  const auto left = deadline - Clock::now();
  if (left <= Clock::duration::zero()) return 0;
  return static_cast<int>(
      std::chrono::duration_cast<std::chrono::milliseconds>(left).count() + 1);
}

// Waits for `events` on `fd` until `deadline`. OK when ready (or hung up:
// the caller's read or write then says what happened).
absl::Status WaitFor(int fd, short events, Clock::time_point deadline,
                     absl::string_view what) {
  while (true) {
    const int millis = MillisLeft(deadline);
    pollfd p{fd, events, 0};
    const int ready = poll(&p, 1, millis);
    if (ready > 0) return absl::OkStatus();
    if (ready < 0 && errno != EINTR) {
      return absl::UnavailableError(
          absl::StrCat("poll on fd ", fd, ": ", std::strerror(errno)));
    }
    if (ready == 0 && millis == 0) {
      return absl::DeadlineExceededError(
          absl::StrCat("timed out ", what, " fd ", fd));
    }
  }
}

absl::Status WriteAll(int fd, absl::string_view bytes,
                      Clock::time_point deadline) {
  size_t done = 0;
  while (done < bytes.size()) {
    if (absl::Status ready = WaitFor(fd, POLLOUT, deadline, "writing to");
        !ready.ok()) {
      return ready;
    }
    const size_t chunk = std::min(kWriteChunk, bytes.size() - done);
    const ssize_t n = write(fd, bytes.data() + done, chunk);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) {
      return absl::UnavailableError(
          absl::StrCat("writing to fd ", fd, ": ",
                       n < 0 ? std::strerror(errno) : "no progress"));
    }
    done += static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

// Reads exactly `size` bytes into `out`. `started`: whether bytes of this
// frame came before (then EOF is DATA_LOSS, else UNAVAILABLE).
absl::Status ReadExactly(int fd, size_t size, Clock::time_point deadline,
                         bool started, std::string* out) {
  out->clear();
  char buffer[65536];
  while (out->size() < size) {
    if (absl::Status ready = WaitFor(fd, POLLIN, deadline, "reading from");
        !ready.ok()) {
      return ready;
    }
    const size_t want = std::min(sizeof(buffer), size - out->size());
    const ssize_t n = read(fd, buffer, want);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n < 0) {
      return absl::UnavailableError(
          absl::StrCat("reading from fd ", fd, ": ", std::strerror(errno)));
    }
    if (n == 0) {
      if (!started && out->empty()) {
        return absl::UnavailableError(
            absl::StrCat("fd ", fd, " closed between frames"));
      }
      return absl::DataLossError(
          absl::StrCat("fd ", fd, " closed inside a frame (", out->size(),
                       " of ", size, " bytes)"));
    }
    out->append(buffer, static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status WriteFramed(int fd, absl::string_view payload,
                         absl::Duration timeout) {
  const Clock::time_point deadline = DeadlineAfter(timeout);
  absl::StatusOr<std::string> frame = EncodeFrame(payload, kMaxFramedBytes);
  if (!frame.ok()) return frame.status();
  return WriteAll(fd, *frame, deadline);
}

absl::Status WaitReadable(int fd, absl::Duration timeout) {
  return WaitFor(fd, POLLIN, DeadlineAfter(timeout), "waiting for input on");
}

absl::StatusOr<std::string> ReadFramed(int fd, absl::Duration timeout,
                                       size_t max_bytes) {
  const Clock::time_point deadline = DeadlineAfter(timeout);
  std::string header;
  if (absl::Status read =
          ReadExactly(fd, kFrameHeaderBytes, deadline, false, &header);
      !read.ok()) {
    return read;
  }
  const uint32_t size = DecodeFrameLength(header.data());
  if (size > max_bytes) {
    return absl::OutOfRangeError(absl::StrCat("a frame on fd ", fd, " says ",
                                              size, " bytes; at most ",
                                              max_bytes, " expected"));
  }
  std::string payload;
  if (absl::Status read = ReadExactly(fd, size, deadline, true, &payload);
      !read.ok()) {
    return read;
  }
  return payload;
}

}  // namespace forkcheck
