#include "driver/clients.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace forkcheck {

absl::StatusOr<std::set<std::string>> ParseClients(const std::string& flag) {
  std::set<std::string> clients;
  if (flag.empty()) return clients;
  const std::vector<std::string> names = absl::StrSplit(flag, ',');
  for (const std::string& name : names) {
    if (name.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--clients=\"", flag, "\": an empty client name"));
    }
    clients.insert(name);
  }
  return clients;
}

}  // namespace forkcheck
