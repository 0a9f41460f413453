#pragma once
// The funnelsim subcommands. Each file adds one subcommand to the parser and returns how to
// run it; errors are exceptions that main() turns into messages and exit codes.

#include <functional>
#include <stdexcept>

namespace CLI {
class App;
}

namespace funnelsim::cli {

/// Exit codes, documented in the README.
enum ExitCode : int { SUCCESS = 0, RUNTIME_FAILURE = 1, BAD_INPUT = 2, INTERRUPTED = 130 };

/// A user error caught at the command line (not in a file): exit code 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
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
Command add_exercise_command(CLI::App& app);
Command add_merge_command(CLI::App& app);
// The subcommands of 'plan'.
Command add_plan_headcount_command(CLI::App& plan);
Command add_plan_prospecting_command(CLI::App& plan);
Command add_plan_funnel_command(CLI::App& plan);

}  // namespace funnelsim::cli
