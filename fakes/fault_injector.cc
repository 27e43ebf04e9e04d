#include "fakes/fault_injector.h"

#include <algorithm>
#include <limits>
#include <mutex>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "common/json_fields.h"

namespace forkcheck {
namespace {

constexpr std::pair<FaultKind, absl::string_view> kKindNames[] = {
    {FaultKind::kUnavailable, "unavailable"},
    {FaultKind::kRstStream, "rst_stream"},
    {FaultKind::kResourceExhausted, "resource_exhausted"},
    {FaultKind::kStall, "stall"},
    {FaultKind::kDelayPerResponse, "delay_per_response"},
    {FaultKind::kCorruptPayload, "corrupt_payload"},
    {FaultKind::kAborted, "aborted"},
};

// The kinds an AppendRows rule may have.
bool AppliesToAppendRows(FaultKind kind) {
  return kind == FaultKind::kUnavailable || kind == FaultKind::kRstStream ||
         kind == FaultKind::kResourceExhausted || kind == FaultKind::kStall ||
         kind == FaultKind::kAborted;
}

// An hour: longer stalls or delays are typos, and would outlast any watchdog.
constexpr int64_t kMaxMillis = 3600 * 1000;

absl::StatusOr<FaultRule> ParseRule(const json::Json& value,
                                    const std::string& path) {
  absl::Status status = json::CheckObject(
      value, path,
      {"kind", "target", "after_rows", "millis", "micros", "max_fires",
       "max_fires_per_stream", "probability", "rpc", "after_appends"});
  if (!status.ok()) return status;
  FaultRule rule;
  auto kind_name = json::RequiredString(value, path, "kind");
  if (!kind_name.ok()) return kind_name.status();
  std::optional<FaultKind> kind = ParseFaultKind(*kind_name);
  if (!kind.has_value()) {
    std::string known;
    for (const auto& [k, name] : kKindNames) {
      absl::StrAppend(&known, known.empty() ? "" : ", ", name);
    }
    return json::PathError(json::MemberPath(path, "kind"),
                           absl::StrCat("unknown fault kind ",
                                        json::Quote(*kind_name),
                                        "; expected one of ", known));
  }
  rule.kind = *kind;
  status = json::OptionalString(value, path, "target", &rule.target);
  if (!status.ok()) return status;
  std::string rpc = "read_rows";
  status = json::OptionalString(value, path, "rpc", &rpc);
  if (!status.ok()) return status;
  if (rpc == "append_rows") {
    rule.rpc = FaultRpc::kAppendRows;
    if (!AppliesToAppendRows(rule.kind)) {
      return json::PathError(
          json::MemberPath(path, "kind"),
          absl::StrCat(json::Quote(*kind_name),
                       " does not apply to append_rows; expected unavailable, "
                       "rst_stream, resource_exhausted, stall or aborted"));
    }
    if (value.contains("after_rows")) {
      return json::PathError(json::MemberPath(path, "after_rows"),
                             "append_rows rules count after_appends, not rows");
    }
  } else if (rpc == "read_rows") {
    if (rule.kind == FaultKind::kAborted) {
      return json::PathError(json::MemberPath(path, "kind"),
                             "\"aborted\" applies only to \"rpc\": "
                             "\"append_rows\"");
    }
    if (value.contains("after_appends")) {
      return json::PathError(json::MemberPath(path, "after_appends"),
                             "only append_rows rules count appends");
    }
  } else {
    return json::PathError(json::MemberPath(path, "rpc"),
                           absl::StrCat("unknown rpc ", json::Quote(rpc),
                                        "; expected read_rows or append_rows"));
  }
  struct IntField {
    absl::string_view key;
    int64_t* field;
    int64_t min_value;
    int64_t max_value;
  };
  int64_t max_fires = rule.max_fires;
  int64_t max_fires_per_stream = rule.max_fires_per_stream;
  for (const IntField& f : {
           IntField{"after_rows", &rule.after_rows, 0,
                    std::numeric_limits<int64_t>::max()},
           IntField{"after_appends", &rule.after_appends, 0,
                    std::numeric_limits<int64_t>::max()},
           IntField{"millis", &rule.millis, 0, kMaxMillis},
           IntField{"micros", &rule.micros, 0, kMaxMillis * 1000},
           IntField{"max_fires", &max_fires, -1,
                    std::numeric_limits<int>::max()},
           IntField{"max_fires_per_stream", &max_fires_per_stream, -1,
                    std::numeric_limits<int>::max()},
       }) {
    status = json::OptionalInt64(value, path, f.key, f.min_value, f.max_value,
                                 f.field);
    if (!status.ok()) return status;
  }
  rule.max_fires = static_cast<int>(max_fires);
  rule.max_fires_per_stream = static_cast<int>(max_fires_per_stream);
  if (value.contains("probability")) {
    const json::Json& probability = value["probability"];
    if (!probability.is_number() || !(probability.get<double>() > 0) ||
        probability.get<double>() > 1) {
      return json::PathError(json::MemberPath(path, "probability"),
                             "expected a number in (0, 1]");
    }
    rule.probability = probability.get<double>();
  }
  if (rule.kind == FaultKind::kStall && rule.millis == 0) {
    return json::PathError(json::MemberPath(path, "millis"),
                           "a stall needs millis > 0");
  }
  if (rule.kind == FaultKind::kDelayPerResponse && rule.micros == 0) {
    return json::PathError(json::MemberPath(path, "micros"),
                           "delay_per_response needs micros > 0");
  }
  return rule;
}

}  // namespace

absl::string_view FaultKindName(FaultKind kind) {
  for (const auto& [k, name] : kKindNames) {
    if (k == kind) return name;
  }
  return "unknown";
}

std::optional<FaultKind> ParseFaultKind(absl::string_view name) {
  for (const auto& [kind, known] : kKindNames) {
    if (known == name) return kind;
  }
  return std::nullopt;
}

absl::StatusOr<std::vector<FaultRule>> ParseFaultScriptJson(
    absl::string_view json_text) {
  auto root = json::ParseStrict(json_text, "fault script");
  if (!root.ok()) return root.status();
  absl::Status status = json::CheckObject(*root, "", {"faults"});
  if (!status.ok()) return status;
  const json::Json* faults = nullptr;
  status = json::GetRequired(*root, "", "faults", &faults);
  if (!status.ok()) return status;
  if (!faults->is_array()) {
    return json::PathError("faults", absl::StrCat("expected an array, got ",
                                                  faults->type_name()));
  }
  std::vector<FaultRule> rules;
  for (size_t i = 0; i < faults->size(); ++i) {
    auto rule = ParseRule((*faults)[i], json::ElementPath("faults", i));
    if (!rule.ok()) return rule.status();
    rules.push_back(*std::move(rule));
  }
  return rules;
}

absl::StatusOr<std::vector<FaultRule>> LoadFaultScriptFile(
    const std::string& path) {
  auto text = ReadFile(path, "fault script");
  if (!text.ok()) return text.status();
  auto rules = ParseFaultScriptJson(*text);
  if (!rules.ok()) {
    return absl::Status(rules.status().code(),
                        absl::StrCat("fault script \"", path, "\": ",
                                     rules.status().message()));
  }
  return rules;
}

FaultInjector::FaultInjector(std::vector<FaultRule> rules) {
  for (FaultRule& rule : rules) Add(std::move(rule));
}

void FaultInjector::Add(FaultRule rule) {
  std::lock_guard<std::mutex> lock(mu_);
  int fires = rule.max_fires < 0 ? -1 : rule.max_fires;
  entries_.push_back(Entry{next_id_++, std::move(rule), fires});
}

void FaultInjector::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  entries_.clear();
}

