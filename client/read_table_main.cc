// read_table: reads one table from a running BigQuery Storage Read server
// with the reference reader and prints the account as one JSON object.
//
//   read_table --target=127.0.0.1:PORT --table=NAME [--streams=N]
//              [--threads=N] [--fields=a,b] [--call_timeout=SECONDS]
//              [--catalogue=PATH]
//   read_table --target=127.0.0.1:PORT --table=WRITTEN --rows=N
//              [--call_timeout=SECONDS] [--catalogue=PATH]
//
// NAME is a full table name or the last part of one in the catalogue
// ("small"). With --rows, WRITTEN is a table someone wrote (e.g.
// projects/p/datasets/writable/tables/small), checked as holding exactly
// RowGenerator's rows [0, N) of the catalogue table named by its last
// component (ReadBackWrittenTable). Exit status: 0 if every row was read
// exactly once, 1 if not (or the session could not be created), 2 for bad
// flags.

#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "client/account_json.h"
#include "client/reference_reader.h"
#include "client/written_table_check.h"
#include "common/json_fields.h"
#include "dataset/catalogue.h"
#include "dataset/table_spec.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"

namespace forkcheck {
namespace {

constexpr char kUsage[] =
    "usage: read_table --target=ADDR --table=NAME [--streams=N] "
    "[--threads=N] [--fields=a,b] [--call_timeout=SECONDS] "
    "[--catalogue=PATH]\n"
    "       read_table --target=ADDR --table=WRITTEN --rows=N "
    "[--call_timeout=SECONDS] [--catalogue=PATH]\n";

struct Flags {
  std::string target;
  std::string table;
  int streams = 0;  // max_stream_count; 0 lets the server choose
  int threads = 1;
  std::vector<std::string> fields;
  double call_timeout_seconds = 60;
  std::string catalogue_path;
  // --rows: the table is a written one, holding rows [0, rows) of the
  // catalogue table its last component names; -1 without the flag.
  int64_t rows = -1;
};

int BadFlag(const std::string& message) {
  std::cerr << "read_table: " << message << "\n" << kUsage;
  return 2;
}

// Returns 0 on success, else the exit status (after printing why).
int ParseFlags(int argc, char** argv, Flags* flags) {
  bool have_target = false;
  bool have_table = false;
  // A written table is checked whole, on one thread, every column.
  std::vector<std::string> read_shape_flags;
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      return -1;
    }
    if (!absl::ConsumePrefix(&arg, "--")) {
      return BadFlag(absl::StrCat("unexpected argument \"", arg, "\""));
    }
    const size_t eq = arg.find('=');
    if (eq == absl::string_view::npos) {
      return BadFlag(absl::StrCat("--", arg, ": expected --", arg, "=VALUE"));
    }
    const absl::string_view name = arg.substr(0, eq);
    const absl::string_view value = arg.substr(eq + 1);
    if (name == "target") {
      if (value.empty()) return BadFlag("--target: empty address");
      flags->target = std::string(value);
      have_target = true;
    } else if (name == "table") {
      if (value.empty()) return BadFlag("--table: empty table name");
      flags->table = std::string(value);
      have_table = true;
    } else if (name == "rows") {
      if (!absl::SimpleAtoi(value, &flags->rows) || flags->rows < 1) {
        return BadFlag(
            absl::StrCat("--rows: \"", value, "\" is not an integer >= 1"));
      }
    } else if (name == "streams") {
      read_shape_flags.emplace_back("--streams");
      if (!absl::SimpleAtoi(value, &flags->streams) || flags->streams < 0) {
        return BadFlag(
            absl::StrCat("--streams: \"", value, "\" is not an integer >= 0"));
      }
    } else if (name == "threads") {
      read_shape_flags.emplace_back("--threads");
      if (!absl::SimpleAtoi(value, &flags->threads) || flags->threads < 1) {
        return BadFlag(
            absl::StrCat("--threads: \"", value, "\" is not an integer >= 1"));
      }
    } else if (name == "fields") {
      read_shape_flags.emplace_back("--fields");
      flags->fields.clear();
      for (absl::string_view field : absl::StrSplit(value, ',')) {
        if (field.empty()) {
          return BadFlag(
              absl::StrCat("--fields: empty field name in \"", value, "\""));
        }
        flags->fields.emplace_back(field);
      }
    } else if (name == "call_timeout") {
      if (!absl::SimpleAtod(value, &flags->call_timeout_seconds) ||
          !(flags->call_timeout_seconds > 0) ||
          flags->call_timeout_seconds > 86400) {
        return BadFlag(absl::StrCat("--call_timeout: \"", value,
                                    "\" is not a number of seconds in "
                                    "(0, 86400]"));
      }
    } else if (name == "catalogue") {
      flags->catalogue_path = std::string(value);
    } else {
      return BadFlag(absl::StrCat("unknown flag --", name));
    }
  }
  if (!have_target) return BadFlag("--target is required");
  if (!have_table) return BadFlag("--table is required");
  if (flags->rows >= 0 && !read_shape_flags.empty()) {
    return BadFlag(
        absl::StrCat("--rows reads a written table whole; it takes "
                     "no ",
                     absl::StrJoin(read_shape_flags, ", ")));
  }
  return 0;
}

