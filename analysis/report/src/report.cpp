#include "funnelsim/report/report.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "funnelsim/report/compare.hpp"
#include "funnelsim/report/forecast_accuracy.hpp"
#include "funnelsim/report/summary.hpp"
#include "funnelsim/report/verdict.hpp"
#include "funnelsim/scenarios/load.hpp"
#include "funnelsim/stats/html.hpp"
#include "funnelsim/stats/json.hpp"
#include "funnelsim/stats/statistics.hpp"
#include "funnelsim/stats/text_format.hpp"
#include "report_fonts.hpp"
#include "report_vega.hpp"

namespace funnelsim::analysis {

namespace {

// Chart data are shown, not read back: six significant digits keep the page small.
std::string chart_number(double value) {
  return json_number(significant(value, 6));
}

std::string html(std::string_view text) {
  return html_text(text);
}

std::string percent(double fraction) {
  return format_text("%.0f%%", 100.0 * fraction);
}
std::string wan(double amount) {
  return format_text("%.0f 万", amount);
}

/// One row of a data table for Vega-Lite: {"key": value, ...}.
class JsonRow {
 public:
  JsonRow& text(const char* key, std::string_view value) { return add(key, json_string(value)); }
  JsonRow& number(const char* key, double value) { return add(key, chart_number(value)); }
  std::string str() const { return body_ + "}"; }

