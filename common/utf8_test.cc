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

TEST(CodePointsTest, CountsCharactersNotBytes) {
  EXPECT_EQ(CodePoints(""), 0u);
  EXPECT_EQ(CodePoints("abc"), 3u);
  EXPECT_EQ(CodePoints("ok 36/36 → safe, ±3% …"), 22u);
}

TEST(FirstCodePointsTest, NeverCutsACharacterInTwo) {
  EXPECT_EQ(FirstCodePoints("a→b", 1), "a");
  EXPECT_EQ(FirstCodePoints("a→b", 2), "a→");
  EXPECT_EQ(FirstCodePoints("a→b", 3), "a→b");
  EXPECT_EQ(FirstCodePoints("a→b", 10), "a→b");
  EXPECT_EQ(FirstCodePoints("→", 0), "");
}

}  // namespace
}  // namespace forkcheck
