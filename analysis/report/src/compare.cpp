#include "funnelsim/report/compare.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>
#include <optional>
#include <span>

#include "funnelsim/report/verdict.hpp"
#include "funnelsim/stats/csv.hpp"
#include "funnelsim/stats/json.hpp"
#include "funnelsim/stats/text_format.hpp"

namespace funnelsim::analysis {
namespace {

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

// One variant's per-replication values over the chosen period, in replication order.
struct PeriodValues {
  std::string name;
  double quota = 0.0;  ///< 万
  std::vector<double> metric;
  std::vector<double> bookings;   ///< 万
  std::vector<double> quota_met;  ///< 1 when bookings >= quota, else 0
  std::vector<double> cost;       ///< 万
};

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) {
    text += (text.empty() ? "" : ", ") + name;
  }
  return text;
}

// A file written before the `cost` dataset existed (layout 1 still) costs nothing.
Matrix read_cost(const ResultsReader& reader, const std::string& variant, const Matrix& shape) {
  if (reader.has_dataset(variant, "cost"))
    return reader.read_matrix(variant, "cost");
  return Matrix{shape.rows, shape.cols, std::vector<double>(shape.values.size(), 0.0)};
}

// The period's value of each replication: quarter `quarter`, or the sum over quarters.
std::vector<double> over_period(const Matrix& matrix, std::optional<int> quarter) {
  std::vector<double> values(matrix.rows, 0.0);
  for (std::size_t r = 0; r < matrix.rows; ++r) {
    if (quarter) {
      values[r] = matrix.at(r, static_cast<std::size_t>(*quarter));
    } else {
      for (std::size_t q = 0; q < matrix.cols; ++q) {
        values[r] += matrix.at(r, q);
      }
    }
  }
  return values;
}

PeriodValues read_period(const ResultsReader& reader, const std::string& variant,
                         const CompareQuestion& question, const Matrix& expected_shape) {
  // In the file the command names (naming_results_file).
  const ErrorLocation where{{}, 0, 0, "variant '" + variant + "'"};
  const Matrix bookings = reader.read_matrix(variant, "bookings");
  const std::vector<double> quota = reader.read_vector(variant, "quota");
  const Matrix cost = read_cost(reader, variant, bookings);
  if (bookings.rows != expected_shape.rows || bookings.cols != expected_shape.cols ||
      quota.size() != bookings.cols || cost.rows != bookings.rows || cost.cols != bookings.cols) {
    throw ResultsError(where,
                       "bookings, quota and cost disagree in shape with each other "
                       "or with the baseline's " +
                           std::to_string(expected_shape.rows) + " replications of " +
                           std::to_string(expected_shape.cols) + " quarters");
  }

  PeriodValues values;
  values.name = variant;
  values.quota = question.quarter ? quota[static_cast<std::size_t>(*question.quarter)]
                                  : std::accumulate(quota.begin(), quota.end(), 0.0);
  values.bookings = over_period(bookings, question.quarter);
  values.cost = over_period(cost, question.quarter);
  for (const double amount : values.bookings) {
    values.quota_met.push_back(amount >= values.quota ? 1.0 : 0.0);
  }
  switch (question.metric) {
    case CompareMetric::bookings:
      values.metric = values.bookings;
      break;
    case CompareMetric::wins: {
      const Matrix wins = reader.read_matrix(variant, "wins");
      if (wins.rows != bookings.rows || wins.cols != bookings.cols) {
        throw ResultsError(where, "wins and bookings disagree in shape");
      }
      values.metric = over_period(wins, question.quarter);
      break;
    }
    case CompareMetric::attainment:
      for (const double amount : values.bookings) {
        values.metric.push_back(amount / values.quota);
      }
      break;
  }
  return values;
}

