#include "fakes/proto_row_decoder.h"

#include <cstdio>
#include <cstdlib>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/utf8.h"
#include "fakes/echo.h"
#include "fakes/storage_error.h"
#include "google/cloud/bigquery/storage/v1/storage.pb.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/message.h"
#include "google/protobuf/unknown_field_set.h"

namespace forkcheck {
namespace {

using google::protobuf::FieldDescriptor;

// Collects what protobuf says is wrong with a descriptor.
class ErrorCollector : public google::protobuf::DescriptorPool::ErrorCollector {
 public:
  void AddError(const std::string& filename, const std::string& element_name,
                const google::protobuf::Message* /*descriptor*/,
                ErrorLocation /*location*/,
                const std::string& message) override {
    (void)filename;
    errors_.push_back(absl::StrCat(element_name, ": ", message));
  }
  std::string Text() const { return absl::StrJoin(errors_, "; "); }

 private:
  std::vector<std::string> errors_;
};

bool Compatible(ColumnType column, FieldDescriptor::Type field) {
  switch (column) {
    case ColumnType::kInt64:
      return field == FieldDescriptor::TYPE_INT32 ||
             field == FieldDescriptor::TYPE_INT64 ||
             field == FieldDescriptor::TYPE_UINT32 ||
             field == FieldDescriptor::TYPE_SINT32 ||
             field == FieldDescriptor::TYPE_SINT64 ||
             field == FieldDescriptor::TYPE_FIXED32 ||
             field == FieldDescriptor::TYPE_SFIXED32 ||
             field == FieldDescriptor::TYPE_SFIXED64;
    case ColumnType::kTimestamp:
      return field == FieldDescriptor::TYPE_INT64 ||
             field == FieldDescriptor::TYPE_SINT64 ||
             field == FieldDescriptor::TYPE_SFIXED64;
    case ColumnType::kDouble:
      return field == FieldDescriptor::TYPE_DOUBLE ||
             field == FieldDescriptor::TYPE_FLOAT;
    case ColumnType::kBool:
      return field == FieldDescriptor::TYPE_BOOL;
    case ColumnType::kString:
      return field == FieldDescriptor::TYPE_STRING;
    case ColumnType::kBytes:
      return field == FieldDescriptor::TYPE_BYTES;
  }
  return false;
}

grpc::Status InvalidArgument(const std::string& message) {
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, message);
}

}  // namespace

struct ProtoRowDecoder::Schema {
  std::shared_ptr<const TableSpec> table;
  google::protobuf::DescriptorPool pool;
  // Destroyed before `pool`, whose descriptors its prototypes use.
  std::unique_ptr<google::protobuf::DynamicMessageFactory> factory;
  const google::protobuf::Message* prototype = nullptr;
  // One per table column: the field that fills it, or null (always NULL).
  std::vector<const FieldDescriptor*> fields;
  // The columns a check looks at (in column order): REQUIRED ones (set?)
  // and STRING ones (UTF-8?). The rest need nothing beyond the parse.
  std::vector<int> checked_columns;
  // Whether the descriptor has proto2 `required` fields, which only
  // IsInitialized checks (it finds nothing else to check: no column takes a
  // message field).
  bool has_required_fields = false;
};

// Rows that passed Check, as the request held them, with the schema that
// reads them.
class ProtoRowDecoder::SerializedRowBatch final : public RowBatch {
 public:
  SerializedRowBatch(std::shared_ptr<const Schema> schema,
                     google::protobuf::RepeatedPtrField<std::string>* rows)
      : schema_(std::move(schema)) {
    rows_.Swap(rows);
  }

  int64_t size() const override { return rows_.size(); }

  void Decode(int64_t begin, int64_t end,
              std::vector<Row>* rows) const override {
    const ProtoRowDecoder decoder(schema_);
    std::string error;
    for (int64_t i = begin; i < end; ++i) {
      rows->emplace_back();
      if (!decoder.Decode(rows_.Get(static_cast<int>(i)), &rows->back(),
                          &error)) {
        // Check passed it with this very schema: a bug, not bad input.
        std::fprintf(stderr,
                     "forkcheck fake: a kept row no longer decodes: %s\n",
                     error.c_str());
        std::abort();
      }
    }
  }

