// Text from processes (stderr, a debugger's output) made fit for JSON: a
// report must never fail, or hold bytes a reader rejects, because a process
// wrote binary or the bounded tail of its output cut a character in two.
#ifndef FORKCHECK_COMMON_UTF8_H_
#define FORKCHECK_COMMON_UTF8_H_

#include <string>
#include <string_view>

namespace forkcheck {

// `text` with every byte that does not start a well-formed UTF-8 sequence
// (overlong forms, surrogates and code points above U+10FFFF included)
// replaced by U+FFFD; well-formed text comes back unchanged.
std::string ValidUtf8(std::string_view text);

}  // namespace forkcheck

#endif  // FORKCHECK_COMMON_UTF8_H_