VariantComparison compare_one(const PeriodValues& variant, const PeriodValues& baseline) {
  VariantComparison row;
  row.variant = variant.name;
  row.is_baseline = &variant == &baseline;
  row.quota = variant.quota;
  row.mean = mean(variant.metric);
  std::vector<double> sorted = variant.metric;
  if (std::any_of(sorted.begin(), sorted.end(), [](double value) { return std::isnan(value); })) {
    throw ResultsError(ErrorLocation{{}, 0, 0, "variant '" + variant.name + "'"},
                       "values contain NaN");
  }
  std::sort(sorted.begin(), sorted.end());
  row.p10 = quantile_sorted(sorted, 0.10);
  row.p50 = quantile_sorted(sorted, 0.50);
  row.p90 = quantile_sorted(sorted, 0.90);
  const std::size_t n = variant.metric.size();
  row.quota_met_count =
      static_cast<std::size_t>(std::count(variant.quota_met.begin(), variant.quota_met.end(), 1.0));
  row.quota_met = static_cast<double>(row.quota_met_count) / static_cast<double>(n);
  row.quota_met_interval = wilson_interval(row.quota_met_count, n);
  row.cost = mean(variant.cost);
  row.by_replication = {variant.bookings, variant.quota_met, variant.cost};
  if (row.is_baseline) {
    row.variance_reduction = NaN;
    row.return_per_cost = NaN;
    return row;
  }
  row.difference = paired_difference(variant.metric, baseline.metric);
  row.quota_met_difference = paired_difference(variant.quota_met, baseline.quota_met);
  row.variance_reduction = variance_reduction_factor(baseline.metric, variant.metric);
  row.extra_cost = paired_difference(variant.cost, baseline.cost).mean;
  row.extra_bookings = paired_difference(variant.bookings, baseline.bookings).mean;
  row.return_per_cost = row.extra_cost == 0.0 ? NaN : row.extra_bookings / row.extra_cost;
  return row;
}

// The path's last `parts` components ("teams.a.headcount", 2: "a.headcount").
std::string path_tail(const std::string& path, std::size_t parts) {
  std::size_t start = path.size();
  for (std::size_t found = 0; found < parts && start != std::string::npos && start > 0; ++found)
    start = path.rfind('.', start - 1);
  return start == std::string::npos ? path : path.substr(start + 1);
}

// Each key's shortest tail of components that no other key shares.
std::vector<std::string> grid_labels(const std::vector<std::string>& keys) {
  std::vector<std::string> labels;
  for (const std::string& key : keys) {
    std::size_t parts = 1;
    const auto clashes = [&] {
      return std::count_if(keys.begin(), keys.end(), [&](const std::string& other) {
               return path_tail(other, parts) == path_tail(key, parts);
             }) > 1;
    };
    while (clashes() && path_tail(key, parts) != key)
      ++parts;
    labels.push_back(path_tail(key, parts));
  }
  return labels;
}

// Reads each variant's place on the sweep; every sweep variant must share the first's keys.
SweepGrid read_grid(const ResultsReader& reader, const std::vector<std::string>& names,
                    std::vector<std::vector<std::string>>& values) {
  SweepGrid grid;
  for (const std::string& name : names) {
    SweepPoint point = reader.sweep_point(name);
    if (!point.empty() && grid.empty()) {
      grid.keys = point.keys;
    } else if (!point.empty() && point.keys != grid.keys) {
      throw ResultsError(ErrorLocation{{}, 0, 0, "variant '" + name + "'"},
                         "its sweep_keys differ from those of the file's other swept variants");
    }
    values.push_back(std::move(point.values));
  }
  grid.labels = grid_labels(grid.keys);
  return grid;
}

// ---- Text, JSON and CSV output.

// Terminal columns of UTF-8 text: CJK ideographs such as 万 take two.
std::size_t display_width(const std::string& text) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    char32_t code = byte;
    std::size_t length = 1;
    if (byte >= 0xF0) {
      code = byte & 0x07u;
      length = 4;
    } else if (byte >= 0xE0) {
      code = byte & 0x0Fu;
      length = 3;
    } else if (byte >= 0xC0) {
      code = byte & 0x1Fu;
      length = 2;
    }
    for (std::size_t k = 1; k < length && i + k < text.size(); ++k) {
      code = (code << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3Fu);
    }
    const bool wide = (code >= 0x2E80 && code <= 0x9FFF) || (code >= 0xF900 && code <= 0xFAFF) ||
                      (code >= 0xFF00 && code <= 0xFF60);
    width += wide ? 2 : 1;
    i += length;
  }
  return width;
}

std::string padded(const std::string& text, std::size_t width, bool left) {
  const std::size_t used = display_width(text);
  const std::string pad(width > used ? width - used : 0, ' ');
  return left ? text + pad : pad + text;
}

