// A validator for the subset of JSON Schema (draft 2020-12) that forkcheck's
// report schemas use. Debian 12 packages no C++ JSON Schema validator, and a
// report schema needs only a few keywords, so this is our own, over
// nlohmann::json.
//
// Supported keywords: type (a name or an array of names: object, array,
// string, integer, number, boolean, null), properties, required,
// additionalProperties (boolean or schema), items (a schema), minItems,
// maxItems, enum, const, minimum, maximum, exclusiveMinimum,
// exclusiveMaximum, minLength, maxLength, pattern, $ref (only
// "#/$defs/<name>"), $defs (only at the root), anyOf, oneOf, and the
// annotations description, title, $comment, $id (only at the root) and
// $schema (only the 2020-12 URI). Boolean schemas (true, false) are accepted
// wherever a schema is. Any other keyword is an error when the schema is
// parsed, naming it and its JSON pointer: a typo or a keyword we do not
// implement must not silently accept everything.
//
// Deliberate differences from the specification, for reports:
// - "integer" means a JSON number written without a fraction or exponent
//   (what nlohmann stores as an integer): 1.0 is a number but not an integer,
//   as in common/json_fields.h, so a document the schema accepts is one the
//   report reader can read.
// - Validation recurses at most kMaxDepth levels (document nesting plus $ref,
//   anyOf and oneOf hops); deeper is a violation, not a stack overflow.
// - pattern (an ECMAScript std::regex, unanchored as in the specification)
//   is only matched against strings of at most kMaxPatternSubjectBytes bytes:
//   libstdc++'s matcher recurses once per character and would overflow the
//   stack on long strings. A longer string is a violation.
//
// Violations are "<JSON pointer>: <what was expected>", the root written as
// "(root)", e.g.
//   /environment: missing required property "grpc_version"
//   /cells/3/workers: "hangs" is not one of "ok", "error"
//
// A JsonSchema is immutable after Parse; copies share it, and it may be used
// from several threads at once.
#ifndef FORKCHECK_REPORTS_JSON_SCHEMA_H_
#define FORKCHECK_REPORTS_JSON_SCHEMA_H_

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace forkcheck {

class JsonSchema {
 public:
  // Levels of recursion (schema nesting when parsing; document nesting plus
  // in-place $ref/anyOf/oneOf hops when validating).
  static constexpr int kMaxDepth = 256;
  static constexpr size_t kMaxPatternSubjectBytes = 1024;
  static constexpr size_t kDefaultMaxErrors = 100;

  // Compiles `schema`. INVALID_ARGUMENT naming the JSON pointer (in the
  // schema) of an unsupported keyword, a malformed value, a $ref to a
  // missing definition, a $ref cycle that never descends into the document,
  // or nesting deeper than kMaxDepth.
  static absl::StatusOr<JsonSchema> Parse(const nlohmann::json& schema);

  // OK if `document` is valid; else INVALID_ARGUMENT with the first
  // violation (keywords are checked in a fixed order, object members in key
  // order, array elements in index order).
  absl::Status Validate(const nlohmann::json& document) const;

  // Every violation, in the order Validate finds them, at most `max_errors`
  // (>= 1); empty if `document` is valid.
  std::vector<std::string> ValidateAll(
      const nlohmann::json& document,
      size_t max_errors = kDefaultMaxErrors) const;

 private:
  struct Compiled;  // The compiled schema; defined in json_schema.cc.

  explicit JsonSchema(std::shared_ptr<const Compiled> compiled)
      : compiled_(std::move(compiled)) {}

  std::shared_ptr<const Compiled> compiled_;
};

}  // namespace forkcheck

#endif  // FORKCHECK_REPORTS_JSON_SCHEMA_H_
