#include "reports/report_model.h"

#include <limits>
#include <utility>
#include <variant>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/json_fields.h"
#include "matrix/cell_result.h"

namespace forkcheck {
namespace {

using Json = nlohmann::json;

constexpr int kMaxInt = std::numeric_limits<int>::max();

// Reads the members of one JSON object into typed fields. Every reader of a
// parse shares one status and keeps its first error, which names the JSON
// path; after an error, reading does nothing, so a parse can read on and
// check the status once at the end of each element it builds.
class Fields {
 public:
  Fields(const Json& object, std::string path, absl::Status* status)
      : object_(object), path_(std::move(path)), status_(status) {
    if (ok() && !object_.is_object()) {
      Fail(json::PathError(path_, absl::StrCat("expected an object, got ",
                                               object_.type_name())));
    }
  }

  bool ok() const { return status_->ok(); }
  std::string Path(const char* key) const {
    return json::MemberPath(path_, key);
  }
  bool Has(const char* key) const {
    return ok() && json::GetOptional(object_, key) != nullptr;
  }
  // The member, or null (with the error set) if it is missing.
  const Json& Member(const char* key) {
    static const Json* const kNull = new Json();
    if (!ok()) return *kNull;
    const Json* value = nullptr;
    Fail(json::GetRequired(object_, path_, key, &value));
    return value == nullptr ? *kNull : *value;
  }

  void Text(const char* key, std::string* out) {
    Convert(json::ToString(Member(key), Path(key)), out);
  }
  void Integer(const char* key, int64_t* out, int64_t min = INT64_MIN) {
    Convert(json::ToInt64(Member(key), Path(key), min, INT64_MAX), out);
  }
  void Integer(const char* key, int* out, int64_t min = 0) {
    int64_t value = 0;
    Convert(json::ToInt64(Member(key), Path(key), min, kMaxInt), &value);
    if (ok()) *out = static_cast<int>(value);
  }
  void Number(const char* key, double* out) {
    Convert(json::ToDouble(Member(key), Path(key)), out);
  }
  void Flag(const char* key, bool* out) {
    Convert(json::ToBool(Member(key), Path(key)), out);
  }
  // Each element of an array member, with its path.
  template <typename Visit>
  void Each(const char* key, Visit visit) {
    const Json& array = Member(key);
    if (!ok()) return;
    if (!array.is_array()) {
      return Fail(json::PathError(
          Path(key),
          absl::StrCat("expected an array, got ", array.type_name())));
    }
    for (size_t i = 0; i < array.size() && ok(); ++i) {
      visit(array[i], json::ElementPath(Path(key), i));
    }
  }
  void Texts(const char* key, std::vector<std::string>* out) {
    Each(key, [&](const Json& value, const std::string& path) {
      std::string text;
      Convert(json::ToString(value, path), &text);
      out->push_back(std::move(text));
    });
  }
  void Integers(const char* key, std::vector<int64_t>* out) {
    Each(key, [&](const Json& value, const std::string& path) {
      int64_t number = 0;
      Convert(json::ToInt64(value, path, INT64_MIN, INT64_MAX), &number);
      out->push_back(number);
    });
  }
  // Each member of an object member, with its name and path.
  template <typename Visit>
  void Members(const char* key, Visit visit) {
    Fields members(Member(key), Path(key), status_);
    if (!ok()) return;
    for (const auto& [name, value] : members.object_.items()) {
      if (!ok()) return;
      visit(name, value, json::MemberPath(members.path_, name));
    }
  }

  // The object has exactly these keys: unknown ones are typos, every one
  // is required.
  void Exactly(std::initializer_list<absl::string_view> keys) {
    if (!ok()) return;
    Fail(json::CheckObject(object_, path_, keys));
    for (absl::string_view key : keys) Member(std::string(key).c_str());
  }

  void Fail(absl::Status status) {
    if (ok()) *status_ = std::move(status);
  }