// Rows of cells; the first column (the variant) left-aligned, the others right-aligned, two
// spaces apart. A variant name wider than NAME_WIDTH goes on a line of its own so that the
// numbers stay within 80 columns.
constexpr std::size_t NAME_WIDTH = 18;

std::string table(const std::vector<std::vector<std::string>>& rows,
                  std::size_t name_width = NAME_WIDTH) {
  std::vector<std::size_t> widths(rows.front().size(), 0);
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) {
      const std::size_t width = display_width(row[c]);
      if (c > 0 || width <= name_width) {
        widths[c] = std::max(widths[c], width);
      }
    }
  }
  std::string text;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      if (c == 0 && display_width(row[c]) > widths[0]) {
        text += row[c] + "\n";
        line += std::string(widths[0], ' ');
      } else {
        line += (c == 0 ? "" : "  ") + padded(row[c], widths[c], c == 0);
      }
    }
    text += line + "\n";
  }
  return text;
}

// Words of `sentence` on lines of at most 80 columns.
std::string wrapped(const std::string& sentence) {
  std::string text;
  std::string line;
  std::size_t start = 0;
  while (start < sentence.size()) {
    std::size_t end = sentence.find(' ', start);
    if (end == std::string::npos) {
      end = sentence.size();
    }
    const std::string word = sentence.substr(start, end - start);
    if (!line.empty() && display_width(line) + 1 + display_width(word) > 80) {
      text += line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
    start = end + 1;
  }
  return text + line + "\n";
}

const std::string DASH = "–";

// A value of the metric: amounts and deals to 0.1, attainment as a percentage.
std::string metric_text(CompareMetric metric, double value) {
  if (std::isnan(value)) {
    return DASH;
  }
  return metric == CompareMetric::attainment ? format_text("%.1f%%", 100.0 * value)
                                             : format_text("%.1f", value);
}

// A difference of the metric: attainment in percentage points.
std::string difference_text(CompareMetric metric, double value) {
  if (std::isnan(value)) {
    return DASH;
  }
  return format_text("%+.1f", metric == CompareMetric::attainment ? 100.0 * value : value);
}

// The units of a difference of the metric, as difference_text prints it.
std::string difference_units(CompareMetric metric) {
  switch (metric) {
    case CompareMetric::wins:
      return "deals";
    case CompareMetric::attainment:
      return "points";
    case CompareMetric::bookings:
      break;
  }
  return "万";
}

std::string interval_text(const Interval& interval, double scale, bool sign) {
  if (std::isnan(interval.lower) || std::isnan(interval.upper)) {
    return DASH;
  }
  const char* format = sign ? "[%+.1f, %+.1f]" : "[%.1f, %.1f]";
  return format_text(format, scale * interval.lower, scale * interval.upper);
}

std::string factor_text(double factor) {
  if (std::isinf(factor)) {
    return "∞";
  }
  return std::isnan(factor) ? DASH : format_text("%.1f", factor);
}

std::string amount_text(double value) {
  return std::isnan(value) ? DASH : format_text("%.1f", value);
}

std::string metric_title(const Comparison& comparison) {
  switch (comparison.metric) {
    case CompareMetric::wins:
      return "Wins (deals)";
    case CompareMetric::attainment:
      return "Attainment (% of quota)";
    case CompareMetric::bookings:
      break;
  }
  return "Bookings (万)";
}

// "from 41.2% to 77.0%": percentages of a share.
std::string percent(double share) {
  return format_text("%.1f%%", 100.0 * share);
}

// ["a", "b"]
std::string json_strings(const std::vector<std::string>& names) {
  std::string text = "[";
  for (const std::string& name : names) {
    text += (text.size() > 1 ? ", " : "") + json_string(name);
  }
  return text + "]";
}

// One field of an entry, as text (already quoted where needed) or as a number.
struct Field {
  std::string name;
  std::optional<std::string> text;
  double number = 0.0;
};

// The cells that name a row: the variant, then with a sweep its value of each key (a sweep's
// variant leaves the name blank: its values say which it is; other variants leave the values
// blank).
std::vector<std::string> name_cells(const Comparison& comparison, const VariantComparison& row) {
  std::vector<std::string> cells{row.sweep_values.empty() ? row.variant : ""};
  for (std::size_t k = 0; k < comparison.grid.keys.size(); ++k)
    cells.push_back(row.sweep_values.empty() ? "" : row.sweep_values[k]);
  return cells;
}

std::vector<std::string> header_cells(const Comparison& comparison,
                                      const std::vector<std::string>& rest) {
  std::vector<std::string> cells{"variant"};
  cells.insert(cells.end(), comparison.grid.labels.begin(), comparison.grid.labels.end());
  cells.insert(cells.end(), rest.begin(), rest.end());
  return cells;
}

std::vector<std::string> row_cells(const Comparison& comparison, const VariantComparison& row,
                                   const std::vector<std::string>& rest) {
  std::vector<std::string> cells = name_cells(comparison, row);
  cells.insert(cells.end(), rest.begin(), rest.end());
  return cells;
}

// The distinct values of key `k` over the sweep's variants, in grid order.
std::vector<std::string> axis_values(const Comparison& comparison, std::size_t k) {
  std::vector<std::string> values;
  for (const VariantComparison& row : comparison.variants) {
    if (!row.sweep_values.empty() &&
        std::find(values.begin(), values.end(), row.sweep_values[k]) == values.end())
      values.push_back(row.sweep_values[k]);
  }
  return values;
}

// The sweep's variant at (first key = `a`, second key = `b`), if the grid has it.
const VariantComparison* grid_cell(const Comparison& comparison, const std::string& a,
                                   const std::string& b) {
  for (const VariantComparison& row : comparison.variants) {
    if (row.sweep_values.size() == 2 && row.sweep_values[0] == a && row.sweep_values[1] == b)
      return &row;
  }
  return nullptr;
}

// The grid's tables: one row per value for one key; for two keys a two-way table (first key
// rows, second key columns) of P(quota met) and one of mean bookings. More keys: none.
std::string grid_tables(const Comparison& comparison) {
  const SweepGrid& grid = comparison.grid;
  if (grid.keys.size() == 1) {
    std::vector<std::vector<std::string>> rows{
        {grid.labels[0], "P(quota met)", "95% Wilson", "mean bookings"}};
    for (const VariantComparison& row : comparison.variants) {
      if (!row.sweep_values.empty())
        rows.push_back({row.sweep_values[0], percent(row.quota_met),
                        interval_text(row.quota_met_interval, 100.0, false),
                        amount_text(mean(row.by_replication.bookings))});
    }
    return "\nThe sweep by " + grid.labels[0] + ", " + comparison.period +
           " (P in %, bookings in 万)\n" + table(rows);
  }
  if (grid.keys.size() != 2)
    return "\n" + wrapped("The sweep has " + std::to_string(grid.keys.size()) +
                          " keys: its tables need one or two.");
  const std::vector<std::string> first = axis_values(comparison, 0);
  const std::vector<std::string> second = axis_values(comparison, 1);
  const std::string corner = grid.labels[0] + " \\ " + grid.labels[1];
  std::string text;
  for (const bool probability : {true, false}) {
    std::vector<std::vector<std::string>> rows{{corner}};
    rows.front().insert(rows.front().end(), second.begin(), second.end());
    for (const std::string& a : first) {
      rows.push_back({a});
      for (const std::string& b : second) {
        const VariantComparison* cell = grid_cell(comparison, a, b);
        rows.back().push_back(!cell         ? DASH
                              : probability ? percent(cell->quota_met)
                                            : amount_text(mean(cell->by_replication.bookings)));
      }
    }
    text += "\n" +
            (probability ? "P(quota met), " + comparison.period + ": rows "
                         : "Mean bookings (万), " + comparison.period + ": rows ") +
            grid.labels[0] + ", columns " + grid.labels[1] + "\n" +
            table(rows, std::numeric_limits<std::size_t>::max());
  }
  return text;
}

std::vector<Field> fields_of(const Comparison& comparison, const VariantComparison& row) {
  return {
      {"metric", metric_name(comparison.metric)},
      {"units", metric_units(comparison.metric)},
      {"period", comparison.period},
      {"baseline", comparison.baseline},
      {"replications", std::nullopt, static_cast<double>(comparison.replications)},
      {"quota", std::nullopt, row.quota},
      {"mean", std::nullopt, row.mean},
      {"p10", std::nullopt, row.p10},
      {"p50", std::nullopt, row.p50},
      {"p90", std::nullopt, row.p90},
      {"quota_met", std::nullopt, row.quota_met},
      {"quota_met_low", std::nullopt, row.quota_met_interval.lower},
      {"quota_met_high", std::nullopt, row.quota_met_interval.upper},
      {"diff_mean", std::nullopt, row.difference.mean},
      {"diff_low", std::nullopt, row.difference.interval.lower},
      {"diff_high", std::nullopt, row.difference.interval.upper},
      {"diff_quota_met", std::nullopt, row.quota_met_difference.mean},
      {"diff_quota_met_low", std::nullopt, row.quota_met_difference.interval.lower},
      {"diff_quota_met_high", std::nullopt, row.quota_met_difference.interval.upper},
      {"variance_reduction", std::nullopt, row.variance_reduction},
      {"cost", std::nullopt, row.cost},
      {"extra_cost", std::nullopt, row.extra_cost},
      {"extra_bookings", std::nullopt, row.extra_bookings},
      {"return_per_cost", std::nullopt, row.return_per_cost},
  };
}
}  // namespace

