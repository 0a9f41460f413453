// Placeholder: the 'compare' subcommand is being written.
#include <CLI/CLI.hpp>

#include "commands.hpp"

namespace funnelsim::cli {

Command add_compare_command(CLI::App& app) {
  CLI::App* command = app.add_subcommand("compare", "(not yet available)");
  command->group("");  // hidden until implemented
  return {command, [] { return BAD_INPUT; }};
}

}  // namespace funnelsim::cli
