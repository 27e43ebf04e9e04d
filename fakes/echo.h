// What the fake quotes back of a client's request in a status message.
//
// gRPC sends a status message in the trailing metadata, whose size a client
// limits (8 KiB by default): a status that echoes a 9 KB stream name reaches
// the client as RESOURCE_EXHAUSTED ("initial metadata size exceeds limit")
// instead of its own code. Every service of the fake echoes client-supplied
// names and values through BoundedEcho, so its codes survive any input.
#ifndef FORKCHECK_FAKES_ECHO_H_
#define FORKCHECK_FAKES_ECHO_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace forkcheck {

// At most this many bytes of a value are quoted (before escaping).
inline constexpr size_t kMaxEchoedBytes = 200;

// `value` fit for a status message: control bytes and quotes escaped C-style
// (valid UTF-8 is kept as it is), and, when longer than kMaxEchoedBytes, cut
// at a character boundary at or below that and followed by how long it was:
// "projects/p/...xxxx... (9216 bytes)". A value of kMaxEchoedBytes or less
// that needs no escaping comes back unchanged.
std::string BoundedEcho(absl::string_view value);

}  // namespace forkcheck

#endif  // FORKCHECK_FAKES_ECHO_H_
