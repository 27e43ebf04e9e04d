#include "client/proto_row_encoder.h"

#include <cstdlib>
#include <iostream>

#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/message.h"

namespace forkcheck {
namespace {

using ::google::protobuf::DescriptorProto;
using ::google::protobuf::FieldDescriptor;
using ::google::protobuf::FieldDescriptorProto;
using ::google::protobuf::FileDescriptorProto;

// The message's name: what BigQuery's docs call the writer's row message.
constexpr char kMessageName[] = "ForkcheckRow";

FieldDescriptorProto::Type ProtoType(ColumnType type) {
  switch (type) {
    case ColumnType::kInt64:
    case ColumnType::kTimestamp:
      return FieldDescriptorProto::TYPE_INT64;
    case ColumnType::kDouble:
      return FieldDescriptorProto::TYPE_DOUBLE;
    case ColumnType::kBool:
      return FieldDescriptorProto::TYPE_BOOL;
    case ColumnType::kString:
      return FieldDescriptorProto::TYPE_STRING;
    case ColumnType::kBytes:
      return FieldDescriptorProto::TYPE_BYTES;
  }
  return FieldDescriptorProto::TYPE_BYTES;
}

DescriptorProto RowDescriptor(const TableSpec& spec) {
  DescriptorProto descriptor;
  descriptor.set_name(kMessageName);
  for (size_t i = 0; i < spec.columns.size(); ++i) {
    FieldDescriptorProto* field = descriptor.add_field();
    field->set_name(spec.columns[i].name);
    field->set_number(static_cast<int>(i) + 1);
    field->set_label(FieldDescriptorProto::LABEL_OPTIONAL);
    field->set_type(ProtoType(spec.columns[i].type));
  }
  return descriptor;
}

}  // namespace

ProtoRowEncoder::ProtoRowEncoder(const TableSpec& spec)
    : spec_(spec),
      descriptor_(RowDescriptor(spec)),
      pool_(std::make_unique<google::protobuf::DescriptorPool>()) {
  FileDescriptorProto file;
  file.set_name("forkcheck_row.proto");
  file.set_syntax("proto2");
  *file.add_message_type() = descriptor_;
  const google::protobuf::FileDescriptor* built = pool_->BuildFile(file);
  // Column names come from a validated catalogue; a descriptor that does
  // not build is a bug here, not bad input.
  if (built == nullptr) {
    std::cerr << "ProtoRowEncoder: the descriptor of " << spec.name
              << " does not build\n";
    std::abort();
  }
  factory_ =
      std::make_unique<google::protobuf::DynamicMessageFactory>(pool_.get());
  prototype_ = factory_->GetPrototype(built->message_type(0));
}

ProtoRowEncoder::~ProtoRowEncoder() = default;

std::string ProtoRowEncoder::Encode(const Row& row) const {
  std::unique_ptr<google::protobuf::Message> message(prototype_->New());
  const google::protobuf::Reflection* reflection = message->GetReflection();
  const google::protobuf::Descriptor* type = message->GetDescriptor();
  for (size_t i = 0; i < row.size() && i < spec_.columns.size(); ++i) {
    const FieldValue& cell = row[i];
    if (cell.is_null) continue;
    const FieldDescriptor* field = type->field(static_cast<int>(i));
    switch (spec_.columns[i].type) {
      case ColumnType::kInt64:
      case ColumnType::kTimestamp:
        reflection->SetInt64(message.get(), field, cell.int_value);
        break;
      case ColumnType::kDouble:
        reflection->SetDouble(message.get(), field, cell.double_value);
        break;
      case ColumnType::kBool:
        reflection->SetBool(message.get(), field, cell.int_value != 0);
        break;
      case ColumnType::kString:
      case ColumnType::kBytes:
        reflection->SetString(message.get(), field, cell.bytes_value);
        break;
    }
  }
  return message->SerializeAsString();
}

}  // namespace forkcheck
