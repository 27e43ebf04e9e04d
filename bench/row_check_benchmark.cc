// What the fake's AppendRows costs per row, measured without gRPC: the
// parts fake_vs_bare_write_benchmark cannot separate. One request's rows
// (the bench table's, 313 bytes each, encoded by client/proto_row_encoder as
// in the write benchmarks) go through each step of the fake's work alone.
// See bench/README.md, "Writes".
//
//   BM_ParseRequest     AppendRowsRequest parsed from its bytes (what the
//                       reactor does first, before any row is looked at)
//   BM_DynamicParse     each row parsed into a fresh DynamicMessage, as the
//                       decoder does: the floor of a decode with
//                       DynamicMessage (issue 15's rule), checks aside
//   BM_CheckRows        ProtoRowDecoder::Check on each row: the parse and
//                       every check the fake makes before it appends
//   BM_DecodeRows       ProtoRowDecoder::Decode to dataset Rows (what a
//                       read of written rows pays per row)
//   BM_AppendWork       the reactor's work on one request, gRPC aside: the
//                       request parsed, its rows checked and kept (they
//                       accumulate, as in the fake: a fixed 32 requests a
//                       run); heap_bytes_per_row is what a kept row costs
//
// items_per_second counts rows. A bare AppendRows loop moves a row in 0.5 to
// 1 µs over TCP on the machine of bench/README.md.
#include <malloc.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "bench/append_rows_pump.h"
#include "bench/bench_catalogue.h"
#include "bench/default_flags.h"
#include "bench/mad_statistics.h"
#include "bench/min_max_statistics.h"
#include "benchmark/benchmark.h"
#include "fakes/proto_row_decoder.h"
#include "fakes/stored_rows.h"
#include "google/protobuf/dynamic_message.h"

