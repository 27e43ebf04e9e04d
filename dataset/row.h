// In-memory value of one table row, shared by the row generator (which
// produces expected rows) and the Avro row decoder (which produces received
// rows) so readers can compare the two with ==.

#ifndef FORKCHECK_DATASET_ROW_H_
#define FORKCHECK_DATASET_ROW_H_

#include <cstdint>
#include <cstring>
#include <ostream>
#include <string>
#include <vector>

namespace forkcheck {

// One value. Which member holds it depends on the column type, which the
// FieldValue does not record. Every producer leaves the members the type does
// not use (and all members of a null cell) at their defaults, so comparing all
// members compares exactly the one the type uses.
struct FieldValue {
  bool is_null = false;
  int64_t int_value = 0;    // INT64, TIMESTAMP (microseconds since epoch),
                            // BOOL (0 or 1)
  double double_value = 0;  // FLOAT64
  std::string bytes_value;  // STRING (UTF-8), BYTES

  // Two null cells are equal whatever their other members hold. Doubles are
  // compared bit for bit, so 0.0 != -0.0 (a lost sign is a bug); the
  // generator never produces NaN.
  bool operator==(const FieldValue& other) const {
    if (is_null || other.is_null) return is_null == other.is_null;
    uint64_t bits = 0;
    uint64_t other_bits = 0;
    std::memcpy(&bits, &double_value, sizeof(bits));
    std::memcpy(&other_bits, &other.double_value, sizeof(other_bits));
    return int_value == other.int_value && bits == other_bits &&
           bytes_value == other.bytes_value;
  }
  bool operator!=(const FieldValue& other) const { return !(*this == other); }
};

// For test failure messages: NULL, or every member (strings and bytes as
// escaped text, truncated).
std::ostream& operator<<(std::ostream& os, const FieldValue& cell);

// One FieldValue per column of the projection or table, in order.
using Row = std::vector<FieldValue>;

}  // namespace forkcheck

#endif  // FORKCHECK_DATASET_ROW_H_
