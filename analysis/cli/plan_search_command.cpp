// Placeholder: 'plan headcount' and 'plan prospecting' are being written.
#include <CLI/CLI.hpp>

#include "commands.hpp"

namespace funnelsim::cli {

Command add_plan_headcount_command(CLI::App& plan) {
  CLI::App* command = plan.add_subcommand("headcount", "(not yet available)");
  return {command, [] { return BAD_INPUT; }};
}

Command add_plan_prospecting_command(CLI::App& plan) {
  CLI::App* command = plan.add_subcommand("prospecting", "(not yet available)");
  return {command, [] { return BAD_INPUT; }};
}

}  // namespace funnelsim::cli
