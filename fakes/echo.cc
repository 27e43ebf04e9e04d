#include "fakes/echo.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace forkcheck {
namespace {

// The length of the longest prefix of `value` of at most `limit` bytes that
// does not end inside a UTF-8 sequence (continuation bytes are 10xxxxxx).
size_t CharacterBoundaryAtOrBelow(absl::string_view value, size_t limit) {
  if (value.size() <= limit) return value.size();
  size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(value[end]) & 0xC0) == 0x80) {
    --end;
  }
  return end;
}

}  // namespace

std::string BoundedEcho(absl::string_view value) {
  const size_t kept = CharacterBoundaryAtOrBelow(value, kMaxEchoedBytes);
  std::string echoed = absl::Utf8SafeCHexEscape(value.substr(0, kept));
  if (kept < value.size()) {
    absl::StrAppend(&echoed, "... (", value.size(), " bytes)");
  }
  return echoed;
}

}  // namespace forkcheck
