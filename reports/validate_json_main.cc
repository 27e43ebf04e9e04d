// validate_json SCHEMA DOC: validates the JSON document DOC against the JSON
// Schema SCHEMA with forkcheck's validator (json_schema.h), for scripts and
// for cross-checking against other validators.
//
// Exit status: 0 valid; 1 invalid (DOC is not JSON, has a duplicate key, or
// violates the schema), with each violation on stderr; 2 bad usage, an
// unreadable file, or a schema that is not JSON or not supported.
#include <cstdio>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/file_util.h"
#include "common/json_fields.h"
#include "reports/json_schema.h"

namespace forkcheck {
namespace {

constexpr int kValid = 0;
constexpr int kInvalid = 1;
constexpr int kUsage = 2;
constexpr size_t kMaxViolationsShown = 20;

int Run(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s SCHEMA DOC\n", argv[0]);
    return kUsage;
  }
  const std::string schema_path = argv[1];
  const std::string document_path = argv[2];

  absl::StatusOr<std::string> schema_text = ReadFile(schema_path, "schema");
  if (!schema_text.ok()) {
    std::fprintf(stderr, "%s\n", schema_text.status().ToString().c_str());
    return kUsage;
  }
  absl::StatusOr<std::string> document_text =
      ReadFile(document_path, "document");
  if (!document_text.ok()) {
    std::fprintf(stderr, "%s\n", document_text.status().ToString().c_str());
    return kUsage;
  }
  absl::StatusOr<json::Json> schema_json =
      json::ParseStrict(*schema_text, schema_path);
  if (!schema_json.ok()) {
    std::fprintf(stderr, "%s\n",
                 std::string(schema_json.status().message()).c_str());
    return kUsage;
  }
  absl::StatusOr<JsonSchema> schema = JsonSchema::Parse(*schema_json);
  if (!schema.ok()) {
    std::fprintf(stderr, "%s: %s\n", schema_path.c_str(),
                 std::string(schema.status().message()).c_str());
    return kUsage;
  }
  // A corrupt document is an invalid one, not a usage error.
  absl::StatusOr<json::Json> document =
      json::ParseStrict(*document_text, document_path);
  if (!document.ok()) {
    std::fprintf(stderr, "%s\n",
                 std::string(document.status().message()).c_str());
    return kInvalid;
  }
  std::vector<std::string> violations =
      schema->ValidateAll(*document, kMaxViolationsShown);
  if (violations.empty()) {
    std::printf("%s: valid\n", document_path.c_str());
    return kValid;
  }
  for (const std::string& violation : violations) {
    std::fprintf(stderr, "%s: %s\n", document_path.c_str(), violation.c_str());
  }
  if (violations.size() == kMaxViolationsShown) {
    std::fprintf(stderr, "%s: (stopped after %zu violations)\n",
                 document_path.c_str(), kMaxViolationsShown);
  }
  return kInvalid;
}

}  // namespace
}  // namespace forkcheck

int main(int argc, char** argv) { return forkcheck::Run(argc, argv); }
