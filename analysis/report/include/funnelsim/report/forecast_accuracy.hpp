#pragma once
/// How accurate each forecast model is at each week of the quarter, scored against the
/// simulated truth recorded in a results file.

#include <string>
#include <vector>

#include "funnelsim/results/results_file.hpp"

namespace funnelsim::analysis {

/// Scores of one model at one week of the quarter, over every replication and quarter.
struct WeekAccuracy {
  int week = 0;                ///< 1-based week of the quarter whose end the forecast is made at
  double bias = 0.0;           ///< mean(forecast - actual), 万
  double relative_bias = 0.0;  ///< bias / mean(actual)
  double mape = 0.0;           ///< mean |forecast - actual| / actual, over actual > 0
  double rmse = 0.0;           ///< 万
  double within_10 = 0.0;      ///< share of forecasts within ±10% of the actual
  double coverage = -1.0;      ///< simulation: share of actuals inside [P10, P90]; -1 otherwise
  double pinball = -1.0;       ///< simulation: mean pinball loss of P10 and P90, 万; -1 otherwise
};

struct ModelAccuracy {
  std::string model;  ///< funnel, commit, run_rate, simulation
  std::vector<WeekAccuracy> weeks;
};

struct AccuracyReport {
  std::string variant;
  std::size_t samples = 0;  ///< replications x quarters behind each score
  std::vector<ModelAccuracy> models;
};

/// Scores the forecasts stored in `variant` of a results file. Throws ResultsError when the
/// file holds no forecasts (written by a version that did not record them).
AccuracyReport score_forecasts(const ResultsReader& reader, const std::string& variant);

/// Pinball (quantile) loss of predicting quantile `q` as `predicted` when `actual` happened.
double pinball_loss(double q, double predicted, double actual);

}  // namespace funnelsim::analysis
