// `bazel run //reports:print_environment`: the environment block a report
// made now would carry, as JSON, for people and CI logs.
#include <iostream>

#include "common/json_fields.h"
#include "environment/environment.h"
#include "reports/environment_json.h"

int main() {
  const forkcheck::RunStart start = forkcheck::CaptureRunStart();
  const forkcheck::Environment environment = forkcheck::CollectEnvironment(
      forkcheck::EnvironmentOptionsFromProcess(start));
  // Git's messages, GRPC_* values and paths need not be UTF-8: invalid
  // bytes become U+FFFD rather than an exception, as in reports.
  std::cout << forkcheck::json::Dump(forkcheck::EnvironmentToJson(environment),
                                     2)
            << "\n";
  return 0;
}
