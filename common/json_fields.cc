#include "common/json_fields.h"

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace forkcheck::json {
namespace {

// Records the first duplicate object key seen while parsing, with its path.
class DuplicateKeyDetector {
 public:
  bool OnEvent(Json::parse_event_t event, const Json& parsed) {
    switch (event) {
      case Json::parse_event_t::object_start:
        frames_.push_back(Frame{/*is_array=*/false, 0, "", {}});
        break;
      case Json::parse_event_t::array_start:
        frames_.push_back(Frame{/*is_array=*/true, 0, "", {}});
        break;
      case Json::parse_event_t::key: {
        Frame& top = frames_.back();
        top.key = parsed.get<std::string>();
        if (!top.keys.insert(top.key).second && error_.empty()) {
          error_ = absl::StrCat(CurrentPath(), ": duplicate key");
        }
        break;
      }
      case Json::parse_event_t::object_end:
      case Json::parse_event_t::array_end:
        frames_.pop_back();
        OnValueEnd();
        break;
      case Json::parse_event_t::value:
        OnValueEnd();
        break;
    }
    return true;
  }

  const std::string& error() const { return error_; }
  // Where the parse is: "t[1].a", or "(root)".
  std::string Path() const { return CurrentPath(); }

 private:
  struct Frame {
    bool is_array;
    int64_t next_index;  // arrays: index of the element being parsed
    std::string key;     // objects: key of the member being parsed
    std::set<std::string> keys;
  };

  void OnValueEnd() {
    if (!frames_.empty() && frames_.back().is_array) {
      ++frames_.back().next_index;
    }
  }

  std::string CurrentPath() const {
    std::string path;
    for (const Frame& frame : frames_) {
      if (frame.is_array) {
        absl::StrAppend(&path, "[", frame.next_index, "]");
      } else {
        absl::StrAppend(&path, path.empty() ? "" : ".", frame.key);
      }
    }
    return path.empty() ? "(root)" : path;
  }

  std::vector<Frame> frames_;
  std::string error_;
};

}  // namespace

absl::StatusOr<Json> ParseStrict(absl::string_view text, absl::string_view what) {
  DuplicateKeyDetector detector;
  Json root;
  // Thrown from the parser's callback to stop it at once, through the
  // parser that throws its own errors anyway: a callback returning false
  // would only drop the subtree, still parsed to its end.
  struct TooDeep {};
  try {
    root = Json::parse(
        text.begin(), text.end(),
        [&detector](int depth, Json::parse_event_t event, Json& parsed) {
          // `depth` counts the containers around this one: 0 for the
          // outermost.
          if ((event == Json::parse_event_t::object_start ||
               event == Json::parse_event_t::array_start) &&
              depth >= kMaxParsedDepth) {
            throw TooDeep{};
          }
          return detector.OnEvent(event, parsed);
        });
  } catch (const Json::exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " is not valid JSON: ", e.what()));
  } catch (const TooDeep&) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": arrays and objects nest deeper than ",
                     kMaxParsedDepth, " levels at ", detector.Path()));
  }
  if (!detector.error().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": ", detector.error()));
  }
  return root;
}

absl::Status PathError(absl::string_view path, absl::string_view message) {
  return absl::InvalidArgumentError(
      absl::StrCat(path.empty() ? "(root)" : path, ": ", message));
}

std::string MemberPath(absl::string_view path, absl::string_view key) {
  return path.empty() ? std::string(key) : absl::StrCat(path, ".", key);
}

std::string ElementPath(absl::string_view path, size_t index) {
  return absl::StrCat(path, "[", index, "]");
}

std::string Dump(const Json& value, int indent) {
  return value.dump(indent, ' ', false, Json::error_handler_t::replace);
}

std::string Quote(absl::string_view s) { return Dump(Json(std::string(s))); }

absl::Status CheckObject(const Json& value, absl::string_view path,
                         std::initializer_list<absl::string_view> allowed) {
  if (!value.is_object()) {
    return PathError(path,
                     absl::StrCat("expected an object, got ", value.type_name()));
  }
  for (const auto& item : value.items()) {
    bool known = false;
    for (absl::string_view key : allowed) known = known || item.key() == key;
    if (!known) {
      return PathError(MemberPath(path, item.key()),
                       absl::StrCat("unknown key; expected one of ",
                                    absl::StrJoin(allowed, ", ")));
    }
  }
  return absl::OkStatus();
}

absl::Status GetRequired(const Json& object, absl::string_view path,
                         absl::string_view key, const Json** value) {
  auto it = object.find(std::string(key));
  if (it == object.end()) {
    return PathError(MemberPath(path, key), "missing required field");
  }
  *value = &*it;
  return absl::OkStatus();
}