 private:
  JsonRow& add(const char* key, const std::string& value) {
    body_ += (body_.size() > 1 ? "," : "") + json_string(key) + ":" + value;
    return *this;
  }
  std::string body_ = "{";
};

std::string values(const std::vector<JsonRow>& rows) {
  std::string out = "[";
  for (std::size_t i = 0; i < rows.size(); ++i)
    out += (i ? "," : "") + rows[i].str();
  return out + "]";
}

struct Chart {
  std::string id;       ///< of its container
  std::string reading;  ///< one plain-language sentence
  std::string spec;     ///< Vega-Lite JSON
};

struct Section {
  std::string heading;
  std::string intro;  ///< HTML
  std::vector<Chart> charts;
  std::string body;  ///< HTML after the charts (tables, notes on missing data)
};

// The family of the embedded CJK subset (fonts::funnelsim_cjk_subset_woff2), first wherever
// text is drawn: the browser takes only the characters of its unicode-range from it.
constexpr const char* CJK_FAMILY = "FunnelsimCJK";
// Every chart's text (titles, axes, legends) in the page's fonts, the CJK subset first.
constexpr const char* CHART_FONT = "FunnelsimCJK, system-ui, sans-serif";

std::string spec(const std::string& title, int height, const std::string& rest) {
  return "{\"$schema\":\"https://vega.github.io/schema/vega-lite/v5.json\",\"width\":\"container\","
         "\"height\":" +
         std::to_string(height) + ",\"title\":" + json_string(title) +
         ",\"config\":{\"font\":" + json_string(CHART_FONT) + "}," + rest + "}";
}

std::string note(const std::string& text) {
  return "<p class=\"missing\">" + text + "</p>";
}

std::string baseline_of(const ResultsReader& reader) {
  const std::vector<std::string> names = reader.variants();
  if (names.empty())
    throw ResultsError(ErrorLocation{}, "the results file holds no variants");
  return std::find(names.begin(), names.end(), "baseline") != names.end() ? "baseline"
                                                                          : names.front();
}

Section outcome_section(const ResultsReader& reader, const Comparison& comparison) {
  Section section{"Bookings and quota", "", {}, ""};
  const std::string period = comparison.period;
  std::vector<JsonRow> boxes;
  std::vector<JsonRow> odds;
  std::string baseline_reading;
  for (const VariantComparison& variant : comparison.variants) {
    const PeriodSummary run = summarize(reader, variant.variant).whole_run;
    boxes.push_back(JsonRow()
                        .text("variant", variant.variant)
                        .number("p5", run.p5)
                        .number("p25", run.p25)
                        .number("p50", run.p50)
                        .number("p75", run.p75)
                        .number("p95", run.p95)
                        .number("quota", run.quota));
    odds.push_back(JsonRow()
                       .text("variant", variant.variant)
                       .number("p", 100.0 * variant.quota_met)
                       .number("lower", 100.0 * variant.quota_met_interval.lower)
                       .number("upper", 100.0 * variant.quota_met_interval.upper));
    if (variant.is_baseline)
      baseline_reading = variant.variant + ": median " + wan(run.p50) + " against a quota of " +
                         wan(run.quota) + "; half of the replications lie between " + wan(run.p25) +
                         " and " + wan(run.p75) + ".";
  }
  const std::string y =
      "{\"field\":\"variant\",\"type\":\"nominal\",\"sort\":null,\"title\":"
      "\"Variant\"}";
  const std::string x_title = json_string("Bookings over the " + period + " (万)");
  section.intro =
      "<p>Bookings over the measured " + html(period) +
      " per replication: boxes span the 25th to 75th percentile, whiskers the 5th to 95th, the "
      "black tick is the median and the red diamond the quota.</p>";
  section.charts.push_back(
      {"chart-bookings", baseline_reading,
       spec("Bookings per variant (" + period + ")", 40 + 36 * static_cast<int>(boxes.size()),
            "\"data\":{\"values\":" + values(boxes) + "},\"encoding\":{\"y\":" + y +
                "},\"layer\":["
                "{\"mark\":\"rule\",\"encoding\":{\"x\":{\"field\":\"p5\",\"type\":"
                "\"quantitative\",\"title\":" +
                x_title +
                ",\"scale\":{\"zero\":false}},\"x2\":{\"field\":\"p95\"}}},"
                "{\"mark\":{\"type\":\"bar\",\"size\":16,\"color\":\"#9ecae1\"},\"encoding\":{"
                "\"x\":{\"field\":\"p25\",\"type\":\"quantitative\"},\"x2\":{\"field\":\"p75\"}}},"
                "{\"mark\":{\"type\":\"tick\",\"color\":\"black\",\"thickness\":2},\"encoding\":{"
                "\"x\":{\"field\":\"p50\",\"type\":\"quantitative\"}}},"
                "{\"mark\":{\"type\":\"point\",\"shape\":\"diamond\",\"filled\":true,\"color\":"
                "\"#d62728\",\"size\":90},\"encoding\":{\"x\":{\"field\":\"quota\",\"type\":"
                "\"quantitative\"}}}]")});

  // The baseline's odds, then the one verdict by P(quota met) that compare --rank-by quota
  // states too: a single best only when its lead is outside the noise.
  const VariantComparison& base = comparison.variants.front();
  std::string odds_reading = base.variant + ": P(quota met) over the " + period + " is " +
                             percent(base.quota_met) + " (95% interval " +
                             percent(base.quota_met_interval.lower) + " to " +
                             percent(base.quota_met_interval.upper) + ").";
  if (comparison.variants.size() > 1)
    odds_reading += " " + decide(comparison, Criterion::quota).statement;
  section.charts.push_back(
      {"chart-quota-met", odds_reading,
       spec("P(quota met) per variant, with 95% Wilson intervals",
            40 + 36 * static_cast<int>(odds.size()),
            "\"data\":{\"values\":" + values(odds) + "},\"encoding\":{\"y\":" + y +
                "},\"layer\":["
                "{\"mark\":{\"type\":\"bar\",\"color\":\"#9ecae1\"},\"encoding\":{\"x\":{"
                "\"field\":\"p\",\"type\":\"quantitative\",\"title\":\"P(quota met) over the " +
                period +
                " (%)\",\"scale\":{\"domain\":[0,100]}}}},"
                "{\"mark\":\"rule\",\"encoding\":{\"x\":{\"field\":\"lower\",\"type\":"
                "\"quantitative\"},\"x2\":{\"field\":\"upper\"}}}]")});
  return section;
}

Section difference_section(const Comparison& comparison) {
  Section section{"Differences from the baseline", "", {}, ""};
  if (comparison.variants.size() < 2) {
    section.body = note("The file holds one variant (" + html(comparison.baseline) +
                        "): there is nothing to compare. A scenario with <code>variants:</code> "
                        "(such as scenarios/prospecting-vs-winrate.yaml) fills this section.");
    return section;
  }
  section.intro = "<p>Each variant minus " + html(comparison.baseline) +
                  ", paired replication by replication on common random numbers, with 95% "
                  "intervals (mean ± 1.96 standard errors of the paired differences).</p>";
  std::vector<JsonRow> rows;
  std::string table =
      "<div class=\"table\"><table><thead><tr><th>variant</th><th>bookings − baseline "
      "(万)</th><th>95% interval (万)</th><th>P(quota met) − baseline</th><th>variance "
      "reduction</th></tr></thead><tbody>";
  for (const VariantComparison& variant : comparison.variants) {
    if (variant.is_baseline)
      continue;
    rows.push_back(JsonRow()
                       .text("variant", variant.variant)
                       .number("mean", variant.difference.mean)
                       .number("lower", variant.difference.interval.lower)
                       .number("upper", variant.difference.interval.upper));
    table += "<tr><td>" + html(variant.variant) + "</td><td>" +
             format_text("%+.0f", variant.difference.mean) + "</td><td>" +
             format_text("%+.0f to %+.0f", variant.difference.interval.lower,
                         variant.difference.interval.upper) +
             "</td><td>" +
             format_text("%+.0f pp (%+.0f to %+.0f)", 100.0 * variant.quota_met_difference.mean,
                         100.0 * variant.quota_met_difference.interval.lower,
                         100.0 * variant.quota_met_difference.interval.upper) +
             "</td><td>" + format_text("%.1f×", variant.variance_reduction) + "</td></tr>";
  }
  table += "</tbody></table></div>";
  // The same verdict as compare's default (--rank-by bookings).
  const std::string reading = decide(comparison, Criterion::bookings).statement;
  section.charts.push_back(
      {"chart-differences", reading,
       spec("Bookings difference from " + comparison.baseline + " (" + comparison.period + ")",
            40 + 36 * static_cast<int>(rows.size()),
            "\"data\":{\"values\":" + values(rows) +
                "},\"encoding\":{\"y\":{\"field\":\"variant\",\"type\":\"nominal\",\"sort\":null,"
                "\"title\":\"Variant\"}},\"layer\":["
                "{\"mark\":{\"type\":\"rule\",\"strokeWidth\":2},\"encoding\":{\"x\":{\"field\":"
                "\"lower\",\"type\":\"quantitative\",\"title\":\"Mean paired difference in "
                "bookings (万)\"},\"x2\":{\"field\":\"upper\"}}},"
                "{\"mark\":{\"type\":\"point\",\"filled\":true,\"size\":80},\"encoding\":{\"x\":"
                "{\"field\":\"mean\",\"type\":\"quantitative\"}}},"
                "{\"mark\":{\"type\":\"rule\",\"strokeDash\":[4,4],\"color\":\"gray\"},"
                "\"encoding\":{\"x\":{\"datum\":0}}}]")});
  section.body = table;
  return section;
}

/// A sweep's P(quota met) with its Wilson interval against the first swept key's value (one
/// line per value of the other keys), and the cheapest variant that reaches 80%, stated as
/// compare --cheapest 0.8 states it. Only for a file that holds a sweep (a non-empty grid).
Section sweep_section(const Comparison& comparison) {
  Section section{"The sweep", "", {}, ""};
  const SweepGrid& grid = comparison.grid;
  // A numeric axis when every value of the first key is a number, else the values in order.
  bool numeric = true;
  for (const VariantComparison& row : comparison.variants) {
    if (!row.sweep_values.empty()) {
      const std::string& text = row.sweep_values.front();
      char* end = nullptr;
      std::strtod(text.c_str(), &end);
      numeric = numeric && !text.empty() && end == text.c_str() + text.size();
    }
  }
  std::vector<JsonRow> points;
  for (const VariantComparison& row : comparison.variants) {
    if (row.sweep_values.empty())
      continue;
    std::string series;
    for (std::size_t k = 1; k < row.sweep_values.size(); ++k)
      series += (k == 1 ? "" : ", ") + grid.labels[k] + "=" + row.sweep_values[k];
    JsonRow point;
    if (numeric)
      point.number("x", std::strtod(row.sweep_values.front().c_str(), nullptr));
    else
      point.text("x", row.sweep_values.front());
    points.push_back(std::move(point.text("series", series.empty() ? grid.labels[0] : series)
                                   .number("p", 100.0 * row.quota_met)
                                   .number("lower", 100.0 * row.quota_met_interval.lower)
                                   .number("upper", 100.0 * row.quota_met_interval.upper)));
  }
  const std::string x = "{\"field\":\"x\",\"type\":\"" +
                        std::string(numeric ? "quantitative" : "ordinal") +
                        "\",\"sort\":null,\"title\":" + json_string(grid.keys.front()) +
                        (numeric ? ",\"scale\":{\"zero\":false}" : "") + "}";
  const std::string color = grid.keys.size() > 1
                                ? ",\"color\":{\"field\":\"series\",\"type\":\"nominal\","
                                  "\"sort\":null,\"title\":null}"
                                : "";
  const VariantComparison& base = comparison.variants.front();
  const std::string baseline_rule =
      base.sweep_values.empty()
          ? ",{\"mark\":{\"type\":\"rule\",\"strokeDash\":[4,4],\"color\":\"gray\"},"
            "\"encoding\":{\"y\":{\"datum\":" +
                chart_number(100.0 * base.quota_met) + "}}}"
          : "";
  std::string reading;
  if (comparison.cost_stored && comparison.has_cost) {
    reading = find_cheapest(comparison, 0.8).statement;
  } else {
    reading =
        "The file holds no costs (the scenario sets no cost_per_rep_per_quarter or "
        "commission_rate), so no variant can be called the cheapest to reach 80%.";
  }
  section.intro =
      "<p>P(quota met) over the " + html(comparison.period) + " for each value of " +
      html(grid.keys.front()) +
      (grid.keys.size() > 1 ? ", one line per value of the other swept keys" : "") +
      ", with 95% Wilson intervals" +
      (base.sweep_values.empty() ? "; the dashed line is " + html(base.variant) + "'s" : "") +
      ".</p>";
  section.charts.push_back(
      {"chart-sweep", reading,
       spec("P(quota met) across the sweep (" + comparison.period + ")", 260,
            "\"data\":{\"values\":" + values(points) +
                "},\"layer\":["
                "{\"mark\":{\"type\":\"line\",\"point\":true},\"encoding\":{\"x\":" +
                x + color +
                ",\"y\":{\"field\":\"p\",\"type\":\"quantitative\",\"title\":"
                "\"P(quota met) (%)\",\"scale\":{\"domain\":[0,100]}}}},"
                "{\"mark\":{\"type\":\"rule\",\"strokeWidth\":2},\"encoding\":{\"x\":" +
                x + color +
                ",\"y\":{\"field\":\"lower\",\"type\":\"quantitative\"},\"y2\":{"
                "\"field\":\"upper\"}}}" +
                baseline_rule + "]")});
  return section;
}

/// The scenario the file was run with, for the provenance section's tables of teams and
/// segments only: every figure the report draws comes from the datasets and their attributes.
/// A file written by another version of the schema may not load; `error` then says why.
struct StoredScenario {
  std::optional<sim::Model> model;
  std::string error;
};

StoredScenario stored_scenario(const FileMetadata& metadata) {
  try {
    return {
        scenarios::load_scenario_text(metadata.scenario_yaml, "scenario stored in the file").model,
        {}};
  } catch (const std::exception& error) {
    return {std::nullopt, error.what()};
  }
}

Section funnel_section(const ResultsReader& reader, const std::string& variant) {
  Section section{"The funnel over time", "", {}, ""};
  section.intro =
      "<p>Open opportunities per stage at the end of each measured week (" + html(variant) +
      "): the line is the median over replications, the band the 10th to 90th percentile, and "
      "the dashed line the standard funnel's level, the mean over replications and weeks "
      "(by Little's law, the arrival rate into the stage times the time spent in it).</p>";
  for (const std::string& segment : reader.segments(variant)) {
    const Array counts = reader.read_array(variant, "segments/" + segment + "/funnel_count");
    if (counts.shape.size() != 3 || counts.shape[0] == 0)
      continue;
    const std::size_t replications = counts.shape[0], weeks = counts.shape[1],
                      stages = counts.shape[2];
    std::vector<std::string> names = reader.stage_names(variant, segment);
    if (names.size() != stages)
      names.clear();
    for (std::size_t s = names.size(); s < stages; ++s)
      names.push_back("stage " + std::to_string(s + 1));

    std::vector<JsonRow> bands;
    std::vector<JsonRow> levels;
    double worst_gap = 0.0;
    std::string worst_stage;
    std::vector<double> column(replications);
    for (std::size_t s = 0; s < stages; ++s) {
      double total = 0.0, median_total = 0.0;
      for (std::size_t w = 0; w < weeks; ++w) {
        for (std::size_t r = 0; r < replications; ++r)
          column[r] = counts.values[(r * weeks + w) * stages + s];
        for (double v : column)
          total += v;
        std::sort(column.begin(), column.end());
        const double median = quantile_sorted(column, 0.5);
        median_total += median;
        bands.push_back(JsonRow()
                            .text("stage", names[s])
                            .number("week", static_cast<double>(w + 1))
                            .number("p10", quantile_sorted(column, 0.1))
                            .number("p50", median)
                            .number("p90", quantile_sorted(column, 0.9)));
      }
      const double level = total / static_cast<double>(replications * weeks);
      levels.push_back(JsonRow().text("stage", names[s]).number("level", level));
      const double gap =
          level > 0.0 ? std::abs(median_total / static_cast<double>(weeks) - level) / level : 0.0;
      if (worst_stage.empty() || gap > worst_gap) {
        worst_gap = gap;
        worst_stage = names[s];
      }
    }
    const std::string color =
        "\"color\":{\"field\":\"stage\",\"type\":\"nominal\",\"sort\":null,\"title\":\"Stage\"}";
    const std::string reading =
        format_text(
            "The median %s funnel stays within %.0f%% of the standard level on average in "
            "every stage (largest gap: ",
            segment.c_str(), 100.0 * worst_gap) +
        worst_stage + ").";
    section.charts.push_back(
        {"chart-funnel-" + std::to_string(section.charts.size()), reading,
         spec("Open opportunities by week: segment " + segment, 260,
              "\"layer\":["
              "{\"data\":{\"values\":" +
                  values(bands) +
                  "},\"layer\":["
                  "{\"mark\":{\"type\":\"area\",\"opacity\":0.2},\"encoding\":{\"x\":{\"field\":"
                  "\"week\",\"type\":\"quantitative\",\"title\":\"Measured week\"},\"y\":{"
                  "\"field\":\"p10\",\"type\":\"quantitative\",\"title\":\"Open opportunities "
                  "(count)\"},\"y2\":{\"field\":\"p90\"}," +
                  color +
                  "}},"
                  "{\"mark\":\"line\",\"encoding\":{\"x\":{\"field\":\"week\",\"type\":"
                  "\"quantitative\"},\"y\":{\"field\":\"p50\",\"type\":\"quantitative\"}," +
                  color +
                  "}}]},"
                  "{\"data\":{\"values\":" +
                  values(levels) +
                  "},\"mark\":{\"type\":\"rule\",\"strokeDash\":[6,4]},\"encoding\":{\"y\":{"
                  "\"field\":\"level\",\"type\":\"quantitative\"}," +
                  color + "}}]")});
  }
  if (section.charts.empty())
    section.body = note("The file records no funnel counts.");
  return section;
}

Section forecast_section(const ResultsReader& reader, const std::string& variant) {
  Section section{"Forecast error by week of the quarter", "", {}, ""};
  AccuracyReport report;
  try {
    report = score_forecasts(reader, variant);
  } catch (const ResultsError&) {
    section.body = note(
        "The file holds no forecasts (written by a funnelsim that did not "
        "record them), so there is nothing to score.");
    return section;
  }
  std::vector<JsonRow> rows;
  std::vector<std::string> off;
  int weeks = 0;
  for (const char* name : {"funnel", "commit", "run_rate", "simulation"}) {
    bool scored = false;
    for (const ModelAccuracy& model : report.models)
      scored = scored || model.model == name;
    if (!scored)
      off.push_back(name);
  }
  for (const ModelAccuracy& model : report.models) {
    for (const WeekAccuracy& week : model.weeks) {
      if (!std::isfinite(week.mape.value))
        continue;
      weeks = std::max(weeks, week.week + 1);
      // Weeks counted from 1 for people; the error bar is the MAPE's 95% interval.
      rows.push_back(JsonRow()
                         .text("model", model.model)
                         .number("week", week.week + 1)
                         .number("mape", 100.0 * week.mape.value)
                         .number("mape_low", 100.0 * std::max(0.0, week.mape.low))
                         .number("mape_high", 100.0 * week.mape.high)
                         .number("bias", 100.0 * week.bias.value));
    }
  }
  if (rows.empty()) {
    section.body = note("Every forecast model was off in this run: nothing to score.");
    return section;
  }
  // The reading picks the middle of the quarter, where the models differ most usefully, and
  // names a winner only where the paired interval says so.
  const int middle = (weeks + 1) / 2;
  const ModelAccuracy* best = nullptr;
  double best_mape = INFINITY;
  for (const ModelAccuracy& model : report.models)
    for (const WeekAccuracy& week : model.weeks)
      if (week.week + 1 == middle && std::isfinite(week.mape.value) &&
          week.mape.value < best_mape) {
        best_mape = week.mape.value;
        best = &model;
      }
  std::vector<std::string> tied;  // models not told apart from the best at the middle week
  if (best) {
    for (const ModelAccuracy& model : report.models) {
      if (&model == best)
        continue;
      const bool best_is_reference = best->model == report.reference;
      const ModelAccuracy& paired = best_is_reference ? model : *best;
      if (!best_is_reference && model.model != report.reference)
        continue;  // only pairs with the reference are tested
      for (const PairedWeek& week : paired.versus)
        if (week.week + 1 == middle && week.verdict == "tied")
          tied.push_back(model.model);
    }
  }
  section.intro = format_text(
      "<p>Mean absolute percentage error (Σ |error| ÷ Σ bookings) of each model's forecast of "
      "the quarter's bookings, made at the end of each week of the quarter, over %zu quarters "
      "of %s; the bars are 95%% intervals.</p>",
      report.samples, html(variant).c_str());
  std::string reading;
  if (!best) {
    reading = "No model forecast mid-quarter.";
  } else if (tied.empty()) {
    reading = format_text("At week %d of %d the most accurate model is ", middle, weeks) +
              best->model + format_text(", off by %.0f%% on average.", 100.0 * best_mape);
  } else {
    std::string names;
    for (const std::string& name : tied)
      names += ", " + name;
    reading = format_text("At week %d of %d ", middle, weeks) + best->model +
              format_text(" is off by %.0f%% on average, tied with ", 100.0 * best_mape) +
              names.substr(2) + " (the paired difference's 95% interval includes 0).";
  }
  section.charts.push_back(
      {"chart-forecast", reading,
       spec("Forecast error by week of the quarter", 260,
            "\"data\":{\"values\":" + values(rows) +
                "},\"encoding\":{\"x\":{\"field\":\"week\",\"type\":\"quantitative\",\"title\":"
                "\"Week of the quarter\",\"axis\":{\"tickMinStep\":1,\"format\":\"d\"}},"
                "\"color\":{\"field\":\"model\",\"type\":\"nominal\",\"title\":\"Model\"}},"
                "\"layer\":[{\"mark\":{\"type\":\"line\",\"point\":true},\"encoding\":{"
                "\"y\":{\"field\":\"mape\",\"type\":\"quantitative\",\"title\":"
                "\"Mean absolute error (% of bookings)\"},\"tooltip\":[{\"field\":\"model\"},"
                "{\"field\":\"week\"},{\"field\":\"mape\",\"title\":\"MAPE (%)\","
                "\"format\":\".1f\"},{\"field\":\"mape_low\",\"title\":\"95% from\","
                "\"format\":\".1f\"},{\"field\":\"mape_high\",\"title\":\"95% to\","
                "\"format\":\".1f\"},{\"field\":\"bias\",\"title\":\"bias (%)\","
                "\"format\":\".1f\"}]}},{\"mark\":\"errorbar\",\"encoding\":{\"y\":{"
                "\"field\":\"mape_low\",\"type\":\"quantitative\",\"title\":\"Mean absolute error "
                "(% of bookings)\"},\"y2\":{\"field\":"
                "\"mape_high\"}}}]")});
  if (!off.empty()) {
    std::string names;
    for (const std::string& name : off)
      names += (names.empty() ? "" : ", ") + name;
    section.body = note(
        "Models off in this run (no forecasts, e.g. --forecast-samples 0): " + html(names) + ".");
  }
  return section;
}

std::string quarter_label(std::size_t quarter) {
  return "Q" + std::to_string(quarter + 1);
}

/// "<div class="table"><table><thead><tr><th>a</th>...</tr></thead><tbody>"; close with
/// TABLE_END.
std::string table_start(const std::vector<std::string>& headings) {
  std::string out = "<div class=\"table\"><table><thead><tr>";
  for (const std::string& heading : headings)
    out += "<th>" + html(heading) + "</th>";
  return out + "</tr></thead><tbody>";
}
constexpr const char* TABLE_END = "</tbody></table></div>";

std::string table_row(const std::vector<std::string>& cells) {
  std::string out = "<tr>";
  for (const std::string& cell : cells)
    out += "<td>" + html(cell) + "</td>";
  return out + "</tr>";
}

std::string amount(double value) {
  return format_text("%.0f", value);
}

Section cost_section(const Comparison& comparison) {
  Section section{"Cost and return", "", {}, ""};
  const std::string& period = comparison.period;
  if (!comparison.has_cost) {
    section.body = note(
        "The file holds no costs: no team of the scenario sets <code>cost_per_rep_per_quarter"
        "</code> or <code>commission_rate</code> (or the file predates the <code>cost</code> "
        "dataset), so there is nothing to weigh the bookings against.");
    return section;
  }
  const VariantComparison& base = comparison.variants.front();
  section.intro =
      "<p>Mean cost over the measured " + html(period) +
      " per variant (each team's headcount × cost per rep per quarter, plus commission on its "
      "bookings) and mean bookings; against " +
      html(base.variant) +
      ", the extra cost, the extra bookings and the return: extra bookings per 万 of extra "
      "cost, for variants that cost more.</p>";
  std::string table =
      table_start({"variant", "bookings (万)", "cost (万)", "bookings per 万 of cost",
                   "extra cost (万)", "extra bookings (万)", "return (万 per extra 万)"});
  std::vector<JsonRow> rows;
  for (const VariantComparison& variant : comparison.variants) {
    rows.push_back(JsonRow()
                       .text("variant", variant.variant)
                       .number("cost", variant.cost)
                       .number("bookings", variant.mean));
    const bool more = !variant.is_baseline && variant.extra_cost > 0.0;
    table += table_row({variant.variant, amount(variant.mean), amount(variant.cost),
                        variant.cost > 0.0 ? format_text("%.2f", variant.mean / variant.cost) : "—",
                        variant.is_baseline ? "—" : format_text("%+.0f", variant.extra_cost),
                        variant.is_baseline ? "—" : format_text("%+.0f", variant.extra_bookings),
                        more ? format_text("%.2f", variant.return_per_cost) : "—"});
  }
  section.body = table + TABLE_END;
  std::string reading;
  if (comparison.variants.size() > 1) {
    try {
      reading = decide(comparison, Criterion::return_per_cost).statement;
    } catch (const CompareError&) {
      reading = "No variant costs more than " + base.variant +
                ", so none is ranked by its return on extra cost.";
    }
  } else {
    reading = base.variant + " costs " + wan(base.cost) + " over the " + period + " and books " +
              wan(base.mean) + ": " + format_text("%.2f", base.mean / base.cost) +
              " 万 of bookings per 万 of cost.";
  }
  section.charts.push_back(
      {"chart-cost", reading,
       spec("Mean cost and mean bookings per variant (" + period + ")", 260,
            "\"data\":{\"values\":" + values(rows) +
                "},\"encoding\":{\"x\":{\"field\":\"cost\",\"type\":\"quantitative\",\"title\":"
                "\"Mean cost over the " +
                period +
                " (万)\",\"scale\":{\"zero\":false,\"padding\":30}},\"y\":{\"field\":"
                "\"bookings\",\"type\":\"quantitative\",\"title\":\"Mean bookings (万)\","
                "\"scale\":{\"zero\":false,\"padding\":20}}},\"layer\":["
                "{\"mark\":{\"type\":\"point\",\"filled\":true,\"size\":80},\"encoding\":{"
                "\"color\":{\"field\":\"variant\",\"type\":\"nominal\",\"sort\":null,\"legend\":"
                "null}}},"
                "{\"mark\":{\"type\":\"text\",\"align\":\"left\",\"dx\":8,\"dy\":-6},"
                "\"encoding\":{\"text\":{\"field\":\"variant\"}}}]")});
  return section;
}

Section quarter_section(const Summary& summary, const std::string& period) {
  Section section{"Quarter by quarter", "", {}, ""};
  const std::size_t quarters = summary.quarters.size();
  const double year_quota = summary.whole_run.quota;
  double year_mean = 0.0;
  for (const PeriodSummary& quarter : summary.quarters)
    year_mean += quarter.mean;
  section.intro = "<p>Each measured quarter of " + html(summary.variant) +
                  " on its own: mean bookings against the quarter's quota, and P(quota met) in "
                  "the quarter with its 95% Wilson interval. The shares are the quarter's part "
                  "of the " +
                  html(period) + "'s quota and of the " + html(period) + "'s mean bookings.</p>";
  std::string table = table_start({"quarter", "quota (万)", "share of quota", "mean bookings (万)",
                                   "share of bookings", "P(quota met)", "95% interval"});
  std::vector<JsonRow> rows;
  std::string flags;
  for (std::size_t q = 0; q < quarters; ++q) {
    const PeriodSummary& quarter = summary.quarters[q];
    const double quota_share = year_quota > 0.0 ? quarter.quota / year_quota : NAN;
    const double bookings_share = year_mean > 0.0 ? quarter.mean / year_mean : NAN;
    table += table_row({quarter.label, amount(quarter.quota),
                        std::isnan(quota_share) ? "—" : percent(quota_share), amount(quarter.mean),
                        std::isnan(bookings_share) ? "—" : percent(bookings_share),
                        percent(quarter.quota_met),
                        percent(quarter.quota_met_interval.lower) + " to " +
                            percent(quarter.quota_met_interval.upper)});
    rows.push_back(JsonRow()
                       .text("quarter", quarter.label)
                       .number("bookings", quarter.mean)
                       .number("quota", quarter.quota)
                       .number("p", 100.0 * quarter.quota_met)
                       .number("lower", 100.0 * quarter.quota_met_interval.lower)
                       .number("upper", 100.0 * quarter.quota_met_interval.upper));
    // A quarter whose share of the quota outruns its share of what the funnel books, by more
    // than 5% of that share: its quota is harder than the year's.
    if (quarters > 1 && quota_share > bookings_share * 1.05)
      flags += (flags.empty() ? "" : " ") + quarter.label + " carries " + percent(quota_share) +
               " of the quota but the funnel books " + percent(bookings_share) + " of the " +
               period + ": " + summary.variant + " makes " + quarter.label + " " +
               percent(quarter.quota_met) + " of the time (95% interval " +
               percent(quarter.quota_met_interval.lower) + " to " +
               percent(quarter.quota_met_interval.upper) + ").";
  }
  section.body = table + TABLE_END;
  std::string reading = flags;
  if (reading.empty() && quarters > 0) {
    const auto [low, high] = std::minmax_element(
        summary.quarters.begin(), summary.quarters.end(),
        [](const PeriodSummary& a, const PeriodSummary& b) { return a.quota_met < b.quota_met; });
    reading =
        "No quarter's share of the quota outruns its share of the bookings by more than "
        "5%; P(quota met) runs from " +
        percent(low->quota_met) + " (" + low->label + ") to " + percent(high->quota_met) + " (" +
        high->label + ").";
  }
  const std::string x =
      "\"x\":{\"field\":\"quarter\",\"type\":\"ordinal\",\"sort\":null,\"title\":\"Quarter\","
      "\"axis\":{\"labelAngle\":0}}";
  section.charts.push_back(
      {"chart-quarter-met", reading,
       spec("P(quota met) per quarter, with 95% Wilson intervals", 220,
            "\"data\":{\"values\":" + values(rows) + "},\"encoding\":{" + x +
                "},\"layer\":["
                "{\"mark\":{\"type\":\"bar\",\"color\":\"#9ecae1\"},\"encoding\":{\"y\":{"
                "\"field\":\"p\",\"type\":\"quantitative\",\"title\":\"P(quota met) in the "
                "quarter (%)\",\"scale\":{\"domain\":[0,100]}}}},"
                "{\"mark\":\"rule\",\"encoding\":{\"y\":{\"field\":\"lower\",\"type\":"
                "\"quantitative\"},\"y2\":{\"field\":\"upper\"}}}]")});
  section.charts.push_back(
      {"chart-quarter-bookings",
       summary.variant + " books " + wan(year_mean) + " over the " + period +
           " on average against a quota of " + wan(year_quota) + ".",
       spec("Mean bookings per quarter (bars) and quota (red ticks)", 220,
            "\"data\":{\"values\":" + values(rows) + "},\"encoding\":{" + x +
                "},\"layer\":["
                "{\"mark\":{\"type\":\"bar\",\"color\":\"#6baed6\"},\"encoding\":{\"y\":{"
                "\"field\":\"bookings\",\"type\":\"quantitative\",\"title\":\"Bookings in the "
                "quarter (万)\"}}},"
                "{\"mark\":{\"type\":\"tick\",\"color\":\"#d62728\",\"thickness\":3},"
                "\"encoding\":{\"y\":{\"field\":\"quota\",\"type\":\"quantitative\"}}}]")});
  return section;
}

/// Index of the replication value x with P(value >= x) >= probability, the largest such:
/// the sorted values' element n - ceil(probability n).
double at_least_with(const std::vector<double>& sorted, double probability) {
  const std::size_t n = sorted.size();
  const auto needed = static_cast<std::size_t>(std::ceil(probability * static_cast<double>(n)));
  return sorted[n - std::clamp<std::size_t>(needed, 1, n)];
}

Section exceedance_section(const Comparison& comparison) {
  Section section{"Chance of reaching an amount", "", {}, ""};
  const std::string& period = comparison.period;
  // Every variant's curve while they stay apart on the page; the baseline's alone beyond.
  constexpr std::size_t MAX_CURVES = 5;
  const std::size_t curves =
      comparison.variants.size() <= MAX_CURVES ? comparison.variants.size() : 1;
  std::vector<JsonRow> rows;
  std::string reading;
  for (std::size_t v = 0; v < curves; ++v) {
    const VariantComparison& variant = comparison.variants[v];
    std::vector<double> sorted = variant.by_replication.bookings;
    std::sort(sorted.begin(), sorted.end());
    const std::size_t n = sorted.size();
    if (n == 0)
      continue;
    // P(bookings >= sorted[i]) = (n - first index of sorted[i]) / n; at most about 200 steps
    // a curve keep the page small.
    const std::size_t stride = std::max<std::size_t>(1, n / 200);
    for (std::size_t i = 0; i < n; i += stride) {
      const std::size_t first = static_cast<std::size_t>(
          std::lower_bound(sorted.begin(), sorted.end(), sorted[i]) - sorted.begin());
      rows.push_back(
          JsonRow()
              .text("variant", variant.variant)
              .number("bookings", sorted[i])
              .number("p", 100.0 * static_cast<double>(n - first) / static_cast<double>(n)));
    }
    if (variant.is_baseline)
      reading = variant.variant + " books at least " + wan(at_least_with(sorted, 0.9)) +
                " over the " + period + " in 9 replications of 10, at least " +
                wan(at_least_with(sorted, 0.5)) + " in half of them and at least " +
                wan(at_least_with(sorted, 0.1)) + " in 1 of 10; it reaches the quota of " +
                wan(variant.quota) + " in " + percent(variant.quota_met) + ".";
  }
  section.intro =
      "<p>For each amount on the horizontal axis, the share of replications whose bookings over "
      "the measured " +
      html(period) + " reach it" +
      (curves < comparison.variants.size()
           ? " (" + html(comparison.baseline) + " only: the file holds " +
                 std::to_string(comparison.variants.size()) + " variants)"
           : std::string()) +
      "; the red dashed line is " + html(comparison.baseline) + "'s quota.</p>";
  const double quota = comparison.variants.front().quota;
  section.charts.push_back(
      {"chart-exceedance", reading,
       spec("P(bookings over the " + period + " ≥ amount)", 280,
            "\"layer\":[{\"data\":{\"values\":" + values(rows) +
                "},\"mark\":{\"type\":\"line\",\"interpolate\":\"step-before\"},\"encoding\":{"
                "\"x\":{\"field\":\"bookings\",\"type\":\"quantitative\",\"title\":\"Bookings "
                "over the " +
                period +
                " (万)\",\"scale\":{\"zero\":false}},\"y\":{\"field\":\"p\",\"type\":"
                "\"quantitative\",\"title\":\"Share of replications at or above (%)\","
                "\"scale\":{\"domain\":[0,100]}},\"color\":{\"field\":\"variant\",\"type\":"
                "\"nominal\",\"sort\":null,\"title\":\"Variant\"}}},"
                "{\"data\":{\"values\":[{\"quota\":" +
                chart_number(quota) +
                "}]},\"mark\":{\"type\":\"rule\",\"color\":\"#d62728\",\"strokeDash\":[4,4]},"
                "\"encoding\":{\"x\":{\"field\":\"quota\",\"type\":\"quantitative\"}}}]")});
  return section;
}

/// Mean over replications of an Array [replication, group member, quarter] summed over the
/// members of each group: [group][quarter].
std::vector<std::vector<double>> group_means(const Array& array,
                                             const std::vector<std::size_t>& group_of,
                                             std::size_t groups) {
  const std::size_t replications = array.shape[0], members = array.shape[1],
                    quarters = array.shape[2];
  std::vector<std::vector<double>> sums(groups, std::vector<double>(quarters, 0.0));
  for (std::size_t r = 0; r < replications; ++r)
    for (std::size_t m = 0; m < members; ++m)
      for (std::size_t q = 0; q < quarters; ++q)
        sums[group_of[m]][q] += array.values[(r * members + m) * quarters + q];
  for (std::vector<double>& group : sums)
    for (double& value : group)
      value /= static_cast<double>(replications);
  return sums;
}

/// A table and a grouped bar chart of mean bookings per group and quarter, and the period.
void add_bookings_by_group(Section& section, const std::string& id, const std::string& kind,
                           const std::vector<std::string>& names,
                           const std::vector<std::vector<double>>& means,
                           const std::vector<std::string>& extra_heading,
                           const std::vector<std::string>& extra_cells, const std::string& period) {
  const std::size_t quarters = means.empty() ? 0 : means.front().size();
  double total = 0.0;
  for (const std::vector<double>& group : means)
    for (double value : group)
      total += value;
  std::vector<std::string> headings = {kind};
  headings.insert(headings.end(), extra_heading.begin(), extra_heading.end());
  for (std::size_t q = 0; q < quarters; ++q)
    headings.push_back(quarter_label(q) + " (万)");
  headings.push_back(period + " (万)");
  headings.push_back("share");
  std::string table = table_start(headings);
  std::vector<JsonRow> rows;
  std::string reading = "Mean bookings over the " + period + ": ";
  for (std::size_t g = 0; g < names.size(); ++g) {
    std::vector<std::string> cells = {names[g]};
    if (!extra_cells.empty())
      cells.push_back(extra_cells[g]);
    double sum = 0.0;
    for (std::size_t q = 0; q < quarters; ++q) {
      cells.push_back(amount(means[g][q]));
      sum += means[g][q];
      rows.push_back(JsonRow()
                         .text("group", names[g])
                         .text("quarter", quarter_label(q))
                         .number("bookings", means[g][q]));
    }
    const double share = total > 0.0 ? sum / total : NAN;
    cells.push_back(amount(sum));
    cells.push_back(std::isnan(share) ? "—" : percent(share));
    table += table_row(cells);
    reading += (g ? "; " : "") + names[g] + " " + wan(sum) +
               (std::isnan(share) ? "" : " (" + percent(share) + ")");
  }
  section.body += table + TABLE_END;
  const std::string kind_title =
      std::string(1, static_cast<char>(std::toupper(kind[0]))) + kind.substr(1);
  section.charts.push_back(
      {id, reading + ".",
       spec("Mean bookings per " + kind + " and quarter", 240,
            "\"data\":{\"values\":" + values(rows) +
                "},\"mark\":\"bar\",\"encoding\":{\"x\":{\"field\":\"quarter\",\"type\":"
                "\"ordinal\",\"sort\":null,\"title\":\"Quarter\",\"axis\":{\"labelAngle\":0}},"
                "\"xOffset\":{\"field\":"
                "\"group\",\"sort\":null},\"y\":{\"field\":\"bookings\",\"type\":"
                "\"quantitative\",\"title\":\"Mean bookings (万)\"},\"color\":{\"field\":"
                "\"group\",\"type\":\"nominal\",\"sort\":null,\"title\":" +
                json_string(kind_title) +
                "},\"tooltip\":[{\"field\":\"group\",\"title\":" + json_string(kind) +
                "},{\"field\":\"quarter\"},{\"field\":\"bookings\",\"format\":\".0f\"}]}")});
}

/// The teams in the order they first appear among the reps, and each rep's team's index.
struct Teams {
  std::vector<std::string> names;
  std::vector<std::size_t> of_rep;
  std::vector<std::size_t> reps;  ///< per team
};

Teams teams_of(const std::vector<std::string>& rep_team) {
  Teams teams;
  for (const std::string& name : rep_team) {
    const auto found = std::find(teams.names.begin(), teams.names.end(), name);
    const std::size_t index = static_cast<std::size_t>(found - teams.names.begin());
    if (found == teams.names.end()) {
      teams.names.push_back(name);
      teams.reps.push_back(0);
    }
    teams.of_rep.push_back(index);
    ++teams.reps[index];
  }
  return teams;
}

Section team_section(const ResultsReader& reader, const std::string& variant,
                     const std::string& period) {
  Section section{"Teams and segments", "", {}, ""};
  section.intro = "<p>Where the bookings of " + html(variant) +
                  " come from: mean over replications of each team's bookings (its reps' "
                  "bookings summed) and of each segment's, per quarter and over the " +
                  html(period) + ".</p>";
  const Array bookings = reader.read_array(variant, "rep_bookings");
  const std::vector<std::string> rep_team = reader.read_strings(variant, "rep_team");
  if (bookings.shape.size() == 3 && bookings.shape[1] == rep_team.size() && bookings.shape[0] > 0) {
    const Teams teams = teams_of(rep_team);
    std::vector<std::string> reps;
    for (std::size_t count : teams.reps)
      reps.push_back(std::to_string(count));
    add_bookings_by_group(section, "chart-teams", "team", teams.names,
                          group_means(bookings, teams.of_rep, teams.names.size()), {"reps"}, reps,
                          period);
  } else {
    section.body += note("The file's rep datasets do not match; no bookings per team to show.");
  }
  std::vector<std::string> names;
  std::vector<std::vector<double>> means;
  for (const std::string& segment : reader.segments(variant)) {
    const Matrix matrix = reader.read_matrix(variant, "segments/" + segment + "/bookings");
    if (matrix.rows == 0)
      continue;
    std::vector<double> mean(matrix.cols, 0.0);
    for (std::size_t r = 0; r < matrix.rows; ++r)
      for (std::size_t q = 0; q < matrix.cols; ++q)
        mean[q] += matrix.at(r, q) / static_cast<double>(matrix.rows);
    names.push_back(segment);
    means.push_back(std::move(mean));
  }
  if (!names.empty())
    add_bookings_by_group(section, "chart-segments", "segment", names, means, {}, {}, period);
  return section;
}

Section attainment_section(const ResultsReader& reader, const std::string& variant) {
  Section section{"Reps' quota attainment by team", "", {}, ""};
  const Array bookings = reader.read_array(variant, "rep_bookings");
  const Matrix quota = reader.read_matrix(variant, "rep_quota");
  const std::vector<std::string> rep_team = reader.read_strings(variant, "rep_team");
  if (bookings.shape.size() != 3 || bookings.shape[1] != quota.rows ||
      rep_team.size() != quota.rows || quota.cols == 0) {
    section.body = note("The file's rep datasets do not match; no attainment to show.");
    return section;
  }
  const std::size_t replications = bookings.shape[0], reps = bookings.shape[1],
                    quarters = bookings.shape[2];
  const Teams teams = teams_of(rep_team);
  // 10% bins up to 300%; the last bin holds everything above. One histogram per team: teams
  // of different segments and quotas reach very different attainments.
  constexpr int BINS = 31;
  std::vector<std::vector<double>> counts(teams.names.size(), std::vector<double>(BINS, 0.0));
  std::vector<std::vector<double>> attainments(teams.names.size());
  std::vector<std::size_t> with_quota(teams.names.size(), 0);
  for (std::size_t rep = 0; rep < reps; ++rep) {
    double rep_quota = 0.0;
    for (std::size_t q = 0; q < quarters; ++q)
      rep_quota += quota.at(rep, std::min(q, quota.cols - 1));
    if (!(rep_quota > 0.0))
      continue;
    const std::size_t team = teams.of_rep[rep];
    ++with_quota[team];
    for (std::size_t r = 0; r < replications; ++r) {
      double booked = 0.0;
      for (std::size_t q = 0; q < quarters; ++q)
        booked += bookings.values[(r * reps + rep) * quarters + q];
      const double attainment = booked / rep_quota;
      attainments[team].push_back(attainment);
      ++counts[team][static_cast<std::size_t>(
          std::clamp(std::floor(attainment * 10.0), 0.0, static_cast<double>(BINS - 1)))];
    }
  }
  std::vector<JsonRow> rows;
  std::string table = table_start(
      {"team", "reps with a quota", "reps meeting quota over the run", "median attainment"});
  std::string reading = "Reps meeting their quota over the run: ";
  std::size_t shown = 0;
  for (std::size_t team = 0; team < teams.names.size(); ++team) {
    const std::vector<double>& team_values = attainments[team];
    if (team_values.empty())
      continue;
    const double n = static_cast<double>(team_values.size());
    for (int bin = 0; bin < BINS; ++bin)
      rows.push_back(JsonRow()
                         .text("team", teams.names[team])
                         .number("lower", 10.0 * bin)
                         .number("upper", 10.0 * (bin + 1))
                         .number("share", 100.0 * counts[team][bin] / n));
    const double met = static_cast<double>(std::count_if(team_values.begin(), team_values.end(),
                                                         [](double a) { return a >= 1.0; })) /
                       n;
    const double median = quantile(team_values, 0.5);
    table += table_row(
        {teams.names[team], std::to_string(with_quota[team]), percent(met), percent(median)});
    reading += (shown++ ? "; " : "") + teams.names[team] + " " + percent(met) + " (median " +
               percent(median) + ")";
  }
  if (shown == 0) {
    section.body = note("No rep has a quota in this scenario (teams set no quota_per_quarter).");
    return section;
  }
  section.body = table + TABLE_END;
  section.intro =
      "<p>Each rep's bookings over the measured run divided by their quota over it, for every "
      "rep with a quota and every replication (" +
      html(variant) +
      "), one histogram per team; the last bar holds 300% and more, the red dashed line is "
      "100%.</p>";
  const int row_height = 70;
  // Vega-Lite sorts facets by name unless given the order: the teams' own.
  std::string team_order = "[";
  for (std::size_t team = 0; team < teams.names.size(); ++team)
    if (!attainments[team].empty())
      team_order += (team_order.size() > 1 ? "," : "") + json_string(teams.names[team]);
  team_order += "]";
  section.charts.push_back(
      {"chart-attainment", reading + ".",
       "{\"$schema\":\"https://vega.github.io/schema/vega-lite/v5.json\",\"title\":"
       "\"Distribution of reps' quota attainment, per team\",\"config\":{\"font\":" +
           json_string(CHART_FONT) + "},\"data\":{\"values\":" + values(rows) +
           "},\"facet\":{\"row\":{\"field\":\"team\",\"type\":\"nominal\",\"sort\":" + team_order +
           ","
           "\"title\":null,\"header\":{\"labelAngle\":0,\"labelAlign\":\"left\","
           "\"labelOrient\":\"top\",\"labelFontWeight\":\"bold\"}}},\"spacing\":6,\"spec\":{"
           "\"width\":820,\"height\":" +
           std::to_string(row_height) +
           ",\"layer\":[{\"mark\":{\"type\":\"bar\",\"color\":\"#6baed6\"},\"encoding\":{"
           "\"x\":{\"field\":\"lower\",\"type\":\"quantitative\",\"title\":\"Quota "
           "attainment over the run (%)\",\"scale\":{\"domain\":[0,310]}},\"x2\":{\"field\":"
           "\"upper\"},\"y\":{\"field\":\"share\",\"type\":\"quantitative\",\"title\":"
           "\"Share (%)\"},\"y2\":{\"datum\":0}}},"
           "{\"mark\":{\"type\":\"rule\",\"color\":\"#d62728\",\"strokeDash\":[4,4]},"
           "\"encoding\":{\"x\":{\"datum\":100}}}]}}"});
  return section;
}

std::string row(const std::string& name, const std::string& value) {
  return "<tr><th>" + html(name) + "</th><td>" + html(value) + "</td></tr>";
}

Section scenario_section(const FileMetadata& metadata, const StoredScenario& stored,
                         const std::vector<std::string>& variants, const ReportOptions& options) {
  Section section{"Scenario and provenance", "", {}, ""};
  std::string names;
  for (const std::string& name : variants)
    names += (names.empty() ? "" : ", ") + name;
  std::string body = "<div class=\"table\"><table class=\"facts\"><tbody>";
  body += row("results file", options.source_name);
  body += row("scenario", metadata.scenario_name);
  body += row("variants", names);
  body += row("funnelsim version", metadata.funnelsim_version);
  body += row("seed", std::to_string(metadata.seed));
  body += row("replications", std::to_string(metadata.replications) + " of " +
                                  std::to_string(metadata.replications_planned) + " planned" +
                                  (metadata.complete ? "" : " (INCOMPLETE)"));
  body += row("calendar",
              format_text("%d quarters of %d weeks after %d warm-up weeks", metadata.quarters,
                          metadata.weeks_per_quarter, metadata.warmup_weeks));
  body += row("report date", options.generated_on);
  body += "</tbody></table></div>";
  const std::optional<sim::Model>& model = stored.model;
  if (model) {
    body +=
        "<h3>Teams</h3><div class=\"table\"><table><thead><tr><th>team</th><th>segment</th>"
        "<th>headcount</th><th>prospects / rep / week</th><th>quota / rep / quarter "
        "(万)</th></tr></thead><tbody>";
    for (const sim::Team& team : model->teams) {
      const double quota = team.quota_per_quarter.empty() ? 0.0 : team.quota_per_quarter.front();
      body +=
          "<tr><td>" + html(team.name) + "</td><td>" +
          html(team.segment < model->segments.size() ? model->segments[team.segment].name : "") +
          "</td><td>" + std::to_string(team.headcount) + "</td><td>" +
          format_text("%.1f", team.prospects_per_week) + "</td><td>" + format_text("%.0f", quota) +
          "</td></tr>";
    }
    body +=
        "</tbody></table></div><h3>Segments</h3><div class=\"table\"><table><thead><tr><th>"
        "segment</th><th>mean deal (万)</th><th>stages (cumulative win probability)</th>"
        "</tr></thead><tbody>";
    for (const sim::Segment& segment : model->segments) {
      std::string stages;
      for (const sim::Stage& stage : segment.stages)
        stages += (stages.empty() ? "" : " → ") + stage.name +
                  format_text(" (%.0f%%)", 100.0 * stage.win_probability);
      body += "<tr><td>" + html(segment.name) + "</td><td>" +
              format_text("%.1f", segment.deal_size.expected_value()) + "</td><td>" + html(stages) +
              "</td></tr>";
    }
    body += "</tbody></table></div>";
  } else {
    body += note(
        "The stored scenario text did not load with this funnelsim, so its teams and "
        "segments are not tabulated (the figures above come from the datasets): " +
        html(stored.error));
  }
  body += "<details><summary>Resolved scenario YAML</summary><pre>" + html(metadata.scenario_yaml) +
          "</pre></details>";
  section.body = body;
  return section;
}

constexpr const char* STYLE = R"css(
:root { color-scheme: light; }
body { font: 15px/1.45 FunnelsimCJK, system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans CJK SC",
  sans-serif;
  margin: 0 auto; padding: 1rem; max-width: 60rem; color: #222; }
h1 { font-size: 1.5rem; margin: 0.5rem 0; }
h2 { font-size: 1.2rem; border-bottom: 1px solid #ddd; padding-bottom: 0.2rem; margin-top: 2rem; }
h3 { font-size: 1rem; }
.subtitle { color: #555; margin-top: 0; }
.warning { background: #fff3cd; border: 1px solid #e0c36c; padding: 0.5rem; }
.missing { color: #555; font-style: italic; }
.chart { width: 100%; min-height: 4rem; }
.chart svg, .chart canvas { max-width: 100%; height: auto; }
.reading { font-weight: 600; margin: 0.25rem 0 1.25rem; }
.table { overflow-x: auto; }
table { border-collapse: collapse; font-size: 0.9rem; margin: 0.5rem 0; }
th, td { border-bottom: 1px solid #e5e5e5; padding: 0.2rem 0.6rem; text-align: left;
  vertical-align: top; }
table.facts th { color: #555; font-weight: normal; }
pre { font-family: FunnelsimCJK, ui-monospace, monospace; font-size: 0.8rem; overflow-x: auto; background: #f7f7f7; padding: 0.5rem; }
.render-state { color: #999; font-size: 0.75rem; margin-top: 2rem; }
@media (max-width: 480px) { body { font-size: 14px; padding: 0.5rem; } th, td { padding: 0.2rem; } }
@media print {
  @page { size: A4; margin: 14mm; }
  body { max-width: none; padding: 0; font-size: 10pt; }
  section, .chart, table { break-inside: avoid; }
  details, .render-state { display: none; }
}
)css";

// Errors anywhere (a script that failed to load, a spec Vega rejects) are counted into
// #render-errors, and #render-status says "done" once every chart settled, so that a test in a
// headless browser can tell a page that drew from one that did not.
constexpr const char* RENDER_SCRIPT = R"js(
(function () {
  var errors = 0;
  function fail(message) {
    errors += 1;
    var box = document.getElementById('render-errors');
    box.textContent = String(errors);
    box.setAttribute('data-message', String(message));
  }
  window.addEventListener('error', function (event) { fail(event.message); });
  try {
    var ids = Object.keys(FUNNELSIM_SPECS);
    Promise.all(ids.map(function (id) {
      return vegaEmbed('#' + id, FUNNELSIM_SPECS[id], { actions: false, renderer: 'svg' })
        .catch(function (error) { fail(id + ': ' + error); });
    })).then(function () { document.getElementById('render-status').textContent = 'done'; });
  } catch (error) {
    fail(error);
  }
})();
)js";

std::string base64(std::string_view bytes) {
  static constexpr char DIGITS[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const std::size_t left = bytes.size() - i;
    std::uint32_t group = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16;
    if (left > 1)
      group |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8;
    if (left > 2)
      group |= static_cast<unsigned char>(bytes[i + 2]);
    out += DIGITS[(group >> 18) & 63];
    out += DIGITS[(group >> 12) & 63];
    out += left > 1 ? DIGITS[(group >> 6) & 63] : '=';
    out += left > 2 ? DIGITS[group & 63] : '=';
  }
  return out;
}

/// The @font-face rule of the embedded CJK subset, its unicode-range the code points listed
/// beside the font ("U+4E07, U+4EBF").
std::string cjk_font_face() {
  std::string range;
  std::string_view list = fonts::funnelsim_cjk_subset_codepoints();
  while (!list.empty()) {
    const std::size_t end = std::min(list.find('\n'), list.size());
    const std::string_view code = list.substr(0, end);
    if (!code.empty())
      range += (range.empty() ? "U+" : ", U+") + std::string(code);
    list.remove_prefix(std::min(end + 1, list.size()));
  }
  return std::string("@font-face { font-family: ") + CJK_FAMILY +
         "; font-style: normal; font-display: block;\n"
         "  src: url(data:font/woff2;base64," +
         base64(fonts::funnelsim_cjk_subset_woff2()) +
         ") format(\"woff2\");\n  unicode-range: " + range + "; }\n";
}

/// A script element holding `code`; "</script" inside it would end the element early.
std::string inline_script(std::string_view code) {
  std::string text(code);
  for (std::size_t at = text.find("</script"); at != std::string::npos;
       at = text.find("</script", at + 2))
    text.replace(at, 2, "<\\/");
  return "<script>" + text + "</script>\n";
}

}  // namespace

std::string render_report(const ResultsReader& reader, const ReportOptions& options) {
  const FileMetadata& metadata = reader.metadata();
  const std::string baseline = baseline_of(reader);
  CompareQuestion question;
  question.baseline = baseline;
  const Comparison comparison = compare_variants(reader, question);
  const StoredScenario stored = stored_scenario(metadata);

  std::vector<Section> sections;
  sections.push_back(outcome_section(reader, comparison));
  sections.push_back(exceedance_section(comparison));
  sections.push_back(quarter_section(summarize(reader, baseline), comparison.period));
  sections.push_back(difference_section(comparison));
  if (!comparison.grid.empty())
    sections.push_back(sweep_section(comparison));
  sections.push_back(cost_section(comparison));
  sections.push_back(team_section(reader, baseline, comparison.period));
  sections.push_back(attainment_section(reader, baseline));
  sections.push_back(funnel_section(reader, baseline));
  sections.push_back(forecast_section(reader, baseline));
  sections.push_back(scenario_section(metadata, stored, reader.variants(), options));

  const std::string title = "funnelsim report: " + metadata.scenario_name;
  std::string page =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>" +
      html(title) + "</title>\n<style>" + cjk_font_face() + STYLE + "</style>\n</head>\n<body>\n";
  page += "<header><h1>" + html(title) + "</h1><p class=\"subtitle\">" +
          html(format_text("%zu replications, seed %llu, funnelsim %s; report of %s on %s",
                           metadata.replications, static_cast<unsigned long long>(metadata.seed),
                           metadata.funnelsim_version.c_str(), options.source_name.c_str(),
                           options.generated_on.c_str())) +
          ". Amounts in 万 (10,000 RMB).</p>";
  if (!metadata.complete)
    page += "<p class=\"warning\">INCOMPLETE: the run stopped after " +
            std::to_string(metadata.replications) + " of " +
            std::to_string(metadata.replications_planned) + " planned replications.</p>";
  page +=
      "<noscript><p class=\"warning\">The charts need JavaScript; the tables do "
      "not.</p></noscript></header>\n";

  std::string specs = "var FUNNELSIM_SPECS = {";
  bool first = true;
  for (const Section& section : sections) {
    page += "<section>\n<h2>" + html(section.heading) + "</h2>\n" + section.intro + "\n";
    for (const Chart& chart : section.charts) {
      page += "<div class=\"" + std::string(REPORT_CHART_CLASS) + "\" id=\"" + chart.id +
              "\"></div>\n<p class=\"reading\">" + html(chart.reading) + "</p>\n";
      specs += (first ? "\n" : ",\n") + json_string(chart.id) + ": " + chart.spec;
      first = false;
    }
    page += section.body + "\n</section>\n";
  }
  specs += "\n};\n";
  page +=
      "<p class=\"render-state\">Charts: <span id=\"render-status\">pending</span>; errors: "
      "<span id=\"render-errors\">0</span>. Drawn with Vega 5, Vega-Lite 5 and vega-embed 6 "
      "(BSD-3-Clause), inlined.</p>\n";
  page += inline_script(vega::vega_min_js());
  page += inline_script(vega::vega_lite_min_js());
  page += inline_script(vega::vega_embed_min_js());
  page += inline_script(specs + RENDER_SCRIPT);
  page += "</body>\n</html>\n";
  return page;
}

}  // namespace funnelsim::analysis
