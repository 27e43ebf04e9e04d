// Names of gRPC's C++ callback API that differ between the gRPC versions
// forkcheck builds against (see README.md, "Comparing gRPC versions").
//
// Before gRPC 1.39 the callback API is in grpc::experimental and the generated
// stubs prefix their callback base classes with "Experimental";
// //bazel:system_libs.bzl then defines
// FORKCHECK_GRPC_EXPERIMENTAL_CALLBACK_API. Checked on gRPC 1.30.2 (Debian 11)
// and 1.51.1 (Debian 12).
#ifndef FORKCHECK_FAKES_GRPC_CALLBACK_COMPAT_H_
#define FORKCHECK_FAKES_GRPC_CALLBACK_COMPAT_H_

#include <memory>
#include <string>
#include <thread>

#include "google/cloud/bigquery/storage/v1/storage.grpc.pb.h"
#include "grpcpp/completion_queue.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/server_callback.h"

namespace forkcheck {

#ifdef FORKCHECK_GRPC_EXPERIMENTAL_CALLBACK_API
namespace grpc_callback = ::grpc::experimental;
#else
namespace grpc_callback = ::grpc;
#endif

using CallbackServerContext = grpc_callback::CallbackServerContext;

// A server-streaming reactor that writes raw (already serialized) responses.
using RawWriteReactor = grpc_callback::ServerWriteReactor<grpc::ByteBuffer>;

// BigQueryRead's service base with ReadRows served by a raw callback handler.
template <class Base>
using ReadRowsRawCallbackService =
#ifdef FORKCHECK_GRPC_EXPERIMENTAL_CALLBACK_API
    google::cloud::bigquery::storage::v1::BigQueryRead::
        ExperimentalWithRawCallbackMethod_ReadRows<Base>;
#else
    google::cloud::bigquery::storage::v1::BigQueryRead::
        WithRawCallbackMethod_ReadRows<Base>;
#endif

// A bidirectional-streaming reactor that reads and writes raw (serialized)
// messages.
using RawBidiReactor =
    grpc_callback::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>;

// BigQueryWrite's service base with AppendRows served by a raw callback
// handler.
template <class Base>
using AppendRowsRawCallbackService =
#ifdef FORKCHECK_GRPC_EXPERIMENTAL_CALLBACK_API
    google::cloud::bigquery::storage::v1::BigQueryWrite::
        ExperimentalWithRawCallbackMethod_AppendRows<Base>;
#else
    google::cloud::bigquery::storage::v1::BigQueryWrite::
        WithRawCallbackMethod_AppendRows<Base>;
#endif

// Lets a process serve callback methods on gRPC before 1.39; does nothing on
// later versions. On Debian 11's gRPC 1.30.2 a server with a callback method
// answered no call from another process, not even to its synchronous methods
// (the client timed out waiting for HTTP/2 SETTINGS), under every poller: its
// threads waited for a poller that never came. It served once the process
// used the epoll1 poller (one epoll set for all the process's sockets) and a
// thread kept polling a completion queue. So the constructor sets
// GRPC_POLL_STRATEGY=epoll1 and starts that thread; create it first thing in
// main, while the process has one thread and before gRPC reads its
// environment, and keep it until the servers are shut down.
class CallbackServingSupport {
 public:
  CallbackServingSupport();
  ~CallbackServingSupport();
  CallbackServingSupport(const CallbackServingSupport&) = delete;
  CallbackServingSupport& operator=(const CallbackServingSupport&) = delete;

  // Says so when the caller's own GRPC_POLL_STRATEGY was replaced, else "".
  const std::string& note() const { return note_; }

 private:
  std::string note_;
  std::unique_ptr<grpc::CompletionQueue> queue_;
  std::thread poller_;
};

}  // namespace forkcheck

#endif  // FORKCHECK_FAKES_GRPC_CALLBACK_COMPAT_H_
