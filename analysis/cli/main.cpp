// The funnelsim command: parses the command line, runs a subcommand, and is the only place
// that prints errors and chooses exit codes.

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <new>

#include "commands.hpp"
#include "funnelsim/error.hpp"

namespace cli = funnelsim::cli;

namespace {

constexpr const char* DESCRIPTION =
    "funnelsim: Monte Carlo simulation of sales funnels.\n"
    "Feeds synthetic leads through a scenario's funnel stages, rep by rep and week by week,\n"
    "and writes the distribution of bookings, wins and quota attainment to an HDF5 file.\n";

constexpr const char* EPILOG =
    "\nExamples:\n"
    "  funnelsim validate scenarios/branch.yaml\n"
    "  funnelsim run scenarios/branch.yaml -o results.h5\n"
    "  funnelsim run scenarios/branch.yaml -o more-reps.h5 --set teams.territory.headcount=12\n"
    "  funnelsim summary results.h5\n"
    "  funnelsim compare levers.h5          (after running scenarios/prospecting-vs-winrate.yaml)\n"
    "  funnelsim export levers.h5 -o levers.xlsx\n"
    "  funnelsim forecast scenarios/snapshots/branch-week7.yaml\n"
    "  funnelsim forecast-accuracy results.h5\n"
    "  funnelsim run scenarios/company.yaml -n 10000 --shard 1/4 -o part1.h5   (then 2/4...)\n"
    "  funnelsim merge part1.h5 part2.h5 part3.h5 part4.h5 -o company.h5\n"
    "  funnelsim calibrate scenarios/crm-example -o mine.yaml   (your CRM's history: docs/crm.md)\n"
    "  funnelsim snapshot scenarios/crm-example --as-of 2026-05-17 --quota 80 -o today.yaml\n"
    "\nExit codes: 0 success, 1 runtime failure, 2 bad usage or bad input, 130 interrupted.\n"
    "Scenario keys are documented in scenarios/README.md; the results layout in "
    "analysis/RESULTS.md.\n";

/// Prints `error` as funnelsim always has: an input error gcc-style, its location first; the
/// user's other errors after "funnelsim: "; a runtime failure after "funnelsim: error: ".
void print(const funnelsim::Error& error) {
  switch (error.kind()) {
    case funnelsim::ErrorKind::input:
      std::fprintf(stderr, "%s\n", error.what());
      return;
    case funnelsim::ErrorKind::usage:
    case funnelsim::ErrorKind::results:
    case funnelsim::ErrorKind::output:
      std::fprintf(stderr, "funnelsim: %s\n", error.what());
      return;
    case funnelsim::ErrorKind::runtime:
      std::fprintf(stderr, "funnelsim: error: %s\n", error.what());
      return;
  }
}

}  // namespace

int main(int argc, char** argv) {
  // Past a file-size limit (ulimit -f) the kernel would kill the process with SIGXFSZ and
  // leave the user no message; ignored, the write fails with EFBIG and is reported like a
  // full disk.
  std::signal(SIGXFSZ, SIG_IGN);
  CLI::App app{DESCRIPTION, "funnelsim"};
  app.footer(EPILOG);
  app.set_version_flag("--version", std::string("funnelsim ") + FUNNELSIM_VERSION);
  app.require_subcommand(1);

  // One per line: clang-format off keeps the list readable as commands are added.
  // clang-format off
  const std::vector<cli::Command> commands = {
      cli::add_run_command(app),
      cli::add_validate_command(app),
      cli::add_summary_command(app),
      cli::add_compare_command(app),
      cli::add_plan_command(app),
      cli::add_forecast_command(app),
      cli::add_forecast_accuracy_command(app),
      cli::add_report_command(app),
      cli::add_export_command(app),
      cli::add_exercise_command(app),
      cli::add_merge_command(app),
      cli::add_calibrate_command(app),
      cli::add_snapshot_command(app),
      cli::add_diagnose_command(app),
  };
  // clang-format on

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
      return app.exit(error);
    }
    std::fprintf(stderr, "funnelsim: %s\nRun 'funnelsim --help' for usage.\n", error.what());
    return funnelsim::BAD_INPUT;
  }

  // The one place where errors become messages and exit codes (funnelsim/error.hpp).
  try {
    for (const cli::Command& command : commands) {
      if (command.parser->parsed())
        return command.run();
    }
  } catch (const funnelsim::Error& error) {
    print(error);
    return funnelsim::exit_code(error.kind());
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "funnelsim: error: out of memory\n");
    return funnelsim::RUNTIME_FAILURE;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "funnelsim: error: %s\n", error.what());
    return funnelsim::RUNTIME_FAILURE;
  } catch (...) {
    std::fprintf(stderr, "funnelsim: error: unknown failure\n");
    return funnelsim::RUNTIME_FAILURE;
  }
  return funnelsim::BAD_INPUT;
}
