#pragma once
// Synthetic CRM data for outside forecast models: what a CRM would hold for a few replications.

#include <cstddef>
#include <cstdint>
#include <string>

#include "funnelsim/sim/model.hpp"

namespace funnelsim::cli {

/// Re-simulates replications [first, first + count) of `model` (bit-identical to the run's)
/// and writes, into the new directory `directory` (atomically: built beside it and renamed):
/// snapshots.csv, one row per open opportunity per measured week's end, and outcomes.csv, one
/// row per opportunity that reached an outcome. The columns are documented in README.md.
void write_crm_export(const std::string& directory, const sim::Model& model, std::uint64_t seed,
                      std::size_t first, std::size_t count);

}  // namespace funnelsim::cli
