#pragma once
// Writes one replication's event trace as CSV, for a person to read.

#include <string>

#include "funnelsim/sim/model.hpp"

namespace funnelsim::cli {

/// Simulates replication `replication` of `model` again with a trace observer and writes every
/// event to `path` (atomically: a temporary file renamed when complete). Columns: time_days,
/// week, rep, team, opportunity, event, segment, stage, amount.
void write_trace_csv(const std::string& path, const sim::Model& model, std::uint64_t seed,
                     std::uint64_t replication);

}  // namespace funnelsim::cli