namespace forkcheck {
namespace {

namespace bqs = google::cloud::bigquery::storage::v1;

constexpr int64_t kRequestBytes = 1 << 20;

struct Fixture {
  std::shared_ptr<const Catalogue> catalogue;
  std::shared_ptr<const TableSpec> table;
  PreparedAppends appends;
  std::string serialized_request;  // appends.next, serialized
};

// Built once; nullptr after reporting the error on `state`.
const Fixture* GetFixture(benchmark::State& state) {
  static const Fixture* fixture = []() -> const Fixture* {
    auto built = std::make_unique<Fixture>();
    absl::StatusOr<std::shared_ptr<const Catalogue>> catalogue =
        BenchCatalogue(kBenchRowsPerChunk);
    if (!catalogue.ok()) return nullptr;
    built->catalogue = *std::move(catalogue);
    const TableSpec* spec = built->catalogue->Resolve("fixed_rows");
    if (spec == nullptr) return nullptr;
    built->table = std::make_shared<const TableSpec>(*spec);
    absl::StatusOr<PreparedAppends> appends =
        PrepareAppends(*spec, "unused", kRequestBytes, kRequestBytes);
    if (!appends.ok()) return nullptr;
    built->appends = *std::move(appends);
    built->serialized_request = built->appends.next.SerializeAsString();
    return built.release();
  }();
  if (fixture == nullptr) state.SkipWithError("cannot prepare the rows");
  return fixture;
}

std::unique_ptr<ProtoRowDecoder> MakeDecoder(const Fixture& fixture,
                                             benchmark::State& state) {
  std::unique_ptr<ProtoRowDecoder> decoder;
  grpc::Status status = ProtoRowDecoder::Create(
      fixture.appends.first.proto_rows().writer_schema().proto_descriptor(),
      fixture.table, "unused", &decoder);
  if (!status.ok()) state.SkipWithError(status.error_message().c_str());
  return decoder;
}

const google::protobuf::RepeatedPtrField<std::string>& Rows(
    const Fixture& fixture) {
  return fixture.appends.next.proto_rows().rows().serialized_rows();
}

void SetRowCounters(const Fixture& fixture, benchmark::State& state) {
  const int64_t rows = Rows(fixture).size();
  state.SetItemsProcessed(state.iterations() * rows);
  state.SetBytesProcessed(state.iterations() * fixture.appends.row_bytes);
  state.counters["rows_per_request"] = static_cast<double>(rows);
}

void BM_ParseRequest(benchmark::State& state) {
  const Fixture* fixture = GetFixture(state);
  if (fixture == nullptr) return;
  for (auto _ : state) {
    bqs::AppendRowsRequest request;
    if (!request.ParseFromString(fixture->serialized_request)) {
      state.SkipWithError("the request does not parse");
      return;
    }
    benchmark::DoNotOptimize(request);
  }
  SetRowCounters(*fixture, state);
}

void BM_DynamicParse(benchmark::State& state) {
  const Fixture* fixture = GetFixture(state);
  if (fixture == nullptr) return;
  google::protobuf::DescriptorPool pool;
  google::protobuf::FileDescriptorProto file;
  file.set_name("row_check_benchmark.proto");
  *file.add_message_type() =
      fixture->appends.first.proto_rows().writer_schema().proto_descriptor();
  const google::protobuf::FileDescriptor* built = pool.BuildFile(file);
  if (built == nullptr) {
    state.SkipWithError("the writer schema does not build");
    return;
  }
  google::protobuf::DynamicMessageFactory factory(&pool);
  const google::protobuf::Message* prototype =
      factory.GetPrototype(built->message_type(0));
  for (auto _ : state) {
    for (const std::string& row : Rows(*fixture)) {
      std::unique_ptr<google::protobuf::Message> message(prototype->New());
      if (!message->ParsePartialFromString(row)) {
        state.SkipWithError("a row does not parse");
        return;
      }
    }
  }
  SetRowCounters(*fixture, state);
}

// Runs `step` (the decoder, a serialized row, where to say what is wrong)
// on every row of the request, once an iteration.
template <typename Step>
void EveryRow(benchmark::State& state, Step step) {
  const Fixture* fixture = GetFixture(state);
  if (fixture == nullptr) return;
  std::unique_ptr<ProtoRowDecoder> decoder = MakeDecoder(*fixture, state);
  if (decoder == nullptr) return;
  std::string error;
  for (auto _ : state) {
    for (const std::string& row : Rows(*fixture)) {
      if (!step(*decoder, row, &error)) {
        state.SkipWithError(error.c_str());
        return;
      }
    }
  }
  SetRowCounters(*fixture, state);
}

void BM_CheckRows(benchmark::State& state) {
  EveryRow(state, [](const ProtoRowDecoder& decoder, const std::string& row,
                     std::string* error) { return decoder.Check(row, error); });
}

void BM_DecodeRows(benchmark::State& state) {
  Row decoded;
  EveryRow(state, [&decoded](const ProtoRowDecoder& decoder,
                             const std::string& row, std::string* error) {
    return decoder.Decode(row, &decoded, error);
  });
}

void BM_AppendWork(benchmark::State& state) {
  const Fixture* fixture = GetFixture(state);
  if (fixture == nullptr) return;
  std::unique_ptr<ProtoRowDecoder> decoder = MakeDecoder(*fixture, state);
  if (decoder == nullptr) return;
  std::string error;
  StoredRows kept;
  const struct mallinfo2 before = mallinfo2();
  for (auto _ : state) {
    bqs::AppendRowsRequest request;
    if (!request.ParseFromString(fixture->serialized_request)) {
      state.SkipWithError("the request does not parse");
      return;
    }
    google::protobuf::RepeatedPtrField<std::string>* rows =
        request.mutable_proto_rows()->mutable_rows()->mutable_serialized_rows();
    for (const std::string& row : *rows) {
      if (!decoder->Check(row, &error)) {
        state.SkipWithError(error.c_str());
        return;
      }
    }
    kept.Append(decoder->Keep(rows));
  }
  const struct mallinfo2 after = mallinfo2();
  const double heap_bytes =
      static_cast<double>(after.uordblks + after.hblkhd) -
      static_cast<double>(before.uordblks + before.hblkhd);
  state.counters["heap_bytes_per_row"] =
      heap_bytes / static_cast<double>(std::max<int64_t>(1, kept.size()));
  state.counters["row_bytes"] =
      static_cast<double>(fixture->appends.row_bytes) /
      static_cast<double>(Rows(*fixture).size());
  SetRowCounters(*fixture, state);
}

void Configure(benchmark::internal::Benchmark* benchmark) {
  AddMinMaxStatistics(
      AddMadStatistic(benchmark->Unit(benchmark::kMicrosecond)));
}

BENCHMARK(BM_ParseRequest)->Apply(Configure);
BENCHMARK(BM_DynamicParse)->Apply(Configure);
BENCHMARK(BM_CheckRows)->Apply(Configure);
BENCHMARK(BM_DecodeRows)->Apply(Configure);
BENCHMARK(BM_AppendWork)->Iterations(32)->Apply(Configure);

}  // namespace
}  // namespace forkcheck

int main(int argc, char** argv) {
  // Defaults that the command line overrides (its smoke test runs once).
  return forkcheck::RunBenchmarksWithDefaults(
      argc, argv,
      {"--benchmark_repetitions=5", "--benchmark_report_aggregates_only=true"});
}
