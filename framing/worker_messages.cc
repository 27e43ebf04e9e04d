#include "framing/worker_messages.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "framing/framed_fd.h"

namespace forkcheck {

absl::Status WriteMessageFrame(int fd,
                               const google::protobuf::MessageLite& message) {
  absl::StatusOr<std::string> payload =
      SerializeWithin(message, kMaxMessageFrameBytes);
  if (!payload.ok()) return payload.status();
  return WriteFramed(fd, *payload, absl::InfiniteDuration());
}

absl::Status WorkerMessageReader::ReadAvailable(
    std::vector<v1::WorkerMessage>* out) {
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

void WorkerMessageReader::Consume(const char* data, size_t size,
                                  std::vector<v1::WorkerMessage>* out) {
  decoder_.Consume(
      absl::string_view(data, size),
      [out](absl::string_view payload, uint64_t index) -> std::string {
        v1::WorkerMessage message;
        if (!message.ParseFromArray(payload.data(),
                                    static_cast<int>(payload.size()))) {
          return absl::StrCat("frame ", index, " (", payload.size(),
                              " bytes) is not a WorkerMessage");
        }
        if (message.format_version() != kWorkerFormatVersion) {
          return absl::StrCat("frame ", index, " has format_version ",
                              message.format_version(), "; expected ",
                              kWorkerFormatVersion);
        }
        if (message.body_case() == v1::WorkerMessage::BODY_NOT_SET) {
          return absl::StrCat("frame ", index, " has no body");
        }
        out->push_back(std::move(message));
        return "";
      });
}

void WorkerMessageReader::Finish() {
  eof_ = true;
  decoder_.Finish();
}

}  // namespace forkcheck
