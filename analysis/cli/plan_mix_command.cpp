// 'funnelsim plan mix': the cheapest combination of several teams' headcounts with which the
// organisation makes its quota (a quarter, or the year) with a wanted probability.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "commands.hpp"
#include "funnelsim/experiment/plan.hpp"
#include "funnelsim/experiment/plan_mix.hpp"
#include "funnelsim/experiment/resource_estimate.hpp"
#include "funnelsim/scenarios/load.hpp"
#include "options.hpp"
#include "text.hpp"

namespace funnelsim::cli {
namespace {

struct MixArgs {
  std::string scenario;
  std::vector<std::string> overrides;
  std::string teams;  // "A,B" or "A=lo:hi,B"
  double probability = 0.0;
  std::string quarter = "year";
  double quota = 0.0;
  int hire_week = 1;
  bool tenured = false;
  bool json = false;
  std::size_t replications = 1000;
  std::uint64_t seed = 42;
  int threads = 0;
  bool quiet = false;
};

std::string percent(double share) {
  return format("%.1f%%", 100.0 * share);
}

/// "territory" or "territory=8:14": a team and the headcounts to search (default: 0 to twice
/// the scenario's headcount, at least 4).
analysis::MixTeam parse_team(const sim::Model& model, const std::string& text) {
  const std::size_t equals = text.find('=');
  analysis::MixTeam team;
  team.team = analysis::find_team(model, text.substr(0, equals));
  const int headcount = model.teams[team.team].headcount;
  team.min_headcount = 0;
  team.max_headcount = std::max(4, 2 * headcount);
  if (equals != std::string::npos) {
    const std::string range = text.substr(equals + 1);
    const std::size_t colon = range.find(':');
    int low = 0, high = 0;
    const auto parse = [](const std::string& part, int& value) {
      const auto [end, error] = std::from_chars(part.data(), part.data() + part.size(), value);
      return error == std::errc{} && end == part.data() + part.size() && !part.empty();
    };
    if (colon == std::string::npos || !parse(range.substr(0, colon), low) ||
        !parse(range.substr(colon + 1), high) || low < 0 || high < low || high > 100000) {
      throw UsageError("--teams: '" + text +
                       "': give a team's range as NAME=LOW:HIGH, 0 <= LOW <= HIGH <= 100000");
    }
    team.min_headcount = low;
    team.max_headcount = high;
  }
  return team;
}

std::string headcounts_text(const sim::Model& model, const analysis::MixQuestion& question,
                            const std::vector<int>& headcounts) {
  std::string text;
  for (std::size_t i = 0; i < headcounts.size(); ++i)
    text += (i ? ", " : "") + model.teams[question.teams[i].team].name + " " +
            std::to_string(headcounts[i]);
  return text;
}

std::string json_evaluation(const sim::Model& model, const analysis::MixQuestion& question,
                            const analysis::MixEvaluation& evaluation) {
  std::string headcounts = "{";
  for (std::size_t i = 0; i < evaluation.headcounts.size(); ++i)
    headcounts += (i ? ", " : "") + json_string(model.teams[question.teams[i].team].name) + ": " +
                  std::to_string(evaluation.headcounts[i]);
  return "{\"headcounts\": " + headcounts +
         "}, \"probability\": " + json_number(evaluation.probability) + ", \"interval\": [" +
         json_number(evaluation.interval.lower) + ", " + json_number(evaluation.interval.upper) +
         "], \"mean_bookings\": " + json_number(evaluation.mean_bookings) +
         ", \"cost\": " + json_number(evaluation.cost) +
         ", \"meets\": " + (evaluation.meets ? "true" : "false") + "}";
}

std::string period_text(const analysis::MixQuestion& question) {
  return question.quarter ? format("Q%d", *question.quarter + 1) : std::string("the year");
}

std::string to_json(const sim::Model& model, const analysis::MixQuestion& question,
                    const analysis::MixResult& result) {
  std::string json = "{\n  \"scenario\": " + json_string(model.name) + ",\n";
  json += "  \"period\": " +
          (question.quarter ? std::to_string(*question.quarter + 1) : std::string("\"year\"")) +
          ",\n";
  json += "  \"quota\": " + json_number(result.quota) + ",\n";
  json += "  \"target_probability\": " + json_number(question.probability) + ",\n";
  json += "  \"added_reps\": " +
          (question.tenured ? std::string("\"tenured\"")
                            : format("{\"hired_at_week\": %d}", question.hire_week)) +
          ",\n";
  json += format("  \"replications\": %zu,\n  \"seed\": %llu,\n", question.replications,
                 static_cast<unsigned long long>(question.seed));
  json += format("  \"runs\": %zu,\n", result.frontier.size());
  if (result.answer) {
    const std::string answer = json_evaluation(model, question, *result.answer);
    // The answer's fields at the top level: headcounts, probability, interval, cost.
    json += "  " + answer.substr(1, answer.size() - 2) + ",\n";
  } else {
    json +=
        "  \"headcounts\": null,\n  \"probability\": null,\n  \"interval\": null,\n"
        "  \"cost\": null,\n";
  }
  json += "  \"frontier\": [";
  for (std::size_t i = 0; i < result.frontier.size(); ++i)
    json += (i ? ",\n    " : "\n    ") + json_evaluation(model, question, result.frontier[i]);
  return json + "\n  ]\n}\n";
}

std::string to_text(const sim::Model& model, const analysis::MixQuestion& question,
                    const analysis::MixResult& result) {
  std::string text = "Scenario " + model.name +
                     format(", seed %llu, %zu replications per combination\n",
                            static_cast<unsigned long long>(question.seed), question.replications);
  text += "Target: P(organisation bookings >= " + format("%g", result.quota) + " 万 in " +
          period_text(question) + ") >= " + percent(question.probability) + "\n";
  text += question.tenured ? std::string("Reps beyond a team's headcount are tenured (--tenured)\n")
                           : format(
                                 "Reps beyond a team's headcount are hired at measured week %d, "
                                 "on the team's ramp\n",
                                 question.hire_week);
  text += format("\n%-36s  %11s  %-16s  %12s  %10s\n", "headcounts", "P(>= quota)", "95% Wilson",
                 "mean 万", "cost 万");
  std::vector<analysis::MixEvaluation> rows = result.frontier;
  std::sort(rows.begin(), rows.end(),
            [](const auto& a, const auto& b) { return a.headcounts < b.headcounts; });
  for (const analysis::MixEvaluation& row : rows) {
    const std::string interval =
        "[" + percent(row.interval.lower) + ", " + percent(row.interval.upper) + "]";
    text += format("%-36s  %11s  %-16s  %12.1f  %10.1f",
                   headcounts_text(model, question, row.headcounts).c_str(),
                   percent(row.probability).c_str(), interval.c_str(), row.mean_bookings, row.cost);
    text += result.answer && row.headcounts == result.answer->headcounts ? "  <- cheapest\n" : "\n";
  }
  text += format("\n%zu combinations simulated (%zu replications in all).\n",
                 result.frontier.size(), result.frontier.size() * question.replications);
  if (!result.answer) {
    return text + "No combination in the ranges searched makes " + period_text(question) +
           " with probability " + percent(question.probability) + "; widen --teams' ranges.\n";
  }
  const analysis::MixEvaluation& answer = *result.answer;
  text += "Cheapest: " + headcounts_text(model, question, answer.headcounts) + ", " +
          format("%.1f 万", answer.cost) + " for " + period_text(question) + ", making it with " +
          percent(answer.probability) + " probability [" + percent(answer.interval.lower) + ", " +
          percent(answer.interval.upper) + "]";
  if (answer.interval.lower < question.probability)
    text += "; its interval includes " + percent(question.probability) +
            ", so more replications may change the answer";
  return text + ".\n";
}

int plan_mix(const MixArgs& args) {
  const scenarios::LoadedScenario scenario =
      scenarios::load_scenario_file(args.scenario, args.overrides);
  const sim::Model& model = scenario.model;
  analysis::MixQuestion question;
  std::size_t start = 0;
  while (start <= args.teams.size()) {
    const std::size_t comma = args.teams.find(',', start);
    const std::string item =
        args.teams.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (item.empty())
      throw UsageError("--teams: an empty team name in '" + args.teams + "'");
    question.teams.push_back(parse_team(model, item));
    if (comma == std::string::npos)
      break;
    start = comma + 1;
  }
  question.probability = args.probability;
  if (args.quarter != "year") {
    int quarter = 0;
    const auto [end, error] =
        std::from_chars(args.quarter.data(), args.quarter.data() + args.quarter.size(), quarter);
    if (error != std::errc{} || end != args.quarter.data() + args.quarter.size() || quarter < 1 ||
        quarter > model.calendar.quarters) {
      throw UsageError(format("--quarter: must be 'year' or a quarter in 1..%d, got '%s'",
                              model.calendar.quarters, args.quarter.c_str()));
    }
    question.quarter = quarter - 1;
  }
  question.quota = args.quota;
  question.hire_week = args.hire_week;
  question.tenured = args.tenured;
  question.replications = args.replications;
  question.seed = args.seed;
  question.threads = args.threads;
  analysis::check_mix_question(model, question);

  // The search simulates at most (range + 1) combinations for each team but the last.
  analysis::RunSize size;
  size.replications = question.replications;
  size.threads = worker_threads(args.threads);
  size.forecast_samples = 0;
  // The most combinations the search can run: every headcount of the teams before the last
  // two, times the staircase's 2 (range + 1) + range + 1 (a bisection for a single team).
  sim::Model largest = model;
  std::vector<std::size_t> ranges;
  for (const analysis::MixTeam& team : question.teams) {
    largest.teams[team.team].headcount =
        std::max(largest.teams[team.team].headcount, team.max_headcount);
    ranges.push_back(static_cast<std::size_t>(team.max_headcount - team.min_headcount + 1));
  }
  std::size_t combinations = 0;
  if (ranges.size() == 1) {
    combinations = 2 + static_cast<std::size_t>(std::ceil(std::log2(ranges[0] + 1.0)));
  } else {
    combinations = 2 * ranges[ranges.size() - 2] + ranges.back();
    for (std::size_t i = 0; i + 2 < ranges.size(); ++i)
      combinations *= ranges[i];
  }
  size.candidates = combinations;
  size.searched_option = "--teams";
  analysis::check_resources(largest, size, args.scenario);
  check_threads_start(size.threads, "--threads");

  analysis::MixObserver observer;
  if (!args.quiet) {
    observer = [&](const analysis::MixEvaluation& evaluation) {
      std::fprintf(stderr, "  %s: %s\n",
                   headcounts_text(model, question, evaluation.headcounts).c_str(),
                   percent(evaluation.probability).c_str());
    };
  }
  const analysis::MixResult result = analysis::plan_mix(model, question, observer);
  const std::string output =
      args.json ? to_json(model, question, result) : to_text(model, question, result);
  std::fputs(output.c_str(), stdout);
  return SUCCESS;
}

}  // namespace

Command add_plan_mix_command(CLI::App& plan) {
  auto args = std::make_shared<MixArgs>();
  CLI::App* command = plan.add_subcommand(
      "mix",
      "The cheapest mix of several teams' headcounts that makes the organisation's quota with "
      "probability P");
  add_scenario_options(*command, args->scenario, args->overrides);
  command
      ->add_option("--teams", args->teams,
                   "Teams to size, comma-separated; NAME=LOW:HIGH bounds a team's headcounts\n"
                   "(default 0 to twice the scenario's headcount, at least 4)")
      ->required();
  command
      ->add_option("--probability", args->probability,
                   "Wanted probability of making the organisation's quota, in (0, 1)")
      ->required();
  command
      ->add_option("--quarter", args->quarter,
                   "The period: 'year' (every measured quarter summed) or a quarter, 1-based")
      ->capture_default_str();
  command
      ->add_option("--quota", args->quota,
                   "The organisation's quota for the period, 万 (default: the scenario's)")
      ->check(number_in(0.0, 1e12, true, "万"));
  command
      ->add_option("--hire-week", args->hire_week,
                   "Reps beyond a team's headcount are hired at this measured week, on its ramp")
      ->capture_default_str()
      ->check(integer_in(1, 400 * 13));
  command->add_flag("--tenured", args->tenured, "Add reps as tenured, fully ramped, instead")
      ->excludes("--hire-week");
  command->add_flag("--json", args->json, "Print the answer and every combination as JSON");
  add_search_run_options(*command, args->replications, args->seed, args->threads, args->quiet,
                         "combination");
  command->footer(
      "\nCost is every team's seats (cost_per_rep_per_quarter, for the weeks each seat exists)\n"
      "plus commission on bookings, over the period, for the whole organisation. Every\n"
      "combination runs on the same seed and replications (common random numbers: a rep added\n"
      "keeps every other rep's draws), so the organisation's bookings never fall as a team grows.\n"
      "The search walks the staircase of the last two teams' smallest feasible headcounts (at\n"
      "most 2 x (range + 1) + range + 1 combinations) and enumerates the teams before them; the\n"
      "cheapest "
      "feasible combination lies on that staircase, so the answer is the cheapest simulated\n"
      "one.\n"
      "--json holds headcounts (team -> reps), probability, interval, cost, and frontier (every\n"
      "combination simulated).\n"
      "\nExample:\n"
      "  funnelsim plan mix scenarios/prospecting-vs-winrate.yaml --teams territory,key-account "
      "--probability 0.8 --quarter 2\n"
      "\nExit codes: 0 success (also when no combination qualifies: it says so), 2 bad usage or "
      "input.");
  return {command, [args] { return plan_mix(*args); }};
}

}  // namespace funnelsim::cli
