#include "environment/loaded_objects.h"

#include <dlfcn.h>
#include <link.h>

namespace forkcheck {
namespace {

int CollectPath(struct dl_phdr_info* info, size_t /*size*/, void* data) {
  if (info->dlpi_name != nullptr && info->dlpi_name[0] != '\0') {
    static_cast<std::vector<std::string>*>(data)->emplace_back(info->dlpi_name);
  }
  return 0;  // keep iterating
}

}  // namespace

std::vector<std::string> LoadedObjectPaths() {
  std::vector<std::string> paths;
  dl_iterate_phdr(&CollectPath, &paths);
  return paths;
}

std::string ObjectContaining(const void* address) {
  Dl_info info;
  if (dladdr(address, &info) == 0 || info.dli_fname == nullptr) return "";
  return info.dli_fname;
}

}  // namespace forkcheck
