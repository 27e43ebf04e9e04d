// JSON form of read accounts, for the read_table CLI and for workers that
// report to a supervisor. Durations are in seconds (doubles); a duration that
// never ended (no row arrived) is null.

#ifndef FORKCHECK_CLIENT_ACCOUNT_JSON_H_
#define FORKCHECK_CLIENT_ACCOUNT_JSON_H_

#include "client/reference_reader.h"
#include "client/retry_policy.h"
#include "client/stream_reader.h"
#include "nlohmann/json.hpp"

namespace forkcheck {

// {"unavailable": n, ..., "total": n}
nlohmann::json RetryCountsToJson(const RetryCounts& retries);

// Every StreamAccount field; "status" is the gRPC code name ("OK", ...).
nlohmann::json StreamAccountToJson(const StreamAccount& stream);

// Every ReadAccount field plus "exactly_once" and, when rows are missing,
// "missing_ranges" ("0-99,200-299", at most 20 ranges). "error" is null or
// {"code": "UNAVAILABLE", "message": ...}. The ledger itself is not included.
nlohmann::json ReadAccountToJson(const ReadAccount& account);

}  // namespace forkcheck

#endif  // FORKCHECK_CLIENT_ACCOUNT_JSON_H_
