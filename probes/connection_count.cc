#include "probes/connection_count.h"

#include <dirent.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace forkcheck {
namespace {

constexpr char kEstablished[] = "01";  // st column of /proc/net/tcp

std::optional<int> PortOf(const std::string& target) {
  if (absl::StartsWith(target, "unix:") ||
      absl::StartsWith(target, "unix-abstract:")) {
    return std::nullopt;
  }
  const size_t colon = target.rfind(':');
  if (colon == std::string::npos) return std::nullopt;
  int port = 0;
  if (!absl::SimpleAtoi(target.substr(colon + 1), &port) || port <= 0 ||
      port > 65535) {
    return std::nullopt;
  }
  return port;
}

// Inodes of the sockets among this process's fds.
std::optional<std::set<std::string>> OwnSocketInodes() {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return std::nullopt;
  std::set<std::string> inodes;
  while (dirent* entry = readdir(dir)) {
    if (entry->d_name[0] == '.') continue;
    const std::string path = absl::StrCat("/proc/self/fd/", entry->d_name);
    char link[256];
    const ssize_t n = readlink(path.c_str(), link, sizeof(link) - 1);
    if (n <= 0) continue;
    const std::string target(link, static_cast<size_t>(n));
    // "socket:[12345]"
    if (absl::StartsWith(target, "socket:[") && target.back() == ']') {
      inodes.insert(target.substr(8, target.size() - 9));
    }
  }
  closedir(dir);
  return inodes;
}

// Rows of `table` (/proc/self/net/tcp or tcp6) that are ESTABLISHED, go to
// `port` and belong to one of `inodes`.
int CountIn(const std::string& table, int port,
            const std::set<std::string>& inodes) {
  std::ifstream file(table);
  std::string line;
  std::getline(file, line);  // header
  int count = 0;
  while (std::getline(file, line)) {
    std::vector<std::string> fields =
        absl::StrSplit(line, ' ', absl::SkipWhitespace());
    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
    if (fields.size() < 10 || fields[3] != kEstablished) continue;
    const size_t colon = fields[2].rfind(':');
    if (colon == std::string::npos) continue;
    const long remote_port =
        std::strtol(fields[2].c_str() + colon + 1, nullptr, 16);
    if (remote_port == port && inodes.count(fields[9]) != 0) ++count;
  }
  return count;
}

}  // namespace

std::optional<int> CountTcpConnectionsTo(const std::string& target) {
  const std::optional<int> port = PortOf(target);
  if (!port.has_value()) return std::nullopt;
  const std::optional<std::set<std::string>> inodes = OwnSocketInodes();
  if (!inodes.has_value()) return std::nullopt;
  return CountIn("/proc/self/net/tcp", *port, *inodes) +
         CountIn("/proc/self/net/tcp6", *port, *inodes);
}

}  // namespace forkcheck
