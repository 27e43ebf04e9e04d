#include "fakes/echo.h"

#include <string>

#include "gtest/gtest.h"

namespace forkcheck {
namespace {

TEST(BoundedEchoTest, AnOrdinaryNameComesBackUnchanged) {
  const std::string name =
      "projects/forkcheck/locations/us/sessions/7/streams/12";
  EXPECT_EQ(BoundedEcho(name), name);
  EXPECT_EQ(BoundedEcho(""), "");
  const std::string at_limit(kMaxEchoedBytes, 'x');
  EXPECT_EQ(BoundedEcho(at_limit), at_limit);
}

TEST(BoundedEchoTest, ALongValueIsCutAndSaysHowLongItWas) {
  const std::string long_name(9 * 1024, 'n');
  const std::string echoed = BoundedEcho(long_name);
  EXPECT_EQ(echoed, std::string(kMaxEchoedBytes, 'n') + "... (9216 bytes)");
  const std::string one_over(kMaxEchoedBytes + 1, 'y');
  EXPECT_EQ(BoundedEcho(one_over),
            std::string(kMaxEchoedBytes, 'y') + "... (201 bytes)");
}

TEST(BoundedEchoTest, TheCutNeverSplitsAUtf8Character) {
  // "é" is two bytes; with one ASCII byte first, byte kMaxEchoedBytes is the
  // middle of a character, so the cut falls one byte earlier.
  std::string value = "a";
  for (int i = 0; i < 150; ++i) value += "\xC3\xA9";
  const std::string echoed = BoundedEcho(value);
  const std::string expected_prefix =
      value.substr(0, kMaxEchoedBytes - 1) + "... (301 bytes)";
  EXPECT_EQ(echoed, expected_prefix);
}

TEST(BoundedEchoTest, ControlBytesAndQuotesAreEscaped) {
  EXPECT_EQ(BoundedEcho(std::string("a\nb\0z\"d", 7)), "a\\nb\\x00z\\\"d");
}

}  // namespace
}  // namespace forkcheck
