#pragma once
/// A scenario fitted to an opportunity history (`funnelsim calibrate`): per segment, the
/// cumulative stage win probabilities from the observed stage exits (opportunities still open
/// are censored, not lost), each stage's duration law (exponential, gamma or lognormal, by
/// maximum likelihood with right-censoring, chosen by AIC), stall limits where the history shows
/// stalled deals, the deal sizes as an empirical table and the share of existing customers; per
/// team, the prospecting rate, the skill spread and the headcount. Every fitted value comes with
/// its standard error and 95% interval.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "funnelsim/crm/history.hpp"
#include "funnelsim/sim/model.hpp"

namespace funnelsim::analysis::crm {

/// A fitted value, its standard error and 95% interval.
struct Estimate {
  double value = 0.0;
  double se = 0.0;
  double low = 0.0;
  double high = 0.0;
};

/// A duration law fitted to a stage's stays.
struct DurationFit {
  sim::DistributionKind kind = sim::DistributionKind::exponential;
  Estimate mean;    ///< days
  double cv = 1.0;  ///< coefficient of variation (1 for the exponential)
  double log_likelihood = 0.0;
  double aic[3] = {0.0, 0.0, 0.0};  ///< exponential, gamma, lognormal
};

struct StageFit {
  std::string name;
  std::size_t entered = 0;          ///< stays in the stage (new customers)
  std::size_t advanced = 0;         ///< left it forward (or won from it)
  std::size_t lost = 0;             ///< left it lost
  std::size_t censored = 0;         ///< still open, stalled or dropped: their outcome is unknown
  Estimate advance;                 ///< advanced / (advanced + lost)
  Estimate win_probability;         ///< cumulative: the product of advances from here on
  std::size_t complete_stays = 0;   ///< durations seen whole
  std::size_t censored_stays = 0;   ///< durations seen in part (open, stalled, dropped)
  double observed_mean_days = 0.0;  ///< mean of the whole durations alone
  DurationFit days;
  std::optional<double> stall_days;  ///< where stalled deals show a limit
  std::size_t stalled = 0;
};

struct DealSizeFit {
  std::size_t deals = 0;
  Estimate mean;  ///< 万
  double sd = 0.0;
  std::vector<sim::EmpiricalBucket> buckets;  ///< weight: the bucket's count
};

struct SegmentFit {
  std::string name;
  std::vector<StageFit> stages;
  DealSizeFit deal_size;
  std::size_t opportunities = 0;
  std::size_t existing = 0;
  Estimate existing_share;
  std::optional<Estimate> existing_win_probability;
};

struct TeamFit {
  std::string name;
  std::string segment;
  int headcount = 0;             ///< reps active in the last 13 weeks (of one world)
  std::size_t reps = 0;          ///< people seen over the history
  double rep_weeks = 0.0;        ///< weeks between each rep's first and last own prospect
  std::size_t prospected = 0;    ///< the reps' own new opportunities
  std::size_t from_sources = 0;  ///< opportunities from lead sources (not fitted)
  Estimate prospects_per_week;   ///< per rep
  double prospecting_cv = 0.0;
  double win_cv = 0.0;
  double deal_size_cv = 0.0;
  double bookings_per_rep_quarter = 0.0;  ///< 万, from the history's won deals
};

struct Calibration {
  std::vector<SegmentFit> segments;
  std::vector<TeamFit> teams;
  double start = 0.0;  ///< the first opportunity's creation
  double end = 0.0;    ///< the history's end: open stays are censored here
  std::size_t opportunities = 0;
};

struct CalibrateOptions {
  std::size_t min_closed = 10;  ///< closed exits a stage needs for a fit
  std::size_t max_buckets = 10;
};

/// Fits the history. Throws funnelsim::Error (kind input) naming each stage that has too few
/// closed opportunities for a fit.
Calibration calibrate(const History& history, const CalibrateOptions& options = {});

/// The fitted scenario, commented with each value's standard error and 95% interval;
/// `funnelsim validate` accepts it.
std::string calibration_yaml(const Calibration& fit, const std::string& name,
                             const std::string& source);
/// The fit report: observed against fitted (stage conversion, durations, deal sizes).
std::string calibration_text(const Calibration& fit, const std::string& source);
std::string calibration_html(const Calibration& fit, const std::string& source);
std::string calibration_json(const Calibration& fit, const std::string& source);

/// The regularized upper incomplete gamma function Q(a, x) (for censored gamma durations).
double gamma_q(double a, double x);

}  // namespace funnelsim::analysis::crm
