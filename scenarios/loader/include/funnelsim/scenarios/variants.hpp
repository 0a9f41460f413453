#pragma once
/// A scenario's variants: other versions of the same organisation, compared on common random
/// numbers. The scenario file lists them under `variants:` (each a `set` and/or `scale` of key
/// paths) and `sweep:` (one variant per value, or per combination of values, of key paths).

#include <string>
#include <vector>

#include "funnelsim/scenarios/load.hpp"

namespace funnelsim::scenarios {

struct ScenarioVariant {
  std::string name;         ///< "baseline" for the scenario itself
  std::string change;       ///< what differs from the baseline, e.g. "teams.territory.headcount=12"
  LoadedScenario scenario;  ///< validated; resolved_yaml has no variants or sweep
  /// A sweep's variant: the swept key paths, first key outermost, and this variant's value of
  /// each as the file wrote it (a flow list for a list); both empty for other variants.
  std::vector<std::string> sweep_keys;
  std::vector<std::string> sweep_values;
};

/// Everything a run needs: the whole resolved scenario text and its validated variants.
struct ScenarioSet {
  std::string resolved_yaml;              ///< the file after --set overrides, variants included
  std::vector<ScenarioVariant> variants;  ///< the baseline first, then variants, then the sweep
};

/// Loads a scenario file with its variants. `overrides` (--set) apply to the baseline before
/// the variants, so every variant is the overridden baseline plus its own changes. Each
/// variant is validated like the file; errors name the file, the line of the variant's entry
/// and the variant. Throws InputError.
ScenarioSet load_scenario_set(const std::string& path,
                              const std::vector<std::string>& overrides = {});

/// As load_scenario_set, for text in memory.
ScenarioSet load_scenario_set_text(const std::string& text, const std::string& source_name,
                                   const std::vector<std::string>& overrides = {});

}  // namespace funnelsim::scenarios