const Json* GetOptional(const Json& object, absl::string_view key) {
  auto it = object.find(std::string(key));
  return it == object.end() ? nullptr : &*it;
}

absl::StatusOr<std::string> ToString(const Json& value, absl::string_view path) {
  if (!value.is_string()) {
    return PathError(path,
                     absl::StrCat("expected a string, got ", value.type_name()));
  }
  return value.get<std::string>();
}

absl::StatusOr<int64_t> ToInt64(const Json& value, absl::string_view path,
                                int64_t min_value, int64_t max_value) {
  if (!value.is_number_integer()) {
    return PathError(path, absl::StrCat("expected an integer, got ",
                                        value.type_name(), " ", value.dump()));
  }
  bool in_range;
  int64_t result = 0;
  if (value.is_number_unsigned()) {
    uint64_t u = value.get<uint64_t>();
    in_range = max_value >= 0 && u <= static_cast<uint64_t>(max_value) &&
               static_cast<int64_t>(u) >= min_value;
    if (in_range) result = static_cast<int64_t>(u);
  } else {
    result = value.get<int64_t>();
    in_range = result >= min_value && result <= max_value;
  }
  if (!in_range) {
    return PathError(path, absl::StrCat("value ", value.dump(),
                                        " out of range [", min_value, ", ",
                                        max_value, "]"));
  }
  return result;
}

absl::StatusOr<uint64_t> ToUint64(const Json& value, absl::string_view path) {
  if (!value.is_number_integer()) {
    return PathError(path, absl::StrCat("expected an integer, got ",
                                        value.type_name(), " ", value.dump()));
  }
  if (!value.is_number_unsigned()) {
    return PathError(path, absl::StrCat("value ", value.dump(),
                                        " must not be negative"));
  }
  return value.get<uint64_t>();
}

absl::StatusOr<double> ToDouble(const Json& value, absl::string_view path) {
  if (!value.is_number()) {
    return PathError(path, absl::StrCat("expected a number, got ",
                                        value.type_name(), " ", value.dump()));
  }
  return value.get<double>();
}

absl::StatusOr<bool> ToBool(const Json& value, absl::string_view path) {
  if (!value.is_boolean()) {
    return PathError(path, absl::StrCat("expected true or false, got ",
                                        value.type_name(), " ", value.dump()));
  }
  return value.get<bool>();
}

absl::StatusOr<std::string> RequiredString(const Json& object,
                                           absl::string_view path,
                                           absl::string_view key) {
  const Json* value = nullptr;
  absl::Status status = GetRequired(object, path, key, &value);
  if (!status.ok()) return status;
  return ToString(*value, MemberPath(path, key));
}

absl::StatusOr<int64_t> RequiredInt64(const Json& object, absl::string_view path,
                                      absl::string_view key, int64_t min_value,
                                      int64_t max_value) {
  const Json* value = nullptr;
  absl::Status status = GetRequired(object, path, key, &value);
  if (!status.ok()) return status;
  return ToInt64(*value, MemberPath(path, key), min_value, max_value);
}

absl::Status OptionalString(const Json& object, absl::string_view path,
                            absl::string_view key, std::string* field) {
  const Json* value = GetOptional(object, key);
  if (value == nullptr) return absl::OkStatus();
  absl::StatusOr<std::string> parsed = ToString(*value, MemberPath(path, key));
  if (!parsed.ok()) return parsed.status();
  *field = *std::move(parsed);
  return absl::OkStatus();
}

absl::Status OptionalInt64(const Json& object, absl::string_view path,
                           absl::string_view key, int64_t min_value,
                           int64_t max_value, int64_t* field) {
  const Json* value = GetOptional(object, key);
  if (value == nullptr) return absl::OkStatus();
  absl::StatusOr<int64_t> parsed =
      ToInt64(*value, MemberPath(path, key), min_value, max_value);
  if (!parsed.ok()) return parsed.status();
  *field = *parsed;
  return absl::OkStatus();
}

absl::Status OptionalUint64(const Json& object, absl::string_view path,
                            absl::string_view key, uint64_t* field) {
  const Json* value = GetOptional(object, key);
  if (value == nullptr) return absl::OkStatus();
  absl::StatusOr<uint64_t> parsed = ToUint64(*value, MemberPath(path, key));
  if (!parsed.ok()) return parsed.status();
  *field = *parsed;
  return absl::OkStatus();
}

}  // namespace forkcheck::json
