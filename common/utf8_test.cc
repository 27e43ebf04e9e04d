#include "common/utf8.h"

#include <string>

#include "gtest/gtest.h"

namespace forkcheck {
namespace {

TEST(ValidUtf8Test, WellFormedTextIsUnchanged) {
  const std::string text = "grpc_pollset_work ← Pluck: naïve 😀\n";
  EXPECT_EQ(ValidUtf8(text), text);
  EXPECT_EQ(ValidUtf8(""), "");
}

TEST(ValidUtf8Test, BadBytesBecomeReplacementCharacters) {
  // A "←" (E2 86 90) cut after its second byte, as a bounded tail cuts it.
  EXPECT_EQ(ValidUtf8("a\xE2\x86"), "a\xEF\xBF\xBD\xEF\xBF\xBD");
  // Its last byte alone, at the start of a tail.
  EXPECT_EQ(ValidUtf8("\x90z"), "\xEF\xBF\xBDz");
  EXPECT_EQ(ValidUtf8("\xFF"), "\xEF\xBF\xBD");
  EXPECT_EQ(ValidUtf8("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong
  EXPECT_EQ(ValidUtf8("\xED\xA0\x80"),                           // a surrogate
            "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(ValidUtf8("\xF4\x90\x80\x80"),  // above U+10FFFF
            "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(ValidUtf8(std::string("a\0b", 3)), std::string("a\0b", 3));
}

}  // namespace
}  // namespace forkcheck
