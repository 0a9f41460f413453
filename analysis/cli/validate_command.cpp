#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

#include "commands.hpp"
#include "funnelsim/scenarios/load.hpp"
#include "funnelsim/scenarios/variants.hpp"
#include "funnelsim/sim/funnel_arithmetic.hpp"
#include "options.hpp"

namespace funnelsim::cli {

namespace {

struct ValidateArgs {
  std::string scenario;
  std::vector<std::string> overrides;
};

int validate(const ValidateArgs& args) {
  // The whole file, variants and sweep included, as 'run' would load it.
  const scenarios::ScenarioSet set = scenarios::load_scenario_set(args.scenario, args.overrides);
  const sim::Model& model = set.variants.front().scenario.model;
  std::printf("%s: valid scenario '%s'", args.scenario.c_str(), model.name.c_str());
  if (set.variants.size() > 1)
    std::printf(" with %zu variants besides the baseline", set.variants.size() - 1);
  std::printf("\n");
  std::printf("  %d measured quarters of %d weeks after %d warm-up weeks; %d reps in %zu teams\n",
              model.calendar.quarters, model.calendar.weeks_per_quarter,
              model.calendar.warmup_weeks, model.rep_count(), model.teams.size());
  std::printf("  quota per quarter (万):");
  for (double quota : model.quota)
    std::printf(" %.1f", quota);
  std::printf("\n\nFunnel arithmetic (stationary means; ramp-up and stalls ignored):\n");
  std::printf("  %-16s %6s %9s %8s %7s %9s %10s\n", "team", "reps", "leads/wk", "win rate",
              "wins/wk", "avg deal", "万/quarter");
  const std::vector<sim::TeamArithmetic> teams = sim::funnel_arithmetic(model);
  double total = 0.0;
  for (std::size_t t = 0; t < teams.size(); ++t) {
    const sim::TeamArithmetic& team = teams[t];
    const double per_quarter = team.bookings_per_week * model.calendar.weeks_per_quarter;
    total += per_quarter;
    std::printf("  %-16s %6d %9.1f %7.1f%% %7.2f %9.2f %10.1f\n", model.teams[t].name.c_str(),
                model.teams[t].headcount, team.leads_per_week, 100.0 * team.win_rate,
                team.wins_per_week, team.average_deal, per_quarter);
  }
  std::printf("  %-16s %6d %9s %8s %7s %9s %10.1f\n", "total", model.rep_count(), "", "", "", "",
              total);
  std::printf("\nStandard funnel (open opportunities per stage, Little's law):\n");
  for (std::size_t t = 0; t < teams.size(); ++t) {
    const sim::Segment& segment = model.segments[model.teams[t].segment];
    std::printf("  %-16s", model.teams[t].name.c_str());
    for (std::size_t i = 0; i < segment.stages.size(); ++i) {
      std::printf(" %s %.1f", segment.stages[i].name.c_str(), teams[t].standard_funnel[i]);
    }
    std::printf("\n");
  }
  return SUCCESS;
}

}  // namespace

Command add_validate_command(CLI::App& app) {
  auto args = std::make_shared<ValidateArgs>();
  CLI::App* command =
      app.add_subcommand("validate", "Check a scenario file and show the model it describes");
  add_scenario_options(*command, args->scenario, args->overrides);
  return {command, [args] { return validate(*args); }};
}

}  // namespace funnelsim::cli
