#include "options.hpp"

#include <CLI/CLI.hpp>

namespace funnelsim::cli {

void add_scenario_options(CLI::App& command, std::string& scenario,
                          std::vector<std::string>& overrides) {
  command.add_option("scenario", scenario, "Scenario file (YAML), e.g. scenarios/branch.yaml")
      ->required();
  command
      .add_option("--set", overrides,
                  "Override a scenario key before validation, PATH=VALUE; list items are\n"
                  "addressed by name: --set teams.territory.headcount=12\n"
                  "--set segments.small.stages.intent.win_probability=0.25 (repeatable)")
      ->type_name("PATH=VALUE");
}

}  // namespace funnelsim::cli