 private:
  const std::shared_ptr<const Schema> schema_;
  google::protobuf::RepeatedPtrField<std::string> rows_;
};

ProtoRowDecoder::ProtoRowDecoder(std::shared_ptr<const Schema> schema)
    : schema_(std::move(schema)) {}

ProtoRowDecoder::~ProtoRowDecoder() = default;

const TableSpec& ProtoRowDecoder::table() const { return *schema_->table; }

grpc::Status ProtoRowDecoder::Create(
    const google::protobuf::DescriptorProto& descriptor,
    std::shared_ptr<const TableSpec> table, absl::string_view entity,
    std::unique_ptr<ProtoRowDecoder>* decoder) {
  if (descriptor.name().empty()) {
    return InvalidArgument(
        "writer_schema.proto_descriptor has no name (is it missing?)");
  }
  auto schema = std::make_shared<Schema>();
  // A file of its own, proto2: the real service reads rows with proto2
  // semantics, where every singular field has presence.
  google::protobuf::FileDescriptorProto file;
  file.set_name("forkcheck_writer_schema.proto");
  *file.add_message_type() = descriptor;
  ErrorCollector errors;
  const google::protobuf::FileDescriptor* built_file =
      schema->pool.BuildFileCollectingErrors(file, &errors);
  if (built_file == nullptr) {
    return InvalidArgument(absl::StrCat(
        "writer_schema.proto_descriptor is not a valid self-contained "
        "message descriptor: ",
        BoundedEcho(errors.Text())));
  }
  const google::protobuf::Descriptor* type = built_file->message_type(0);

  const TableSpec& spec = *table;
  schema->fields.assign(spec.columns.size(), nullptr);
  std::vector<std::string> extra;
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* field = type->field(i);
    if (field->is_required()) schema->has_required_fields = true;
    int column = -1;
    for (size_t c = 0; c < spec.columns.size(); ++c) {
      if (absl::EqualsIgnoreCase(spec.columns[c].name, field->name())) {
        column = static_cast<int>(c);
        break;
      }
    }
    if (column < 0) {
      extra.push_back(field->name());
      continue;
    }
    const ColumnSpec& column_spec = spec.columns[column];
    if (schema->fields[column] != nullptr) {
      return InvalidArgument(absl::StrCat(
          "fields \"", BoundedEcho(schema->fields[column]->name()), "\" and \"",
          BoundedEcho(field->name()), "\" both name column ", column_spec.name,
          " (column names ignore case)"));
    }
    if (field->is_repeated()) {
      return InvalidArgument(absl::StrCat(
          "field \"", BoundedEcho(field->name()), "\" is repeated, but column ",
          column_spec.name, " is not REPEATED"));
    }
    if (!Compatible(column_spec.type, field->type())) {
      return InvalidArgument(absl::StrCat(
          "field \"", BoundedEcho(field->name()), "\" has proto type ",
          field->type_name(), ", which cannot fill column ", column_spec.name,
          " of type ", std::string(ColumnTypeName(column_spec.type))));
    }
    schema->fields[column] = field;
  }
  if (!extra.empty()) {
    return StorageErrorStatus(
        grpc::StatusCode::INVALID_ARGUMENT,
        google::cloud::bigquery::storage::v1::StorageError::
            SCHEMA_MISMATCH_EXTRA_FIELDS,
        entity,
        absl::StrCat("Input schema has more fields than BigQuery schema, "
                     "extra fields: '",
                     BoundedEcho(absl::StrJoin(extra, ",")), "'"),
        // The StorageError's own message, as Google's system tests of the
        // Node client read it from the real service.
        "Schema mismatch due to extra fields in user schema");
  }
  for (size_t c = 0; c < spec.columns.size(); ++c) {
    const FieldDescriptor* field = schema->fields[c];
    if (!spec.columns[c].nullable ||
        (field != nullptr && field->type() == FieldDescriptor::TYPE_STRING)) {
      schema->checked_columns.push_back(static_cast<int>(c));
    }
  }
  schema->table = std::move(table);
  schema->factory =
      std::make_unique<google::protobuf::DynamicMessageFactory>(&schema->pool);
  schema->prototype = schema->factory->GetPrototype(type);
  decoder->reset(new ProtoRowDecoder(std::move(schema)));
  return grpc::Status::OK;
}

