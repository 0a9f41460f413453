#include "funnelsim/report/forecast_accuracy.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <ostream>
#include <string>
#include <string_view>

#include "funnelsim/forecast/forecast_benchmark.hpp"
#include "funnelsim/results/results_values.hpp"

namespace funnelsim::analysis {

namespace {

/// The two-sided 95% point of the standard normal.
constexpr double Z95 = 1.959963984540054;

/// A results file is untrusted: a value that must be finite and is not (a damaged or forged
/// file) is refused naming the dataset and the cell, rather than printed as "nan". (The reader
/// checks every value when it opens a file; this holds for a reader of any file.)
[[noreturn]] void not_finite(const std::string& variant, const std::string& dataset, double value,
                             std::size_t replication, std::size_t quarter) {
  // The key names the variant and dataset; the command adds the file (Error::in_file).
  char text[64];
  std::snprintf(text, sizeof text, "%g", value);
  throw ResultsError(ErrorLocation{{}, 0, 0, variant + "/" + dataset},
                     std::string("not a finite number: ") + text + " at " +
                         replication_quarter_cell(replication, quarter));
}

/// The dataset's shape must be that of bookings (replications x quarters) followed by weeks.
void check_shape(const Array& array, const Matrix& actual, const std::string& variant,
                 const std::string& dataset) {
  if (array.shape.size() != 3 || array.shape[0] != actual.rows || array.shape[1] != actual.cols) {
    throw ResultsError(ErrorLocation{{}, 0, 0, variant + "/" + dataset},
                       "shape does not match bookings (replications x quarters x weeks)");
  }
}

/// Σ num ÷ Σ den over independent clusters (replications), with the delta method's 95% interval:
/// var = n/(n−1) Σ (num_r − ratio × den_r)² ÷ (Σ den)².
Estimate95 ratio_estimate(const std::vector<double>& num, const std::vector<double>& den) {
  double n_sum = 0.0, d_sum = 0.0;
  for (std::size_t r = 0; r < num.size(); ++r) {
    n_sum += num[r];
    d_sum += den[r];
  }
  if (d_sum == 0.0)
    return {0.0, 0.0, 0.0};
  const double value = n_sum / d_sum;
  const auto n = static_cast<double>(num.size());
  double squares = 0.0;
  for (std::size_t r = 0; r < num.size(); ++r) {
    const double d = num[r] - value * den[r];
    squares += d * d;
  }
  const double se = n > 1.0 ? std::sqrt(n / (n - 1.0) * squares) / d_sum : 0.0;
  return {value, value - Z95 * se, value + Z95 * se};
}

std::string verdict_of(const Estimate95& difference) {
  if (difference.high < 0.0)
    return "better";
  if (difference.low > 0.0)
    return "worse";
  return "tied";
}

/// Parses a quantile series' level from its suffix: "p10" is 0.1.
std::optional<double> quantile_suffix(std::string_view name, std::string_view model) {
  if (name.size() <= model.size() + 2 || name.substr(0, model.size()) != model ||
      name.substr(model.size(), 2) != "_p")
    return std::nullopt;
  const std::string_view digits = name.substr(model.size() + 2);
  int percent = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), percent);
  if (error != std::errc() || end != digits.data() + digits.size() || percent <= 0 ||
      percent >= 100)
    return std::nullopt;
  return percent / 100.0;
}

std::string tau_column(double tau) {
  char text[32];
  std::snprintf(text, sizeof text, "q%g", tau);
  return text;
}

std::string exact(double value) {
  char text[40];
  std::snprintf(text, sizeof text, "%.17g", value);
  return text;
}

/// Whether `set` made any forecast at week `w`.
bool has_forecasts(const ForecastSet& set, std::size_t w) {
  for (std::size_t r = 0; r < set.replications; ++r)
    for (std::size_t q = 0; q < set.quarters; ++q)
      if (!std::isnan(set.point[set.cell(r, q, w)]))
        return true;
  return false;
}

}  // namespace

double pinball_loss(double q, double predicted, double actual) {
  const double error = actual - predicted;
  return error >= 0.0 ? q * error : (q - 1.0) * error;
}

