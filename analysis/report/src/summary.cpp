#include "funnelsim/report/summary.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <span>

#include "funnelsim/stats/csv.hpp"
#include "funnelsim/stats/json.hpp"
#include "funnelsim/stats/text_format.hpp"

namespace funnelsim::analysis {
namespace {

// Per-replication values of one period, in replication order.
struct PeriodSample {
  std::vector<double> bookings;
  std::vector<double> wins;
  std::vector<double> attainment;
};

PeriodSummary summarize_period(std::string label, double quota, PeriodSample sample) {
  PeriodSummary period;
  period.label = std::move(label);
  period.quota = quota;
  period.mean = mean(sample.bookings);
  period.sd = sample_sd(sample.bookings);
  period.standard_error = standard_error(sample.bookings);
  period.mean_wins = mean(sample.wins);
  period.mean_attainment = mean(sample.attainment);
  period.quota_met_count = static_cast<std::size_t>(
      std::count_if(sample.bookings.begin(), sample.bookings.end(),
                    [quota](double bookings) { return bookings >= quota; }));
  const std::size_t n = sample.bookings.size();
  period.quota_met = static_cast<double>(period.quota_met_count) / static_cast<double>(n);
  period.quota_met_interval = wilson_interval(period.quota_met_count, n);

  std::vector<double>& sorted = sample.bookings;
  if (std::any_of(sorted.begin(), sorted.end(), [](double value) { return std::isnan(value); })) {
    throw std::invalid_argument("summarize: bookings contain NaN");
  }
  std::sort(sorted.begin(), sorted.end());
  period.p5 = quantile_sorted(sorted, 0.05);
  period.p25 = quantile_sorted(sorted, 0.25);
  period.p50 = quantile_sorted(sorted, 0.50);
  period.p75 = quantile_sorted(sorted, 0.75);
  period.p95 = quantile_sorted(sorted, 0.95);
  return period;
}

std::string format_line(const char* format, auto... values) {
  return format_text(format, values...) + "\n";
}

// An amount with one decimal; "-" where undefined (sd of one replication).
std::string amount(double value) {
  return std::isnan(value) ? "-" : format_text("%.1f", value);
}

std::string percent(double share) {
  return format_text("%.1f%%", 100.0 * share);
}

/// Rows of cells as text: the first column left-aligned, the others right-aligned, each
/// column as wide as its `minimum` or its widest cell and one space, so that no two cells
/// ever run together, whatever the amounts; with `caption_last`, the last cell of each row
/// follows as it is, like a caption. (Widths count bytes: every cell is ASCII.)
std::string table(const std::vector<std::size_t>& minimum,
                  const std::vector<std::vector<std::string>>& rows, bool caption_last = false) {
  std::vector<std::size_t> width = minimum;
  for (const std::vector<std::string>& row : rows) {
    for (std::size_t column = 0; column + (caption_last ? 1 : 0) < row.size(); ++column) {
      const std::size_t needed = row[column].size() + (column == 0 ? 0 : 1);
      width[column] = std::max(width[column], needed);
    }
  }
  std::string text;
  for (const std::vector<std::string>& row : rows) {
    std::string line;
    for (std::size_t column = 0; column < row.size(); ++column) {
      if (caption_last && column + 1 == row.size()) {
        line += row[column];
        break;
      }
      const std::string pad(width[column] - std::min(width[column], row[column].size()), ' ');
      line += column == 0 ? row[column] + pad : pad + row[column];
    }
    while (!line.empty() && line.back() == ' ')
      line.pop_back();
    text += line + "\n";
  }
  return text;
}

// The periods of a summary in table order: the quarters, then the whole run.
std::vector<const PeriodSummary*> periods_of(const Summary& summary) {
  std::vector<const PeriodSummary*> periods;
  for (const PeriodSummary& quarter : summary.quarters) {
    periods.push_back(&quarter);
  }
  periods.push_back(&summary.whole_run);
  return periods;
}

std::string period_json(const PeriodSummary& period, const std::string& indent) {
  std::string text = "{\n" + indent + "  \"period\": " + json_string(period.label);
  const std::vector<double> values = summary_values(period);
  for (std::size_t f = 0; f < values.size(); ++f) {
    text +=
        ",\n" + indent + "  " + json_string(summary_fields()[f]) + ": " + json_number(values[f]);
  }
  return text + "\n" + indent + "}";
}

}  // namespace

const std::vector<std::string>& summary_fields() {
  static const std::vector<std::string> names{"quota",
                                              "mean",
                                              "sd",
                                              "standard_error",
                                              "p5",
                                              "p25",
                                              "p50",
                                              "p75",
                                              "p95",
                                              "mean_wins",
                                              "mean_attainment",
                                              "quota_met_count",
                                              "quota_met",
                                              "quota_met_low",
                                              "quota_met_high"};
  return names;
}

std::vector<double> summary_values(const PeriodSummary& period) {
  return {period.quota,
          period.mean,
          period.sd,
          period.standard_error,
          period.p5,
          period.p25,
          period.p50,
          period.p75,
          period.p95,
          period.mean_wins,
          period.mean_attainment,
          static_cast<double>(period.quota_met_count),
          period.quota_met,
          period.quota_met_interval.lower,
          period.quota_met_interval.upper};
}

std::string summary_json(const Summary& summary, const FileMetadata& metadata) {
  std::string text = "{\n";
  text += "  \"scenario\": " + json_string(metadata.scenario_name) + ",\n";
  text += "  \"variant\": " + json_string(summary.variant) + ",\n";
  text += "  \"seed\": " + json_integer(metadata.seed) + ",\n";
  text += "  \"replications\": " + json_integer(summary.replications) + ",\n";
  text += "  \"replications_planned\": " + json_integer(metadata.replications_planned) + ",\n";
  text += "  \"complete\": " + json_bool(metadata.complete) + ",\n";
  // The calendar's counts, which the reader checked to be positive.
  const auto count = [](int value) { return json_integer(static_cast<std::uint64_t>(value)); };
  text += "  \"weeks_per_quarter\": " + count(metadata.weeks_per_quarter) + ",\n";
  text += "  \"warmup_weeks\": " + count(metadata.warmup_weeks) + ",\n";
  text += "  \"units\": " + json_string("万") + ",\n";
  text += "  \"quarters\": [";
  for (std::size_t q = 0; q < summary.quarters.size(); ++q) {
    text += (q == 0 ? "\n    " : ",\n    ") + period_json(summary.quarters[q], "    ");
  }
  text += "\n  ],\n";
  text += "  \"whole_run\": " + period_json(summary.whole_run, "  ") + "\n}\n";
  return text;
}

std::string summary_csv(const Summary& summary) {
  std::string text = "variant,period,replications";
  for (const std::string& name : summary_fields()) {
    text += "," + name;
  }
  text += "\n";
  for (const PeriodSummary* period : periods_of(summary)) {
    text += csv_text(summary.variant) + "," + csv_text(period->label) + "," +
            std::to_string(summary.replications);
    for (const double value : summary_values(*period)) {
      text += "," + csv_number(value);
    }
    text += "\n";
  }
  return text;
}

Summary summarize(const ResultsReader& reader, const std::string& variant) {
  const Matrix bookings = reader.read_matrix(variant, "bookings");
  const Matrix wins = reader.read_matrix(variant, "wins");
  const Matrix attainment = reader.read_matrix(variant, "attainment");
  const std::vector<double> quota = reader.read_vector(variant, "quota");
  // In the file the command names (naming_results_file).
  const ErrorLocation where{{}, 0, 0, "variant '" + variant + "'"};
  if (bookings.rows == 0) {
    throw ResultsError(where, "no replications to summarize");
  }
  if (wins.rows != bookings.rows || attainment.rows != bookings.rows ||
      wins.cols != bookings.cols || attainment.cols != bookings.cols ||
      quota.size() != bookings.cols) {
    throw ResultsError(where, "bookings, wins, attainment and quota disagree in shape");
  }

  Summary summary;
  summary.variant = variant;
  summary.replications = bookings.rows;
  const std::size_t n = bookings.rows;
  const std::size_t quarters = bookings.cols;
  PeriodSample whole_run{std::vector<double>(n, 0.0), std::vector<double>(n, 0.0), {}};
  for (std::size_t q = 0; q < quarters; ++q) {
    PeriodSample sample;
    for (std::size_t r = 0; r < n; ++r) {
      sample.bookings.push_back(bookings.at(r, q));
      sample.wins.push_back(wins.at(r, q));
      sample.attainment.push_back(attainment.at(r, q));
      whole_run.bookings[r] += bookings.at(r, q);
      whole_run.wins[r] += wins.at(r, q);
    }
    summary.quarters.push_back(
        summarize_period("Q" + std::to_string(q + 1), quota[q], std::move(sample)));
  }
  const double total_quota = std::accumulate(quota.begin(), quota.end(), 0.0);
  for (const double total : whole_run.bookings) {
    whole_run.attainment.push_back(total / total_quota);
  }
  summary.whole_run =
      summarize_period(quarters == 4 ? "year" : "total", total_quota, std::move(whole_run));
  return summary;
}

std::string format_summary(const Summary& summary, const FileMetadata& metadata) {
  std::string text =
      format_line("Scenario %s, variant %s, seed %llu, %zu replications",
                  metadata.scenario_name.c_str(), summary.variant.c_str(),
                  static_cast<unsigned long long>(metadata.seed), summary.replications);
  if (!metadata.complete) {
    text += format_line("INCOMPLETE: stopped after %zu of %zu replications", metadata.replications,
                        metadata.replications_planned);
  }
  text +=
      format_line("Quarters of %d weeks after a warm-up of %d weeks; amounts in 万 (10,000 RMB)",
                  metadata.weeks_per_quarter, metadata.warmup_weeks);

  std::vector<PeriodSummary> periods = summary.quarters;
  periods.push_back(summary.whole_run);

  text += "\nBookings (万)\n";
  std::vector<std::vector<std::string>> rows{
      {"period", "quota", "mean", "s.e.", "sd", "P5", "P25", "P50", "P75", "P95"}};
  for (const PeriodSummary& period : periods) {
    std::vector<std::string> row{period.label};
    for (const double value : {period.quota, period.mean, period.standard_error, period.sd,
                               period.p5, period.p25, period.p50, period.p75, period.p95}) {
      row.push_back(amount(value));
    }
    rows.push_back(std::move(row));
  }
  text += table({6, 8, 8, 8, 8, 8, 8, 8, 8, 8}, rows);
  text += "s.e.: standard error of the mean; percentiles by Hyndman-Fan type 7\n";

  text += "\nQuota\n";
  rows = {{"period", "mean wins", "mean attainment", "P(quota met)", "  95% Wilson interval"}};
  for (const PeriodSummary& period : periods) {
    rows.push_back({period.label, format_text("%.1f", period.mean_wins),
                    percent(period.mean_attainment), percent(period.quota_met),
                    "  [" + percent(period.quota_met_interval.lower) + ", " +
                        percent(period.quota_met_interval.upper) + "]"});
  }
  // The interval follows two spaces after P(quota met), left-aligned.
  text += table({6, 11, 17, 14, 0}, rows, true);
  return text;
}

}  // namespace funnelsim::analysis
