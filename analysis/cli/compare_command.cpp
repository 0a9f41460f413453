#include <CLI/CLI.hpp>
#include <charconv>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "commands.hpp"
#include "funnelsim/report/compare.hpp"
#include "funnelsim/report/verdict.hpp"
#include "funnelsim/results/results_file.hpp"
#include "funnelsim/stats/csv.hpp"
#include "results_errors.hpp"

namespace funnelsim::cli {

namespace {

struct CompareArgs {
  std::string results;
  std::string baseline = "baseline";
  std::string metric = "bookings";
  std::string quarter;  ///< "K" (1-based), "year" or "total"; empty: the whole run
  std::string rank_by = "bookings";
  std::string cheapest;  ///< a probability such as "0.8"; empty: not asked
  bool json = false;
  bool csv = false;
  bool bom = false;
};

constexpr const char* FOOTER =
    "\nEvery variant of a file ran on the same random numbers, so replication r of each is\n"
    "paired with replication r of the baseline. Per variant: mean, P10, P50, P90 of the metric\n"
    "over the period and P(quota met) (bookings >= the variant's quota) with its 95% Wilson\n"
    "interval. Against the baseline: the mean paired difference and the difference in\n"
    "P(quota met), each with a 95% interval of mean ± 1.96 standard errors of the paired\n"
    "differences (normal approximation), and the variance-reduction factor\n"
    "VRF = (Var X + Var Y) / Var(X - Y): pairing narrows the interval √VRF times against\n"
    "independent runs (∞, or null, when the difference is constant). With costs in the file\n"
    "(scenario keys cost_per_rep_per_quarter, commission_rate): the mean cost of the period,\n"
    "the extra cost and the return (extra bookings ÷ extra cost). The baseline comes first,\n"
    "the others by mean difference, largest first.\n"
    "\n"
    "The verdict ranks the variants, the baseline among them, by --rank-by: bookings (mean\n"
    "bookings in 万, whatever --metric tabulates), quota (P(quota met)) or return (extra\n"
    "bookings per 万 of extra cost against the baseline; only variants costing more are\n"
    "ranked, and a file without costs exits 2). A variant is called best only when its\n"
    "paired difference from every other candidate has a 95% interval above zero; otherwise\n"
    "the verdict names every variant within noise of the best estimate as tied. Return's\n"
    "interval is the delta method's for a ratio of means (Cochran 1977, §6.3).\n"
    "\n"
    "--json prints one object keyed by variant name, in that order; each entry holds the\n"
    "question (metric, units, period, baseline, replications) and the numbers: quota, mean,\n"
    "p10, p50, p90, quota_met, quota_met_low, quota_met_high, diff_mean, diff_low, diff_high,\n"
    "diff_quota_met, diff_quota_met_low, diff_quota_met_high, variance_reduction, cost,\n"
    "extra_cost, extra_bookings, return_per_cost. Probabilities and attainment are fractions,\n"
    "amounts 万; NaN and infinity are null. Last comes the key \"verdict\": criterion,\n"
    "leaders (the variants tied for first, best estimate first), runner_up, diff_mean,\n"
    "diff_low, diff_high (best minus runner-up with its 95% interval), not_ranked and\n"
    "statement. --csv prints the per-variant fields, a header line and one row per variant\n"
    "(empty: undefined, inf: infinite), without the verdict; --bom starts it with the UTF-8\n"
    "byte-order mark (EF BB BF), so that a spreadsheet reads 万 as UTF-8.\n"
    "\n"
    "A sweep (scenario key sweep:) keeps its grid's order, baseline first: the tables show a\n"
    "column per swept key, headed by the key's last path component (or as many components as\n"
    "tell the keys apart), holding each variant's value, and add the grid: P(quota met) and\n"
    "mean bookings per value for one key, as two-way tables (first key rows, second key\n"
    "columns) for two. The JSON adds \"grid\": keys, labels and the values of each swept\n"
    "variant. --cheapest P names the variant with the lowest mean cost whose P(quota met) is\n"
    "at least P, says whether its 95% interval lies above P or straddles it (it meets P on the\n"
    "estimate only), and names cheaper variants whose interval still reaches P; when none\n"
    "reaches P it says so and names the highest (exit 0). A file without costs exits 2. The\n"
    "JSON adds \"cheapest\": threshold, variant (null: none), probability, interval, cost,\n"
    "meets_with_confidence, statement.\n"
    "\n"
    "Examples:\n"
    "  funnelsim compare results.h5\n"
    "  funnelsim compare results.h5 --metric attainment --quarter 2\n"
    "  funnelsim compare results.h5 --baseline plus-two-reps --json\n"
    "  funnelsim compare results.h5 --rank-by return\n"
    "  funnelsim compare results.h5 --csv --bom > compare.csv\n"
    "  funnelsim compare sweep.h5 --cheapest 0.8\n";

analysis::CompareMetric parse_metric(const std::string& name) {
  if (name == "wins") {
    return analysis::CompareMetric::wins;
  }
  return name == "attainment" ? analysis::CompareMetric::attainment
                              : analysis::CompareMetric::bookings;
}

// "year" and "total" name the whole run; otherwise a 1-based quarter number.
std::optional<int> parse_quarter(const std::string& text) {
  if (text.empty() || text == "year" || text == "total") {
    return std::nullopt;
  }
  int quarter = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), quarter);
  if (error != std::errc() || end != text.data() + text.size()) {
    throw UsageError("--quarter: expected a quarter number (1, 2, ...) or 'year', got '" + text +
                     "'");
  }
  return quarter - 1;
}