std::vector<ForecastSet> read_run_forecasts(const ResultsReader& reader,
                                            const std::string& variant) {
  const Matrix actual = reader.read_matrix(variant, "bookings");
  std::vector<ForecastSet> sets;
  for (const sim::SeriesInfo& series : FORECAST_SERIES) {
    const std::string name(series.name);
    bool quantile_of_another = false;
    for (const sim::SeriesInfo& other : FORECAST_SERIES) {
      if (other.name != series.name && quantile_suffix(series.name, other.name))
        quantile_of_another = true;
    }
    if (quantile_of_another)
      continue;
    const auto read = [&](const std::string& dataset) {
      Array array = reader.read_array(variant, "forecast/" + dataset);
      check_shape(array, actual, variant, "forecast/" + dataset);
      for (std::size_t i = 0; i < array.values.size(); ++i) {
        const double v = array.values[i];
        if (!std::isnan(v) && !std::isfinite(v)) {
          const std::size_t per_replication = array.shape[1] * array.shape[2];
          not_finite(variant, "forecast/" + dataset, v, i / per_replication,
                     i % per_replication / array.shape[2]);
        }
      }
      return array;
    };
    Array point = read(name);
    ForecastSet set;
    set.model = name;
    set.replications = point.shape[0];
    set.quarters = point.shape[1];
    set.weeks = point.shape[2];
    set.point = std::move(point.values);
    for (const sim::SeriesInfo& other : FORECAST_SERIES) {
      const std::optional<double> tau = quantile_suffix(other.name, series.name);
      if (!tau || !reader.has_dataset(variant, "forecast/" + std::string(other.name)))
        continue;  // older files lack the P50
      set.taus.push_back(*tau);
      set.quantiles.push_back(read(std::string(other.name)).values);
    }
    sets.push_back(std::move(set));
  }
  return sets;
}

void write_forecasts_csv(std::ostream& out, const std::vector<ForecastSet>& sets) {
  std::vector<double> taus;
  for (const ForecastSet& set : sets)
    taus.insert(taus.end(), set.taus.begin(), set.taus.end());
  std::sort(taus.begin(), taus.end());
  taus.erase(std::unique(taus.begin(), taus.end()), taus.end());
  out << "model,replication,quarter,week,forecast";
  for (const double tau : taus)
    out << ',' << tau_column(tau);
  out << '\n';
  for (const ForecastSet& set : sets) {
    std::vector<int> column(taus.size(), -1);
    for (std::size_t t = 0; t < taus.size(); ++t) {
      for (std::size_t k = 0; k < set.taus.size(); ++k)
        if (set.taus[k] == taus[t])
          column[t] = static_cast<int>(k);
    }
    for (std::size_t r = 0; r < set.replications; ++r) {
      for (std::size_t q = 0; q < set.quarters; ++q) {
        for (std::size_t w = 0; w < set.weeks; ++w) {
          const std::size_t c = set.cell(r, q, w);
          if (std::isnan(set.point[c]))
            continue;  // the model made no forecast: no row
          out << set.model << ',' << r << ',' << q << ',' << w << ',' << exact(set.point[c]);
          for (std::size_t t = 0; t < taus.size(); ++t) {
            out << ',';
            if (column[t] >= 0)
              out << exact(set.quantiles[static_cast<std::size_t>(column[t])][c]);
          }
          out << '\n';
        }
      }
    }
  }
}

