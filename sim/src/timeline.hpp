#pragma once
/// The replication's clock in the model's units: days since the start (warm-up included),
/// the week ends that snapshot the funnel, and the measured quarters that bookings and calls
/// fall in. Pure arithmetic on a Calendar, shared by the parts of the engine.

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "funnelsim/sim/model.hpp"

namespace funnelsim::sim::engine {

constexpr double DAYS_PER_WEEK = 7.0;
constexpr double DAYS_PER_YEAR = 52.0 * DAYS_PER_WEEK;
/// Funnel amounts are summed in fixed point (1e-6 万 = 0.01 RMB) so that adding and removing
/// opportunities leaves exact totals, with no drift below zero.
constexpr double AMOUNT_SCALE = 1e6;

struct Timeline {
  explicit Timeline(const Calendar& calendar)
      : measured_start(calendar.warmup_weeks * DAYS_PER_WEEK),
        quarter_days(calendar.weeks_per_quarter * DAYS_PER_WEEK),
        per_quarter_day(1.0 / quarter_days),
        end(calendar.total_weeks() * DAYS_PER_WEEK),
        total_weeks(calendar.total_weeks()),
        quarters(calendar.quarters) {}

  double measured_start;   ///< day the measured quarters begin
  double quarter_days;     ///< days in a quarter
  double per_quarter_day;  ///< 1 / quarter_days
  double end;              ///< day the run ends
  int total_weeks;         ///< warm-up and measured
  int quarters;            ///< measured quarters

  /// Measured quarter of time `t`, or -1 during warm-up.
  int quarter_of(double t) const {
    if (t < measured_start)
      return -1;
    const int quarter = static_cast<int>((t - measured_start) / quarter_days);
    return quarter < quarters ? quarter : quarters - 1;
  }

  /// The measured quarter a deal expected to close at day `t` is due in: 0 also for those
  /// due before, `quarters` for those due after.
  std::uint16_t due_quarter(double t) const {
    const double quarter = floor_quotient(t - measured_start, quarter_days, per_quarter_day);
    return static_cast<std::uint16_t>(std::clamp(quarter, 0.0, static_cast<double>(quarters)));
  }

  /// The first week whose end comes after `t` (days), at most total + 1. Week w ends at day 7w,
  /// and an opportunity that enters a stage at a week's end is seen there only after the
  /// snapshot, one that leaves at it still before: it is in the stage at the ends of weeks
  /// week_after(entered) ... week_after(left) - 1.
  int week_after(double t) const {
    if (!(t < end))
      return total_weeks + 1;
    int week = static_cast<int>(t * (1.0 / DAYS_PER_WEEK)) + 1;
    // t x (1/7) is rounded: settle the week by exact comparisons with its end.
    if ((week - 1) * DAYS_PER_WEEK > t)
      --week;
    else if (week * DAYS_PER_WEEK <= t)
      ++week;
    return week;
  }

  /// floor(x / divisor), exactly as the division gives it, mostly without dividing (a division
  /// a stage entry was 4% of the run): x times the reciprocal is within a few ulps of the
  /// quotient, which decides the floor unless the product lies that close to an integer;
  /// there, and only there, the division settles it.
  static double floor_quotient(double x, double divisor, double reciprocal) {
    const double y = x * reciprocal;
    const double whole = std::floor(y);
    const double margin = 1e-12 * (1.0 + std::abs(y));
    if (y - whole > margin && y - whole < 1.0 - margin)
      return whole;
    return std::floor(x / divisor);
  }
};

}  // namespace funnelsim::sim::engine
