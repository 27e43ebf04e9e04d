// Factories of the models in this directory, one model per .cc file. Only
// model_registry.cc uses them; everyone else goes through MakeModel.
#ifndef FORKCHECK_MODELS_BUILTIN_MODELS_H_
#define FORKCHECK_MODELS_BUILTIN_MODELS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "models/model_registry.h"
#include "runtime/model.h"

namespace forkcheck {

// The factories get variant values the registry has checked against
// VariantSettingsOf (model_registry.h).

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
// workers are fresh execs of the trial program (runtime/spawned_worker.h).
std::unique_ptr<Model> MakeSpawnModel();

// forkserver_model.cc: a zygote forked before the parent touched gRPC forks
// the workers on the parent's request (runtime/fork_server.h).
std::unique_ptr<Model> MakeForkServerModel();
// grpc_fork_suite_model.cc: counterparts of gRPC's own fork tests, one per
// --suite_case.
absl::StatusOr<std::unique_ptr<Model>> MakeGrpcForkSuiteModel(
    const ModelVariant& variant);
// Its cases, the values of suite_case, connectivity_watch first.
std::vector<std::string> GrpcForkSuiteCaseNames();

}  // namespace forkcheck

#endif  // FORKCHECK_MODELS_BUILTIN_MODELS_H_
