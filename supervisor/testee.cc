#include "supervisor/testee.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/subprocess.h"
#include "framing/worker_messages.h"

namespace forkcheck {
namespace {

// What the testee's process did, for an error about it.
std::string DescribeEnd(const TrialRecord& record) {
  if (record.watchdog_fired) {
    return absl::StrCat("it did not finish within its watchdog (",
                        record.wall.count() / 1000, " ms)");
  }
  if (!record.trial_wait_status.has_value()) return "it could not be reaped";
  return absl::StrCat("it ", DescribeWaitStatus(*record.trial_wait_status));
}

}  // namespace

void AddNamedValues(
    const std::vector<std::pair<std::string, std::string>>& pairs,
    google::protobuf::RepeatedPtrField<v1::NamedValue>* values) {
  for (const auto& [name, value] : pairs) {
    v1::NamedValue* added = values->Add();
    added->set_name(name);
    added->set_value(value);
  }
}

absl::StatusOr<std::string> FrameTesteeRequest(
    const v1::TesteeRequest& request) {
  // A request is framed as the pipes' messages are, but must also fit the
  // trial's input pipe.
  const size_t size = request.ByteSizeLong();
  if (kFrameHeaderBytes + size > kMaxTrialStdinBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("a testee request of ", size, " bytes; the limit is ",
                     kMaxTrialStdinBytes - kFrameHeaderBytes));
  }
  return EncodeFrame(request, kMaxMessageFrameBytes);
}

absl::StatusOr<v1::TesteeDescription> DescribeTestee(
    const TesteeProgram& program, std::chrono::milliseconds watchdog) {
  if (program.argv.empty()) {
    return absl::InvalidArgumentError("a testee program with no argv");
  }
  const std::string who = absl::StrCat("testee ", program.argv[0]);
  v1::TesteeRequest request;
  request.set_format_version(kTesteeFormatVersion);
  request.mutable_describe();
  absl::StatusOr<std::string> framed = FrameTesteeRequest(request);
  if (!framed.ok()) return framed.status();

  TrialCommand command;
  command.argv = program.argv;
  command.env = program.env;
  command.workers = 0;
  command.stdin_bytes = *std::move(framed);
  command.watchdog = watchdog;
  // A testee that cannot describe itself is not run; its stacks would
  // explain no cell.
  command.explain_failures = false;
  absl::StatusOr<TrialRecord> record = RunTrial(command);
  if (!record.ok()) return record.status();

  auto failed = [&who](const std::string& what) {
    return absl::FailedPreconditionError(
        absl::StrCat(who, " did not describe itself: ", what));
  };
  const TrialRecord::ProcessReport& report = record->parent;
  if (!report.protocol_error.empty()) {
    return failed(absl::StrCat("protocol error: ", report.protocol_error, "; ",
                               DescribeEnd(*record)));
  }
  std::vector<const v1::TesteeDescription*> descriptions;
  for (const v1::WorkerMessage& message : report.messages) {
    if (message.has_refused()) {
      return failed(
          absl::StrCat("it refused: \"", message.refused().reason(), "\""));
    }
    if (message.format_version() != kWorkerFormatVersion) {
      return failed(absl::StrCat("a message of format_version ",
                                 message.format_version(), "; expected ",
                                 kTesteeFormatVersion));
    }
    if (!message.has_testee()) {
      return failed(
          absl::StrCat("it sent a message other than a description "
                       "(body field ",
                       static_cast<int>(message.body_case()), ")"));
    }
    descriptions.push_back(&message.testee());
  }
  if (descriptions.size() != 1) {
    return failed(absl::StrCat(descriptions.size(),
                               " descriptions instead of one; ",
                               DescribeEnd(*record)));
  }
  if (record->watchdog_fired || !record->trial_wait_status.has_value() ||
      *record->trial_wait_status != 0) {
    return failed(DescribeEnd(*record));
  }
  const v1::TesteeDescription& description = *descriptions.front();
  if (description.client().empty()) return failed("no client name");
  if (description.models().empty()) return failed("no models");
  std::set<std::string> models;
  for (const v1::ModelDescription& model : description.models()) {
    if (model.model().empty()) return failed("a model with no name");
    if (!models.insert(model.model()).second) {
      return failed(absl::StrCat("model ", model.model(), " described twice"));
    }
    for (const v1::VariantSetting& setting : model.variant()) {
      if (setting.name().empty() || setting.values().empty()) {
        return failed(absl::StrCat("model ", model.model(),
                                   " has a variant setting with no name or "
                                   "no values"));
      }
    }
  }
  return description;
}

