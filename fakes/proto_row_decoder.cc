#include "fakes/proto_row_decoder.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/utf8.h"
#include "fakes/echo.h"
#include "fakes/storage_error.h"
#include "google/cloud/bigquery/storage/v1/storage.pb.h"
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

ProtoRowDecoder::~ProtoRowDecoder() = default;

grpc::Status ProtoRowDecoder::Create(
    const google::protobuf::DescriptorProto& descriptor,
    std::shared_ptr<const TableSpec> table, absl::string_view entity,
    std::unique_ptr<ProtoRowDecoder>* decoder) {
  if (descriptor.name().empty()) {
    return InvalidArgument(
        "writer_schema.proto_descriptor has no name (is it missing?)");
  }
  std::unique_ptr<ProtoRowDecoder> built(new ProtoRowDecoder());
  // A file of its own, proto2: the real service reads rows with proto2
  // semantics, where every singular field has presence.
  google::protobuf::FileDescriptorProto file;
  file.set_name("forkcheck_writer_schema.proto");
  *file.add_message_type() = descriptor;
  ErrorCollector errors;
  const google::protobuf::FileDescriptor* built_file =
      built->pool_.BuildFileCollectingErrors(file, &errors);
  if (built_file == nullptr) {
    return InvalidArgument(absl::StrCat(
        "writer_schema.proto_descriptor is not a valid self-contained "
        "message descriptor: ",
        BoundedEcho(errors.Text())));
  }
  const google::protobuf::Descriptor* type = built_file->message_type(0);

  const TableSpec& spec = *table;
  built->fields_.assign(spec.columns.size(), nullptr);
  std::vector<std::string> extra;
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* field = type->field(i);
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
    if (built->fields_[column] != nullptr) {
      return InvalidArgument(
          absl::StrCat("fields \"", built->fields_[column]->name(), "\" and \"",
                       field->name(), "\" both name column ", column_spec.name,
                       " (column names ignore case)"));
    }
    if (field->is_repeated()) {
      return InvalidArgument(
          absl::StrCat("field \"", field->name(), "\" is repeated, but column ",
                       column_spec.name, " is not REPEATED"));
    }
    if (!Compatible(column_spec.type, field->type())) {
      return InvalidArgument(absl::StrCat(
          "field \"", field->name(), "\" has proto type ", field->type_name(),
          ", which cannot fill column ", column_spec.name, " of type ",
          std::string(ColumnTypeName(column_spec.type))));
    }
    built->fields_[column] = field;
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
  built->table_ = std::move(table);
  built->factory_ =
      std::make_unique<google::protobuf::DynamicMessageFactory>(&built->pool_);
  built->prototype_ = built->factory_->GetPrototype(type);
  built->message_.reset(built->prototype_->New());
  *decoder = std::move(built);
  return grpc::Status::OK;
}

bool ProtoRowDecoder::Decode(const std::string& serialized, Row* row,
                             std::string* error) {
  // ParsePartialFromString clears the message first (unknown fields too).
  google::protobuf::Message* const message = message_.get();
  if (!message->ParsePartialFromString(serialized)) {
    *error = absl::StrCat("not a valid serialized ",
                          prototype_->GetDescriptor()->name(), " message (",
                          serialized.size(), " bytes)");
    return false;
  }
  if (!message->IsInitialized()) {
    *error = absl::StrCat("proto2 required fields are missing: ",
                          message->InitializationErrorString());
    return false;
  }
  const google::protobuf::Reflection* reflection = message->GetReflection();
  if (!reflection->GetUnknownFields(*message).empty()) {
    *error =
        absl::StrCat("the row has fields the writer schema ",
                     prototype_->GetDescriptor()->name(), " does not declare");
    return false;
  }
  const TableSpec& spec = *table_;
  row->assign(spec.columns.size(), FieldValue());
  std::vector<std::string> missing;
  for (size_t c = 0; c < spec.columns.size(); ++c) {
    const FieldDescriptor* field = fields_[c];
    FieldValue& cell = (*row)[c];
    if (field == nullptr || !reflection->HasField(*message, field)) {
      cell.is_null = true;
      if (!spec.columns[c].nullable) missing.push_back(spec.columns[c].name);
      continue;
    }
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
        if (field->type() == FieldDescriptor::TYPE_STRING &&
            ValidUtf8(cell.bytes_value) != cell.bytes_value) {
          *error = absl::StrCat("field ", field->name(), " is not valid UTF-8");
          return false;
        }
        break;
      default:  // Create refused every other type
        *error = absl::StrCat("field ", field->name(), " has type ",
                              field->type_name());
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
