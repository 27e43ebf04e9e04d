#include "reports/html/html_writer.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace forkcheck::html {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(EscapeTextTest, MarkupInDataIsText) {
  EXPECT_EQ(
      EscapeText("<script>alert(\"x\")</script> & 'y'"),
      "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;");
  EXPECT_EQ(EscapeText("plain ± ×"), "plain ± ×");
}

TEST(EscapeTextTest, ControlCharactersXmlForbidsAreReplaced) {
  EXPECT_EQ(EscapeText(std::string("a\x01"
                                   "b\nc\td",
                                   7)),
            "a\xEF\xBF\xBD"
            "b\nc\td");
  EXPECT_EQ(EscapeText(std::string("a\0b", 3)),
            "a\xEF\xBF\xBD"
            "b");
}

TEST(ElementTest, AttributesAreEscapedInnerHtmlIsNot) {
  EXPECT_EQ(Element("td", {{"title", "a\"><script>"}}, "<b>x</b>"),
            "<td title=\"a&quot;&gt;&lt;script&gt;\"><b>x</b></td>");
  EXPECT_EQ(TextElement("p", "<b>"), "<p>&lt;b&gt;</p>");
}

TEST(TableTest, HeaderIsTextBodyIsMarkup) {
  const std::string table = Table({"<h>"}, {{"<i>x</i>"}}, "numbers");
  EXPECT_THAT(table, HasSubstr("<table class=\"numbers\">"));
  EXPECT_THAT(table, HasSubstr("<th>&lt;h&gt;</th>"));
  EXPECT_THAT(table, HasSubstr("<td><i>x</i></td>"));
}

TEST(RenderPageTest, SelfContained) {
  const std::string page = RenderPage({"a <title>", "p { }", "<p>body</p>"});
  EXPECT_THAT(page, HasSubstr("<!DOCTYPE html>"));
  EXPECT_THAT(page, HasSubstr("<meta charset=\"utf-8\"/>"));
  EXPECT_THAT(page, HasSubstr("<title>a &lt;title&gt;</title>"));
  EXPECT_THAT(page, HasSubstr("p { }</style>"));
  EXPECT_THAT(page, HasSubstr("<p>body</p>"));
  for (const char* external :
       {"<link", "<script", "src=", "href=", "url(", "@import"}) {
    EXPECT_THAT(page, Not(HasSubstr(external))) << external;
  }
}

}  // namespace
}  // namespace forkcheck::html