absl::StatusOr<TesteeClient> ReadyTestee(
    const std::map<std::string, TesteeProgram>& programs,
    const std::string& client, std::chrono::milliseconds watchdog) {
  const auto program = programs.find(client);
  if (program == programs.end()) {
    return absl::NotFoundError("this build has no testee program for it");
  }
  absl::StatusOr<v1::TesteeDescription> description =
      DescribeTestee(program->second, watchdog);
  if (!description.ok()) return description.status();
  if (description->client() != client) {
    return absl::FailedPreconditionError(absl::StrCat(
        "its testee says it is client \"", description->client(), "\""));
  }
  return TesteeClient{program->second, *std::move(description)};
}

const v1::ModelDescription* FindModel(const v1::TesteeDescription& description,
                                      const std::string& model) {
  for (const v1::ModelDescription& candidate : description.models()) {
    if (candidate.model() == model) return &candidate;
  }
  return nullptr;
}

namespace {

// `model` in `description`, or an error listing the models it has.
absl::StatusOr<const v1::ModelDescription*> ModelOf(
    const v1::TesteeDescription& description, const std::string& model) {
  if (const v1::ModelDescription* found = FindModel(description, model)) {
    return found;
  }
  std::vector<std::string> names;
  for (const v1::ModelDescription& m : description.models()) {
    names.push_back(m.model());
  }
  return absl::InvalidArgumentError(
      absl::StrCat("client ", description.client(), " has no model \"", model,
                   "\"; it has: ", absl::StrJoin(names, ", ")));
}

// OK if `model` has a setting `name` that allows `value`.
absl::Status CheckSetting(const v1::TesteeDescription& description,
                          const v1::ModelDescription& model,
                          const std::string& name, const std::string& value) {
  for (const v1::VariantSetting& setting : model.variant()) {
    if (setting.name() != name) continue;
    for (const std::string& allowed : setting.values()) {
      if (allowed == value) return absl::OkStatus();
    }
    return absl::InvalidArgumentError(absl::StrCat(
        model.model(), " ", name, "=\"", value,
        "\"; expected one of: ", absl::StrJoin(setting.values(), ", ")));
  }
  return absl::InvalidArgumentError(
      absl::StrCat("model ", model.model(), " of client ", description.client(),
                   " has no variant setting \"", name, "\""));
}

}  // namespace

absl::Status CheckTrialRequest(const v1::TesteeDescription& description,
                               const v1::TrialRequest& trial) {
  absl::StatusOr<const v1::ModelDescription*> model =
      ModelOf(description, trial.model());
  if (!model.ok()) return model.status();
  std::set<std::string> given;
  for (const v1::NamedValue& setting : trial.variant()) {
    if (!given.insert(setting.name()).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("variant setting ", setting.name(), " given twice"));
    }
    if (absl::Status valid =
            CheckSetting(description, **model, setting.name(), setting.value());
        !valid.ok()) {
      return valid;
    }
  }
  for (const v1::VariantSetting& s : (*model)->variant()) {
    if (given.count(s.name()) == 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "model ", trial.model(), " needs variant setting ", s.name()));
    }
  }
  if (!RunsWorkload(**model, trial.workload())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "model ", trial.model(), " does not run workload \"", trial.workload(),
        "\"; it runs: ", DescribeWorkloads(**model)));
  }
  if (trial.workload() == kWriteWorkload && trial.write_rows() < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "write_rows = ", trial.write_rows(), "; a write needs >= 1"));
  }
  if (trial.workers() < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("workers = ", trial.workers(), "; must be >= 1"));
  }
  if (trial.max_streams() < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_streams = ", trial.max_streams(), "; must be >= 1"));
  }
  if (trial.target().empty()) return absl::InvalidArgumentError("no target");
  if (trial.table().empty()) return absl::InvalidArgumentError("no table");
  return absl::OkStatus();
}