 private:
  template <typename T, typename Out>
  void Convert(absl::StatusOr<T> value, Out* out) {
    if (!ok()) return;
    if (!value.ok()) return Fail(value.status());
    *out = *std::move(value);
  }

  const Json& object_;
  const std::string path_;
  absl::Status* status_;
};

Axes ParseAxes(const Json& json, const std::string& path,
               absl::Status* status) {
  Axes axes;
  Fields fields(json, path, status);
  for (const AxisDeclaration& axis : AxisDeclarations()) {
    if (axis.absent_in_older_reports && !fields.Has(axis.name.c_str())) {
      continue;
    }
    if (const auto* count = std::get_if<int Axes::*>(&axis.field)) {
      fields.Integer(axis.name.c_str(), &(axes.**count), 1);
    } else if (const auto* flag = std::get_if<bool Axes::*>(&axis.field)) {
      fields.Flag(axis.name.c_str(), &(axes.**flag));
    } else {
      fields.Text(axis.name.c_str(),
                  &(axes.*std::get<std::string Axes::*>(axis.field)));
    }
  }
  return axes;
}

// An older report's key lacks the axes declared since (the last in key
// order): they are added with their values, so that its cells keep matching
// the same cells of newer reports (compare, merge).
void KeyWithAxesAddedLater(const Json& axes_json, const Axes& axes,
                           std::string* key) {
  const std::vector<std::pair<std::string, std::string>> values =
      AxisValues(axes);
  for (size_t i = 0; i < values.size(); ++i) {
    const AxisDeclaration& axis = AxisDeclarations()[i];
    if (axis.absent_in_older_reports && axes_json.is_object() &&
        !axes_json.contains(axis.name)) {
      absl::StrAppend(key, " ", values[i].first, "=", values[i].second);
    }
  }
}

CellPart ParsePart(const Json& json, const std::string& path,
                   absl::Status* status) {
  CellPart part;
  Fields fields(json, path, status);
  fields.Text("summary", &part.summary);
  fields.Members("counts", [&](const std::string& kind, const Json& count,
                               const std::string& count_path) {
    absl::StatusOr<int64_t> trials =
        json::ToInt64(count, count_path, 1, kMaxOutcomeCount);
    if (!trials.ok()) return fields.Fail(trials.status());
    part.counts[kind] = static_cast<int>(*trials);
  });
  fields.Integer("trials", &part.trials);
  fields.Integer("failures", &part.failures);
  fields.Integer("ok_after_retry", &part.ok_after_retry);
  fields.Integer("wrong_data", &part.wrong_data);
  // The totals must be the counts': readers compute intervals and tests
  // from both, and contradicting ones would make them ask the impossible
  // (e.g. 20 ok of 19 trials).
  if (!fields.ok()) return part;
  int64_t counted = 0;
  for (const auto& [kind, count] : part.counts) counted += count;
  if (counted != part.trials) {
    fields.Fail(json::PathError(
        fields.Path("trials"),
        absl::StrCat(part.trials, " is not the sum of the counts (", counted,
                     ")")));
  }
  for (const auto& [key, value] :
       {std::pair<const char*, int>{"failures", part.failures},
        {"ok_after_retry", part.ok_after_retry},
        {"wrong_data", part.wrong_data}}) {
    if (value > part.trials) {
      fields.Fail(json::PathError(
          fields.Path(key), absl::StrCat(value, " is more than the part's ",
                                         part.trials, " trials")));
    }
  }
  fields.Number("failure_rate", &part.failure_rate);
  Fields interval(fields.Member("interval"), fields.Path("interval"), status);
  interval.Number("low", &part.interval_low);
  interval.Number("high", &part.interval_high);
  fields.Text("verdict", &part.verdict);
  fields.Text("text", &part.text);
  return part;
}

ProcessEvidence ParseEvidence(const Json& json, const std::string& path,
                              absl::Status* status) {
  ProcessEvidence evidence;
  Fields fields(json, path, status);
  fields.Text("process", &evidence.process);
  fields.Text("signature", &evidence.signature);
  fields.Text("stacks_source", &evidence.stacks_source);
  fields.Text("signal", &evidence.signal);
  fields.Text("fault_address", &evidence.fault_address);
  fields.Text("stacks", &evidence.stacks);
  fields.Text("stderr", &evidence.stderr_tail);
  fields.Text("capture_error", &evidence.capture_error);
  return evidence;
}

ReportTrial ParseTrial(const Json& json, const std::string& path,
                       absl::Status* status) {
  ReportTrial trial;
  Fields fields(json, path, status);
  fields.Text("workers", &trial.workers);
  if (!fields.Member("parent_after").is_null()) {
    fields.Text("parent_after", &trial.parent_after.emplace());
  }
  fields.Texts("worker_details", &trial.worker_details);
  fields.Text("parent_detail", &trial.parent_detail);
  fields.Flag("watchdog_fired", &trial.watchdog_fired);
  fields.Integer("wall_micros", &trial.wall_micros);
  fields.Integers("first_row_micros", &trial.first_row_micros);
  fields.Integers("done_micros", &trial.done_micros);
  fields.Integer("rows", &trial.rows);
  fields.Integer("tcp_connections", &trial.tcp_connections);
  fields.Text("harness_error", &trial.harness_error);
  // Optional: reports from before the retry classifier lack them.
  if (fields.Has("worker_retries")) {
    fields.Integers("worker_retries", &trial.worker_retries);
  }
  if (fields.Has("worker_first_failure")) {
    fields.Texts("worker_first_failure", &trial.worker_first_failure);
  }
  // Optional: reports from before failures were explained lack them.
  if (fields.Has("diagnosis_micros")) {
    fields.Integer("diagnosis_micros", &trial.diagnosis_micros);
  }
  // Optional: reports from before the watchdog's starvation allowance.
  if (fields.Has("starvation_allowance_micros")) {
    fields.Integer("starvation_allowance_micros",
                   &trial.starvation_allowance_micros);
  }
  if (fields.Has("killed_waiting_for_cpu")) {
    fields.Flag("killed_waiting_for_cpu", &trial.killed_waiting_for_cpu);
  }
  if (fields.Has("evidence")) {
    fields.Each(
        "evidence", [&](const Json& item, const std::string& item_path) {
          trial.evidence.push_back(ParseEvidence(item, item_path, status));
        });
  }
  return trial;
}

ReportCell ParseCell(const Json& json, const std::string& path,
                     absl::Status* status) {
  ReportCell cell;
  Fields fields(json, path, status);
  fields.Text("key", &cell.key);
  if (fields.Has("client")) fields.Text("client", &cell.client);
  fields.Text("model", &cell.model);
  fields.Text("model_name", &cell.model_name);
  fields.Members("variant", [&](const std::string& name, const Json& value,
                                const std::string& value_path) {
    absl::StatusOr<std::string> text = json::ToString(value, value_path);
    if (!text.ok()) return fields.Fail(text.status());
    cell.variant[name] = *std::move(text);
  });
  cell.axes = ParseAxes(fields.Member("axes"), fields.Path("axes"), status);
  KeyWithAxesAddedLater(fields.Member("axes"), cell.axes, &cell.key);
  fields.Texts("groups", &cell.groups);
  cell.workers =
      ParsePart(fields.Member("workers"), fields.Path("workers"), status);
  if (const Json& parent = fields.Member("parent_after"); !parent.is_null()) {
    cell.parent_after = ParsePart(parent, fields.Path("parent_after"), status);
  }
  fields.Text("stop_reason", &cell.stop_reason);
  if (fields.Has("signatures")) {
    fields.Each("signatures",
                [&](const Json& item, const std::string& item_path) {
                  Fields signature(item, item_path, status);
                  std::pair<std::string, int64_t> counted;
                  signature.Text("signature", &counted.first);
                  signature.Integer("trials", &counted.second, 1);
                  cell.signatures.push_back(std::move(counted));
                });
  }
  fields.Each("trials", [&](const Json& trial, const std::string& trial_path) {
    cell.trials.push_back(ParseTrial(trial, trial_path, status));
  });
  return cell;
}

ReportTrialPolicy ParseTrialPolicy(const Json& json, const std::string& path,
                                   absl::Status* status) {
  ReportTrialPolicy policy;
  Fields fields(json, path, status);
  Fields stopping(fields.Member("stopping"), fields.Path("stopping"), status);
  stopping.Integer("min_trials", &policy.stopping.min_trials, 1);
  stopping.Integer("max_trials", &policy.stopping.max_trials, 1);
  stopping.Integer("flaky_trials", &policy.stopping.flaky_trials, 1);
  // Reports from before departing cells were judged later have none: their
  // flaky cells were all judged at flaky_trials.
  policy.stopping.departing_trials = policy.stopping.flaky_trials;
  if (stopping.Has("departing_trials")) {
    stopping.Integer("departing_trials", &policy.stopping.departing_trials,
                     policy.stopping.flaky_trials);
  }
  stopping.Number("time_budget_seconds", &policy.time_budget_seconds);
  Fields verdicts(fields.Member("verdicts"), fields.Path("verdicts"), status);
  verdicts.Number("confidence", &policy.verdicts.confidence);
  verdicts.Number("safe_threshold", &policy.verdicts.safe_threshold);
  verdicts.Number("unsafe_threshold", &policy.verdicts.unsafe_threshold);
  verdicts.Text("text", &policy.rule_text);
  if (fields.Has("derived_from_v1")) {
    fields.Flag("derived_from_v1", &policy.derived_from_v1);
  }
  return policy;
}

ExpectationMismatch ParseMismatch(const Json& json, const std::string& path,
                                  absl::Status* status) {
  ExpectationMismatch mismatch;
  Fields fields(json, path, status);
  fields.Text("key", &mismatch.key);
  fields.Integer("line", &mismatch.line, 1);
  fields.Text("part", &mismatch.part);
  fields.Text("why", &mismatch.why);
  fields.Text("recorded", &mismatch.recorded);
  fields.Text("observed", &mismatch.observed);
  fields.Number("p_value", &mismatch.p_value);
  fields.Number("adjusted_p_value", &mismatch.adjusted_p_value);
  // Absent in reports from before the quasi-binomial test (Fisher's), and
  // where the mismatch is not a rate.
  if (fields.Has("test")) {
    fields.Text("test", &mismatch.test);
    if (mismatch.test != kFisherTest && mismatch.test != kQuasiBinomialTest &&
        status->ok()) {
      *status = absl::InvalidArgumentError(
          absl::StrCat(json::MemberPath(path, "test"), ": \"", mismatch.test,
                       "\" is not a rate test (", kFisherTest, ", ",
                       kQuasiBinomialTest, ")"));
    }
  }
  if (mismatch.test == kQuasiBinomialTest) {
    fields.Number("dispersion", &mismatch.dispersion);
    fields.Integer("runs", &mismatch.runs, 2);
  }
  return mismatch;
}

// An expectations object into `client`; null (a skipped client's) leaves
// it as it is.
void ParseExpectations(const Json& json, const std::string& path,
                       absl::Status* status, ReportClient* client) {
  if (json.is_null()) return;
  Fields fields(json, path, status);
  ExpectationsOutcome& outcome = client->expectations;
  fields.Text("file", &outcome.file);
  fields.Flag("found", &outcome.found);
  fields.Flag("passed", &outcome.passed);
  fields.Text("differences", &outcome.differences);
  // Null: no statistical check was made (no file, or an upgraded version 1
  // report).
  if (const Json& alpha = fields.Member("alpha"); !alpha.is_null()) {
    fields.Number("alpha", &client->statistics.alpha.emplace());
  }
  fields.Integer("tests", &client->statistics.tests);
  if (fields.Has("quasi_binomial_tests")) {
    fields.Integer("quasi_binomial_tests",
                   &client->statistics.quasi_binomial_tests);
  }
  if (fields.Has("sensitivity")) {
    Fields sensitivity(fields.Member("sensitivity"),
                       json::MemberPath(path, "sensitivity"), status);
    CheckSensitivity& out = client->statistics.sensitivity.emplace();
    sensitivity.Integer("tests", &out.tests);
    sensitivity.Integer("trials", &out.trials, 1);
    sensitivity.Number("shift", &out.shift);
    sensitivity.Number("power", &out.power);
  }
  fields.Each("mismatches", [&](const Json& entry, const std::string& at) {
    client->statistics.mismatches.push_back(ParseMismatch(entry, at, status));
  });
}

ReportClient ParseClient(const Json& json, const std::string& path,
                         absl::Status* status) {
  ReportClient client;
  Fields fields(json, path, status);
  fields.Text("client", &client.client);
  fields.Text("language", &client.language);
  fields.Text("library", &client.library);
  fields.Text("library_version", &client.library_version);
  fields.Text("grpc_core_version", &client.grpc_core_version);
  fields.Members("versions", [&](const std::string& name, const Json& version,
                                 const std::string& version_path) {
    absl::StatusOr<std::string> text = json::ToString(version, version_path);
    if (!text.ok()) return fields.Fail(text.status());
    client.versions.emplace_back(name, *std::move(text));
  });
  std::string ran;
  fields.Text("status", &ran);
  if (ran != "ran") {
    fields.Text("skipped_reason", &client.skipped);
    // A skipped client must not read as one that ran.
    if (client.skipped.empty()) client.skipped = "no reason given";
  }
  ParseExpectations(fields.Member("expectations"), fields.Path("expectations"),
                    status, &client);
  return client;
}

// An older report's one client: the C++ one, its versions from the
// environment, its expectations the section's.
ReportClient InferredCppClient(const Json& expectations,
                               const std::string& path,
                               const Environment& environment,
                               absl::Status* status) {
  ReportClient client;
  client.client = kCppClient;
  client.inferred = true;
  client.language = "C++";
  client.library = "grpc++";
  client.library_version = environment.grpc.cpp_version;
  client.grpc_core_version = environment.grpc.core_version;
  ParseExpectations(expectations, path, status, &client);
  return client;
}

ReportConformance ParseConformance(const Json& json, const std::string& path,
                                   const Environment& environment,
                                   absl::Status* status) {
  ReportConformance conformance;
  Fields fields(json, path, status);
  fields.Text("size", &conformance.size);
  conformance.defaults =
      ParseAxes(fields.Member("defaults"), fields.Path("defaults"), status);
  conformance.trial_policy = ParseTrialPolicy(
      fields.Member("trial_policy"), fields.Path("trial_policy"), status);
  if (fields.Has("cell_filter")) {
    fields.Text("cell_filter", &conformance.cell_filter);
  }
  if (fields.Has("power_probe")) {
    fields.Text("power_probe", &conformance.power_probe);
  }
  fields.Each("cells", [&](const Json& cell, const std::string& cell_path) {
    conformance.cells.push_back(ParseCell(cell, cell_path, status));
  });
  if (fields.Has("clients")) {
    fields.Each("clients", [&](const Json& client, const std::string& at) {
      conformance.clients.push_back(ParseClient(client, at, status));
    });
  }
  // An empty list too: a matrix ran, so the C++ client at least did.
  if (conformance.clients.empty()) {
    conformance.clients.push_back(
        InferredCppClient(fields.Member("expectations"),
                          fields.Path("expectations"), environment, status));
  }
  return conformance;
}

ScenarioMetric ParseMetric(const Json& json, const std::string& path,
                           absl::Status* status) {
  ScenarioMetric metric;
  Fields fields(json, path, status);
  fields.Text("unit", &metric.unit);
  fields.Each("samples", [&](const Json& sample, const std::string& at) {
    absl::StatusOr<double> value = json::ToDouble(sample, at);
    if (!value.ok()) return fields.Fail(value.status());
    metric.samples.push_back(*value);
  });
  fields.Number("median", &metric.median);
  fields.Number("mean", &metric.mean);
  fields.Number("stddev", &metric.stddev);
  fields.Number("cv", &metric.cv);
  fields.Number("mad", &metric.mad);
  fields.Number("min", &metric.min);
  fields.Number("max", &metric.max);
  return metric;
}

BenchmarkScenario ParseScenario(const Json& json, const std::string& path,
                                absl::Status* status) {
  BenchmarkScenario scenario;
  Fields fields(json, path, status);
  fields.Text("id", &scenario.id);
  fields.Text("binary", &scenario.binary);
  fields.Members("config", [&](const std::string& name, const Json& value,
                               const std::string& value_path) {
    if (!value.is_string() && !value.is_number() && !value.is_boolean()) {
      return fields.Fail(json::PathError(
          value_path, absl::StrCat("expected a string, number or boolean, got ",
                                   value.type_name())));
    }
    ConfigValue& config = scenario.config[name];
    config.text = value.is_string() ? value.get<std::string>() : value.dump();
    if (value.is_number_integer()) config.integer = value.get<int64_t>();
  });
  fields.Integer("repetitions", &scenario.repetitions, 1);
  if (fields.Has("skipped"))
    fields.Text("skipped", &scenario.skipped.emplace());
  fields.Members("metrics", [&](const std::string& name, const Json& metric,
                                const std::string& metric_path) {
    scenario.metrics[name] = ParseMetric(metric, metric_path, status);
  });
  return scenario;
}

ReportBenchmarks ParseBenchmarks(const Json& json, const std::string& path,
                                 absl::Status* status) {
  ReportBenchmarks benchmarks;
  Fields fields(json, path, status);
  fields.Each("scenarios", [&](const Json& scenario, const std::string& at) {
    benchmarks.scenarios.push_back(ParseScenario(scenario, at, status));
  });
  return benchmarks;
}

// ---- The environment block -------------------------------------------------

// A non-empty string: an unread fact is written as kUnknown, never "".
void Fact(Fields& fields, const char* key, std::string* out) {
  fields.Text(key, out);
  if (fields.ok() && out->empty()) {
    fields.Fail(json::PathError(fields.Path(key),
                                "must not be empty (use \"unknown\")"));
  }
}

// An RFC 3339 time or kUnknown.
void Time(Fields& fields, const char* key, std::string* out) {
  Fact(fields, key, out);
  if (!fields.ok() || *out == kUnknown) return;
  absl::Time parsed;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, *out, &parsed, &error)) {
    fields.Fail(json::PathError(fields.Path(key),
                                absl::StrCat("not an RFC 3339 time: ", error)));
  }
}

