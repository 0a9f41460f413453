#pragma once
/// Loading a scenario: YAML text -> a validated sim::Model. The schema is in scenarios/README.md.

#include <string>
#include <vector>

#include "funnelsim/scenarios/error.hpp"
#include "funnelsim/sim/model.hpp"

namespace funnelsim::scenarios {

/// A scenario that passed validation, with the text needed to reproduce it.
struct LoadedScenario {
  sim::Model model;           ///< validated, ready for the engine
  std::string resolved_yaml;  ///< the effective scenario (after overrides) as YAML text
  std::string source;         ///< the file name as given
};

/// Reads, overrides and validates the scenario file at `path`.
/// `overrides` are `path=value` strings from the command line (`--set`), applied in order
/// before validation; the value is parsed as YAML. The whole scenario is validated before
/// this returns. Throws InputError for any problem with the file, its content or an override.
LoadedScenario load_scenario_file(const std::string& path,
                                  const std::vector<std::string>& overrides = {});

/// As load_scenario_file, for scenario text already in memory; `source_name` is the file
/// name that errors report.
LoadedScenario load_scenario_text(const std::string& text, const std::string& source_name,
                                  const std::vector<std::string>& overrides = {});

}  // namespace funnelsim::scenarios

namespace funnelsim::scenarios {

/// `error` with a line and column: an error raised after loading against a key of the
/// scenario (a run too large for its `teams.NAME.headcount`, say) carries the key path but no
/// position. This finds the key in the scenario file `error.file()` and returns the error at
/// the key's value (at the closest enclosing key present, when the key itself is a default).
/// When an override in `overrides` (`--set` strings) set the key or a key above it, the error
/// is reported against `--set` instead. Returned unchanged when it has a position already, no
/// key path, or the file cannot be read again.
InputError locate_key(const InputError& error, const std::vector<std::string>& overrides = {});

}  // namespace funnelsim::scenarios
