// Text from processes (stderr, a debugger's output) made fit for JSON: a
// report must never fail, or hold bytes a reader rejects, because a process
// wrote binary or the bounded tail of its output cut a character in two.
// And console text measured and cut by characters, not bytes.
#ifndef FORKCHECK_COMMON_UTF8_H_
#define FORKCHECK_COMMON_UTF8_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace forkcheck {

// `text` with every byte that does not start a well-formed UTF-8 sequence
// (overlong forms, surrogates and code points above U+10FFFF included)
// replaced by U+FFFD; well-formed text comes back unchanged.
std::string ValidUtf8(std::string_view text);

// The code points of UTF-8 `text`: the columns it takes on a console, for
// the text forkcheck prints ("±", "→", "…" are one column each; it prints
// no wide characters).
size_t CodePoints(std::string_view text);

// `text`'s first `count` code points (all of it if it has no more), never
// cutting a character in two.
std::string FirstCodePoints(std::string_view text, size_t count);

}  // namespace forkcheck

#endif  // FORKCHECK_COMMON_UTF8_H_
