#include "reports/html/html_writer.h"

#include "absl/strings/str_cat.h"

namespace forkcheck::html {
namespace {

// Shared by every page: readable on screen and in a screenshot, print-safe.
constexpr char kStyleSheet[] = R"css(
body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto,
       "DejaVu Sans", sans-serif; color: #1d2329; margin: 24px; max-width: 1400px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid #d0d7de;
     padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
p.lead { color: #57606a; margin: 0 0 12px; }
p.note { color: #57606a; font-size: 12px; }
table { border-collapse: collapse; margin: 6px 0 12px; }
th, td { border: 1px solid #d0d7de; padding: 3px 8px; text-align: left;
         vertical-align: top; overflow-wrap: break-word; }
th { background: #f3f5f7; font-weight: 600; overflow-wrap: normal; }
table.numbers td { text-align: right; font-variant-numeric: tabular-nums; }
table.numbers td:first-child { text-align: left; min-width: 14em; }
table.facts th { width: 14em; }
code, pre { font: 12px/1.35 "DejaVu Sans Mono", monospace; }
pre { background: #f6f8fa; padding: 8px; white-space: pre-wrap;
      overflow-wrap: anywhere; }
.problem { background: #fff1f0; border: 1px solid #cf222e; padding: 8px 12px;
           margin: 8px 0; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; }
svg.chart { background: #fff; border: 1px solid #e4e8ec; }
)css";

}  // namespace

std::string EscapeText(absl::string_view text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        escaped += "&amp;";
        break;
      case '<':
        escaped += "&lt;";
        break;
      case '>':
        escaped += "&gt;";
        break;
      case '"':
        escaped += "&quot;";
        break;
      case '\'':
        escaped += "&#39;";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' &&
            c != '\r') {
          escaped += "\xEF\xBF\xBD";  // U+FFFD: XML forbids the character
        } else {
          escaped += c;
        }
    }
  }
  return escaped;
}

std::string BreakableText(absl::string_view text) {
  std::string html;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '(' || text[i] == ',' || text[i] == '/' || text[i] == '_') {
      absl::StrAppend(&html, EscapeText(text.substr(start, i + 1 - start)),
                      "<wbr/>");
      start = i + 1;
    }
  }
  absl::StrAppend(&html, EscapeText(text.substr(start)));
  return html;
}

std::string Element(absl::string_view tag, const Attributes& attributes,
                    absl::string_view inner_html) {
  std::string text = absl::StrCat("<", tag);
  for (const auto& [name, value] : attributes) {
    absl::StrAppend(&text, " ", name, "=\"", EscapeText(value), "\"");
  }
  absl::StrAppend(&text, ">", inner_html, "</", tag, ">");
  return text;
}

std::string Element(absl::string_view tag, absl::string_view inner_html) {
  return Element(tag, {}, inner_html);
}

std::string TextElement(absl::string_view tag, const Attributes& attributes,
                        absl::string_view text) {
  return Element(tag, attributes, EscapeText(text));
}

std::string TextElement(absl::string_view tag, absl::string_view text) {
  return Element(tag, {}, EscapeText(text));
}

std::string Table(const std::vector<std::string>& header,
                  const std::vector<std::vector<std::string>>& rows,
                  absl::string_view css_class) {
  std::string head;
  for (const std::string& cell : header) {
    absl::StrAppend(&head, TextElement("th", cell));
  }
  std::string body;
  for (const std::vector<std::string>& row : rows) {
    std::string cells;
    for (const std::string& cell : row)
      absl::StrAppend(&cells, Element("td", cell));
    absl::StrAppend(&body, Element("tr", cells));
  }
  Attributes attributes;
  if (!css_class.empty())
    attributes.push_back({"class", std::string(css_class)});
  return Element("table", attributes,
                 absl::StrCat(Element("thead", Element("tr", head)),
                              Element("tbody", body)));
}

std::string RenderPage(const Page& page) {
  // XHTML-compatible: xmlns, closed <meta/>; parsed as HTML by browsers.
  return absl::StrCat(
      "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" "
      "lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
      "<meta name=\"viewport\" content=\"width=device-width\"/>\n",
      TextElement("title", page.title), "\n",
      Element("style", absl::StrCat(kStyleSheet, page.extra_css)),
      "\n</head>\n<body>\n", page.body_html, "\n</body>\n</html>\n");
}

}  // namespace forkcheck::html