bool RunsWorkload(const v1::ModelDescription& model,
                  const std::string& workload) {
  const std::string wanted = workload.empty() ? kReadWorkload : workload;
  if (model.workloads().empty()) return wanted == kReadWorkload;
  return std::find(model.workloads().begin(), model.workloads().end(),
                   wanted) != model.workloads().end();
}

std::string DescribeWorkloads(const v1::ModelDescription& model) {
  if (model.workloads().empty()) return kReadWorkload;
  return absl::StrJoin(model.workloads(), ", ");
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
CompleteVariant(const v1::TesteeDescription& description,
                const std::string& model,
                const std::vector<std::pair<std::string, std::string>>& given) {
  absl::StatusOr<const v1::ModelDescription*> found =
      ModelOf(description, model);
  if (!found.ok()) return found.status();
  for (const auto& [name, value] : given) {
    if (absl::Status valid = CheckSetting(description, **found, name, value);
        !valid.ok()) {
      return valid;
    }
  }
  std::vector<std::pair<std::string, std::string>> complete;
  for (const v1::VariantSetting& setting : (*found)->variant()) {
    std::string value = setting.values(0);
    for (const auto& [name, wanted] : given) {
      if (name == setting.name()) value = wanted;
    }
    complete.emplace_back(setting.name(), value);
  }
  return complete;
}

namespace {

// `holds` unless one of `variant`'s settings has a value in `unless`.
bool HoldsUnless(
    bool holds,
    const google::protobuf::RepeatedPtrField<v1::NamedValue>& unless,
    const google::protobuf::RepeatedPtrField<v1::NamedValue>& variant) {
  if (!holds) return false;
  for (const v1::NamedValue& exception : unless) {
    for (const v1::NamedValue& setting : variant) {
      if (setting.name() == exception.name() &&
          setting.value() == exception.value()) {
        return false;
      }
    }
  }
  return true;
}

}  // namespace

bool ExpectsParentCheck(const v1::ModelDescription& model,
                        const v1::TrialRequest& trial) {
  return HoldsUnless(model.has_parent_check(), model.no_parent_check_when(),
                     trial.variant());
}

bool AllowsBusyParentThread(const v1::ModelDescription& model,
                            const v1::TrialRequest& trial) {
  return HoldsUnless(model.allows_busy_parent_thread(),
                     model.no_busy_parent_thread_when(), trial.variant());
}

absl::StatusOr<TrialCommand> TesteeTrialCommand(
    const TesteeProgram& program, v1::TrialRequest trial,
    const std::vector<std::string>& env, std::chrono::milliseconds watchdog) {
  if (program.argv.empty()) {
    return absl::InvalidArgumentError("a testee program with no argv");
  }
  trial.set_watchdog_ms(watchdog.count());
  if (trial.stream_assignment() == v1::STREAM_ASSIGNMENT_UNSPECIFIED) {
    trial.set_stream_assignment(v1::STREAM_ASSIGNMENT_ROUND_ROBIN);
  }
  v1::TesteeRequest request;
  request.set_format_version(kTesteeFormatVersion);
  const int workers = trial.workers();
  *request.mutable_trial() = std::move(trial);
  absl::StatusOr<std::string> framed = FrameTesteeRequest(request);
  if (!framed.ok()) return framed.status();

  TrialCommand command;
  command.argv = program.argv;
  command.env = program.env;
  command.env.insert(command.env.end(), env.begin(), env.end());
  command.workers = workers;
  command.stdin_bytes = *std::move(framed);
  command.watchdog = watchdog;
  return command;
}

absl::StatusOr<PreparedTrial> PrepareTesteeTrial(
    const TesteeClient& testee, const v1::TrialRequest& trial,
    const std::vector<std::string>& env, std::chrono::milliseconds watchdog) {
  if (absl::Status valid = CheckTrialRequest(testee.description, trial);
      !valid.ok()) {
    return valid;
  }
  absl::StatusOr<TrialCommand> command =
      TesteeTrialCommand(testee.program, trial, env, watchdog);
  if (!command.ok()) return command.status();
  command->stack_dump_signal = testee.description.stack_dump_signal();
  return PreparedTrial{
      *std::move(command),
      ExpectsParentCheck(*FindModel(testee.description, trial.model()), trial)};
}

}  // namespace forkcheck
