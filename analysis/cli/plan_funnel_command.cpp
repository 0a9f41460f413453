// Placeholder: 'plan funnel' is being written.
#include <CLI/CLI.hpp>

#include "commands.hpp"

namespace funnelsim::cli {

Command add_plan_funnel_command(CLI::App& plan) {
  CLI::App* command = plan.add_subcommand("funnel", "(not yet available)");
  return {command, [] { return BAD_INPUT; }};
}

}  // namespace funnelsim::cli
