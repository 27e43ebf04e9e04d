// Building self-contained HTML pages: escaping, elements, the page frame.
//
// Report strings are data (a model name, a worker's error message), never
// markup: everything that comes from a report goes through EscapeText. The
// pages are also well-formed XML (void elements closed, no named entities
// but XML's five, control characters replaced), so a plain XML parser can
// check them, and SVG can be inlined as is. No external resources: CSS in
// one <style>, no scripts.
#ifndef FORKCHECK_REPORTS_HTML_HTML_WRITER_H_
#define FORKCHECK_REPORTS_HTML_HTML_WRITER_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace forkcheck::html {

// `text` with & < > " ' escaped, and control characters XML forbids
// replaced by U+FFFD; safe in element content and in quoted attributes.
std::string EscapeText(absl::string_view text);

// EscapeText, with line-break opportunities (<wbr/>) after "(", ",", "/"
// and "_": model names and scenario ids are long and have no spaces.
std::string BreakableText(absl::string_view text);

using Attributes = std::vector<std::pair<std::string, std::string>>;

// <tag a="v"...>inner_html</tag>; attribute values are escaped, `inner_html`
// is markup and taken as is.
std::string Element(absl::string_view tag, const Attributes& attributes,
                    absl::string_view inner_html);
std::string Element(absl::string_view tag, absl::string_view inner_html);
// The same with escaped text content.
std::string TextElement(absl::string_view tag, const Attributes& attributes,
                        absl::string_view text);
std::string TextElement(absl::string_view tag, absl::string_view text);

// A table: header cells are text, body cells markup (already escaped).
std::string Table(const std::vector<std::string>& header,
                  const std::vector<std::vector<std::string>>& rows,
                  absl::string_view css_class = "");

struct Page {
  std::string title;      // text
  std::string extra_css;  // appended to the shared style sheet
  std::string body_html;  // markup
};

// The whole document: doctype, charset, the shared style sheet.
std::string RenderPage(const Page& page);

}  // namespace forkcheck::html

#endif  // FORKCHECK_REPORTS_HTML_HTML_WRITER_H_
