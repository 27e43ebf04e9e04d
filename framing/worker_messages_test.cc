#include "framing/worker_messages.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace forkcheck {
namespace {

v1::WorkerMessage PhaseMessage(v1::Phase phase) {
  v1::WorkerMessage message;
  message.set_format_version(kWorkerFormatVersion);
  message.mutable_phase()->set_phase(phase);
  return message;
}

std::string Frame(const std::string& payload) {
  const uint32_t size = payload.size();
  std::string frame;
  for (int i = 0; i < 4; ++i) {
    frame.push_back(static_cast<char>(size >> (8 * i)));
  }
  return frame + payload;
}

std::string Frame(const v1::WorkerMessage& message) {
  return Frame(message.SerializeAsString());
}

TEST(WorkerMessagesTest, WrittenFramesReadBackThroughAPipe) {
  int fds[2];
  ASSERT_EQ(pipe2(fds, O_NONBLOCK), 0);
  ASSERT_TRUE(WriteMessageFrame(fds[1], PhaseMessage(v1::PHASE_STARTED)).ok());
  ASSERT_TRUE(WriteMessageFrame(fds[1], PhaseMessage(v1::PHASE_DONE)).ok());
  close(fds[1]);
  WorkerMessageReader reader(fds[0]);
  std::vector<v1::WorkerMessage> out;
  ASSERT_TRUE(reader.ReadAvailable(&out).ok());
  close(fds[0]);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].phase().phase(), v1::PHASE_STARTED);
  EXPECT_EQ(out[1].phase().phase(), v1::PHASE_DONE);
  EXPECT_TRUE(reader.eof());
  EXPECT_EQ(reader.protocol_error(), "");
}

TEST(WorkerMessagesTest, FramesSplitAtEveryByteStillParse) {
  const std::string bytes = Frame(PhaseMessage(v1::PHASE_CONNECTED)) +
                            Frame(PhaseMessage(v1::PHASE_FIRST_ROW));
  WorkerMessageReader reader(-1);
  std::vector<v1::WorkerMessage> out;
  for (char byte : bytes) reader.Consume(&byte, 1, &out);
  reader.Finish();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].phase().phase(), v1::PHASE_FIRST_ROW);
  EXPECT_EQ(reader.protocol_error(), "");
}

TEST(WorkerMessagesTest, OversizeLengthIsAProtocolError) {
  const std::string bytes = "\xff\xff\xff\x7f" + std::string(16, 'x');
  WorkerMessageReader reader(-1);
  std::vector<v1::WorkerMessage> out;
  reader.Consume(bytes.data(), bytes.size(), &out);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(reader.protocol_error(),
            "frame 0 declares 2147483647 bytes; the limit is 1048576");
}

TEST(WorkerMessagesTest, GarbageIsAProtocolErrorAndLaterFramesAreIgnored) {
  const std::string bytes = Frame(PhaseMessage(v1::PHASE_STARTED)) +
                            Frame("not a protobuf") +
                            Frame(PhaseMessage(v1::PHASE_DONE));
  WorkerMessageReader reader(-1);
  std::vector<v1::WorkerMessage> out;
  reader.Consume(bytes.data(), bytes.size(), &out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(reader.protocol_error(),
            "frame 1 (14 bytes) is not a WorkerMessage");
}

TEST(WorkerMessagesTest, OtherFormatVersionsAndEmptyBodiesAreRejected) {
  v1::WorkerMessage future = PhaseMessage(v1::PHASE_STARTED);
  future.set_format_version(2);
  WorkerMessageReader reader(-1);
  std::vector<v1::WorkerMessage> out;
  std::string bytes = Frame(future);
  reader.Consume(bytes.data(), bytes.size(), &out);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(reader.protocol_error(),
            "frame 0 has format_version 2; expected 1");

  v1::WorkerMessage empty;
  empty.set_format_version(kWorkerFormatVersion);
  WorkerMessageReader second(-1);
  bytes = Frame(empty);
  second.Consume(bytes.data(), bytes.size(), &out);
  EXPECT_EQ(second.protocol_error(), "frame 0 has no body");
}

TEST(WorkerMessagesTest, TruncatedFrameAtEndOfInputIsAProtocolError) {
  const std::string bytes = Frame(PhaseMessage(v1::PHASE_STARTED));
  WorkerMessageReader reader(-1);
  std::vector<v1::WorkerMessage> out;
  reader.Consume(bytes.data(), bytes.size() - 1, &out);
  EXPECT_EQ(reader.protocol_error(), "");
  reader.Finish();
  EXPECT_TRUE(out.empty());
  EXPECT_TRUE(reader.ends_inside_frame());
  EXPECT_EQ(reader.protocol_error(),
            "input ends inside frame 0 (9 bytes of it)");
}

TEST(WorkerMessagesTest,
     WriteMessageFrameRefusesOversizeMessagesAndClosedPipes) {
  v1::WorkerMessage big;
  big.set_format_version(kWorkerFormatVersion);
  big.mutable_result()->set_status_message(
      std::string(kMaxMessageFrameBytes, 'x'));
  EXPECT_EQ(WriteMessageFrame(-1, big).code(),
            absl::StatusCode::kInvalidArgument);

  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  close(fds[0]);
  signal(SIGPIPE, SIG_IGN);
  EXPECT_EQ(WriteMessageFrame(fds[1], PhaseMessage(v1::PHASE_DONE)).code(),
            absl::StatusCode::kUnavailable);
  close(fds[1]);
}

}  // namespace
}  // namespace forkcheck