ForecastSet read_forecasts_csv(const std::string& text, const std::string& source,
                               const std::string& model, std::size_t replications,
                               std::size_t quarters, std::size_t weeks) {
  const auto fail = [&](int line, int column, const std::string& key, const std::string& message) {
    throw Error(ErrorKind::input, message, ErrorLocation{source, line, column, key});
  };
  // Splits a line into fields, with each field's 1-based column.
  struct Field {
    std::string_view text;
    int column;
  };
  const auto split = [](std::string_view line) {
    std::vector<Field> fields;
    std::size_t start = 0;
    while (true) {
      const std::size_t comma = line.find(',', start);
      const std::size_t end = comma == std::string_view::npos ? line.size() : comma;
      fields.push_back({line.substr(start, end - start), static_cast<int>(start + 1)});
      if (comma == std::string_view::npos)
        break;
      start = comma + 1;
    }
    return fields;
  };
  std::vector<std::string_view> lines;
  {
    std::string_view rest(text);
    while (!rest.empty()) {
      const std::size_t newline = rest.find('\n');
      std::string_view line = rest.substr(0, newline);
      if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
      lines.push_back(line);
      if (newline == std::string_view::npos)
        break;
      rest.remove_prefix(newline + 1);
    }
  }
  if (lines.empty() || lines.front().empty())
    fail(1, 1, "", "no header: the first line must be replication,quarter,week,forecast");
  std::string_view header = lines.front();
  if (header.substr(0, 3) == "\xEF\xBB\xBF")
    header.remove_prefix(3);  // a byte-order mark, as spreadsheets write
  const std::vector<Field> columns = split(header);
  const char* required[] = {"replication", "quarter", "week", "forecast"};
  if (!columns.empty() && columns[0].text == "model")
    fail(1, 1, "model",
         "a column 'model': an outside model's file has no model column (keep one model's rows "
         "of an --export-forecasts file and drop the column)");
  for (std::size_t i = 0; i < 4; ++i) {
    if (columns.size() <= i || columns[i].text != required[i])
      fail(1, i < columns.size() ? columns[i].column : static_cast<int>(header.size() + 1),
           i < columns.size() ? std::string(columns[i].text) : "",
           std::string("column ") + std::to_string(i + 1) + " must be '" + required[i] +
               "' (the columns are replication,quarter,week,forecast, then q<level> columns)");
  }
  ForecastSet set;
  set.model = model;
  set.replications = replications;
  set.quarters = quarters;
  set.weeks = weeks;
  const std::size_t cells = replications * quarters * weeks;
  set.point.assign(cells, std::nan(""));
  std::vector<double> taus;
  for (std::size_t i = 4; i < columns.size(); ++i) {
    const std::string_view name = columns[i].text;
    double tau = 0.0;
    const char* begin = name.data() + 1;
    const char* end = name.data() + name.size();
    const auto parsed = name.size() > 1 && name[0] == 'q' ? std::from_chars(begin, end, tau)
                                                          : std::from_chars_result{begin, {}};
    if (name.size() <= 1 || name[0] != 'q' || parsed.ec != std::errc() || parsed.ptr != end ||
        !(tau > 0.0 && tau < 1.0))
      fail(1, columns[i].column, std::string(name),
           "unknown column: after 'forecast' each column is a quantile q<level> with the level "
           "in (0, 1), e.g. q0.1");
    if (!taus.empty() && tau <= taus.back())
      fail(1, columns[i].column, std::string(name),
           "quantile columns must be in increasing order of level, each once");
    taus.push_back(tau);
  }
  std::vector<std::vector<double>> quantiles(taus.size(), std::vector<double>(cells, std::nan("")));
  std::vector<std::size_t> filled(taus.size(), 0);
  std::vector<int> first_line(cells, 0);
  std::size_t rows = 0;
  for (std::size_t l = 1; l < lines.size(); ++l) {
    const int line = static_cast<int>(l + 1);
    if (lines[l].empty()) {
      if (l + 1 == lines.size())
        break;  // the final newline
      fail(line, 1, "", "an empty line");
    }
    const std::vector<Field> fields = split(lines[l]);
    if (fields.size() != columns.size())
      fail(line, 1, "",
           "has " + std::to_string(fields.size()) + " fields, the header " +
               std::to_string(columns.size()));
    std::size_t index[3];
    const std::size_t limit[3] = {replications, quarters, weeks};
    for (int k = 0; k < 3; ++k) {
      const Field& f = fields[static_cast<std::size_t>(k)];
      std::uint64_t value = 0;
      const auto parsed = std::from_chars(f.text.data(), f.text.data() + f.text.size(), value);
      if (f.text.empty() || parsed.ec != std::errc() || parsed.ptr != f.text.data() + f.text.size())
        fail(line, f.column, required[k],
             "must be a 0-based integer, got '" + std::string(f.text) + "'");
      if (value >= limit[k])
        fail(line, f.column, required[k],
             "must be in 0.." + std::to_string(limit[k] - 1) +
                 " (0-based, as in the results file), got " + std::string(f.text));
      index[k] = static_cast<std::size_t>(value);
    }
    const std::size_t c = set.cell(index[0], index[1], index[2]);
    if (first_line[c] != 0)
      fail(line, 1, "",
           "repeats replication " + std::to_string(index[0]) + ", quarter " +
               std::to_string(index[1]) + ", week " + std::to_string(index[2]) + " of line " +
               std::to_string(first_line[c]));
    first_line[c] = line;
    const auto number = [&](const Field& f, const std::string& key) {
      double value = 0.0;
      const auto parsed = std::from_chars(f.text.data(), f.text.data() + f.text.size(), value);
      if (f.text.empty() || parsed.ec != std::errc() ||
          parsed.ptr != f.text.data() + f.text.size() || !std::isfinite(value))
        fail(line, f.column, key, "must be a finite number, got '" + std::string(f.text) + "'");
      return value;
    };
    set.point[c] = number(fields[3], "forecast");
    double previous = -INFINITY;
    for (std::size_t t = 0; t < taus.size(); ++t) {
      const Field& f = fields[4 + t];
      const std::string key(columns[4 + t].text);
      if (f.text.empty())
        continue;
      const double value = number(f, key);
      if (value < previous)
        fail(line, f.column, key,
             "a quantile below the level before it: quantiles must not decrease");
      previous = value;
      quantiles[t][c] = value;
      ++filled[t];
    }
    ++rows;
  }
  // Every cell once; a quantile column on every row or on none.
  if (rows != cells) {
    for (std::size_t c = 0; c < cells; ++c) {
      if (first_line[c] == 0) {
        const std::size_t r = c / (quarters * weeks), q = c / weeks % quarters, w = c % weeks;
        fail(static_cast<int>(lines.size()), 0, "",
             "no row for replication " + std::to_string(r) + ", quarter " + std::to_string(q) +
                 ", week " + std::to_string(w) + " (" + std::to_string(rows) + " rows of the " +
                 std::to_string(cells) + " the results file has: replications x quarters x weeks)");
      }
    }
  }
  for (std::size_t t = 0; t < taus.size(); ++t) {
    if (filled[t] == 0)
      continue;  // an empty column: no such quantile
    if (filled[t] != cells)
      fail(1, columns[4 + t].column, std::string(columns[4 + t].text),
           "empty on " + std::to_string(cells - filled[t]) +
               " rows: a quantile column is given on every row or on none");
    set.taus.push_back(taus[t]);
    set.quantiles.push_back(std::move(quantiles[t]));
  }
  return set;
}

