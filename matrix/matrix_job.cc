#include "matrix/matrix_job.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "matrix/server_pool.h"

namespace forkcheck {

absl::StatusOr<MatrixJobResult> RunMatrixJob(const MatrixJobOptions& options) {
  MatrixJobResult job;
  absl::StatusOr<MatrixDesign> design =
      LoadMatrixDesignFile(options.design_path);
  if (!design.ok()) return design.status();
  job.design = *std::move(design);
  absl::StatusOr<std::vector<Cell>> full =
      ExpandDesign(job.design, MatrixSize::kFull);
  if (!full.ok()) return full.status();
  for (const Cell& cell : *full) job.known_keys.insert(CellKey(cell));
  absl::StatusOr<std::vector<Cell>> cells =
      ExpandDesign(job.design, options.size);
  if (!cells.ok()) return cells.status();
  std::vector<Cell> chosen;
  for (Cell& cell : *cells) {
    if (absl::StrContains(CellKey(cell), options.cell_filter)) {
      chosen.push_back(std::move(cell));
    }
  }
  if (chosen.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("no cell of the ", MatrixSizeName(options.size),
                     " matrix has \"", options.cell_filter, "\" in its key"));
  }
  absl::StatusOr<std::unique_ptr<ServerPool>> servers = ServerPool::Start(
      options.server_binary, job.design.fault_scripts, chosen);
  if (!servers.ok()) return servers.status();
  job.results = RunMatrix(chosen, **servers, options.run);
  if (absl::Status stopped = (*servers)->Stop(); !stopped.ok()) {
    job.server_stop_error = std::string(stopped.message());
  }
  return job;
}

}  // namespace forkcheck