// A probability such as "0.8"; the range is compare's to check (find_cheapest).
double parse_probability(const std::string& text) {
  double value = 0.0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    throw UsageError("--cheapest: expected a probability such as 0.8, got '" + text + "'");
  }
  return value;
}

int compare(const CompareArgs& args) {
  const double threshold = args.cheapest.empty() ? 0.0 : parse_probability(args.cheapest);
  analysis::CompareQuestion question;
  question.baseline = args.baseline;
  question.metric = parse_metric(args.metric);
  question.quarter = parse_quarter(args.quarter);
  const std::string text = naming_results_file(args.results, [&] {
    const analysis::ResultsReader reader(args.results);
    const analysis::Comparison comparison = analysis::compare_variants(reader, question);
    if (args.csv) {
      return (args.bom ? std::string(analysis::UTF8_BOM) : std::string()) +
             analysis::comparison_csv(comparison);
    }
    const analysis::Verdict verdict =
        analysis::decide(comparison, analysis::parse_criterion(args.rank_by));
    analysis::Cheapest cheapest;
    if (!args.cheapest.empty())
      cheapest = analysis::find_cheapest(comparison, threshold);
    const analysis::Cheapest* chosen = args.cheapest.empty() ? nullptr : &cheapest;
    return args.json ? analysis::comparison_json(comparison, verdict, chosen)
                     : analysis::format_comparison(comparison, reader.metadata(), verdict, chosen);
  });
  std::fputs(text.c_str(), stdout);
  return SUCCESS;
}

}  // namespace

Command add_compare_command(CLI::App& app) {
  auto args = std::make_shared<CompareArgs>();
  CLI::App* command = app.add_subcommand(
      "compare", "Variants against the baseline, paired on common random numbers");
  command->footer(FOOTER);
  command->add_option("results", args->results, "Results file written by funnelsim run")
      ->required();
  command->add_option("--baseline", args->baseline, "Variant the others are measured against")
      ->capture_default_str();
  command->add_option("--metric", args->metric, "Outcome to compare per replication")
      ->check(CLI::IsMember({"bookings", "wins", "attainment"}))
      ->capture_default_str();
  command
      ->add_option("--rank-by", args->rank_by,
                   "Criterion of the verdict: bookings, quota (P(quota met)) or return "
                   "(per 万 of extra cost)")
      ->check(CLI::IsMember({"bookings", "quota", "return"}))
      ->capture_default_str();
  command->add_option("--quarter", args->quarter,
                      "Quarter K (1-based) or 'year' (default: the whole run)");
  CLI::Option* cheapest = command->add_option(
      "--cheapest", args->cheapest,
      "Name the cheapest variant with P(quota met) >= P (a probability, such as 0.8)");
  CLI::Option* json = command->add_flag("--json", args->json, "Print JSON instead of tables");
  CLI::Option* csv = command->add_flag("--csv", args->csv, "Print CSV instead of tables")
                         ->excludes(json)
                         ->excludes(cheapest);
  command->add_flag("--bom", args->bom, "Start the CSV with a UTF-8 byte-order mark")->needs(csv);
  return {command, [args] { return compare(*args); }};
}

}  // namespace funnelsim::cli