std::string metric_name(CompareMetric metric) {
  switch (metric) {
    case CompareMetric::wins:
      return "wins";
    case CompareMetric::attainment:
      return "attainment";
    case CompareMetric::bookings:
      break;
  }
  return "bookings";
}

std::string metric_units(CompareMetric metric) {
  switch (metric) {
    case CompareMetric::wins:
      return "deals";
    case CompareMetric::attainment:
      return "1";
    case CompareMetric::bookings:
      break;
  }
  return "万";
}

std::string variant_label(const Comparison& comparison, const VariantComparison& row) {
  if (row.sweep_values.empty())
    return row.variant;
  std::string label;
  for (std::size_t k = 0; k < row.sweep_values.size() && k < comparison.grid.labels.size(); ++k)
    label += (k == 0 ? "" : ", ") + comparison.grid.labels[k] + "=" + row.sweep_values[k];
  return label;
}

Cheapest find_cheapest(const Comparison& comparison, double threshold) {
  if (!(threshold > 0.0 && threshold <= 1.0)) {
    throw CompareError("--cheapest: expected a probability in (0, 1], such as 0.8, got " +
                       format_text("%g", threshold));
  }
  if (!comparison.cost_stored || !comparison.has_cost) {
    throw CompareError(
        std::string("--cheapest needs costs, and ") +
        (comparison.cost_stored
             ? "every variant's cost is zero: the scenario sets no cost_per_rep_per_quarter or "
               "commission_rate"
             : "the file stores no 'cost' (written before funnelsim stored costs); run it "
               "again"));
  }
  const std::vector<VariantComparison>& rows = comparison.variants;
  Cheapest cheapest;
  cheapest.threshold = threshold;
  for (std::size_t v = 0; v < rows.size(); ++v) {
    if (rows[v].quota_met < threshold)
      continue;
    if (!cheapest.variant || rows[v].cost < rows[*cheapest.variant].cost ||
        (rows[v].cost == rows[*cheapest.variant].cost &&
         rows[v].quota_met > rows[*cheapest.variant].quota_met))
      cheapest.variant = v;
  }
  const std::string goal = format_text("%g%%", 100.0 * threshold);
  const auto p_text = [](const VariantComparison& row) {
    return format_text("%.1f%% (95%% interval %.1f–%.1f%%)", 100.0 * row.quota_met,
                       100.0 * row.quota_met_interval.lower, 100.0 * row.quota_met_interval.upper);
  };
  for (std::size_t v = 0; v < rows.size(); ++v) {
    const bool cheaper = !cheapest.variant || rows[v].cost < rows[*cheapest.variant].cost;
    if (v != cheapest.variant && cheaper && rows[v].quota_met < threshold &&
        rows[v].quota_met_interval.upper >= threshold)
      cheapest.possibly.push_back(v);
  }
  std::string statement;
  if (cheapest.variant) {
    const VariantComparison& row = rows[*cheapest.variant];
    cheapest.meets_with_confidence = row.quota_met_interval.lower >= threshold;
    statement = "Cheapest with P(quota met) ≥ " + goal + ": " + variant_label(comparison, row) +
                ", mean cost " + amount_text(row.cost) + " 万 over the " + comparison.period +
                ", P(quota met) ";
    statement +=
        cheapest.meets_with_confidence
            ? p_text(row) + "; it meets " + goal + " with 95% confidence."
            : format_text(
                  "%.1f%%; it meets %s on the estimate; its interval "
                  "%.1f–%.1f%% includes %s.",
                  100.0 * row.quota_met, goal.c_str(), 100.0 * row.quota_met_interval.lower,
                  100.0 * row.quota_met_interval.upper, goal.c_str());
  } else {
    std::size_t highest = 0;
    for (std::size_t v = 1; v < rows.size(); ++v) {
      if (rows[v].quota_met > rows[highest].quota_met)
        highest = v;
    }
    cheapest.highest = highest;
    statement = "No variant has P(quota met) ≥ " + goal + "; the highest is " +
                variant_label(comparison, rows[highest]) + " at " + p_text(rows[highest]) + ".";
  }
  if (!cheapest.possibly.empty()) {
    std::string names;
    for (const std::size_t v : cheapest.possibly)
      names += (names.empty() ? "" : "; ") + variant_label(comparison, rows[v]);
    statement += std::string(cheapest.variant ? " Cheaper variants" : " Variants") + " below " +
                 goal + " on the estimate whose interval reaches it: " + names + ".";
  }
  cheapest.statement = statement;
  return cheapest;
}

