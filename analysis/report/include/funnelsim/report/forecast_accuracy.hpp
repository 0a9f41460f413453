#pragma once
/// How accurate each forecast model is at each week of the quarter, scored against the
/// simulated truth recorded in a results file: the run's own models and any model an analyst
/// brings as CSV, on the same truth, with 95% intervals and a paired comparison.
///
/// Indices are 0-based throughout (replication, quarter, week of the quarter), as in the
/// results file (analysis/RESULTS.md, "Numbering").

#include <cstddef>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "funnelsim/results/results_file.hpp"

namespace funnelsim::analysis {

/// One model's forecasts of every quarter's bookings at the end of every week of it, laid out
/// [replication][quarter][week]; NaN where the model made none (switched off).
struct ForecastSet {
  std::string model;
  std::size_t replications = 0;
  std::size_t quarters = 0;
  std::size_t weeks = 0;
  std::vector<double> point;
  std::vector<double> taus;                    ///< quantile levels, increasing, in (0, 1)
  std::vector<std::vector<double>> quantiles;  ///< [tau] -> values laid out as `point`

  std::size_t cell(std::size_t r, std::size_t q, std::size_t w) const {
    return (r * quarters + q) * weeks + w;
  }
};

/// The run's forecast models stored in `variant` (funnel, commit, run_rate, simulation), each
/// with the quantile series stored beside it (`<model>_pNN` is the quantile NN/100), checked
/// against the shape of `bookings`. Throws ResultsError when the file holds no forecasts.
std::vector<ForecastSet> read_run_forecasts(const ResultsReader& reader,
                                            const std::string& variant);

/// Writes `sets` as CSV: `model,replication,quarter,week,forecast`, then one column `q<τ>` per
/// quantile level any set has (`q0.1,q0.5,q0.9`), empty where a set has none or made no
/// forecast. Numbers are written so that reading them back gives the same doubles.
void write_forecasts_csv(std::ostream& out, const std::vector<ForecastSet>& sets);

/// Reads an outside model's forecasts from CSV text in the same format without `model`:
/// `replication,quarter,week,forecast[,q<τ>...]`, one row per replication, quarter and week of
/// the results file (`replications` x `quarters` x `weeks`, 0-based), in any order. A quantile
/// column that is empty on every row is absent. Throws ResultsError naming `source`, the line,
/// the column and what is wrong (a missing or repeated row, an index out of range, a value that
/// is not a finite number, quantiles that decrease).
ForecastSet read_forecasts_csv(const std::string& text, const std::string& source,
                               const std::string& model, std::size_t replications,
                               std::size_t quarters, std::size_t weeks);

/// A score and its 95% interval.
struct Estimate95 {
  double value = 0.0;
  double low = 0.0;
  double high = 0.0;
};

/// Scores of one model at one week of the quarter, over every replication and quarter. Ratio
/// scores are ratios of sums over all quarters; intervals treat replications as the
/// independent units (a replication's quarters share its history): a ratio's by the delta
/// method, a mean's by the central limit theorem, both clustered by replication.
struct WeekAccuracy {
  int week = 0;          ///< 0-based week of the quarter whose end the forecast is made at
  bool trivial = false;  ///< the quarter's last week: every model knows the answer; not ranked
  Estimate95 bias;       ///< Σ (forecast − actual) ÷ Σ actual
  Estimate95 mape;       ///< Σ |forecast − actual| ÷ Σ actual (so |bias| <= MAPE)
  Estimate95 rmse;       ///< √ mean (forecast − actual)², 万
  Estimate95 hit10;      ///< share of forecasts within ±10% of the actual (actual > 0)
  std::vector<Estimate95> pinball;     ///< per quantile level: mean pinball loss, 万
  std::optional<Estimate95> crps;      ///< 2 × mean over the levels of the pinball loss, 万
  std::optional<Estimate95> coverage;  ///< share inside [lowest quantile, highest quantile]
};

/// One model against the reference model at one week: MAPE(model) − MAPE(reference), paired
/// on the same replications and quarters, with its 95% interval, and what it says.
struct PairedWeek {
  int week = 0;
  bool trivial = false;
  Estimate95 mape_difference;
  std::string verdict;  ///< "better" or "worse" when the interval excludes 0, else "tied"
};

struct ModelAccuracy {
  std::string model;
  std::vector<double> taus;  ///< the quantile levels scored (pinball has one entry per level)
  std::vector<WeekAccuracy> weeks;
  std::vector<PairedWeek> versus;  ///< against the reference; empty for the reference itself
};

struct AccuracyReport {
  std::string variant;
  std::string reference;  ///< the model the others are compared with
  std::size_t replications = 0;
  std::size_t samples = 0;  ///< replications x quarters behind each score
  std::vector<ModelAccuracy> models;
};

/// Scores `sets` against `actual` (replications x quarters). `reference` names the set the
/// others are paired with (empty: none). A set whose every forecast is NaN is left out; a
/// week where a set made no forecast is not scored.
AccuracyReport score_forecast_sets(const Matrix& actual, const std::vector<ForecastSet>& sets,
                                   const std::string& reference);

/// The quarters' bookings of `variant` (replications x quarters), the truth every model is
/// scored on; throws ResultsError naming the cell of a value that is not finite.
Matrix read_actual_bookings(const ResultsReader& reader, const std::string& variant);

/// The run's own models in `variant` of a results file, paired with the simulation model.
AccuracyReport score_forecasts(const ResultsReader& reader, const std::string& variant);

/// MAPE(a) − MAPE(b) at week `week`, paired; the verdict is a's against b's.
PairedWeek paired_mape(const Matrix& actual, const ForecastSet& a, const ForecastSet& b,
                       std::size_t week);

/// Pinball (quantile) loss of predicting quantile `q` as `predicted` when `actual` happened.
double pinball_loss(double q, double predicted, double actual);

}  // namespace funnelsim::analysis