int Main(int argc, char** argv) {
  Flags flags;
  if (int status = ParseFlags(argc, argv, &flags); status != 0) {
    return status < 0 ? 0 : status;
  }

  std::unique_ptr<Catalogue> owned_catalogue;
  const Catalogue* catalogue = &Catalogue::Default();
  if (!flags.catalogue_path.empty()) {
    absl::StatusOr<std::vector<TableSpec>> tables =
        LoadCatalogueFile(flags.catalogue_path);
    if (!tables.ok()) {
      return BadFlag(absl::StrCat("--catalogue: ", tables.status().message()));
    }
    owned_catalogue = std::make_unique<Catalogue>(*std::move(tables));
    catalogue = owned_catalogue.get();
  }
  // A written table's rows are those of the catalogue table its last
  // component names.
  const std::string catalogue_name =
      flags.rows >= 0 ? flags.table.substr(flags.table.rfind('/') + 1)
                      : flags.table;
  const TableSpec* table = catalogue->Resolve(catalogue_name);
  if (table == nullptr) {
    std::vector<std::string> names;
    for (const TableSpec& t : catalogue->tables()) names.push_back(t.name);
    return BadFlag(absl::StrCat("--table: unknown or ambiguous table \"",
                                catalogue_name,
                                "\"; known: ", absl::StrJoin(names, ", ")));
  }
  if (flags.rows > table->row_count) {
    return BadFlag(absl::StrCat("--rows=", flags.rows, ": more than the ",
                                table->row_count, " rows of ", table->name,
                                ", whose rows the table holds"));
  }
  for (const std::string& field : flags.fields) {
    if (table->ColumnIndex(field) < 0) {
      return BadFlag(absl::StrCat("--fields: \"", field,
                                  "\" is not a column of ", table->name));
    }
  }

  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(128 << 20);  // responses are large
  std::shared_ptr<grpc::Channel> channel = grpc::CreateCustomChannel(
      flags.target, grpc::InsecureChannelCredentials(), arguments);

  ReaderOptions options;
  options.stream.call_timeout = absl::Seconds(flags.call_timeout_seconds);
  absl::StatusOr<ReadAccount> read;
  if (flags.rows >= 0) {
    // A written table's bytes are stored: a refetch of a corrupt response
    // returns the same ones. Count its rows corrupted at once instead of
    // retrying it into a timeout.
    options.stream.refetch_corrupt_responses = false;
    read =
        ReadBackWrittenTable(channel, flags.table, *table, flags.rows, options);
  } else {
    ReferenceReader reader(channel, *catalogue, options);
    absl::StatusOr<google::cloud::bigquery::storage::v1::ReadSession> session =
        reader.CreateSession(table->name, flags.streams, flags.fields);
    if (session.ok()) {
      read = reader.Read(*session, flags.threads);
    } else {
      read = session.status();
    }
  }
  if (!read.ok()) {
    nlohmann::json error = {
        {"table", flags.rows >= 0 ? flags.table : table->name},
        {"exactly_once", false},
        {"error",
         {{"code", absl::StatusCodeToString(read.status().code())},
          {"message",
           absl::StrCat("CreateReadSession: ", read.status().message())}}}};
    // A server's status message need not be UTF-8 (json::Dump: never
    // dump()'s exception, which would read as read_table killed).
    std::cout << json::Dump(error) << std::endl;
    return 1;
  }
  const ReadAccount& account = *read;
  std::cout << json::Dump(ReadAccountToJson(account)) << std::endl;
  return account.exactly_once() ? 0 : 1;
}

}  // namespace
}  // namespace forkcheck

int main(int argc, char** argv) { return forkcheck::Main(argc, argv); }
