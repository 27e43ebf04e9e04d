// The frame format: what EncodeFrame writes, FrameDecoder reads back in any
// pieces, and every way a stream can break it stops the decoder with a
// message naming the frame.
#include "framing/frame.h"

#include <string>
#include <vector>

#include "forkcheck/worker.pb.h"
#include "gtest/gtest.h"

namespace forkcheck {
namespace {

// Decodes `bytes` fed in pieces of `piece` bytes, keeping every payload.
std::vector<std::string> DecodeInPieces(const std::string& bytes, size_t piece,
                                        FrameDecoder* decoder) {
  std::vector<std::string> payloads;
  for (size_t at = 0; at < bytes.size(); at += piece) {
    decoder->Consume(absl::string_view(bytes).substr(at, piece),
                     [&payloads](absl::string_view payload, uint64_t) {
                       payloads.emplace_back(payload);
                       return std::string();
                     });
  }
  decoder->Finish();
  return payloads;
}

TEST(FrameTest, TheHeaderIsFourLittleEndianBytesOfLength) {
  absl::StatusOr<std::string> frame = EncodeFrame(std::string(258, 'x'), 1000);
  ASSERT_TRUE(frame.ok());
  ASSERT_EQ(frame->size(), 4u + 258u);
  EXPECT_EQ(frame->substr(0, 4), std::string("\x02\x01\x00\x00", 4));
  EXPECT_EQ(DecodeFrameLength(frame->data()), 258u);
  EXPECT_EQ(DecodeFrameLength("\xff\xff\xff\x7f"), 2147483647u);
}

TEST(FrameTest, PayloadsBeyondTheLimitAreRefused) {
  EXPECT_EQ(EncodeFrame(std::string(11, 'x'), 10).status().code(),
            absl::StatusCode::kInvalidArgument);
  v1::WorkerMessage message;
  message.mutable_result()->set_status_message(std::string(100, 'x'));
  EXPECT_EQ(SerializeWithin(message, 50).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(EncodeFrame(message, 50).status().code(),
            absl::StatusCode::kInvalidArgument);
  absl::StatusOr<std::string> frame = EncodeFrame(message, 1000);
  ASSERT_TRUE(frame.ok());
  EXPECT_EQ(frame->substr(4), message.SerializeAsString());
}

TEST(FrameTest, FramesSplitAtEveryByteDecodeWhole) {
  const std::string bytes = *EncodeFrame("first", 100) + *EncodeFrame("", 100) +
                            *EncodeFrame(std::string(300, 'z'), 1000);
  for (size_t piece : {size_t{1}, size_t{3}, size_t{7}, bytes.size()}) {
    FrameDecoder decoder(1000);
    EXPECT_EQ(DecodeInPieces(bytes, piece, &decoder),
              (std::vector<std::string>{"first", "", std::string(300, 'z')}))
        << "pieces of " << piece;
    EXPECT_EQ(decoder.error(), "");
  }
}

TEST(FrameTest, AnOversizeLengthStopsTheDecoder) {
  const std::string bytes = "\xff\xff\xff\x7f" + *EncodeFrame("after", 100);
  FrameDecoder decoder(1 << 20);
  EXPECT_TRUE(DecodeInPieces(bytes, bytes.size(), &decoder).empty());
  EXPECT_EQ(decoder.error(),
            "frame 0 declares 2147483647 bytes; the limit is 1048576");
  EXPECT_FALSE(decoder.ends_inside_frame());
}

TEST(FrameTest, ARejectedPayloadStopsTheDecoderAndLaterFramesAreIgnored) {
  const std::string bytes = *EncodeFrame("good", 100) +
                            *EncodeFrame("bad", 100) +
                            *EncodeFrame("good", 100);
  FrameDecoder decoder(100);
  std::vector<uint64_t> seen;
  decoder.Consume(bytes, [&seen](absl::string_view payload, uint64_t index) {
    seen.push_back(index);
    return payload == "bad" ? std::string("frame 1 is bad") : std::string();
  });
  decoder.Consume(*EncodeFrame("good", 100),
                  [&seen](absl::string_view, uint64_t index) {
                    seen.push_back(index);
                    return std::string();
                  });
  EXPECT_EQ(seen, (std::vector<uint64_t>{0, 1}));
  EXPECT_EQ(decoder.error(), "frame 1 is bad");
}

TEST(FrameTest, InputEndingInsideAFrameIsAnError) {
  const std::string frame = *EncodeFrame("payload", 100);
  FrameDecoder decoder(100);
  EXPECT_TRUE(
      DecodeInPieces(frame.substr(0, frame.size() - 1), 100, &decoder).empty());
  EXPECT_TRUE(decoder.ends_inside_frame());
  EXPECT_EQ(decoder.error(), "input ends inside frame 0 (10 bytes of it)");

  FrameDecoder between(100);
  DecodeInPieces(frame, 100, &between);
  EXPECT_EQ(between.error(), "");
  EXPECT_FALSE(between.ends_inside_frame());
}

}  // namespace
}  // namespace forkcheck
