#include "client/append_builder.h"

#include <utility>

namespace forkcheck {

namespace bqs = ::google::cloud::bigquery::storage::v1;

AppendBuilder::AppendBuilder(const TableSpec& spec, int64_t begin, int64_t end,
                             int rows_per_append, int64_t max_request_bytes)
    : generator_(spec),
      encoder_(spec),
      begin_(begin),
      end_(end),
      rows_per_append_(rows_per_append),
      max_request_bytes_(max_request_bytes) {
  for (size_t c = 0; c < spec.columns.size(); ++c) {
    columns_.push_back(static_cast<int>(c));
  }
}

bqs::AppendRowsRequest AppendBuilder::Build(int64_t offset, bool with_offset,
                                            bool first_of_call,
                                            const std::string& stream) {
  bqs::AppendRowsRequest request;
  if (first_of_call) request.set_write_stream(stream);
  if (with_offset) request.mutable_offset()->set_value(offset);
  bqs::AppendRowsRequest::ProtoData* data = request.mutable_proto_rows();
  if (first_of_call) {
    *data->mutable_writer_schema()->mutable_proto_descriptor() =
        encoder_.descriptor();
  }
  int64_t bytes = 0;
  for (int64_t k = offset;
       k < total() && data->rows().serialized_rows_size() < rows_per_append_;
       ++k) {
    generator_.FillRow(begin_ + k, columns_, &row_);
    std::string encoded = encoder_.Encode(row_);
    if (data->rows().serialized_rows_size() > 0 &&
        bytes + static_cast<int64_t>(encoded.size()) > max_request_bytes_) {
      break;
    }
    bytes += static_cast<int64_t>(encoded.size());
    data->mutable_rows()->add_serialized_rows(std::move(encoded));
  }
  return request;
}

int64_t SerializedRowBytes(const bqs::AppendRowsRequest& request) {
  int64_t bytes = 0;
  for (const std::string& row : request.proto_rows().rows().serialized_rows()) {
    bytes += static_cast<int64_t>(row.size());
  }
  return bytes;
}

}  // namespace forkcheck
