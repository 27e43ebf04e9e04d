#include "runtime/worker_process.h"

#include <string>

#include "gtest/gtest.h"

namespace forkcheck {
namespace {

using google::cloud::bigquery::storage::v1::ReadSession;

std::string Reply(absl::StatusCode code, const std::string& payload) {
  return std::string(1, static_cast<char>(code)) + payload;
}

TEST(ParseSessionReplyTest, ASessionComesBackWhole) {
  ReadSession session;
  session.set_name("projects/p/locations/us/sessions/s");
  session.add_streams()->set_name(
      "projects/p/locations/us/sessions/s/streams/0");
  absl::StatusOr<ReadSession> parsed = ParseSessionReply(
      Reply(absl::StatusCode::kOk, session.SerializeAsString()), 0);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->name(), session.name());
  EXPECT_EQ(parsed->streams_size(), 1);
}

TEST(ParseSessionReplyTest, TheHelpersErrorKeepsItsCode) {
  absl::StatusOr<ReadSession> parsed =
      ParseSessionReply(Reply(absl::StatusCode::kNotFound, "no table t"), 0);
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(parsed.status().message(), "session helper: no table t");
}

TEST(ParseSessionReplyTest, EdgeCasesAreErrorsThatSayWhat) {
  struct Case {
    absl::StatusOr<std::string> reply;
    absl::StatusCode code;
    std::string message;
  };
  const Case cases[] = {
      {absl::DeadlineExceededError("no frame within 6s"),
       absl::StatusCode::kDeadlineExceeded,
       "the session helper's reply: no frame within 6s"},
      {absl::OutOfRangeError("a frame of 99999999 bytes exceeds 16777216"),
       absl::StatusCode::kOutOfRange,
       "the session helper's reply: a frame of 99999999 bytes exceeds "
       "16777216"},
      {absl::UnavailableError("end of input"), absl::StatusCode::kInternal,
       "the session helper exited without a reply (wait status 9)"},
      {std::string(), absl::StatusCode::kInternal,
       "the session helper's reply is empty"},
      {Reply(absl::StatusCode::kOk, "\xff\xff\xff not a proto"),
       absl::StatusCode::kInternal,
       "the session helper's reply (15 bytes) is not a ReadSession"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<ReadSession> parsed = ParseSessionReply(c.reply, 9);
    EXPECT_EQ(parsed.status().code(), c.code) << parsed.status();
    EXPECT_EQ(parsed.status().message(), c.message);
  }
}

}  // namespace
}  // namespace forkcheck