Comparison compare_variants(const ResultsReader& reader, const CompareQuestion& question) {
  const std::vector<std::string> names = reader.variants();
  if (std::find(names.begin(), names.end(), question.baseline) == names.end()) {
    throw CompareError("no variant '" + question.baseline + "' (variants: " + joined(names) + ")");
  }
  const int quarters = reader.metadata().quarters;
  if (question.quarter && (*question.quarter < 0 || *question.quarter >= quarters)) {
    throw CompareError("quarter " + std::to_string(*question.quarter + 1) +
                       " is out of range: the file measures " + std::to_string(quarters) +
                       " quarters (1 to " + std::to_string(quarters) + ")");
  }
  const Matrix shape = reader.read_matrix(question.baseline, "bookings");
  if (shape.rows == 0) {
    throw ResultsError(ErrorLocation{{}, 0, 0, "variant '" + question.baseline + "'"},
                       "no replications to compare");
  }
  if (shape.cols != static_cast<std::size_t>(quarters)) {
    throw ResultsError(ErrorLocation{{}, 0, 0, "variant '" + question.baseline + "'"},
                       "bookings has " + std::to_string(shape.cols) +
                           " quarters, the file measures " + std::to_string(quarters));
  }

  std::vector<PeriodValues> values;
  for (const std::string& name : names) {
    values.push_back(read_period(reader, name, question, shape));
  }
  std::vector<std::vector<std::string>> sweep_values;
  SweepGrid grid = read_grid(reader, names, sweep_values);
  const auto baseline = static_cast<std::size_t>(
      std::find(names.begin(), names.end(), question.baseline) - names.begin());

  Comparison comparison;
  comparison.metric = question.metric;
  comparison.period = question.quarter ? "Q" + std::to_string(*question.quarter + 1)
                      : quarters == 4  ? "year"
                                       : "total";
  comparison.baseline = question.baseline;
  comparison.replications = shape.rows;
  comparison.variants.push_back(compare_one(values[baseline], values[baseline]));
  comparison.variants.back().sweep_values = sweep_values[baseline];
  for (std::size_t v = 0; v < values.size(); ++v) {
    if (v != baseline) {
      comparison.variants.push_back(compare_one(values[v], values[baseline]));
      comparison.variants.back().sweep_values = sweep_values[v];
    }
  }
  // A sweep keeps its grid's order; other files rank by mean difference.
  if (grid.empty()) {
    std::stable_sort(comparison.variants.begin() + 1, comparison.variants.end(),
                     [](const VariantComparison& a, const VariantComparison& b) {
                       return a.difference.mean > b.difference.mean;
                     });
  }
  comparison.grid = std::move(grid);
  comparison.has_cost = std::any_of(comparison.variants.begin(), comparison.variants.end(),
                                    [](const VariantComparison& row) { return row.cost != 0.0; });
  comparison.cost_stored = std::all_of(names.begin(), names.end(), [&](const std::string& name) {
    return reader.has_dataset(name, "cost");
  });
  return comparison;
}