bool IsUnknown(const Json& value) {
  return value.is_string() && value.get<std::string>() == kUnknown;
}

// A positive integer or kUnknown (nullopt).
void Count(Fields& fields, const char* key, std::optional<int64_t>* out) {
  const Json& value = fields.Member(key);
  if (!fields.ok()) return;
  if (IsUnknown(value)) {
    *out = std::nullopt;
    return;
  }
  if (!value.is_number_integer()) {
    return fields.Fail(
        json::PathError(fields.Path(key),
                        absl::StrCat("expected an integer or \"unknown\", got ",
                                     value.dump())));
  }
  absl::StatusOr<int64_t> number =
      json::ToInt64(value, fields.Path(key), 1, INT64_MAX);
  if (!number.ok()) return fields.Fail(number.status());
  *out = *number;
}

// Three non-negative numbers or kUnknown (nullopt).
void Loads(Fields& fields, const char* key, std::optional<LoadAverage>* out) {
  const Json& value = fields.Member(key);
  if (!fields.ok()) return;
  if (IsUnknown(value)) {
    *out = std::nullopt;
    return;
  }
  if (!value.is_array() || value.size() != 3) {
    return fields.Fail(json::PathError(
        fields.Path(key),
        absl::StrCat("expected [1 min, 5 min, 15 min] or \"unknown\", got ",
                     value.dump())));
  }
  LoadAverage loads;
  for (size_t i = 0; i < 3; ++i) {
    const std::string element = json::ElementPath(fields.Path(key), i);
    absl::StatusOr<double> load = json::ToDouble(value[i], element);
    if (load.ok() && *load < 0) {
      load = json::PathError(element, "must not be negative");
    }
    if (!load.ok()) return fields.Fail(load.status());
    loads[i] = *load;
  }
  *out = loads;
}

