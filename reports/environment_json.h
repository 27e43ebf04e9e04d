// How a report writes its `environment` block: the probe's facts
// (environment/environment.h) as JSON, an unread number or load average as
// "unknown". The report model reads the block back (report_model.h), so the
// block's shape is known in reports/ only.
#ifndef FORKCHECK_REPORTS_ENVIRONMENT_JSON_H_
#define FORKCHECK_REPORTS_ENVIRONMENT_JSON_H_

#include "nlohmann/json.hpp"
#include "environment/environment.h"

namespace forkcheck {

nlohmann::json EnvironmentToJson(const Environment& environment);

}  // namespace forkcheck

#endif  // FORKCHECK_REPORTS_ENVIRONMENT_JSON_H_
