#include "dataset/row.h"

#include <ios>
#include <ostream>

#include "absl/strings/escaping.h"
#include "absl/strings/string_view.h"

namespace forkcheck {

std::ostream& operator<<(std::ostream& os, const FieldValue& cell) {
  if (cell.is_null) return os << "NULL";
  // Long values are cut: the message only has to locate the difference.
  constexpr size_t kMaxShown = 64;
  absl::string_view bytes = cell.bytes_value;
  const std::streamsize precision = os.precision(17);  // round-trip doubles
  os << "{int=" << cell.int_value << " double=" << cell.double_value;
  os.precision(precision);
  os << " bytes[" << bytes.size() << "]=\""
     << absl::CHexEscape(bytes.substr(0, kMaxShown))
     << (bytes.size() > kMaxShown ? "\"...}" : "\"}");
  return os;
}

}  // namespace forkcheck
