#include "funnelsim/report/forecast_accuracy.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "funnelsim/forecast/forecast_benchmark.hpp"
#include "funnelsim/results/results_values.hpp"

namespace funnelsim::analysis {

namespace {

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

}  // namespace

double pinball_loss(double q, double predicted, double actual) {
  const double error = actual - predicted;
  return error >= 0.0 ? q * error : (q - 1.0) * error;
}

AccuracyReport score_forecasts(const ResultsReader& reader, const std::string& variant) {
  const Matrix actual = reader.read_matrix(variant, "bookings");
  const auto series = [&](std::string_view name) {
    return reader.read_array(variant, "forecast/" + std::string(name));
  };
  AccuracyReport report;
  report.variant = variant;
  report.samples = actual.rows * actual.cols;
  for (std::size_t r = 0; r < actual.rows; ++r) {
    for (std::size_t q = 0; q < actual.cols; ++q) {
      if (!std::isfinite(actual.at(r, q)))
        not_finite(variant, "bookings", actual.at(r, q), r, q);
    }
  }
  const Array low = series("simulation_p10");
  const Array high = series("simulation_p90");
  check_shape(low, actual, variant, "forecast/simulation_p10");
  check_shape(high, actual, variant, "forecast/simulation_p90");
  for (std::size_t m = 0; m < 4; ++m) {
    const Array forecast = series(FORECAST_SERIES[m].name);
    const std::string dataset = "forecast/" + std::string(FORECAST_SERIES[m].name);
    check_shape(forecast, actual, variant, dataset);
    const std::size_t replications = forecast.shape.at(0);
    const std::size_t quarters = forecast.shape.at(1);
    const std::size_t weeks = forecast.shape.at(2);
    ModelAccuracy model{std::string(FORECAST_SERIES[m].name), {}};
    const bool simulation = FORECAST_SERIES[m].name == "simulation";
    for (std::size_t w = 0; w < weeks; ++w) {
      WeekAccuracy score;
      score.week = static_cast<int>(w + 1);
      double error_sum = 0.0, squares = 0.0, actual_sum = 0.0, ape = 0.0, inside = 0.0;
      double covered = 0.0, pinball = 0.0;
      std::size_t n = 0, positive = 0;
      for (std::size_t r = 0; r < replications; ++r) {
        for (std::size_t q = 0; q < quarters; ++q) {
          const std::size_t cell = (r * quarters + q) * weeks + w;
          const double f = forecast.values[cell];
          if (std::isnan(f))
            continue;  // not forecast: the model was off, or had no figure that week
          if (!std::isfinite(f))
            not_finite(variant, dataset, f, r, q);
          if (simulation) {
            if (!std::isfinite(low.values[cell]))
              not_finite(variant, "forecast/simulation_p10", low.values[cell], r, q);
            if (!std::isfinite(high.values[cell]))
              not_finite(variant, "forecast/simulation_p90", high.values[cell], r, q);
          }
          const double y = actual.at(r, q);
          const double e = f - y;
          ++n;
          error_sum += e;
          squares += e * e;
          actual_sum += y;
          if (y > 0.0) {
            ++positive;
            ape += std::abs(e) / y;
            inside += std::abs(e) <= 0.1 * y;
          }
          if (simulation) {
            // Inclusive, with a rounding margin: at a quarter's last week the interval is the
            // realized bookings, summed in another order than the actual.
            const double margin = 1e-9 * std::max(1.0, std::abs(y));
            covered += y >= low.values[cell] - margin && y <= high.values[cell] + margin;
            pinball += 0.5 * (pinball_loss(0.1, low.values[cell], y) +
                              pinball_loss(0.9, high.values[cell], y));
          }
        }
      }
      if (n == 0)
        continue;  // a model switched off
      score.bias = error_sum / n;
      score.relative_bias = actual_sum > 0.0 ? error_sum / actual_sum : 0.0;
      score.rmse = std::sqrt(squares / n);
      score.mape = positive > 0 ? ape / positive : 0.0;
      score.within_10 = positive > 0 ? inside / positive : 0.0;
      if (simulation) {
        score.coverage = covered / n;
        score.pinball = pinball / n;
      }
      model.weeks.push_back(score);
    }
    if (!model.weeks.empty())
      report.models.push_back(model);
  }
  return report;
}

}  // namespace funnelsim::analysis
