#include "diagnosis/testing/testdata.h"

#include <fstream>
#include <sstream>

#include "common/runfiles.h"
#include "gtest/gtest.h"

namespace forkcheck {

std::string ReadTestdata(const std::string& name) {
  auto path = RunfileData("diagnosis/testdata/" + name);
  EXPECT_TRUE(path.ok()) << path.status();
  if (!path.ok()) return "";
  std::ifstream in(*path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace forkcheck
