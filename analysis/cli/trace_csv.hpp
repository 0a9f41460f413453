#pragma once
// Writes one replication's event trace as CSV, for a person to read.

#include <string>
#include <vector>

#include "funnelsim/results/output_path.hpp"
#include "funnelsim/sim/model.hpp"

namespace funnelsim::cli {

/// Simulates replication `replication` of `model` again with a trace observer and writes every
/// event to `path` through the output writer (analysis::OutputFile: atomic, never through a
/// link, replacing only a regular file that is none of `inputs`, and that only with `force`).
/// Columns: day, measured_week (0-based from the first measured day, negative in the warm-up),
/// rep, team, opportunity, event, segment, stage, amount, source, customer.
void write_trace_csv(const std::string& path, const sim::Model& model, std::uint64_t seed,
                     std::uint64_t replication, bool force,
                     const std::vector<analysis::FileIdentity>& inputs);

}  // namespace funnelsim::cli
