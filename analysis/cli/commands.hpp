#pragma once
// The funnelsim subcommands. Each file adds one subcommand to the parser and returns how to
// run it; errors are exceptions that main() turns into messages and exit codes.

#include <functional>
#include <string>

#include "funnelsim/error.hpp"

namespace CLI {
class App;
}

namespace funnelsim::cli {

/// A user error caught at the command line (not in a file): kind usage, exit code 2. The exit
/// codes (SUCCESS, BAD_INPUT, ...) are funnelsim::ExitCode, funnelsim/error.hpp.
struct UsageError : Error {
  explicit UsageError(const std::string& message) : Error(ErrorKind::usage, message) {}
};

/// A registered subcommand: its parser and what to do when the user chose it.
struct Command {
  CLI::App* parser = nullptr;
  std::function<int()> run;
};

Command add_run_command(CLI::App& app);
Command add_validate_command(CLI::App& app);
Command add_summary_command(CLI::App& app);
Command add_compare_command(CLI::App& app);
Command add_plan_command(CLI::App& app);
Command add_forecast_command(CLI::App& app);
Command add_forecast_accuracy_command(CLI::App& app);
Command add_report_command(CLI::App& app);
Command add_export_command(CLI::App& app);
Command add_exercise_command(CLI::App& app);
Command add_merge_command(CLI::App& app);
Command add_snapshot_command(CLI::App& app);
Command add_calibrate_command(CLI::App& app);
Command add_diagnose_command(CLI::App& app);
// The subcommands of 'plan'.
Command add_plan_headcount_command(CLI::App& plan);
Command add_plan_prospecting_command(CLI::App& plan);
Command add_plan_funnel_command(CLI::App& plan);
Command add_plan_mix_command(CLI::App& plan);

}  // namespace funnelsim::cli
