#include "supervisor/frame_io.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"

namespace forkcheck {
namespace {

constexpr size_t kLengthBytes = 4;

uint32_t DecodeLength(const char* bytes) {
  const auto* b = reinterpret_cast<const unsigned char*>(bytes);
  return uint32_t{b[0]} | uint32_t{b[1]} << 8 | uint32_t{b[2]} << 16 |
         uint32_t{b[3]} << 24;
}

}  // namespace

absl::StatusOr<std::string> EncodeFrame(
    const google::protobuf::MessageLite& message) {
  const size_t size = message.ByteSizeLong();
  if (size > kMaxFrameBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "frame of ", size, " bytes exceeds the limit of ", kMaxFrameBytes));
  }
  std::string frame(kLengthBytes, '\0');
  for (size_t i = 0; i < kLengthBytes; ++i) {
    frame[i] = static_cast<char>((size >> (8 * i)) & 0xff);
  }
  if (!message.AppendToString(&frame)) {
    return absl::InvalidArgumentError("message does not serialize");
  }
  return frame;
}

absl::Status WriteFrame(int fd, const google::protobuf::MessageLite& message) {
  absl::StatusOr<std::string> encoded = EncodeFrame(message);
  if (!encoded.ok()) return encoded.status();
  const std::string& frame = *encoded;
  size_t written = 0;
  while (written < frame.size()) {
    ssize_t n = write(fd, frame.data() + written, frame.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return absl::UnavailableError(
          absl::StrCat("write to fd ", fd, " after ", written, " of ",
                       frame.size(), " bytes: ", std::strerror(errno)));
    }
    written += static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

absl::Status FrameReader::ReadAvailable(std::vector<v1::WorkerMessage>* out) {
  char chunk[64 * 1024];
  while (!eof_) {
    ssize_t n = read(fd_, chunk, sizeof(chunk));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (n < 0) {
      const int error = errno;
      Finish();
      return absl::InternalError(
          absl::StrCat("read fd ", fd_, ": ", std::strerror(error)));
    }
    if (n == 0) {
      Finish();
      break;
    }
    Consume(chunk, static_cast<size_t>(n), out);
  }
  return absl::OkStatus();
}

void FrameReader::Consume(const char* data, size_t size,
                          std::vector<v1::WorkerMessage>* out) {
  if (!protocol_error_.empty()) return;  // draining only
  pending_.append(data, size);
  size_t offset = 0;
  while (pending_.size() - offset >= kLengthBytes) {
    const uint32_t length = DecodeLength(pending_.data() + offset);
    if (length > kMaxFrameBytes) {
      Fail(absl::StrCat("frame ", frame_index_, " declares ", length,
                        " bytes; the limit is ", kMaxFrameBytes));
      return;
    }
    if (pending_.size() - offset - kLengthBytes < length) break;
    v1::WorkerMessage message;
    if (!message.ParseFromArray(pending_.data() + offset + kLengthBytes,
                                static_cast<int>(length))) {
      Fail(absl::StrCat("frame ", frame_index_, " (", length,
                        " bytes) is not a WorkerMessage"));
      return;
    }
    if (message.format_version() != kWorkerFormatVersion) {
      Fail(absl::StrCat("frame ", frame_index_, " has format_version ",
                        message.format_version(), "; expected ",
                        kWorkerFormatVersion));
      return;
    }
    if (message.body_case() == v1::WorkerMessage::BODY_NOT_SET) {
      Fail(absl::StrCat("frame ", frame_index_, " has no body"));
      return;
    }
    out->push_back(std::move(message));
    offset += kLengthBytes + length;
    ++frame_index_;
  }
  pending_.erase(0, offset);
}

void FrameReader::Finish() {
  eof_ = true;
  if (protocol_error_.empty() && !pending_.empty()) {
    ends_inside_frame_ = true;
    Fail(absl::StrCat("input ends inside frame ", frame_index_, " (",
                      pending_.size(), " bytes of it)"));
  }
}

void FrameReader::Fail(std::string error) {
  protocol_error_ = std::move(error);
  pending_.clear();
}

}  // namespace forkcheck