std::string format_comparison(const Comparison& comparison, const FileMetadata& metadata,
                              const Verdict& verdict, const Cheapest* cheapest) {
  const std::vector<VariantComparison>& rows = comparison.variants;
  const VariantComparison& baseline = rows.front();
  const CompareMetric metric = comparison.metric;
  std::string text =
      format_text("Scenario %s, seed %llu, %zu replications of each of %zu variants",
                  metadata.scenario_name.c_str(), static_cast<unsigned long long>(metadata.seed),
                  comparison.replications, rows.size()) +
      "\n";
  if (!metadata.complete) {
    text += format_text("INCOMPLETE: stopped after %zu of %zu replications", metadata.replications,
                        metadata.replications_planned) +
            "\n";
  }
  const std::string period = comparison.period == "year" || comparison.period == "total"
                                 ? comparison.period + " (" + std::to_string(metadata.quarters) +
                                       " quarters of " +
                                       std::to_string(metadata.weeks_per_quarter) + " weeks)"
                                 : comparison.period;
  text += metric_title(comparison) + ", " + period + "; baseline " + comparison.baseline + "\n";

  std::vector<std::vector<std::string>> distribution{
      header_cells(comparison, {"mean", "P10", "P50", "P90", "P(quota met)", "95% Wilson"})};
  for (const VariantComparison& row : rows) {
    distribution.push_back(
        row_cells(comparison, row,
                  {metric_text(metric, row.mean), metric_text(metric, row.p10),
                   metric_text(metric, row.p50), metric_text(metric, row.p90),
                   percent(row.quota_met), interval_text(row.quota_met_interval, 100.0, false)}));
  }
  text += "\n" + table(distribution);
  text += "Percentiles by Hyndman-Fan type 7; P(quota met) and its interval in %\n";
  const auto [low, high] = std::minmax_element(
      rows.begin(), rows.end(),
      [](const VariantComparison& a, const VariantComparison& b) { return a.quota < b.quota; });
  if (low->quota != high->quota) {
    text += wrapped("Quotas differ between variants (" + amount_text(low->quota) + " to " +
                    amount_text(high->quota) +
                    " 万): each variant's P(quota met) is against its own quota.");
  }
  if (!comparison.grid.empty())
    text += grid_tables(comparison);
  const std::string cheapest_text = cheapest ? "\n" + wrapped(cheapest->statement) : "";

  if (rows.size() == 1) {
    return text + "\nNo other variant to compare with " + baseline.variant + ".\n" + cheapest_text;
  }
  const std::string units = difference_units(metric);
  const double scale = metric == CompareMetric::attainment ? 100.0 : 1.0;
  text += "\n" + wrapped("Against " + baseline.variant + ", paired by replication: Δ mean in " +
                         units + ", Δ P(quota met) in points");
  std::vector<std::vector<std::string>> differences{
      header_cells(comparison, {"Δ mean", "95% CI", "Δ P(met)", "95% CI", "VRF"})};
  for (std::size_t v = 1; v < rows.size(); ++v) {
    const VariantComparison& row = rows[v];
    differences.push_back(row_cells(comparison, row,
                                    {difference_text(metric, row.difference.mean),
                                     interval_text(row.difference.interval, scale, true),
                                     format_text("%+.1f", 100.0 * row.quota_met_difference.mean),
                                     interval_text(row.quota_met_difference.interval, 100.0, true),
                                     factor_text(row.variance_reduction)}));
  }
  text += table(differences);
  text +=
      "95% CI: mean of the paired differences ± 1.96 s.e. (normal approximation)\n"
      "VRF: variance-reduction factor (Var X + Var Y) / Var(X - Y): pairing makes the\n"
      "CI √VRF times narrower than independent runs would (∞: identical results)\n";

  if (comparison.has_cost) {
    text += "\nCost (万), " + comparison.period + "\n";
    std::vector<std::vector<std::string>> costs{
        header_cells(comparison, {"cost", "extra cost", "extra bookings", "return 万/万"})};
    for (const VariantComparison& row : rows) {
      if (row.is_baseline) {
        costs.push_back(row_cells(comparison, row, {amount_text(row.cost), DASH, DASH, DASH}));
      } else {
        costs.push_back(row_cells(
            comparison, row,
            {amount_text(row.cost), format_text("%+.1f", row.extra_cost),
             format_text("%+.1f", row.extra_bookings),
             std::isnan(row.return_per_cost) ? DASH : format_text("%.2f", row.return_per_cost)}));
      }
    }
    text += table(costs);
    text += "return: extra bookings per 万 of extra cost (–: no extra cost)\n";
  }
  return text + "\n" + wrapped(verdict.statement) + cheapest_text;
}

