// Factories of the models in this directory, one model per .cc file. Only
// model_registry.cc uses them; everyone else goes through MakeModel.
#ifndef FORKCHECK_MODELS_BUILTIN_MODELS_H_
#define FORKCHECK_MODELS_BUILTIN_MODELS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "models/model.h"
#include "models/model_registry.h"

namespace forkcheck {

// OK if `value` is one of `allowed`; else INVALID_ARGUMENT naming the
// model, the flag and the allowed values.
absl::Status CheckVariantValue(const std::string& model,
                               const std::string& flag,
                               const std::string& value,
                               const std::vector<std::string>& allowed);

// thread_shared_model.cc: one process, threads sharing one channel.
std::unique_ptr<Model> MakeThreadSharedModel();

// channel_per_thread_model.cc: one process, a channel per thread, in the
// global or a per-channel (local) subchannel pool.
absl::StatusOr<std::unique_ptr<Model>> MakeChannelPerThreadModel(
    const ModelVariant& variant);

// fork_then_create_pristine_model.cc: the parent never touches gRPC; each
// forked worker creates its own channel.
std::unique_ptr<Model> MakeForkThenCreatePristineModel();

// fork_after_create_model.cc: workers read with the channel they inherited.
absl::StatusOr<std::unique_ptr<Model>> MakeForkAfterCreateModel(
    const ModelVariant& variant);

// fork_then_create_parent_used_model.cc: the parent created the session with
// its own client; workers create new channels.
absl::StatusOr<std::unique_ptr<Model>> MakeForkThenCreateParentUsedModel(
    const ModelVariant& variant);

// spawn_model.cc: the parent created the session with its own client;
// workers are fresh execs of the trial program (spawned_worker.h).
std::unique_ptr<Model> MakeSpawnModel();

// forkserver_model.cc: a zygote forked before the parent touched gRPC forks
// the workers on the parent's request (fork_server.h).
std::unique_ptr<Model> MakeForkServerModel();
// grpc_fork_suite_model.cc: counterparts of gRPC's own fork tests, one per
// --suite_case.
absl::StatusOr<std::unique_ptr<Model>> MakeGrpcForkSuiteModel(
    const ModelVariant& variant);

}  // namespace forkcheck

#endif  // FORKCHECK_MODELS_BUILTIN_MODELS_H_
