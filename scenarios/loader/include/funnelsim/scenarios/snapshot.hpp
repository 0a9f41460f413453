#pragma once
/// Loading a funnel snapshot: what a sales manager knows on a given day of the quarter (the
/// open opportunities per stage, what is booked, the reps' own calls), YAML -> validated plain
/// data (funnelsim/forecast/snapshot.hpp, owned by the forecast models). Every key and its
/// domain is documented in docs/forecasting.md.
/// Amounts are in 万 (10,000 RMB).

#include <string>

#include "funnelsim/forecast/snapshot.hpp"
#include "funnelsim/scenarios/error.hpp"

namespace funnelsim::scenarios {

/// Reads and validates the snapshot file at `path`. Throws InputError (file:line:col, key
/// path, message) for an unreadable file, bad YAML, an unknown key or a value out of range.
analysis::Snapshot load_snapshot_file(const std::string& path);

/// As load_snapshot_file, for text already in memory; `source_name` is the file errors name.
analysis::Snapshot load_snapshot_text(const std::string& text, const std::string& source_name);

}  // namespace funnelsim::scenarios
