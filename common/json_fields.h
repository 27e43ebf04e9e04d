// Strict, path-naming access to JSON documents that people write by hand
// (catalogues, fault scripts, scenarios). Every error names the JSON path of
// what was wrong, e.g. `tables[2].columns[1].type: expected a string, got number`.
#ifndef FORKCHECK_COMMON_JSON_FIELDS_H_
#define FORKCHECK_COMMON_JSON_FIELDS_H_

#include <cstdint>
#include <initializer_list>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace forkcheck::json {

using Json = nlohmann::json;

// How many arrays and objects ParseStrict lets nest. Our documents nest
// at most 10 (the report schemas); nlohmann parses any depth, but copies,
// compares and dumps recursively, so a 2 MB document of a million nested arrays
// would overflow the stack of whatever reads it.
inline constexpr int kMaxParsedDepth = 64;

// Parses `text`; rejects invalid JSON (with nlohmann's position), duplicate
// object keys (nlohmann would silently keep the last one) and nesting deeper
// than kMaxParsedDepth. `what` names the document in errors ("catalogue",
// "fault script").
absl::StatusOr<Json> ParseStrict(absl::string_view text, absl::string_view what);

// INVALID_ARGUMENT "`path`: `message`".
absl::Status PathError(absl::string_view path, absl::string_view message);

// `path.key`, or `key` at the root.
std::string MemberPath(absl::string_view path, absl::string_view key);
// `path[index]`.
std::string ElementPath(absl::string_view path, size_t index);

// A JSON string literal of `s`, for quoting names in messages.
std::string Quote(absl::string_view s);

// value.dump(indent), but bytes that are not UTF-8 (text from outside: a
// path, git's or a server's message) are written as U+FFFD instead of
// nlohmann's default, an exception.
std::string Dump(const Json& value, int indent = -1);

// Checks that `value` is an object whose keys are all in `allowed`: unknown
// keys are typos that must not pass silently.
absl::Status CheckObject(const Json& value, absl::string_view path,
                         std::initializer_list<absl::string_view> allowed);

// Sets *value to the member `key` of `object`; an error naming it if absent.
absl::Status GetRequired(const Json& object, absl::string_view path,
                         absl::string_view key, const Json** value);
// The member `key` of `object`, or nullptr if absent.
const Json* GetOptional(const Json& object, absl::string_view key);

absl::StatusOr<std::string> ToString(const Json& value, absl::string_view path);
// Integers must be JSON integers (1000, not 1000.0 or "1000") in range.
absl::StatusOr<int64_t> ToInt64(const Json& value, absl::string_view path,
                                int64_t min_value, int64_t max_value);
absl::StatusOr<uint64_t> ToUint64(const Json& value, absl::string_view path);
absl::StatusOr<double> ToDouble(const Json& value, absl::string_view path);
absl::StatusOr<bool> ToBool(const Json& value, absl::string_view path);

// GetRequired, then the To* conversion at `path.key`: the member `key` of
// `object`, or the first of their errors.
absl::StatusOr<std::string> RequiredString(const Json& object,
                                           absl::string_view path,
                                           absl::string_view key);
absl::StatusOr<int64_t> RequiredInt64(const Json& object, absl::string_view path,
                                      absl::string_view key, int64_t min_value,
                                      int64_t max_value);

// If `object` has a member `key`, converts it as the To* functions do at
// `path.key` and stores it in *field; an absent member leaves *field (its
// default) unchanged. On error *field is unchanged.
absl::Status OptionalString(const Json& object, absl::string_view path,
                            absl::string_view key, std::string* field);
absl::Status OptionalInt64(const Json& object, absl::string_view path,
                           absl::string_view key, int64_t min_value,
                           int64_t max_value, int64_t* field);
absl::Status OptionalUint64(const Json& object, absl::string_view path,
                            absl::string_view key, uint64_t* field);

}  // namespace forkcheck::json

#endif  // FORKCHECK_COMMON_JSON_FIELDS_H_
