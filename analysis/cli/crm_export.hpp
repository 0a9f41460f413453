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

/// Re-simulates replications [first, first + count) of `model` (bit-identical to the run's)
/// and writes, into `directory`: snapshots.csv, one row per open opportunity per measured
/// week's end, and outcomes.csv, one row per opportunity that reached an outcome. The columns
/// are documented in README.md. A new directory is created; an existing one is written into
/// only with `force`, and then only its snapshots.csv and outcomes.csv are replaced (each
/// through analysis::OutputFile, published once both are complete); nothing else in it is
/// touched, and nothing is ever removed. Throws analysis::OutputError (exit code 2) for a
/// directory or file that may not be written (see check_output_directory()).
void write_crm_export(const std::string& directory, const sim::Model& model, std::uint64_t seed,
                      std::size_t first, std::size_t count, bool force,
                      const std::vector<analysis::FileIdentity>& inputs);

}  // namespace funnelsim::cli