std::string comparison_json(const Comparison& comparison, const Verdict& verdict,
                            const Cheapest* cheapest) {
  std::string text = "{";
  for (std::size_t v = 0; v < comparison.variants.size(); ++v) {
    const VariantComparison& row = comparison.variants[v];
    for (const auto& [key, present] : {std::pair<std::string, bool>{"verdict", true},
                                       {"grid", !comparison.grid.empty()},
                                       {"cheapest", cheapest != nullptr}}) {
      if (present && row.variant == key) {
        throw CompareError("a variant is named '" + key + "', the key of the JSON's " + key +
                           ": compare it as a table or with --csv");
      }
    }
    text += (v == 0 ? "\n  " : ",\n  ") + json_string(row.variant) + ": {";
    const std::vector<Field> fields = fields_of(comparison, row);
    for (std::size_t f = 0; f < fields.size(); ++f) {
      const Field& field = fields[f];
      text += (f == 0 ? "\n    " : ",\n    ") + json_string(field.name) + ": " +
              (field.text ? json_string(*field.text) : json_number(field.number));
    }
    text += "\n  }";
  }
  const bool margin = verdict.runner_up.has_value();
  text +=
      ",\n  \"verdict\": {\n    \"criterion\": " + json_string(criterion_name(verdict.criterion)) +
      ",\n    \"leaders\": " + json_strings(verdict.leaders) +
      ",\n    \"runner_up\": " + (margin ? json_string(*verdict.runner_up) : "null") +
      ",\n    \"diff_mean\": " + json_number(margin ? verdict.margin.mean : NaN) +
      ",\n    \"diff_low\": " + json_number(margin ? verdict.margin.interval.lower : NaN) +
      ",\n    \"diff_high\": " + json_number(margin ? verdict.margin.interval.upper : NaN) +
      ",\n    \"not_ranked\": " + json_strings(verdict.not_ranked) +
      ",\n    \"statement\": " + json_string(verdict.statement) + "\n  }";
  if (!comparison.grid.empty()) {
    text += ",\n  \"grid\": {\n    \"keys\": " + json_strings(comparison.grid.keys) +
            ",\n    \"labels\": " + json_strings(comparison.grid.labels) + ",\n    \"values\": {";
    bool first = true;
    for (const VariantComparison& row : comparison.variants) {
      if (!row.sweep_values.empty()) {
        text += (first ? "\n      " : ",\n      ") + json_string(row.variant) + ": " +
                json_strings(row.sweep_values);
        first = false;
      }
    }
    text += "\n    }\n  }";
  }
  if (cheapest) {
    const VariantComparison* row =
        cheapest->variant ? &comparison.variants.at(*cheapest->variant) : nullptr;
    text += ",\n  \"cheapest\": {\n    \"threshold\": " + json_number(cheapest->threshold) +
            ",\n    \"variant\": " + (row ? json_string(row->variant) : "null") +
            ",\n    \"probability\": " + json_number(row ? row->quota_met : NaN) +
            ",\n    \"interval\": " +
            (row ? "[" + json_number(row->quota_met_interval.lower) + ", " +
                       json_number(row->quota_met_interval.upper) + "]"
                 : "null") +
            ",\n    \"cost\": " + json_number(row ? row->cost : NaN) +
            ",\n    \"meets_with_confidence\": " +
            (cheapest->meets_with_confidence ? "true" : "false") +
            ",\n    \"statement\": " + json_string(cheapest->statement) + "\n  }";
  }
  return text + "\n}\n";
}

std::string comparison_csv(const Comparison& comparison) {
  std::string text = "variant";
  for (const std::string& name : compare_fields()) {
    text += "," + name;
  }
  text += "\n";
  for (const VariantComparison& row : comparison.variants) {
    text += csv_text(row.variant);
    for (const Field& field : fields_of(comparison, row)) {
      text += "," + (field.text ? csv_text(*field.text) : csv_number(field.number));
    }
    text += "\n";
  }
  return text;
}

const std::vector<std::string>& compare_fields() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> result;
    for (const Field& field : fields_of(Comparison{}, VariantComparison{})) {
      result.push_back(field.name);
    }
    return result;
  }();
  return names;
}

}  // namespace funnelsim::analysis
