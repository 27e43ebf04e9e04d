#include "models/cpp_testee.h"

#include <grpc/grpc.h>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "framing/framed_fd.h"
#include "google/protobuf/stubs/common.h"

namespace forkcheck {
namespace {

// A request is one small message; anything larger is not ours.
constexpr size_t kMaxRequestBytes = 64 * 1024;

absl::Duration MillisOr(int64_t millis, absl::Duration otherwise) {
  return millis > 0 ? absl::Milliseconds(millis) : otherwise;
}

// The axes the trial program carries out itself (ApplyAxis).
constexpr const char* kTrialAxes[] = {"fork_hooks", "child_channel",
                                      "busy_parent_thread"};

// A fact of a model made with some variant.
using ModelFact = bool (Model::*)() const;

bool FactOf(const std::string& model, const ModelVariant& variant,
            ModelFact fact) {
  absl::StatusOr<std::unique_ptr<Model>> made = MakeModel(model, variant);
  return made.ok() && ((**made).*fact)();
}

// Describes `fact` as the protocol does: true for the defaults or some
// value, and the values that make it false (each with the other settings at
// their defaults). cpp_testee_test checks every combination against the
// models themselves.
void DescribeFact(const std::string& name, ModelFact fact, bool* holds,
                  google::protobuf::RepeatedPtrField<v1::NamedValue>* unless) {
  *holds = FactOf(name, ModelVariant(), fact);
  for (const VariantSettingValues& setting : VariantSettingsOf(name)) {
    for (const std::string& value : setting.values) {
      ModelVariant variant;
      SetVariantField(setting.name, value, &variant).IgnoreError();
      if (FactOf(name, variant, fact)) {
        *holds = true;
      } else {
        v1::NamedValue* exception = unless->Add();
        exception->set_name(setting.name);
        exception->set_value(value);
      }
    }
  }
  if (!*holds) unless->Clear();
}

v1::ModelDescription DescribeModel(const std::string& name) {
  v1::ModelDescription model;
  model.set_model(name);
  for (const VariantSettingValues& setting : VariantSettingsOf(name)) {
    v1::VariantSetting* described = model.add_variant();
    described->set_name(setting.name);
    for (const std::string& value : setting.values) {
      described->add_values(value);
    }
  }
  bool holds = false;
  DescribeFact(name, &Model::has_parent_check, &holds,
               model.mutable_no_parent_check_when());
  model.set_has_parent_check(holds);
  DescribeFact(name, &Model::supports_busy_parent_thread, &holds,
               model.mutable_no_busy_parent_thread_when());
  model.set_allows_busy_parent_thread(holds);
  model.add_workloads("read");
  if (FactOf(name, ModelVariant(), &Model::supports_write)) {
    model.add_workloads("write");
    model.set_summary(
        "the C++ reference client (models/); writing, no busy parent thread");
  } else {
    model.set_summary("the C++ reference client (models/)");
  }
  return model;
}

absl::Status ApplyAxis(const v1::NamedValue& axis, TrialSettings* settings) {
  const std::string& name = axis.name();
  if (name == "fork_hooks") {
    settings->fork_hooks = axis.value();
  } else if (name == "child_channel") {
    settings->child_channel = axis.value();
  } else if (name == "busy_parent_thread") {
    if (axis.value() != "yes" && axis.value() != "no") {
      return absl::InvalidArgumentError(
          absl::StrCat("axis busy_parent_thread=\"", axis.value(),
                       "\"; expected yes or no"));
    }
    settings->context.busy_parent_thread = axis.value() == "yes";
  }
  // Any other axis is for information: the supervisor, the environment or
  // the server carries it out (trial_axes in the description says which
  // are ours).
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::TesteeRequest> ReadTesteeRequest(int fd,
                                                    absl::Duration timeout) {
  absl::StatusOr<std::string> bytes = ReadFramed(fd, timeout, kMaxRequestBytes);
  if (!bytes.ok()) {
    return absl::Status(bytes.status().code(),
                        absl::StrCat("reading the testee request on fd ", fd,
                                     ": ", bytes.status().message()));
  }
  v1::TesteeRequest request;
  if (!request.ParseFromString(*bytes)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the testee request (", bytes->size(), " bytes) does not parse"));
  }
  if (request.format_version() != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("testee request format_version ", request.format_version(),
                     "; this testee speaks 1"));
  }
  if (request.kind_case() == v1::TesteeRequest::KIND_NOT_SET) {
    return absl::InvalidArgumentError(
        "the testee request asks for nothing (no describe, no trial)");
  }
  return request;
}

v1::TesteeDescription DescribeCppClient() {
  v1::TesteeDescription description;
  description.set_client("cpp");
  description.set_language(absl::StrCat("C++", (__cplusplus / 100) % 100));
  description.set_library("grpc++");
  description.set_library_version(grpc::Version());
  description.set_grpc_core_version(grpc_version_string());
  v1::NamedValue* protobuf = description.add_versions();
  protobuf->set_name("protobuf");
  protobuf->set_value(
      google::protobuf::internal::VersionString(GOOGLE_PROTOBUF_VERSION));
  for (const std::string& name : ModelNames()) {
    *description.add_models() = DescribeModel(name);
  }
  for (const char* axis : kTrialAxes) description.add_trial_axes(axis);
  return description;
}

absl::StatusOr<TrialSettings> SettingsFromTrialRequest(
    const v1::TrialRequest& trial) {
  if (trial.stream_assignment() != v1::STREAM_ASSIGNMENT_UNSPECIFIED &&
      trial.stream_assignment() != v1::STREAM_ASSIGNMENT_ROUND_ROBIN) {
    return absl::InvalidArgumentError(
        absl::StrCat("stream_assignment ", trial.stream_assignment(),
                     "; the C++ models assign round robin only"));
  }
  TrialSettings settings;
  settings.model = trial.model();
  std::vector<std::string> known;
  for (const VariantSettingValues& setting : VariantSettingsOf(trial.model())) {
    known.push_back(setting.name);
  }
  for (const v1::NamedValue& setting : trial.variant()) {
    if (std::find(known.begin(), known.end(), setting.name()) == known.end()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "model ", trial.model(), " has no variant setting \"", setting.name(),
          "\" (it has: ", absl::StrJoin(known, ", "), ")"));
    }
    if (absl::Status set =
            SetVariantField(setting.name(), setting.value(), &settings.variant);
        !set.ok()) {
      return set;
    }
  }
  for (const v1::NamedValue& axis : trial.axes()) {
    if (absl::Status applied = ApplyAxis(axis, &settings); !applied.ok()) {
      return applied;
    }
  }
  ModelContext& context = settings.context;
  context.target = trial.target();
  context.table = trial.table();
  context.workers = trial.workers();
  context.streams = trial.max_streams();
  context.connect_timeout =
      MillisOr(trial.connect_timeout_ms(), context.connect_timeout);
  context.create_session_timeout = MillisOr(trial.create_session_timeout_ms(),
                                            context.create_session_timeout);
  context.parent_check_timeout =
      MillisOr(trial.parent_check_timeout_ms(), context.parent_check_timeout);
  context.worker_patience =
      MillisOr(trial.worker_patience_ms(), context.worker_patience);
  context.session_calls = trial.session_calls();
  settings.workload = trial.workload();
  context.write_rows = trial.write_rows();
  context.parent_write_table = trial.parent_write_table();
  return settings;
}

}  // namespace forkcheck
