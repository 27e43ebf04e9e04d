// The main job's --clients flag.
#ifndef FORKCHECK_DRIVER_CLIENTS_H_
#define FORKCHECK_DRIVER_CLIENTS_H_

#include <set>
#include <string>

#include "absl/status/statusor.h"

namespace forkcheck {

// --clients: "" (every client of the design) or names separated by commas.
absl::StatusOr<std::set<std::string>> ParseClients(const std::string& flag);

}  // namespace forkcheck

#endif  // FORKCHECK_DRIVER_CLIENTS_H_
