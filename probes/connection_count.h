// How many TCP connections this process really holds to a server: what
// channel_per_thread's variants must report, since gRPC's global subchannel
// pool may put several channels on one connection.
#ifndef FORKCHECK_PROBES_CONNECTION_COUNT_H_
#define FORKCHECK_PROBES_CONNECTION_COUNT_H_

#include <optional>
#include <string>

namespace forkcheck {

// ESTABLISHED TCP sockets of this process whose remote port is the port of
// `target` ("host:port", "ipv4:host:port" or "[v6]:port"), from
// /proc/self/fd and /proc/self/net/tcp{,6}. nullopt if `target` is not a TCP
// address (e.g. "unix:/path") or /proc cannot be read.
std::optional<int> CountTcpConnectionsTo(const std::string& target);

}  // namespace forkcheck

#endif  // FORKCHECK_PROBES_CONNECTION_COUNT_H_