bool ProtoRowDecoder::Check(absl::string_view serialized,
                            std::string* error) const {
  return Parse(serialized, nullptr, error);
}

bool ProtoRowDecoder::Decode(absl::string_view serialized, Row* row,
                             std::string* error) const {
  return Parse(serialized, row, error);
}

std::shared_ptr<const RowBatch> ProtoRowDecoder::Keep(
    google::protobuf::RepeatedPtrField<std::string>* rows) const {
  return std::make_shared<const SerializedRowBatch>(schema_, rows);
}

bool ProtoRowDecoder::Parse(absl::string_view serialized, Row* row,
                            std::string* error) const {
  const Schema& schema = *schema_;
  // A fresh message per row: clearing a used one (reflection lists, sorts
  // and clears its fields) cost more than building one, 2.3 against 1.6 us
  // a row of the bench table (bench/row_check_benchmark).
  const std::unique_ptr<google::protobuf::Message> message(
      schema.prototype->New());
  if (!message->ParsePartialFromArray(serialized.data(),
                                      static_cast<int>(serialized.size()))) {
    *error =
        absl::StrCat("not a valid serialized ",
                     BoundedEcho(schema.prototype->GetDescriptor()->name()),
                     " message (", serialized.size(), " bytes)");
    return false;
  }
  if (schema.has_required_fields && !message->IsInitialized()) {
    *error = absl::StrCat("proto2 required fields are missing: ",
                          message->InitializationErrorString());
    return false;
  }
  const google::protobuf::Reflection* reflection = message->GetReflection();
  if (!reflection->GetUnknownFields(*message).empty()) {
    *error =
        absl::StrCat("the row has fields the writer schema ",
                     BoundedEcho(schema.prototype->GetDescriptor()->name()),
                     " does not declare");
    return false;
  }
  const TableSpec& spec = *schema.table;
  std::vector<std::string> missing;
  std::string scratch;
  // A check looks only at the columns that can fail one; a decode at all.
  const int column_count = row == nullptr
                               ? static_cast<int>(schema.checked_columns.size())
                               : static_cast<int>(spec.columns.size());
  if (row != nullptr) row->assign(spec.columns.size(), FieldValue());
  for (int k = 0; k < column_count; ++k) {
    const int c = row == nullptr ? schema.checked_columns[k] : k;
    const FieldDescriptor* field = schema.fields[c];
    if (field == nullptr || !reflection->HasField(*message, field)) {
      if (row != nullptr) (*row)[c].is_null = true;
      if (!spec.columns[c].nullable) missing.push_back(spec.columns[c].name);
      continue;
    }
    if (field->type() == FieldDescriptor::TYPE_STRING) {
      const std::string& text =
          reflection->GetStringReference(*message, field, &scratch);
      if (ValidUtf8(text) != text) {
        *error = absl::StrCat("field ", BoundedEcho(field->name()),
                              " is not valid UTF-8");
        return false;
      }
    }
    if (row == nullptr) continue;
    FieldValue& cell = (*row)[c];
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32:
        cell.int_value = reflection->GetInt32(*message, field);
        break;
      case FieldDescriptor::CPPTYPE_INT64:
        cell.int_value = reflection->GetInt64(*message, field);
        break;
      case FieldDescriptor::CPPTYPE_UINT32:
        cell.int_value = reflection->GetUInt32(*message, field);
        break;
      case FieldDescriptor::CPPTYPE_DOUBLE:
        cell.double_value = reflection->GetDouble(*message, field);
        break;
      case FieldDescriptor::CPPTYPE_FLOAT:
        cell.double_value = reflection->GetFloat(*message, field);
        break;
      case FieldDescriptor::CPPTYPE_BOOL:
        cell.int_value = reflection->GetBool(*message, field) ? 1 : 0;
        break;
      case FieldDescriptor::CPPTYPE_STRING:
        cell.bytes_value = reflection->GetString(*message, field);
        break;
      default:  // Create refused every other type
        *error = absl::StrCat("field ", BoundedEcho(field->name()),
                              " has type ", field->type_name());
        return false;
    }
  }
  if (!missing.empty()) {
    *error = absl::StrCat("missing required field(s): ",
                          absl::StrJoin(missing, ", "));
    return false;
  }
  return true;
}

}  // namespace forkcheck