PairedWeek paired_mape(const Matrix& actual, const ForecastSet& a, const ForecastSet& b,
                       std::size_t week) {
  std::vector<double> difference(a.replications, 0.0), truth(a.replications, 0.0);
  for (std::size_t r = 0; r < a.replications; ++r) {
    for (std::size_t q = 0; q < a.quarters; ++q) {
      const std::size_t c = a.cell(r, q, week);
      const double fa = a.point[c], fb = b.point[c];
      if (std::isnan(fa) || std::isnan(fb))
        continue;
      const double y = actual.at(r, q);
      difference[r] += std::abs(fa - y) - std::abs(fb - y);
      truth[r] += y;
    }
  }
  PairedWeek paired;
  paired.week = static_cast<int>(week);
  paired.trivial = week + 1 == a.weeks;
  paired.mape_difference = ratio_estimate(difference, truth);
  paired.verdict = verdict_of(paired.mape_difference);
  return paired;
}

AccuracyReport score_forecast_sets(const Matrix& actual, const std::vector<ForecastSet>& sets,
                                   const std::string& reference) {
  AccuracyReport report;
  report.reference = reference;
  report.replications = actual.rows;
  report.samples = actual.rows * actual.cols;
  const ForecastSet* reference_set = nullptr;
  for (const ForecastSet& set : sets)
    if (set.model == reference)
      reference_set = &set;
  for (const ForecastSet& set : sets) {
    if (set.replications != actual.rows || set.quarters != actual.cols)
      throw std::invalid_argument("score_forecast_sets: " + set.model +
                                  " does not have the results' replications and quarters");
    ModelAccuracy model{set.model, set.taus, {}, {}};
    const std::size_t n = set.replications;
    const std::size_t levels = set.taus.size();
    for (std::size_t w = 0; w < set.weeks; ++w) {
      std::vector<double> error(n, 0.0), absolute(n, 0.0), truth(n, 0.0), squares(n, 0.0),
          count(n, 0.0), hits(n, 0.0), positive(n, 0.0), covered(n, 0.0), crps(n, 0.0);
      std::vector<std::vector<double>> pinball(levels, std::vector<double>(n, 0.0));
      std::size_t forecasts = 0;
      for (std::size_t r = 0; r < n; ++r) {
        for (std::size_t q = 0; q < set.quarters; ++q) {
          const std::size_t c = set.cell(r, q, w);
          const double f = set.point[c];
          if (std::isnan(f))
            continue;  // not forecast: the model was off
          ++forecasts;
          const double y = actual.at(r, q);
          const double e = f - y;
          error[r] += e;
          absolute[r] += std::abs(e);
          truth[r] += y;
          squares[r] += e * e;
          count[r] += 1.0;
          if (y > 0.0) {
            positive[r] += 1.0;
            hits[r] += std::abs(e) <= 0.1 * y;
          }
          if (levels > 0) {
            // Inclusive, with a rounding margin: at a quarter's last week the interval is the
            // realized bookings, summed in another order than the actual.
            const double margin = 1e-9 * std::max(1.0, std::abs(y));
            covered[r] +=
                y >= set.quantiles.front()[c] - margin && y <= set.quantiles.back()[c] + margin;
            double sum = 0.0;
            for (std::size_t t = 0; t < levels; ++t) {
              const double loss = pinball_loss(set.taus[t], set.quantiles[t][c], y);
              pinball[t][r] += loss;
              sum += loss;
            }
            crps[r] += 2.0 * sum / static_cast<double>(levels);
          }
        }
      }
      if (forecasts == 0)
        continue;  // a model switched off
      WeekAccuracy score;
      score.week = static_cast<int>(w);
      score.trivial = w + 1 == set.weeks;
      score.bias = ratio_estimate(error, truth);
      score.mape = ratio_estimate(absolute, truth);
      const Estimate95 mse = ratio_estimate(squares, count);
      score.rmse = {std::sqrt(mse.value), std::sqrt(std::max(0.0, mse.low)),
                    std::sqrt(std::max(0.0, mse.high))};
      score.hit10 = ratio_estimate(hits, positive);
      for (std::size_t t = 0; t < levels; ++t)
        score.pinball.push_back(ratio_estimate(pinball[t], count));
      if (levels > 0) {
        score.crps = ratio_estimate(crps, count);
        score.coverage = ratio_estimate(covered, count);
      }
      model.weeks.push_back(score);
      if (reference_set && reference_set != &set && reference_set->weeks == set.weeks &&
          has_forecasts(*reference_set, w))
        model.versus.push_back(paired_mape(actual, set, *reference_set, w));
    }
    if (!model.weeks.empty())
      report.models.push_back(std::move(model));
  }
  return report;
}

Matrix read_actual_bookings(const ResultsReader& reader, const std::string& variant) {
  Matrix actual = reader.read_matrix(variant, "bookings");
  for (std::size_t r = 0; r < actual.rows; ++r) {
    for (std::size_t q = 0; q < actual.cols; ++q) {
      if (!std::isfinite(actual.at(r, q)))
        not_finite(variant, "bookings", actual.at(r, q), r, q);
    }
  }
  return actual;
}

AccuracyReport score_forecasts(const ResultsReader& reader, const std::string& variant) {
  const Matrix actual = read_actual_bookings(reader, variant);
  AccuracyReport report =
      score_forecast_sets(actual, read_run_forecasts(reader, variant), "simulation");
  report.variant = variant;
  return report;
}

}  // namespace funnelsim::analysis
