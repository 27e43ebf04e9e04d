// `bazel run //reports:print_environment`: the environment block a report
// made now would carry, as JSON, for people and CI logs.
#include <iostream>

#include "environment/environment.h"
#include "reports/environment_json.h"

int main() {
  const forkcheck::RunStart start = forkcheck::CaptureRunStart();
  const forkcheck::Environment environment = forkcheck::CollectEnvironment(
      forkcheck::EnvironmentOptionsFromProcess(start));
  std::cout << forkcheck::EnvironmentToJson(environment).dump(2) << "\n";
  return 0;
}
