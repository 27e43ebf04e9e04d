// Names of gRPC's C++ callback API that differ between the gRPC versions
// forkcheck builds against (see README.md, "Comparing gRPC versions").
//
// Before gRPC 1.39 the callback API was experimental: //bazel:system_libs.bzl
// then defines GRPC_CALLBACK_API_NONEXPERIMENTAL, which gives the final names
// (grpc::ServerWriteReactor, grpc::CallbackServerContext), but the generated
// stubs still prefix their callback base classes with "Experimental".
// gRPC 1.30 also answers callback methods only with the epoll1 poller.
// Checked on gRPC 1.30.2 (Debian 11) and 1.51.1 (Debian 12).
#ifndef FORKCHECK_FAKES_GRPC_CALLBACK_COMPAT_H_
#define FORKCHECK_FAKES_GRPC_CALLBACK_COMPAT_H_

#include <string>

#include "google/cloud/bigquery/storage/v1/storage.grpc.pb.h"
#include "grpcpp/support/server_callback.h"

namespace forkcheck {

// BigQueryRead's service base with ReadRows served by a raw callback handler.
template <class Base>
using ReadRowsRawCallbackService =
#ifdef GRPC_CALLBACK_API_NONEXPERIMENTAL
    google::cloud::bigquery::storage::v1::BigQueryRead::
        ExperimentalWithRawCallbackMethod_ReadRows<Base>;
#else
    google::cloud::bigquery::storage::v1::BigQueryRead::
        WithRawCallbackMethod_ReadRows<Base>;
#endif

// On gRPC before 1.39, sets GRPC_POLL_STRATEGY=epoll1: under 1.30's default
// poller (epollex) and under poll a server with a callback method answered no
// call at all, not even the synchronous ones, so every client timed out. Call
// it first thing in a process that serves, while it has one thread and before
// gRPC reads its environment. Returns a note when it overrode the caller's own
// choice, else "". Does nothing on later gRPC.
std::string SelectPollerForCallbackApi();

}  // namespace forkcheck

#endif  // FORKCHECK_FAKES_GRPC_CALLBACK_COMPAT_H_
