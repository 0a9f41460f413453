// 'funnelsim plan headcount' and 'funnelsim plan prospecting': the smallest headcount or
// prospecting standard with which a team makes its quarter with a wanted probability.
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
#include "funnelsim/experiment/resource_estimate.hpp"
#include "funnelsim/scenarios/load.hpp"
#include "options.hpp"
#include "progress.hpp"
#include "text.hpp"

namespace funnelsim::cli {
namespace {

enum class Search { headcount, prospecting };

struct SearchArgs {
  std::string scenario;
  std::vector<std::string> overrides;
  std::string team;
  double quota = 0.0;
  const CLI::Option* quota_option = nullptr;  // unset: the scenario's quota for the period
  double probability = 0.0;
  std::string quarter;                          // 1-based, or "year"
  const CLI::Option* quarter_option = nullptr;  // unset: all quarters pooled
  bool organisation = false;
  int hire_week = 1;
  bool tenured = false;
  bool json = false;
  std::size_t replications = 1000;
  std::uint64_t seed = 42;
  int threads = 0;
  bool quiet = false;
  int max_headcount = 100000;
  const CLI::Option* max_headcount_option = nullptr;  // unset: as many as the limits allow
  double tolerance = 0.05;
  double max_prospects = 1000.0;
};

std::string percent(double share) {
  return format("%.1f%%", 100.0 * share);
}

std::string percent_interval(const analysis::Interval& interval) {
  return "[" + percent(interval.lower) + ", " + percent(interval.upper) + "]";
}

/// Decimals that print every multiple of `tolerance` exactly (0.05 -> 2, 0.5 -> 1, 1 -> 0).
int decimals_for(double tolerance) {
  for (int decimals = 0; decimals < 9; ++decimals) {
    const double scaled = tolerance * std::pow(10.0, decimals);
    if (std::abs(scaled - std::round(scaled)) < 1e-6 * scaled)
      return decimals;
  }
  return 9;
}

/// How one candidate reads: "12 reps" or "5.80 a week".
struct ValueText {
  Search search;
  int decimals;
  std::string operator()(double value) const {
    if (search == Search::headcount) {
      return format("%.0f %s", value, value == 1.0 ? "rep" : "reps");
    }
    return format("%.*f a week", decimals, value);
  }
};

std::string json_interval(const analysis::Interval& interval) {
  return "[" + json_number(interval.lower) + ", " + json_number(interval.upper) + "]";
}

std::string json_evaluation(const char* key, const analysis::PlanEvaluation& evaluation) {
  return format("{\"%s\": ", key) + json_number(evaluation.value) +
         ", \"probability\": " + json_number(evaluation.probability) +
         ", \"interval\": " + json_interval(evaluation.interval) +
         ", \"mean_bookings\": " + json_number(evaluation.mean_bookings) + "}";
}

std::string to_json(const SearchArgs& args, Search search, const sim::Model& model,
                    const analysis::PlanQuestion& question, const analysis::PlanResult& plan) {
  const char* key = search == Search::headcount ? "headcount" : "prospects_per_week";
  const sim::Team& team = model.teams[question.team];
  std::string json = "{\n";
  json += "  \"scenario\": " + json_string(model.name) + ",\n";
  json += "  \"team\": " + json_string(team.name) + ",\n";
  json += "  \"quota\": " + json_number(question.quota) + ",\n";
  json += "  \"target_probability\": " + json_number(question.probability) + ",\n";
  json += "  \"quarter\": " +
          (question.year      ? std::string("\"year\"")
           : question.quarter ? std::to_string(*question.quarter + 1)
                              : std::string("\"all\"")) +
          ",\n";
  json += "  \"target\": " + json_string(question.organisation ? "organisation" : "team") + ",\n";
  if (search == Search::headcount) {
    json += "  \"added_reps\": " +
            (question.tenured ? std::string("\"tenured\"")
                              : format("{\"hired_at_week\": %d}", question.hire_week)) +
            ",\n";
  }
  json += format("  \"replications\": %zu,\n", question.replications);
  json += format("  \"samples_per_candidate\": %zu,\n", plan.answer.samples);
  json += format("  \"seed\": %llu,\n", static_cast<unsigned long long>(question.seed));
  if (search == Search::prospecting) {
    json += format("  \"headcount\": %d,\n", team.headcount);
    json += "  \"tolerance\": " + json_number(args.tolerance) + ",\n";
  }
  json += format("  \"%s\": ", key) + json_number(plan.answer.value) + ",\n";
  json += "  \"probability\": " + json_number(plan.answer.probability) + ",\n";
  json += "  \"interval\": " + json_interval(plan.answer.interval) + ",\n";
  json += "  \"mean_bookings\": " + json_number(plan.answer.mean_bookings) + ",\n";
  json += "  \"previous\": " +
          (plan.previous ? json_evaluation(key, *plan.previous) : std::string("null")) + ",\n";
  json += "  \"evaluations\": [";
  for (std::size_t i = 0; i < plan.evaluations.size(); ++i) {
    json += (i == 0 ? "\n    " : ",\n    ") + json_evaluation(key, plan.evaluations[i]);
  }
  return json + "\n  ]\n}\n";
}

/// "a 300 万 quarter", "300 万 in Q2" or "1200 万 in the year".
std::string target_text(const analysis::PlanQuestion& question) {
  if (question.year)
    return format("%g 万 in the year", question.quota);
  if (question.quarter) {
    return format("%g 万 in Q%d", question.quota, *question.quarter + 1);
  }
  return format("a %g 万 quarter", question.quota);
}

/// "12 territory reps make a 300 万 quarter with 91.2% probability [89.9%, 92.4%]; 11 reps:
/// 84.0% [81.6%, 86.1%]"
std::string reading(Search search, const ValueText& value_text, const sim::Team& team,
                    const analysis::PlanQuestion& question, const analysis::PlanResult& plan) {
  std::string line;
  if (search == Search::headcount) {
    line = format("%.0f ", plan.answer.value) + team.name + " " +
           (plan.answer.value == 1.0 ? "rep makes " : "reps make ");
    if (question.organisation)
      line = format("With %.0f ", plan.answer.value) + team.name + " " +
             (plan.answer.value == 1.0 ? "rep" : "reps") + " the organisation makes ";
  } else {
    line = format("%d ", team.headcount) + team.name + " " +
           (team.headcount == 1 ? "rep" : "reps") + " prospecting " +
           value_text(plan.answer.value) + (team.headcount == 1 ? " makes " : " each make ");
  }
  line += target_text(question) + " with " + percent(plan.answer.probability) + " probability " +
          percent_interval(plan.answer.interval);
  if (plan.previous) {
    line += "; " + value_text(plan.previous->value) + ": " + percent(plan.previous->probability) +
            " " + percent_interval(plan.previous->interval);
  } else {
    line += "; the lead sources alone suffice without prospecting";
  }
  return line;
}

std::string to_text(Search search, const ValueText& value_text, const sim::Model& model,
                    const analysis::PlanQuestion& question, const analysis::PlanResult& plan) {
  const sim::Team& team = model.teams[question.team];
  std::string text = "Scenario " + model.name + ", team " + team.name +
                     format(", seed %llu, %zu replications per candidate\n",
                            static_cast<unsigned long long>(question.seed), question.replications);
  text += std::string("Target: P(") + (question.organisation ? "organisation" : "team") +
          " bookings >= " + format("%g", question.quota) + " 万 ";
  text += question.year      ? std::string("in the year")
          : question.quarter ? format("in Q%d", *question.quarter + 1)
                             : format("in a quarter; %d quarters pooled", model.calendar.quarters);
  text += ") >= " + percent(question.probability) +
          format(", %zu samples per candidate\n", plan.answer.samples);
  if (search == Search::headcount) {
    text += question.tenured
                ? std::string(
                      "Reps added beyond the scenario's headcount are tenured: present "
                      "from the warm-up, fully ramped (--tenured)\n")
                : format(
                      "Reps added beyond the scenario's %d are hired at measured week %d: "
                      "they start with an empty funnel, on the team's ramp\n",
                      team.headcount, question.hire_week);
  }
  if (search == Search::prospecting) {
    text += format("Prospects a week per rep at %d reps, searched to %g\n", team.headcount,
                   question.tolerance);
  }
  text += format("\n%16s  %12s  %-20s  %15s\n",
                 search == Search::headcount ? "headcount" : "prospects/week", "P(>= quota)",
                 "95% Wilson interval", question.year ? "mean 万/year" : "mean 万/quarter");
  std::vector<analysis::PlanEvaluation> rows = plan.evaluations;
  std::sort(rows.begin(), rows.end(),
            [](const auto& a, const auto& b) { return a.value < b.value; });
  for (const analysis::PlanEvaluation& row : rows) {
    const std::string value = search == Search::headcount
                                  ? format("%.0f", row.value)
                                  : format("%.*f", value_text.decimals, row.value);
    text += format("%16s  %12s  %-20s  %15.1f", value.c_str(), percent(row.probability).c_str(),
                   percent_interval(row.interval).c_str(), row.mean_bookings);
    text += row.value == plan.answer.value ? "  <- answer\n" : "\n";
  }
  return text + "\n" + reading(search, value_text, team, question, plan) + "\n";
}

int plan_search(const SearchArgs& args, Search search) {
  const scenarios::LoadedScenario scenario =
      scenarios::load_scenario_file(args.scenario, args.overrides);
  const sim::Model& model = scenario.model;

  analysis::PlanQuestion question;
  question.organisation = args.organisation;
  question.hire_week = args.hire_week;
  question.tenured = args.tenured;
  question.probability = args.probability;
  question.replications = args.replications;
  question.seed = args.seed;
  question.threads = args.threads;
  question.max_headcount = args.max_headcount;
  question.tolerance = args.tolerance;
  question.max_prospects_per_week = args.max_prospects;
  if (args.quarter_option->count() > 0) {
    if (args.quarter == "year") {
      question.year = true;
    } else {
      int quarter = 0;
      const auto [end, error] =
          std::from_chars(args.quarter.data(), args.quarter.data() + args.quarter.size(), quarter);
      if (error != std::errc{} || end != args.quarter.data() + args.quarter.size() || quarter < 1 ||
          quarter > model.calendar.quarters) {
        throw UsageError(
            format("--quarter: must be 'year' or a quarter in 1..%d (the scenario's measured "
                   "quarters), got '%s'",
                   model.calendar.quarters, args.quarter.c_str()));
      }
      question.quarter = quarter - 1;
    }
  }
  question.team = analysis::find_team(model, args.team);
  if (args.quota_option->count() > 0) {
    question.quota = args.quota;
  } else {
    question.quota = analysis::scenario_quota(model, question);
    if (!(question.quota > 0.0)) {
      throw UsageError(
          question.year || question.quarter
              ? "--quota: the scenario sets no quota for team '" + model.teams[question.team].name +
                    "' (quota_per_quarter); give one"
              : "--quota: give the quota of a quarter, or plan for one (--quarter K) or the year "
                "(--quarter year) to take the scenario's");
    }
  }

  const ValueText value_text{search, decimals_for(args.tolerance)};
  analysis::PlanResult plan;
  analysis::check_question(model, question);
  // Each candidate is a run of its own: refuse a search that cannot finish. Its bound: the
  // most candidates the search can try (a gallop and a bisection over [1, last], each at
  // most log2(last + 1) + 1 steps), each as large as the largest one.
  analysis::RunSize size;
  size.replications = question.replications;
  size.threads = worker_threads(args.threads);
  size.forecast_samples = 0;
  sim::Model largest = model;
  sim::Team& searched = largest.teams[question.team];
  double last = 0.0;
  if (search == Search::headcount) {
    searched.headcount = std::max(searched.headcount, question.max_headcount);
    last = question.max_headcount;
    size.searched_key = "teams." + searched.name + ".headcount";
    size.searched_option = "--max-headcount";
  } else {
    searched.prospects_per_week =
        std::max(searched.prospects_per_week, question.max_prospects_per_week);
    last = std::floor(question.max_prospects_per_week / question.tolerance);
    size.searched_key = "teams." + searched.name + ".prospects_per_week";
    size.searched_option = "--max-prospects";
  }
  const auto candidates = [](double last_step) {
    return 2 * static_cast<std::size_t>(std::ceil(std::log2(last_step + 1.0))) + 2;
  };
  size.candidates = candidates(last);
  if (search == Search::headcount && args.max_headcount_option->count() == 0) {
    // The default ceiling: 100,000 reps, or the most whose whole search fits the limits.
    const auto fits = [&](int headcount) {
      sim::Model candidate = model;
      candidate.teams[question.team].headcount = headcount;
      analysis::RunSize candidate_size = size;
      candidate_size.candidates = candidates(headcount);
      const analysis::ResourceEstimate estimate =
          analysis::estimate_resources(candidate, candidate_size);
      const analysis::ResourceLimits limits;
      return estimate.seconds <= limits.seconds &&
             estimate.peak_memory_bytes <= limits.memory_bytes;
    };
    int lower = std::clamp(model.teams[question.team].headcount, 1, question.max_headcount);
    int upper = question.max_headcount;
    if (fits(lower) && !fits(upper)) {
      while (upper - lower > 1) {
        const int middle = lower + (upper - lower) / 2;
        (fits(middle) ? lower : upper) = middle;
      }
      question.max_headcount = lower;
      searched.headcount = lower;
      size.candidates = candidates(lower);
    }
  }
  try {
    analysis::check_resources(largest, size, args.scenario);
  } catch (const scenarios::InputError& error) {
    throw scenarios::locate_key(error, args.overrides);
  }
  check_threads_start(size.threads, "--threads");
  const sim::Team& team = model.teams[question.team];
  if (!args.quiet) {
    std::fprintf(stderr, "funnelsim: searching the %s of team '%s' for %s with probability %s\n",
                 search == Search::headcount ? "headcount" : "prospects a week", team.name.c_str(),
                 target_text(question).c_str(), percent(question.probability).c_str());
  }
  // On a terminal a bar shows each candidate's replications; the candidate's line follows.
  std::unique_ptr<ProgressBar> bar;
  analysis::PlanObserver observer;
  if (!args.quiet) {
    observer.progress = [&](double value, std::size_t done, std::size_t total) {
      if (!bar)
        bar = std::make_unique<ProgressBar>(stderr_is_terminal(), "  " + value_text(value));
      bar->update(done, total);
    };
    observer.evaluated = [&](const analysis::PlanEvaluation& evaluation) {
      bar.reset();
      std::fprintf(stderr, "  %s: %s %s\n", value_text(evaluation.value).c_str(),
                   percent(evaluation.probability).c_str(),
                   percent_interval(evaluation.interval).c_str());
    };
  }
  plan = search == Search::headcount ? analysis::plan_headcount(model, question, observer)
                                     : analysis::plan_prospecting(model, question, observer);

  const std::string output = args.json ? to_json(args, search, model, question, plan)
                                       : to_text(search, value_text, model, question, plan);
  std::fputs(output.c_str(), stdout);
  return SUCCESS;
}

CLI::App* add_search_command(CLI::App& plan, Search search, SearchArgs& args) {
  const bool headcount = search == Search::headcount;
  CLI::App* command = plan.add_subcommand(
      headcount ? "headcount" : "prospecting",
      headcount ? "The smallest headcount with which a team makes its quota with probability P"
                : "The prospecting standard (prospects a week per rep) a team needs to make its "
                  "quota with probability P");
  add_scenario_options(*command, args.scenario, args.overrides);
  command->add_option("--team", args.team, "Team to plan, by name")->required();
  // Amounts are at most 1e12 万 everywhere (scenarios/README.md, "Numeric domains").
  args.quota_option =
      command
          ->add_option("--quota", args.quota,
                       "The quota of the period, 万 (default with --quarter: the scenario's,\n"
                       "the team's reps' quota_per_quarter, or with --organisation its quota)")
          ->check(number_in(0.0, 1e12, true, "万"));
  command
      ->add_option("--probability", args.probability,
                   "Wanted probability of making the quota, in (0, 1), e.g. 0.9")
      ->required();
  args.quarter_option =
      command->add_option("--quarter", args.quarter,
                          "Measured quarter to plan for, 1-based, or 'year' for the bookings of\n"
                          "every measured quarter summed (default: all quarters pooled)");
  command->add_flag("--organisation", args.organisation,
                    "Target the organisation's bookings (every team simulated) rather than\n"
                    "the team's");
  command->add_flag("--json", args.json, "Print the answer as a JSON object");
  add_search_run_options(*command, args.replications, args.seed, args.threads, args.quiet,
                         "candidate");
  if (headcount) {
    command
        ->add_option("--hire-week", args.hire_week,
                     "Reps added beyond the scenario's headcount are hired at this measured\n"
                     "week (1: the first), with an empty funnel and the team's ramp")
        ->capture_default_str()
        ->check(integer_in(1, 400 * 13));
    command
        ->add_flag("--tenured", args.tenured,
                   "Add reps as tenured instead: present through the warm-up, fully ramped\n"
                   "(the optimistic answer; reps fewer than the scenario's are always tenured)")
        ->excludes("--hire-week");
    args.max_headcount_option =
        command
            ->add_option("--max-headcount", args.max_headcount,
                         "Give up above this many reps (default: 100000, or fewer: the most\n"
                         "whose search fits the resource limits, see scenarios/README.md)")
            ->check(integer_in(1, 100000));
    command->footer(
        "\nEvery candidate headcount is simulated on the same seed and replications (common\n"
        "random numbers: a rep added keeps the others' draws), so the estimated probability\n"
        "never falls as reps are added and the search, galloping from the scenario's headcount\n"
        "and then bisecting, finds the smallest simulated headcount that meets the target.\n"
        "P is the share of (replication, quarter) samples whose team bookings reach the quota;\n"
        "with --quarter year, of replications whose year does.\n"
        "Reps beyond the scenario's headcount are hires (teams[].hires) at --hire-week: they\n"
        "start with an empty funnel and ramp (teams[].ramp); --tenured adds them fully ramped.\n"
        "\nExamples:\n"
        "  funnelsim plan headcount scenarios/branch.yaml --team territory --quota 300 "
        "--probability 0.9\n"
        "  funnelsim plan headcount scenarios/branch.yaml --team territory --quarter year "
        "--probability 0.8\n"
        "  funnelsim plan headcount scenarios/branch.yaml --team territory --quarter year "
        "--organisation --probability 0.8 --hire-week 14\n"
        "\nExit codes: 0 success, 1 not reachable within --max-headcount, 2 bad usage or input.");
  } else {
    command
        ->add_option("--tolerance", args.tolerance,
                     "Resolution of the answer, prospects a week (candidates are its multiples)")
        ->capture_default_str()
        ->check(number_in(1e-6, 1e6, false, "prospects a week"));
    command
        ->add_option("--max-prospects", args.max_prospects,
                     "Give up above this many prospects a week per rep")
        ->capture_default_str()
        ->check(number_in(1e-6, 1e6, false, "prospects a week"));
    command->footer(
        "\nThe team keeps the scenario's headcount (change it with --set teams.NAME.headcount=N);\n"
        "every candidate rate is simulated on the same seed and replications (common random\n"
        "numbers: a higher rate keeps every lead and adds new ones), so the estimated\n"
        "probability never falls as the rate rises. The search brackets the answer by doubling\n"
        "or halving the scenario's rate, then bisects to --tolerance.\n"
        "\nExample:\n"
        "  funnelsim plan prospecting scenarios/branch.yaml --team territory --quota 300 "
        "--probability 0.9\n"
        "\nExit codes: 0 success, 1 not reachable within --max-prospects, 2 bad usage or input.");
  }
  return command;
}

}  // namespace

Command add_plan_headcount_command(CLI::App& plan) {
  auto args = std::make_shared<SearchArgs>();
  CLI::App* command = add_search_command(plan, Search::headcount, *args);
  return {command, [args] { return plan_search(*args, Search::headcount); }};
}

Command add_plan_prospecting_command(CLI::App& plan) {
  auto args = std::make_shared<SearchArgs>();
  CLI::App* command = add_search_command(plan, Search::prospecting, *args);
  return {command, [args] { return plan_search(*args, Search::prospecting); }};
}

}  // namespace funnelsim::cli
