#include "framing/frame.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace forkcheck {
namespace {

void AppendHeader(size_t size, std::string* out) {
  for (size_t i = 0; i < kFrameHeaderBytes; ++i) {
    out->push_back(static_cast<char>((size >> (8 * i)) & 0xff));
  }
}

}  // namespace

absl::StatusOr<std::string> EncodeFrame(absl::string_view payload,
                                        size_t max_bytes) {
  if (payload.size() > max_bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("a frame of ", payload.size(),
                     " bytes exceeds the limit of ", max_bytes));
  }
  std::string frame;
  frame.reserve(kFrameHeaderBytes + payload.size());
  AppendHeader(payload.size(), &frame);
  frame.append(payload.data(), payload.size());
  return frame;
}

absl::StatusOr<std::string> SerializeWithin(
    const google::protobuf::MessageLite& message, size_t max_bytes) {
  const size_t size = message.ByteSizeLong();
  if (size > max_bytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "a message of ", size, " bytes exceeds the limit of ", max_bytes));
  }
  std::string bytes;
  if (!message.SerializeToString(&bytes)) {
    return absl::InvalidArgumentError("message does not serialize");
  }
  return bytes;
}

absl::StatusOr<std::string> EncodeFrame(
    const google::protobuf::MessageLite& message, size_t max_bytes) {
  absl::StatusOr<std::string> payload = SerializeWithin(message, max_bytes);
  if (!payload.ok()) return payload.status();
  return EncodeFrame(*payload, max_bytes);
}

uint32_t DecodeFrameLength(const char* header) {
  const auto* b = reinterpret_cast<const unsigned char*>(header);
  return uint32_t{b[0]} | uint32_t{b[1]} << 8 | uint32_t{b[2]} << 16 |
         uint32_t{b[3]} << 24;
}

void FrameDecoder::Consume(absl::string_view bytes, OnPayload on_payload) {
  if (!error_.empty()) return;  // draining only
  pending_.append(bytes.data(), bytes.size());
  size_t offset = 0;
  while (pending_.size() - offset >= kFrameHeaderBytes) {
    const uint32_t length = DecodeFrameLength(pending_.data() + offset);
    if (length > max_bytes_) {
      Fail(absl::StrCat("frame ", frame_index_, " declares ", length,
                        " bytes; the limit is ", max_bytes_));
      return;
    }
    if (pending_.size() - offset - kFrameHeaderBytes < length) break;
    std::string rejected = on_payload(
        absl::string_view(pending_.data() + offset + kFrameHeaderBytes, length),
        frame_index_);
    if (!rejected.empty()) {
      Fail(std::move(rejected));
      return;
    }
    offset += kFrameHeaderBytes + length;
    ++frame_index_;
  }
  pending_.erase(0, offset);
}

void FrameDecoder::Finish() {
  if (error_.empty() && !pending_.empty()) {
    ends_inside_frame_ = true;
    Fail(absl::StrCat("input ends inside frame ", frame_index_, " (",
                      pending_.size(), " bytes of it)"));
  }
}

void FrameDecoder::Fail(std::string error) {
  error_ = std::move(error);
  pending_.clear();
}

}  // namespace forkcheck
