#include "reports/compare/client_diff.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "reports/report_clients.h"

namespace forkcheck {
namespace {

constexpr char kAbsent[] = "absent";

// A matrix's clients by name, with those its cells name but its list does
// not (as having run).
std::map<std::string, ReportClient> ClientsByName(
    const ReportConformance& conformance) {
  std::map<std::string, ReportClient> clients;
  for (const ReportClient& client : conformance.clients) {
    clients.emplace(client.client, client);
  }
  for (const ReportCell& cell : conformance.cells) {
    if (clients.count(cell.client) == 0) {
      ReportClient client;
      client.client = cell.client;
      clients.emplace(cell.client, client);
    }
  }
  return clients;
}

std::map<std::string, std::string> ClientOfKeys(
    const ReportConformance& conformance) {
  std::map<std::string, std::string> clients;
  for (const ReportCell& cell : conformance.cells) {
    clients[cell.key] = cell.client;
  }
  return clients;
}

// "grpcio 1.51.1 -> 1.60.0" and the like; empty if they are the same.
std::vector<std::string> VersionChanges(const ReportClient& old_client,
                                        const ReportClient& new_client) {
  std::vector<std::string> changes;
  const auto add = [&changes](const std::string& name, const std::string& from,
                              const std::string& to) {
    if (from != to) {
      changes.push_back(absl::StrCat(name, " ", from.empty() ? "-" : from,
                                     " -> ", to.empty() ? "-" : to));
    }
  };
  const std::string library =
      new_client.library.empty() ? old_client.library : new_client.library;
  if (old_client.library != new_client.library && !old_client.inferred &&
      !new_client.inferred) {
    add("library", old_client.library, new_client.library);
  }
  add(library.empty() ? "library" : library, old_client.library_version,
      new_client.library_version);
  add("gRPC core", old_client.grpc_core_version, new_client.grpc_core_version);
  // An older report knows no more of its C++ client.
  if (old_client.inferred || new_client.inferred) return changes;
  add("language", old_client.language, new_client.language);
  std::map<std::string, std::string> old_versions(old_client.versions.begin(),
                                                  old_client.versions.end());
  std::map<std::string, std::string> new_versions(new_client.versions.begin(),
                                                  new_client.versions.end());
  std::set<std::string> names;
  for (const auto& [name, version] : old_versions) names.insert(name);
  for (const auto& [name, version] : new_versions) names.insert(name);
  for (const std::string& name : names) {
    add(name, old_versions[name], new_versions[name]);
  }
  return changes;
}

// Moves the keys of `keys` whose client is `client` into `moved`.
void MoveKeysOf(const std::string& client,
                const std::map<std::string, std::string>& client_of,
                std::vector<std::string>* keys,
                std::vector<std::string>* moved) {
  auto kept = std::stable_partition(
      keys->begin(), keys->end(), [&](const std::string& key) {
        const auto found = client_of.find(key);
        return found == client_of.end() || found->second != client;
      });
  moved->insert(moved->end(), kept, keys->end());
  keys->erase(kept, keys->end());
}

}  // namespace

std::string ClientDifference::Summary() const {
  if (!RanInOneOnly()) {
    return absl::StrCat(client, ": ", absl::StrJoin(changes, "; "));
  }
  const char* ran = ran_in_old ? "old" : "new";
  const char* other = ran_in_old ? "new" : "old";
  const size_t cells =
      ran_in_old ? cells_only_in_old.size() : cells_only_in_new.size();
  std::string text =
      skipped_reason.empty()
          ? absl::StrCat(client, ": ran in ", ran, ", absent from ", other)
          : absl::StrCat(client, ": ran in ", ran, ", skipped in ", other, " (",
                         skipped_reason, ")");
  if (cells > 0) {
    absl::StrAppend(&text, ": its ", cells,
                    cells == 1 ? " cell is" : " cells are", " only in ", ran);
  }
  return text;
}

std::vector<ClientDifference> DiffClients(const ReportModel& old_report,
                                          const ReportModel& new_report,
                                          MatrixChanges* matrix) {
  std::vector<ClientDifference> differences;
  if (!old_report.conformance.has_value() ||
      !new_report.conformance.has_value()) {
    return differences;
  }
  const auto old_clients = ClientsByName(*old_report.conformance);
  const auto new_clients = ClientsByName(*new_report.conformance);
  std::set<std::string> names;
  for (const auto& [name, client] : old_clients) names.insert(name);
  for (const auto& [name, client] : new_clients) names.insert(name);
  const auto old_keys = ClientOfKeys(*old_report.conformance);
  const auto new_keys = ClientOfKeys(*new_report.conformance);
  for (const std::string& name : names) {
    const auto old_found = old_clients.find(name);
    const auto new_found = new_clients.find(name);
    ClientDifference difference;
    difference.client = name;
    const auto state = [&difference](const auto& found, const auto& all,
                                     bool* ran) {
      if (found == all.end()) return std::string(kAbsent);
      *ran = found->second.ran();
      if (!*ran) difference.skipped_reason = found->second.skipped;
      return DescribeReportClient(found->second);
    };
    difference.old_state =
        state(old_found, old_clients, &difference.ran_in_old);
    difference.new_state =
        state(new_found, new_clients, &difference.ran_in_new);
    if (difference.RanInOneOnly()) {
      if (difference.ran_in_old) {
        MoveKeysOf(name, old_keys, &matrix->only_in_old,
                   &difference.cells_only_in_old);
      } else {
        MoveKeysOf(name, new_keys, &matrix->only_in_new,
                   &difference.cells_only_in_new);
      }
      differences.push_back(std::move(difference));
      continue;
    }
    if (difference.ran_in_old && difference.ran_in_new) {
      difference.changes = VersionChanges(old_found->second, new_found->second);
      if (!difference.changes.empty()) {
        differences.push_back(std::move(difference));
      }
    }
  }
  return differences;
}

}  // namespace forkcheck