// Every field is required and no other is allowed. build.config and
// harness.git_tree may be any text, as the schema has them: older reports
// wrote other words ("fastbuild"), and they must still read.
Environment ParseEnvironment(const Json& json, const std::string& path,
                             absl::Status* status) {
  Environment e;
  Fields top(json, path, status);
  top.Exactly({"grpc", "protobuf", "build", "machine", "harness", "start_time",
               "end_time", "grpc_env", "notes"});

  Fields grpc(top.Member("grpc"), top.Path("grpc"), status);
  grpc.Exactly({"cpp_version", "core_version", "library_path", "atfork",
                "atfork_evidence"});
  Fact(grpc, "cpp_version", &e.grpc.cpp_version);
  Fact(grpc, "core_version", &e.grpc.core_version);
  Fact(grpc, "library_path", &e.grpc.library_path);
  Fact(grpc, "atfork", &e.grpc.atfork);
  if (grpc.ok() && e.grpc.atfork != "registers" &&
      e.grpc.atfork != "does_not_register" && e.grpc.atfork != kUnknown) {
    grpc.Fail(json::PathError(
        grpc.Path("atfork"),
        absl::StrCat("unexpected value ", json::Quote(e.grpc.atfork))));
  }
  Fact(grpc, "atfork_evidence", &e.grpc.atfork_evidence);

  Fields protobuf(top.Member("protobuf"), top.Path("protobuf"), status);
  protobuf.Exactly({"header_version", "library_path"});
  Fact(protobuf, "header_version", &e.protobuf.header_version);
  Fact(protobuf, "library_path", &e.protobuf.library_path);

  Fields build(top.Member("build"), top.Path("build"), status);
  build.Exactly({"compiler", "config", "inferred_flags", "sanitizers", "source",
                 "bazel_version"});
  Fact(build, "compiler", &e.build.compiler);
  Fact(build, "config", &e.build.config);
  build.Texts("inferred_flags", &e.build.inferred_flags);
  build.Texts("sanitizers", &e.build.sanitizers);
  Fact(build, "source", &e.build.source);
  Fact(build, "bazel_version", &e.build.bazel_version);

  Fields machine(top.Member("machine"), top.Path("machine"), status);
  machine.Exactly({"hostname", "os", "kernel_release", "kernel_version",
                   "architecture", "libc_version", "cpu_model",
                   "hardware_concurrency", "cpus_online", "cpus_allowed",
                   "memory_total_bytes", "scaling_governor",
                   "load_average_at_start"});
  MachineFacts& m = e.machine;
  Fact(machine, "hostname", &m.hostname);
  Fact(machine, "os", &m.os);
  Fact(machine, "kernel_release", &m.kernel_release);
  Fact(machine, "kernel_version", &m.kernel_version);
  Fact(machine, "architecture", &m.architecture);
  Fact(machine, "libc_version", &m.libc_version);
  Fact(machine, "cpu_model", &m.cpu_model);
  Count(machine, "hardware_concurrency", &m.hardware_concurrency);
  Count(machine, "cpus_online", &m.cpus_online);
  Count(machine, "cpus_allowed", &m.cpus_allowed);
  Count(machine, "memory_total_bytes", &m.memory_total_bytes);
  Fact(machine, "scaling_governor", &m.scaling_governor);
  Loads(machine, "load_average_at_start", &m.load_average_at_start);

  Fields harness(top.Member("harness"), top.Path("harness"), status);
  harness.Exactly({"workspace_directory", "git_commit", "git_tree"});
  Fact(harness, "workspace_directory", &e.harness.workspace_directory);
  Fact(harness, "git_commit", &e.harness.git_commit);
  Fact(harness, "git_tree", &e.harness.git_tree);

  Time(top, "start_time", &e.start_time);
  Time(top, "end_time", &e.end_time);
  top.Texts("notes", &e.notes);
  top.Members("grpc_env", [&](const std::string& name, const Json& value,
                              const std::string& at) {
    if (!absl::StartsWith(name, "GRPC_")) {
      return top.Fail(json::PathError(at, "not a GRPC_ variable"));
    }
    absl::StatusOr<std::string> text = json::ToString(value, at);
    if (!text.ok()) return top.Fail(text.status());
    e.grpc_env[name] = *std::move(text);
  });
  return e;
}

