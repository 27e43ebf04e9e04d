// A table's rows as the Write API takes them: serialized protocol buffer
// messages of a self-contained descriptor the writer sends with its first
// append (AppendRowsRequest.ProtoData.writer_schema). One field per column,
// named as the column, numbered by its position from 1; encoded through
// protobuf's DynamicMessage, so the wire format is protobuf's own.

#ifndef FORKCHECK_CLIENT_PROTO_ROW_ENCODER_H_
#define FORKCHECK_CLIENT_PROTO_ROW_ENCODER_H_

#include <memory>
#include <string>

#include "dataset/row.h"
#include "dataset/table_spec.h"
#include "google/protobuf/descriptor.pb.h"

namespace google::protobuf {
class DescriptorPool;
class DynamicMessageFactory;
class Message;
}  // namespace google::protobuf

namespace forkcheck {

class ProtoRowEncoder {
 public:
  // The descriptor of `spec`'s rows: proto2, every field optional (a null
  // cell is a field left unset), with BigQuery's mapping of column types:
  // INT64 and TIMESTAMP (microseconds since the epoch) as int64, FLOAT64 as
  // double, BOOL as bool, STRING as string, BYTES as bytes.
  explicit ProtoRowEncoder(const TableSpec& spec);
  ~ProtoRowEncoder();
  ProtoRowEncoder(const ProtoRowEncoder&) = delete;
  ProtoRowEncoder& operator=(const ProtoRowEncoder&) = delete;

  const google::protobuf::DescriptorProto& descriptor() const {
    return descriptor_;
  }

  // `row` holds one cell per column of the spec, in order (as
  // RowGenerator::FillRow gives them for every column).
  std::string Encode(const Row& row) const;

 private:
  TableSpec spec_;
  google::protobuf::DescriptorProto descriptor_;
  std::unique_ptr<google::protobuf::DescriptorPool> pool_;
  std::unique_ptr<google::protobuf::DynamicMessageFactory> factory_;
  const google::protobuf::Message* prototype_ = nullptr;
};

}  // namespace forkcheck

#endif  // FORKCHECK_CLIENT_PROTO_ROW_ENCODER_H_
