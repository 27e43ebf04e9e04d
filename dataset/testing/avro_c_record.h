// Test helper: avro-c, an independent Avro implementation, to check our Avro
// encoder and decoder against.
#ifndef FORKCHECK_DATASET_TESTING_AVRO_C_RECORD_H_
#define FORKCHECK_DATASET_TESTING_AVRO_C_RECORD_H_

#include <avro.h>

#include <string>

namespace forkcheck {

// Owns an avro-c schema, its generic class and one value of it.
class AvroCRecord {
 public:
  explicit AvroCRecord(const std::string& schema_json);
  ~AvroCRecord();
  AvroCRecord(const AvroCRecord&) = delete;
  AvroCRecord& operator=(const AvroCRecord&) = delete;

  bool ok() const { return has_value_; }
  const std::string& error() const { return error_; }
  avro_schema_t schema() const { return schema_; }
  avro_value_t* value() { return &value_; }

  // The schema as avro-c itself writes it.
  std::string SchemaJson() const;

 private:
  avro_schema_t schema_ = nullptr;
  avro_value_iface_t* iface_ = nullptr;
  avro_value_t value_;
  bool has_value_ = false;
  std::string error_;
};

}  // namespace forkcheck

#endif  // FORKCHECK_DATASET_TESTING_AVRO_C_RECORD_H_