ReportShard ParseShard(const Json& json, const std::string& path,
                       absl::Status* status) {
  ReportShard shard;
  Fields fields(json, path, status);
  fields.Integer("index", &shard.index);
  fields.Integer("count", &shard.count, 1);
  fields.Text("source", &shard.source);
  fields.Text("plan", &shard.plan);
  fields.Integer("plan_cells", &shard.plan_cells);
  fields.Integers("cell_positions", &shard.cell_positions);
  fields.Text("benchmarks", &shard.benchmarks);
  return shard;
}

ReportMergedShard ParseMergedShard(const Json& json, const std::string& path,
                                   absl::Status* status) {
  ReportMergedShard shard;
  Fields fields(json, path, status);
  fields.Integer("index", &shard.index);
  fields.Integer("count", &shard.count, 1);
  fields.Text("file", &shard.file);
  fields.Texts("command", &shard.command);
  shard.environment = ParseEnvironment(fields.Member("environment"),
                                       fields.Path("environment"), status);
  fields.Integer("cells", &shard.cells);
  fields.Flag("benchmarks", &shard.benchmarks);
  return shard;
}

}  // namespace

std::string BenchmarkScenario::ConfigText(const std::string& key) const {
  const auto found = config.find(key);
  return found == config.end() ? "" : found->second.text;
}