bool FaultInjector::Matches(const FaultRule& rule, const StreamNames& names) {
  if (rule.target.empty() || rule.target == names.table ||
      rule.target == names.session || rule.target == names.stream) {
    return true;
  }
  // "projects/p": every session created under that parent project, whatever
  // table it reads (a billing project, as the real service allows).
  return std::count(rule.target.begin(), rule.target.end(), '/') == 1 &&
         absl::StartsWith(names.session, absl::StrCat(rule.target, "/"));
}

bool FaultInjector::AppliesToSession(Entry& entry,
                                     absl::string_view session) const {
  if (entry.rule.probability >= 1) return true;
  const auto [it, inserted] =
      entry.applies_by_session.emplace(std::string(session), false);
  if (inserted) {
    it->second = std::bernoulli_distribution(entry.rule.probability)(random_);
  }
  return it->second;
}

std::optional<PlannedFault> FaultInjector::Next(
    const StreamNames& names, const std::vector<FaultKind>& kinds,
    int64_t from_offset, int64_t to_offset, FaultRpc rpc) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::optional<PlannedFault> best;
  for (Entry& entry : entries_) {
    const FaultRule& rule = entry.rule;
    if (rule.rpc != rpc || entry.fires_left == 0 || !Matches(rule, names) ||
        StreamExhausted(entry, names.stream) ||
        !AppliesToSession(entry, names.session)) {
      continue;
    }
    if (std::find(kinds.begin(), kinds.end(), rule.kind) == kinds.end()) {
      continue;
    }
    const int64_t at =
        rpc == FaultRpc::kAppendRows ? rule.after_appends : rule.after_rows;
    if (at < from_offset || at > to_offset) continue;
    if (!best.has_value() || at < best->at_offset) {
      best = PlannedFault{entry.id, rule.kind, at, rule.millis,
                          std::string(names.stream)};
    }
  }
  return best;
}

bool FaultInjector::StreamExhausted(const Entry& entry,
                                    absl::string_view stream) {
  if (entry.rule.max_fires_per_stream < 0) return false;
  const auto found = entry.fires_by_stream.find(std::string(stream));
  const int fired = found == entry.fires_by_stream.end() ? 0 : found->second;
  return fired >= entry.rule.max_fires_per_stream;
}

bool FaultInjector::TryFire(const PlannedFault& fault) {
  std::lock_guard<std::mutex> lock(mu_);
  for (Entry& entry : entries_) {
    if (entry.id != fault.rule_id) continue;
    if (entry.fires_left == 0 || StreamExhausted(entry, fault.stream)) {
      return false;
    }
    if (entry.fires_left > 0) --entry.fires_left;
    if (entry.rule.max_fires_per_stream >= 0) {
      ++entry.fires_by_stream[fault.stream];
    }
    ++fired_[static_cast<int>(entry.rule.kind)];
    return true;
  }
  return false;  // cleared in the meantime
}

int64_t FaultInjector::DelayPerResponseMicros(const StreamNames& names) {
  std::lock_guard<std::mutex> lock(mu_);
  int64_t total = 0;
  for (const Entry& entry : entries_) {
    if (entry.rule.kind != FaultKind::kDelayPerResponse ||
        entry.rule.rpc != FaultRpc::kReadRows) {
      continue;
    }
    if (!Matches(entry.rule, names)) continue;
    total += entry.rule.micros;
  }
  if (total > 0) ++fired_[static_cast<int>(FaultKind::kDelayPerResponse)];
  return total;
}

int64_t FaultInjector::fired(FaultKind kind) const {
  std::lock_guard<std::mutex> lock(mu_);
  return fired_[static_cast<int>(kind)];
}

}  // namespace forkcheck
