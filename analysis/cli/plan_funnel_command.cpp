// 'funnelsim plan funnel': the standard (balanced) funnel a quarter's quota needs, and the
// prospecting standard that keeps it full (playbook §2).
#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "commands.hpp"
#include "funnelsim/forecast/forecast.hpp"
#include "options.hpp"
#include "text.hpp"

namespace funnelsim::cli {
namespace {

struct PlanFunnelArgs {
  std::optional<double> quota;
  std::optional<double> annual;
  double vat = 1.17;
  double share = 0.70;
  double quarter_share = 0.28;
  double average_deal = 0.0;
  double weeks_per_stage = 0.0;
  std::string stages = "intent=0.20,solution=0.35,negotiation=0.70";
  double selling_weeks = 12.0;
  double prospects_per_rep = 5.0;
  bool json = false;
};

std::string percent(double share) {
  const double value = 100.0 * share;
  return std::abs(value - std::round(value)) < 1e-9 ? format("%.0f%%", value)
                                                    : format("%.1f%%", value);
}

std::string step(const std::string& label, const std::string& formula, const std::string& result) {
  return format("  %-17s %-36s = %s\n", label.c_str(), formula.c_str(), result.c_str());
}

/// "intent=0.20,solution=0.35" -> stages; the numbers are checked by the planner.
std::vector<analysis::PlanStage> parse_stages(const std::string& text) {
  std::vector<analysis::PlanStage> stages;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find(',', start), text.size());
    const std::string item = text.substr(start, end - start);
    const std::size_t equals = item.find('=');
    if (equals == std::string::npos || equals == 0 || equals + 1 == item.size()) {
      throw UsageError("--stages: expected NAME=PROBABILITY, got '" + item + "'");
    }
    const std::string name = item.substr(0, equals);
    const std::string value = item.substr(equals + 1);
    std::size_t used = 0;
    double probability = 0.0;
    try {
      probability = std::stod(value, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != value.size()) {
      throw UsageError("--stages: " + name + ": must be a number, got '" + value + "'");
    }
    for (const analysis::PlanStage& earlier : stages) {
      if (earlier.name == name) {
        throw UsageError("--stages: duplicate stage name '" + name + "'");
      }
    }
    stages.push_back({name, probability});
    start = end + 1;
  }
  return stages;
}

std::string plan_text(const PlanFunnelArgs& args, const analysis::FunnelPlanInput& input,
                      const analysis::StandardFunnel& funnel) {
  std::string text = "Standard funnel for a quarter (playbook 2; amounts in 万)\n";
  if (args.annual) {
    text += step("quarter quota",
                 format("%g annual x %g VAT x ", *args.annual, args.vat) + percent(args.share) +
                     " x " + percent(args.quarter_share),
                 format("%.1f", input.quota));
  }
  text +=
      step("wins needed", format("%.1f quota / %.2f average deal", input.quota, input.average_deal),
           format("%.1f", funnel.wins_needed));
  text += step("wins a week (K)",
               format("%.1f / %g selling weeks", funnel.wins_needed, input.selling_weeks),
               format("%.2f", funnel.wins_per_week));
  text += format("\n  %-17s %10s %14s   (K x %g %s / p)\n", "stage", "win prob.", "opportunities",
                 input.weeks_per_stage, input.weeks_per_stage == 1.0 ? "week" : "weeks");
  for (const analysis::StandardFunnelStage& stage : funnel.stages) {
    text += format("  %-17s %10s %14.1f\n", stage.name.c_str(),
                   percent(stage.win_probability).c_str(), stage.count);
  }
  text += format("  %-17s %10s %14.1f a week\n\n", "won", "100%", funnel.wins_per_week);
  text +=
      step("new opportunities",
           format("%.2f / ", funnel.wins_per_week) +
               percent(funnel.stages.front().win_probability) + " " + funnel.stages.front().name,
           format("%.1f a week", funnel.new_opportunities_per_week));
  text += step("reps needed",
               format("%.1f / %g prospects per rep", funnel.new_opportunities_per_week,
                      input.prospects_per_rep),
               format("%d (%.2f)", funnel.reps_needed, funnel.reps_exact));
  text += format(
      "\nProspecting standard: every rep finds %g new prospects a week; %d reps keep\n"
      "the funnel full and close %.1f deals a week.\n",
      input.prospects_per_rep, funnel.reps_needed, funnel.wins_per_week);
  return text;
}

std::string plan_json(const PlanFunnelArgs& args, const analysis::FunnelPlanInput& input,
                      const analysis::StandardFunnel& funnel) {
  const auto field = [](const char* key, double value) {
    return "  \"" + std::string(key) + "\": " + json_number(value) + ",\n";
  };
  std::string json = "{\n";
  if (args.annual) {
    json += "  \"from_annual\": {\"annual\": " + json_number(*args.annual) +
            ", \"vat\": " + json_number(args.vat) + ", \"share\": " + json_number(args.share) +
            ", \"quarter_share\": " + json_number(args.quarter_share) + "},\n";
  }
  json += field("quota", input.quota);
  json += field("average_deal", input.average_deal);
  json += field("weeks_per_stage", input.weeks_per_stage);
  json += field("selling_weeks", input.selling_weeks);
  json += field("wins_needed", funnel.wins_needed);
  json += field("wins_per_week", funnel.wins_per_week);
  json += field("new_opportunities_per_week", funnel.new_opportunities_per_week);
  json += "  \"stages\": [";
  for (std::size_t i = 0; i < funnel.stages.size(); ++i) {
    const analysis::StandardFunnelStage& stage = funnel.stages[i];
    json += (i == 0 ? "\n    " : ",\n    ") + std::string("{\"name\": ") + json_string(stage.name) +
            ", \"win_probability\": " + json_number(stage.win_probability) +
            ", \"count\": " + json_number(stage.count) + "}";
  }
  json += "\n  ],\n";
  json += field("prospects_per_rep", input.prospects_per_rep);
  json += field("reps_exact", funnel.reps_exact);
  json += format("  \"reps_needed\": %d\n}\n", funnel.reps_needed);
  return json;
}

int plan_funnel(const PlanFunnelArgs& args) {
  analysis::FunnelPlanInput input;
  analysis::StandardFunnel funnel;
  try {
    input.quota = args.quota ? *args.quota
                             : analysis::quarter_quota_from_annual(*args.annual, args.vat,
                                                                   args.share, args.quarter_share);
    input.average_deal = args.average_deal;
    input.weeks_per_stage = args.weeks_per_stage;
    input.stages = parse_stages(args.stages);
    input.selling_weeks = args.selling_weeks;
    input.prospects_per_rep = args.prospects_per_rep;
    funnel = analysis::plan_standard_funnel(input);
  } catch (const analysis::ForecastError& error) {
    throw UsageError(std::string("plan funnel: ") + error.what());
  }
  const std::string text =
      args.json ? plan_json(args, input, funnel) : plan_text(args, input, funnel);
  std::fputs(text.c_str(), stdout);
  return SUCCESS;
}

constexpr const char* FOOTER =
    "\nThe balanced funnel closes K = quota / average deal / selling weeks deals a week; each\n"
    "stage holds K x weeks per stage / p(stage) open opportunities, and K / p(first stage)\n"
    "new opportunities must enter every week (playbook 2). Give --quota, or --from-annual\n"
    "to derive it as annual x VAT x small-project share x the quarter's share.\n"
    "\nExamples:\n"
    "  funnelsim plan funnel --quota 240 --average-deal 2 --weeks-per-stage 1\n"
    "  funnelsim plan funnel --from-annual 1045 --average-deal 2 --weeks-per-stage 1 --json\n";

}  // namespace