int64_t BenchmarkScenario::ConfigInteger(const std::string& key) const {
  const auto found = config.find(key);
  return found == config.end() ? 0 : found->second.integer.value_or(0);
}

std::optional<double> BenchmarkScenario::Median(
    const std::string& metric) const {
  const auto found = metrics.find(metric);
  if (found == metrics.end()) return std::nullopt;
  return found->second.median;
}

absl::StatusOr<ReportModel> ParseReportModel(const Json& report) {
  absl::Status status;
  ReportModel model;
  Fields fields(report, "", &status);
  Fields tool(fields.Member("tool"), fields.Path("tool"), &status);
  tool.Texts("command", &model.command);
  if (!status.ok()) return status;
  model.environment =
      ParseEnvironment(fields.Member("environment"), "environment", &status);
  if (!status.ok()) return status;
  if (const Json& conformance = fields.Member("conformance");
      !conformance.is_null()) {
    model.conformance = ParseConformance(conformance, "conformance",
                                         model.environment, &status);
  }
  if (const Json& benchmarks = fields.Member("benchmarks");
      !benchmarks.is_null()) {
    model.benchmarks = ParseBenchmarks(benchmarks, "benchmarks", &status);
  }
  // Both optional: most reports are neither a shard nor merged.
  if (fields.Has("shard")) {
    model.shard = ParseShard(fields.Member("shard"), "shard", &status);
  }
  if (fields.Has("merged_from")) {
    fields.Each("merged_from", [&](const Json& shard, const std::string& at) {
      model.merged_from.push_back(ParseMergedShard(shard, at, &status));
    });
  }
  if (!status.ok()) return status;
  return model;
}

std::map<std::string, const ReportCell*> CellsByKey(
    const std::optional<ReportConformance>& conformance) {
  std::map<std::string, const ReportCell*> cells;
  if (!conformance.has_value()) return cells;
  for (const ReportCell& cell : conformance->cells) cells[cell.key] = &cell;
  return cells;
}

}  // namespace forkcheck
