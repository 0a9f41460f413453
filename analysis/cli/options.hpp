#pragma once
// Options shared by several subcommands.

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace funnelsim::cli {

/// Adds the positional scenario file and --set to a subcommand.
void add_scenario_options(CLI::App& command, std::string& scenario,
                          std::vector<std::string>& overrides);

}  // namespace funnelsim::cli