Command add_plan_funnel_command(CLI::App& plan) {
  auto args = std::make_shared<PlanFunnelArgs>();
  CLI::App* command =
      plan.add_subcommand("funnel", "The standard funnel and prospecting standard a quota needs");
  command->footer(FOOTER);
  // Domains as the snapshot's (docs/forecasting.md): amounts up to 1e12 万, divisors at
  // least 1e-6, so that every quotient the plan prints stays finite and readable.
  CLI::Option* quota = command->add_option("--quota", args->quota, "The quarter's quota, 万")
                           ->check(number_in(0.0, 1e12, true, "万"));
  CLI::Option* annual =
      command
          ->add_option("--from-annual", args->annual,
                       "Derive the quota from this annual software quota, 万, instead")
          ->check(number_in(0.0, 1e12, true, "万"))
          ->excludes(quota);
  command->add_option("--vat", args->vat, "VAT factor (with --from-annual)")
      ->check(number_in(1.0, 10.0, false))
      ->needs(annual)
      ->capture_default_str();
  command->add_option("--share", args->share, "Small-project share (with --from-annual)")
      ->check(CLI::Range(0.0, 1.0))
      ->needs(annual)
      ->capture_default_str();
  command
      ->add_option("--quarter-share", args->quarter_share,
                   "The quarter's share of the year (with --from-annual)")
      ->check(CLI::Range(0.0, 1.0))
      ->needs(annual)
      ->capture_default_str();
  command->add_option("--average-deal", args->average_deal, "Average won deal, 万")
      ->required()
      ->check(number_in(1e-6, 1e12, false, "万"));
  command->add_option("--weeks-per-stage", args->weeks_per_stage, "Weeks in each stage")
      ->required()
      ->check(number_in(0.0, 52.0, true, "weeks"));
  command
      ->add_option("--stages", args->stages,
                   "Stages in funnel order, NAME=WIN_PROBABILITY, comma-separated")
      ->capture_default_str();
  command->add_option("--weeks", args->selling_weeks, "Selling weeks in the quarter")
      ->check(number_in(0.0, 52.0, true, "weeks"))
      ->capture_default_str();
  command
      ->add_option("--prospects-per-rep", args->prospects_per_rep,
                   "New prospects each rep finds a week")
      ->check(number_in(0.0, 1e6, true))
      ->capture_default_str();
  command->add_flag("--json", args->json, "Print the plan as JSON");
  return {command, [args, quota, annual] {
            if (quota->count() == 0 && annual->count() == 0) {
              throw UsageError("plan funnel: give --quota or --from-annual");
            }
            return plan_funnel(*args);
          }};
}

}  // namespace funnelsim::cli
