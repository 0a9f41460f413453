#pragma once
// Synthetic CRM data for outside forecast models: what a CRM would hold for a few replications.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "funnelsim/results/output_path.hpp"
#include "funnelsim/sim/model.hpp"

namespace funnelsim::cli {

/// The files an export writes into its directory, and the only ones it ever touches there.
extern const std::vector<std::string> CRM_EXPORT_FILES;

/// A variant to export: its name in the results file and its model.
struct CrmVariant {
  std::string name;
  const sim::Model* model = nullptr;
};

/// Re-simulates replications [first, first + count) of each of `variants` (bit-identical to
/// the run's) and writes, into `directory` (analysis/RESULTS.md, "CRM export"):
/// snapshots.csv, every open opportunity at every measured week's end; opportunities.csv, one
/// row per opportunity; stage_history.csv, one row per stage an opportunity entered. A new
/// directory is created; an existing one is written into only with `force`, and then only its
/// CRM_EXPORT_FILES are replaced (each through analysis::OutputFile, published once all are
/// complete); nothing else in it is touched, and nothing is ever removed. Throws
/// analysis::OutputError (exit code 2) for a directory or file that may not be written.
void write_crm_export(const std::string& directory, const std::vector<CrmVariant>& variants,
                      std::uint64_t seed, std::size_t first, std::size_t count, bool force,
                      const std::vector<analysis::FileIdentity>& inputs);

}  // namespace funnelsim::cli
