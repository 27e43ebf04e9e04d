#include "dataset/testing/avro_c_record.h"

#include <avro.h>

#include <string>

#include "gtest/gtest.h"

namespace forkcheck {

AvroCRecord::AvroCRecord(const std::string& schema_json) {
  if (avro_schema_from_json_length(schema_json.data(), schema_json.size(),
                                   &schema_) != 0) {
    error_ = avro_strerror();
    schema_ = nullptr;
    return;
  }
  iface_ = avro_generic_class_from_schema(schema_);
  if (iface_ == nullptr || avro_generic_value_new(iface_, &value_) != 0) {
    error_ = avro_strerror();
    return;
  }
  has_value_ = true;
}

AvroCRecord::~AvroCRecord() {
  if (has_value_) avro_value_decref(&value_);
  if (iface_ != nullptr) avro_value_iface_decref(iface_);
  if (schema_ != nullptr) avro_schema_decref(schema_);
}

std::string AvroCRecord::SchemaJson() const {
  std::string buffer(1 << 16, '\0');
  avro_writer_t writer = avro_writer_memory(buffer.data(), buffer.size());
  EXPECT_EQ(avro_schema_to_json(schema_, writer), 0) << avro_strerror();
  buffer.resize(avro_writer_tell(writer));
  avro_writer_free(writer);
  return buffer;
}

}  // namespace forkcheck
