#include "reports/json_schema.h"

#include <cstdint>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "common/json_fields.h"

namespace forkcheck {
namespace {

using Json = nlohmann::json;

constexpr absl::string_view kDraft202012 =
    "https://json-schema.org/draft/2020-12/schema";
constexpr absl::string_view kDefsPrefix = "#/$defs/";
constexpr size_t kMaxQuotedBytes = 60;  // of a document string in a message

// Instance types as bits; an integer is also a number.
enum TypeBit : uint8_t {
  kObject = 1,
  kArray = 2,
  kString = 4,
  kInteger = 8,
  kNumber = 16,
  kBoolean = 32,
  kNull = 64,
};

struct TypeName {
  absl::string_view name;
  uint8_t bit;
};
constexpr TypeName kTypeNames[] = {
    {"object", kObject},   {"array", kArray},   {"string", kString},
    {"integer", kInteger}, {"number", kNumber}, {"boolean", kBoolean},
    {"null", kNull},
};

// One compiled (sub)schema. Children are indices into the node vector, so a
// $ref is just another index and recursive schemas need no pointers.
struct Node {
  std::string pointer;    // where it is in the schema, for load errors
  bool is_false = false;  // the boolean schema false: nothing is valid
  uint8_t types = 0;      // TypeBits allowed; 0: any type
  std::map<std::string, int> properties;
  std::vector<std::string> required;
  int additional = -1;  // additionalProperties schema, or -1
  int items = -1;
  std::optional<uint64_t> min_items, max_items, min_length, max_length;
  std::optional<std::vector<Json>> enum_values;
  std::optional<Json> const_value;
  std::optional<Json> minimum, maximum, exclusive_minimum, exclusive_maximum;
  std::optional<std::regex> pattern;
  std::string pattern_source;
  std::string ref_name;     // the $defs name, until resolved into `ref`
  std::string ref_pointer;  // of the $ref keyword
  int ref = -1;
  std::vector<int> any_of, one_of;
};

std::string EscapePointerToken(absl::string_view token) {
  std::string out;
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string Child(absl::string_view pointer, absl::string_view token) {
  return absl::StrCat(pointer, "/", EscapePointerToken(token));
}

std::string ShowPointer(absl::string_view pointer) {
  return pointer.empty() ? "(root)" : std::string(pointer);
}

absl::Status SchemaError(absl::string_view pointer, absl::string_view message) {
  return absl::InvalidArgumentError(
      absl::StrCat("JSON Schema ", ShowPointer(pointer), ": ", message));
}

using json::Dump;

// A document value for a message: scalars as JSON (long strings
// shortened), objects and arrays by kind only, since they may be huge.
std::string Describe(const Json& value) {
  if (value.is_object()) return "an object";
  if (value.is_array()) return "an array";
  if (value.is_string()) {
    const std::string& s = value.get_ref<const std::string&>();
    if (s.size() <= kMaxQuotedBytes) return Dump(value);
    size_t cut = kMaxQuotedBytes;
    // Do not cut a UTF-8 sequence in half.
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) {
      --cut;
    }
    return absl::StrCat(Dump(Json(s.substr(0, cut))), "...");
  }
  return Dump(value);
}

uint8_t TypeOf(const Json& value) {
  switch (value.type()) {
    case Json::value_t::object:
      return kObject;
    case Json::value_t::array:
      return kArray;
    case Json::value_t::string:
      return kString;
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
      return kInteger | kNumber;
    case Json::value_t::number_float:
      return kNumber;
    case Json::value_t::boolean:
      return kBoolean;
    case Json::value_t::null:
      return kNull;
    default:
      return 0;  // binary, discarded: never valid against a typed schema
  }
}

std::string TypeList(uint8_t types) {
  std::vector<absl::string_view> names;
  for (const TypeName& type : kTypeNames) {
    if (types & type.bit) names.push_back(type.name);
  }
  return absl::StrJoin(names, " or ");
}

// -1, 0 or 1 as a <, == or > b; both are JSON numbers. Integers compare
// exactly; with a float on either side, as doubles.
int CompareNumbers(const Json& a, const Json& b) {
  if (a.is_number_float() || b.is_number_float()) {
    double x = a.get<double>();
    double y = b.get<double>();
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  auto wide = [](const Json& v) -> __int128 {
    if (v.is_number_unsigned()) return v.get<uint64_t>();
    return v.get<int64_t>();
  };
  __int128 x = wide(a);
  __int128 y = wide(b);
  return x < y ? -1 : (x > y ? 1 : 0);
}

// Unicode code points in valid UTF-8 (the specification's "length").
uint64_t CodePoints(const std::string& s) {
  uint64_t count = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

std::string Plural(uint64_t n, absl::string_view noun) {
  return absl::StrCat(n, " ", noun, n == 1 ? "" : "s");
}

// Whether `value` nests deeper than `limit` levels; recursion stops there.
bool DeeperThan(const Json& value, int limit) {
  if (!value.is_structured()) return false;
  if (limit <= 0) return true;
  for (const Json& child : value) {
    if (DeeperThan(child, limit - 1)) return true;
  }
  return false;
}

class Compiler {
 public:
  // The nodes, the root last.
  absl::StatusOr<std::vector<Node>> Compile(const Json& root) {
    absl::StatusOr<int> index = CompileNode(root, "", 0);
    if (!index.ok()) return index.status();
    if (absl::Status s = ResolveRefs(); !s.ok()) return s;
    if (absl::Status s = CheckInPlaceCycles(); !s.ok()) return s;
    return std::move(nodes_);
  }

 private:
  absl::StatusOr<int> CompileNode(const Json& schema,
                                  const std::string& pointer, int depth) {
    if (depth > JsonSchema::kMaxDepth) {
      return SchemaError(
          pointer, absl::StrCat("nested deeper than ", JsonSchema::kMaxDepth,
                                " levels"));
    }
    Node node;
    node.pointer = pointer;
    if (schema.is_boolean()) {
      node.is_false = !schema.get<bool>();
      return Add(std::move(node));
    }
    if (!schema.is_object()) {
      return SchemaError(pointer, absl::StrCat("a schema must be an object or "
                                               "a boolean, got ",
                                               Describe(schema)));
    }
    const bool is_root = depth == 0;
    for (const auto& [key, value] : schema.items()) {
      const std::string at = Child(pointer, key);
      absl::Status status =
          CompileKeyword(key, value, at, depth, is_root, &node);
      if (!status.ok()) return status;
    }
    return Add(std::move(node));
  }

  absl::Status CompileKeyword(const std::string& key, const Json& value,
                              const std::string& at, int depth, bool is_root,
                              Node* node) {
    if (key == "type") return CompileType(value, at, node);
    if (key == "properties") {
      if (!value.is_object()) return SchemaError(at, "expected an object");
      for (const auto& [name, sub] : value.items()) {
        absl::StatusOr<int> index =
            CompileNode(sub, Child(at, name), depth + 1);
        if (!index.ok()) return index.status();
        node->properties[name] = *index;
      }
      return absl::OkStatus();
    }
    if (key == "required") {
      if (!value.is_array()) return SchemaError(at, "expected an array");
      for (size_t i = 0; i < value.size(); ++i) {
        if (!value[i].is_string()) {
          return SchemaError(Child(at, std::to_string(i)), "expected a string");
        }
        std::string name = value[i].get<std::string>();
        for (const std::string& seen : node->required) {
          if (seen == name) {
            return SchemaError(Child(at, std::to_string(i)),
                               absl::StrCat("duplicate ", Dump(value[i])));
          }
        }
        node->required.push_back(std::move(name));
      }
      return absl::OkStatus();
    }
    if (key == "additionalProperties") {
      return CompileSub(value, at, depth, &node->additional);
    }
    if (key == "items") {
      if (value.is_array()) {
        return SchemaError(at,
                           "items must be a schema; the array (tuple) form "
                           "is not draft 2020-12");
      }
      return CompileSub(value, at, depth, &node->items);
    }
    if (key == "minItems") return CompileCount(value, at, &node->min_items);
    if (key == "maxItems") return CompileCount(value, at, &node->max_items);
    if (key == "minLength") return CompileCount(value, at, &node->min_length);
    if (key == "maxLength") return CompileCount(value, at, &node->max_length);
    if (key == "enum") {
      if (!value.is_array()) return SchemaError(at, "expected an array");
      if (DeeperThan(value, JsonSchema::kMaxDepth)) {
        return SchemaError(at, "value nested too deeply");
      }
      node->enum_values = std::vector<Json>(value.begin(), value.end());
      return absl::OkStatus();
    }
    if (key == "const") {
      if (DeeperThan(value, JsonSchema::kMaxDepth)) {
        return SchemaError(at, "value nested too deeply");
      }
      node->const_value = value;
      return absl::OkStatus();
    }
    if (key == "minimum") return CompileBound(value, at, &node->minimum);
    if (key == "maximum") return CompileBound(value, at, &node->maximum);
    if (key == "exclusiveMinimum") {
      return CompileBound(value, at, &node->exclusive_minimum);
    }
    if (key == "exclusiveMaximum") {
      return CompileBound(value, at, &node->exclusive_maximum);
    }
    if (key == "pattern") return CompilePattern(value, at, node);
    if (key == "$ref") return CompileRef(value, at, node);
    if (key == "$defs") {
      if (!is_root) {
        return SchemaError(at, "$defs is only supported at the root");
      }
      if (!value.is_object()) return SchemaError(at, "expected an object");
      for (const auto& [name, sub] : value.items()) {
        absl::StatusOr<int> index =
            CompileNode(sub, Child(at, name), depth + 1);
        if (!index.ok()) return index.status();
        defs_[name] = *index;
      }
      return absl::OkStatus();
    }
    if (key == "anyOf")
      return CompileAlternatives(value, at, depth, &node->any_of);
    if (key == "oneOf")
      return CompileAlternatives(value, at, depth, &node->one_of);
    if (key == "title" || key == "description" || key == "$comment") {
      if (!value.is_string()) return SchemaError(at, "expected a string");
      return absl::OkStatus();
    }
    if (key == "$id") {
      // A nested $id would change what "#/$defs/..." refers to below it.
      if (!is_root) return SchemaError(at, "$id is only supported at the root");
      if (!value.is_string()) return SchemaError(at, "expected a string");
      return absl::OkStatus();
    }
    if (key == "$schema") {
      if (!is_root) {
        return SchemaError(at, "$schema is only supported at the root");
      }
      if (!value.is_string() ||
          (value.get<std::string>() != kDraft202012 &&
           value.get<std::string>() != absl::StrCat(kDraft202012, "#"))) {
        return SchemaError(at, absl::StrCat("expected \"", kDraft202012,
                                            "\", got ", Describe(value)));
      }
      return absl::OkStatus();
    }
    return SchemaError(
        at, absl::StrCat(
                "unsupported keyword ", Dump(Json(key)),
                " (supported: type, properties, required, "
                "additionalProperties, items, minItems, maxItems, enum, const, "
                "minimum, maximum, exclusiveMinimum, exclusiveMaximum, "
                "minLength, maxLength, pattern, $ref, $defs, anyOf, oneOf, "
                "title, description, $comment, $id, $schema)"));
  }

  absl::Status CompileSub(const Json& value, const std::string& at, int depth,
                          int* index) {
    absl::StatusOr<int> compiled = CompileNode(value, at, depth + 1);
    if (!compiled.ok()) return compiled.status();
    *index = *compiled;
    return absl::OkStatus();
  }

  absl::Status CompileType(const Json& value, const std::string& at,
                           Node* node) {
    auto bit_of = [](const Json& name) -> uint8_t {
      if (!name.is_string()) return 0;
      for (const TypeName& type : kTypeNames) {
        if (type.name == name.get<std::string>()) return type.bit;
      }
      return 0;
    };
    const char* kExpected =
        "expected one of \"object\", \"array\", \"string\", \"integer\", "
        "\"number\", \"boolean\", \"null\"";
    if (value.is_array()) {
      if (value.empty()) return SchemaError(at, "expected at least one type");
      for (size_t i = 0; i < value.size(); ++i) {
        uint8_t bit = bit_of(value[i]);
        if (bit == 0) {
          return SchemaError(
              Child(at, std::to_string(i)),
              absl::StrCat(kExpected, ", got ", Describe(value[i])));
        }
        node->types |= bit;
      }
      return absl::OkStatus();
    }
    uint8_t bit = bit_of(value);
    if (bit == 0) {
      return SchemaError(at,
                         absl::StrCat(kExpected, ", got ", Describe(value)));
    }
    node->types = bit;
    return absl::OkStatus();
  }

  absl::Status CompileCount(const Json& value, const std::string& at,
                            std::optional<uint64_t>* count) {
    if (!value.is_number_unsigned()) {
      return SchemaError(at, absl::StrCat("expected a non-negative integer, "
                                          "got ",
                                          Describe(value)));
    }
    *count = value.get<uint64_t>();
    return absl::OkStatus();
  }

  absl::Status CompileBound(const Json& value, const std::string& at,
                            std::optional<Json>* bound) {
    if (!value.is_number()) {
      return SchemaError(
          at, absl::StrCat("expected a number, got ", Describe(value)));
    }
    *bound = value;
    return absl::OkStatus();
  }

  absl::Status CompilePattern(const Json& value, const std::string& at,
                              Node* node) {
    if (!value.is_string()) {
      return SchemaError(
          at, absl::StrCat("expected a string, got ", Describe(value)));
    }
    node->pattern_source = value.get<std::string>();
    try {
      node->pattern.emplace(node->pattern_source, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      return SchemaError(at, absl::StrCat("not an ECMAScript regular "
                                          "expression: ",
                                          e.what()));
    }
    return absl::OkStatus();
  }

  absl::Status CompileRef(const Json& value, const std::string& at,
                          Node* node) {
    if (!value.is_string()) {
      return SchemaError(
          at, absl::StrCat("expected a string, got ", Describe(value)));
    }
    const std::string& ref = value.get_ref<const std::string&>();
    const std::string only = absl::StrCat(
        "only \"", kDefsPrefix, "<name>\" is supported, got ", Dump(value));
    if (ref.compare(0, kDefsPrefix.size(), kDefsPrefix.data(),
                    kDefsPrefix.size()) != 0) {
      return SchemaError(at, only);
    }
    // Undo JSON pointer escaping; a further "/" would point inside a
    // definition, and "%" would need URI decoding: neither is supported.
    std::string name;
    for (size_t i = kDefsPrefix.size(); i < ref.size(); ++i) {
      if (ref[i] == '/' || ref[i] == '%') return SchemaError(at, only);
      if (ref[i] != '~') {
        name += ref[i];
      } else if (i + 1 < ref.size() &&
                 (ref[i + 1] == '0' || ref[i + 1] == '1')) {
        name += ref[i + 1] == '0' ? '~' : '/';
        ++i;
      } else {
        return SchemaError(
            at, absl::StrCat("bad JSON pointer escape in ", Dump(value)));
      }
    }
    node->ref_name = std::move(name);
    node->ref_pointer = at;
    return absl::OkStatus();
  }

  absl::Status CompileAlternatives(const Json& value, const std::string& at,
                                   int depth, std::vector<int>* indices) {
    if (!value.is_array() || value.empty()) {
      return SchemaError(at, "expected a non-empty array of schemas");
    }
    for (size_t i = 0; i < value.size(); ++i) {
      absl::StatusOr<int> index =
          CompileNode(value[i], Child(at, std::to_string(i)), depth + 1);
      if (!index.ok()) return index.status();
      indices->push_back(*index);
    }
    return absl::OkStatus();
  }

  int Add(Node node) {
    nodes_.push_back(std::move(node));
    return static_cast<int>(nodes_.size()) - 1;
  }

  absl::Status ResolveRefs() {
    for (Node& node : nodes_) {
      if (node.ref_pointer.empty()) continue;
      auto it = defs_.find(node.ref_name);
      if (it == defs_.end()) {
        return SchemaError(
            node.ref_pointer,
            absl::StrCat("$ref to a missing definition: no ",
                         Dump(Json(node.ref_name)), " in /$defs"));
      }
      node.ref = it->second;
    }
    return absl::OkStatus();
  }

  // $ref, anyOf and oneOf apply a schema to the same value. A cycle of
  // them (e.g. a: {$ref: b}, b: {$ref: a}) would recurse forever on every
  // document, so it is a schema error. Iterative, for very large schemas.
  absl::Status CheckInPlaceCycles() const {
    enum Color : uint8_t { kWhite, kGrey, kBlack };
    std::vector<Color> color(nodes_.size(), kWhite);
    auto edges = [this](int n) {
      std::vector<int> out = nodes_[n].any_of;
      out.insert(out.end(), nodes_[n].one_of.begin(), nodes_[n].one_of.end());
      if (nodes_[n].ref >= 0) out.push_back(nodes_[n].ref);
      return out;
    };
    for (size_t start = 0; start < nodes_.size(); ++start) {
      if (color[start] != kWhite) continue;
      // (node, its in-place successors, next successor to visit)
      struct Frame {
        int node;
        std::vector<int> next;
        size_t i;
      };
      std::vector<Frame> stack;
      stack.push_back({static_cast<int>(start), edges(start), 0});
      color[start] = kGrey;
      while (!stack.empty()) {
        Frame& top = stack.back();
        if (top.i == top.next.size()) {
          color[top.node] = kBlack;
          stack.pop_back();
          continue;
        }
        int next = top.next[top.i++];
        if (color[next] == kGrey) {
          return SchemaError(
              nodes_[next].pointer,
              "applies to itself through $ref/anyOf/oneOf without descending "
              "into the document, so validation would never end");
        }
        if (color[next] == kWhite) {
          color[next] = kGrey;
          stack.push_back({next, edges(next), 0});
        }
      }
    }
    return absl::OkStatus();
  }

  std::vector<Node> nodes_;
  std::map<std::string, int> defs_;
};

class Validator {
 public:
  Validator(const std::vector<Node>& nodes, size_t max_errors)
      : nodes_(nodes), max_errors_(max_errors < 1 ? 1 : max_errors) {}

  // Checks `value`, at `*pointer` in the document, against node `index`.
  // `*pointer` is restored before returning.
  void Check(int index, const Json& value, std::string* pointer, int depth) {
    if (Full()) return;
    if (depth > JsonSchema::kMaxDepth) {
      Fail(*pointer, absl::StrCat("nested deeper than ", JsonSchema::kMaxDepth,
                                  " levels (of the document, or of "
                                  "$ref/anyOf/oneOf in the schema)"));
      return;
    }
    const Node& node = nodes_[index];
    if (node.is_false) {
      Fail(*pointer, "no value is allowed here (the schema is false)");
      return;
    }
    // Other keywords would only repeat a type mismatch.
    if (node.types != 0 && (node.types & TypeOf(value)) == 0) {
      Fail(*pointer, absl::StrCat("expected ", TypeList(node.types), ", got ",
                                  Describe(value)));
      return;
    }
    if (node.const_value && !(value == *node.const_value)) {
      Fail(*pointer, absl::StrCat("expected ", Dump(*node.const_value),
                                  ", got ", Describe(value)));
    }
    if (node.enum_values) CheckEnum(node, value, *pointer);
    if (value.is_number()) CheckNumber(node, value, *pointer);
    if (value.is_string()) CheckString(node, value, *pointer);
    if (value.is_array()) CheckArray(node, value, pointer, depth);
    if (value.is_object()) CheckObject(node, value, pointer, depth);
    if (node.ref >= 0) Check(node.ref, value, pointer, depth + 1);
    if (!node.any_of.empty()) CheckAnyOf(node, value, pointer, depth);
    if (!node.one_of.empty()) CheckOneOf(node, value, pointer, depth);
  }

  std::vector<std::string> TakeErrors() { return std::move(errors_); }

 private:
  bool Full() const { return errors_.size() >= max_errors_; }

  void Fail(const std::string& pointer, absl::string_view message) {
    if (Full()) return;
    errors_.push_back(absl::StrCat(ShowPointer(pointer), ": ", message));
  }

  void CheckEnum(const Node& node, const Json& value,
                 const std::string& pointer) {
    for (const Json& allowed : *node.enum_values) {
      if (value == allowed) return;
    }
    std::vector<std::string> names;
    for (const Json& allowed : *node.enum_values)
      names.push_back(Dump(allowed));
    Fail(pointer, absl::StrCat(Describe(value), " is not one of ",
                               absl::StrJoin(names, ", ")));
  }

  void CheckNumber(const Node& node, const Json& value,
                   const std::string& pointer) {
    auto check = [&](const std::optional<Json>& bound, absl::string_view op,
                     bool (*ok)(int)) {
      if (bound && !ok(CompareNumbers(value, *bound))) {
        Fail(pointer, absl::StrCat("expected ", op, " ", Dump(*bound), ", got ",
                                   Dump(value)));
      }
    };
    check(node.minimum, ">=", [](int c) { return c >= 0; });
    check(node.exclusive_minimum, ">", [](int c) { return c > 0; });
    check(node.maximum, "<=", [](int c) { return c <= 0; });
    check(node.exclusive_maximum, "<", [](int c) { return c < 0; });
  }

  void CheckString(const Node& node, const Json& value,
                   const std::string& pointer) {
    const std::string& s = value.get_ref<const std::string&>();
    if (node.min_length || node.max_length) {
      uint64_t length = CodePoints(s);
      if (node.min_length && length < *node.min_length) {
        Fail(pointer, absl::StrCat("expected at least ",
                                   Plural(*node.min_length, "character"),
                                   ", got ", length));
      }
      if (node.max_length && length > *node.max_length) {
        Fail(pointer, absl::StrCat("expected at most ",
                                   Plural(*node.max_length, "character"),
                                   ", got ", length));
      }
    }
    if (!node.pattern) return;
    const std::string pattern = Dump(Json(node.pattern_source));
    if (s.size() > JsonSchema::kMaxPatternSubjectBytes) {
      Fail(pointer, absl::StrCat("a string of ", s.size(),
                                 " bytes is too long to match against "
                                 "pattern ",
                                 pattern, " (at most ",
                                 JsonSchema::kMaxPatternSubjectBytes, ")"));
      return;
    }
    bool matched = false;
    try {
      matched = std::regex_search(s, *node.pattern);
    } catch (const std::regex_error& e) {
      Fail(pointer,
           absl::StrCat("matching pattern ", pattern, " failed: ", e.what()));
      return;
    }
    if (!matched) {
      Fail(pointer,
           absl::StrCat(Describe(value), " does not match pattern ", pattern));
    }
  }

  void CheckArray(const Node& node, const Json& value, std::string* pointer,
                  int depth) {
    if (node.min_items && value.size() < *node.min_items) {
      Fail(*pointer,
           absl::StrCat("expected at least ", Plural(*node.min_items, "item"),
                        ", got ", value.size()));
    }
    if (node.max_items && value.size() > *node.max_items) {
      Fail(*pointer,
           absl::StrCat("expected at most ", Plural(*node.max_items, "item"),
                        ", got ", value.size()));
    }
    if (node.items < 0) return;
    const size_t length = pointer->size();
    for (size_t i = 0; i < value.size() && !Full(); ++i) {
      absl::StrAppend(pointer, "/", i);
      Check(node.items, value[i], pointer, depth + 1);
      pointer->resize(length);
    }
  }

  void CheckObject(const Node& node, const Json& value, std::string* pointer,
                   int depth) {
    for (const std::string& name : node.required) {
      if (!value.contains(name)) {
        Fail(*pointer,
             absl::StrCat("missing required property ", Dump(Json(name))));
      }
    }
    const size_t length = pointer->size();
    for (const auto& [key, member] : value.items()) {
      if (Full()) return;
      auto it = node.properties.find(key);
      int sub = it != node.properties.end() ? it->second : node.additional;
      if (sub < 0) continue;
      if (it == node.properties.end() && nodes_[sub].is_false) {
        Fail(*pointer, absl::StrCat("unexpected property ", Dump(Json(key))));
        continue;
      }
      pointer->append(Child("", key));
      Check(sub, member, pointer, depth + 1);
      pointer->resize(length);
    }
  }

  // The first violation of `value` against each alternative, or an empty
  // string where it matches.
  std::vector<std::string> Alternatives(const std::vector<int>& alternatives,
                                        const Json& value, std::string* pointer,
                                        int depth, bool stop_at_match) {
    std::vector<std::string> results;
    for (int alternative : alternatives) {
      Validator sub(nodes_, 1);
      sub.Check(alternative, value, pointer, depth + 1);
      results.push_back(sub.errors_.empty() ? "" : sub.errors_.front());
      if (stop_at_match && results.back().empty()) break;
    }
    return results;
  }

  static std::string NoMatch(absl::string_view keyword,
                             const std::vector<std::string>& errors) {
    std::vector<std::string> parts;
    for (size_t i = 0; i < errors.size(); ++i) {
      parts.push_back(absl::StrCat("#", i, ": ", errors[i]));
    }
    return absl::StrCat("matches no ", keyword, " alternative (",
                        absl::StrJoin(parts, "; "), ")");
  }

  void CheckAnyOf(const Node& node, const Json& value, std::string* pointer,
                  int depth) {
    std::vector<std::string> errors =
        Alternatives(node.any_of, value, pointer, depth, true);
    if (!errors.back().empty()) Fail(*pointer, NoMatch("anyOf", errors));
  }

  void CheckOneOf(const Node& node, const Json& value, std::string* pointer,
                  int depth) {
    std::vector<std::string> errors =
        Alternatives(node.one_of, value, pointer, depth, false);
    std::vector<std::string> matched;
    for (size_t i = 0; i < errors.size(); ++i) {
      if (errors[i].empty()) matched.push_back(absl::StrCat("#", i));
    }
    if (matched.empty()) {
      Fail(*pointer, NoMatch("oneOf", errors));
    } else if (matched.size() > 1) {
      Fail(*pointer, absl::StrCat("matches oneOf alternatives ",
                                  absl::StrJoin(matched, ", "),
                                  "; expected exactly one"));
    }
  }

  const std::vector<Node>& nodes_;
  const size_t max_errors_;
  std::vector<std::string> errors_;
};

}  // namespace

struct JsonSchema::Compiled {
  std::vector<Node> nodes;  // the root last
};

absl::StatusOr<JsonSchema> JsonSchema::Parse(const nlohmann::json& schema) {
  Compiler compiler;
  absl::StatusOr<std::vector<Node>> nodes = compiler.Compile(schema);
  if (!nodes.ok()) return nodes.status();
  auto compiled = std::make_shared<Compiled>();
  compiled->nodes = *std::move(nodes);
  return JsonSchema(std::move(compiled));
}

absl::Status JsonSchema::Validate(const nlohmann::json& document) const {
  std::vector<std::string> errors = ValidateAll(document, 1);
  if (errors.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(errors.front());
}

std::vector<std::string> JsonSchema::ValidateAll(const nlohmann::json& document,
                                                 size_t max_errors) const {
  Validator validator(compiled_->nodes, max_errors);
  std::string pointer;
  validator.Check(static_cast<int>(compiled_->nodes.size()) - 1, document,
                  &pointer, 0);
  return validator.TakeErrors();
}

}  // namespace forkcheck
