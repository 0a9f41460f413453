#pragma once
/// What one replication of the model produces, in flat arrays that a results sink copies
/// into its own storage (an HDF5 file, a test's accumulators).

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "funnelsim/sim/model.hpp"

namespace funnelsim::sim {

/// The dimensions of every replication's arrays, fixed by the model.
struct ResultShape {
  int quarters = 0;
  int weeks = 0;  ///< measured weeks
  int reps = 0;
  std::vector<int> stages_per_segment;

  explicit ResultShape(const Model& model);
  ResultShape() = default;
};

/// Outcomes of one segment in one replication. Flat row-major arrays.
struct SegmentResult {
  std::vector<double> bookings;            ///< [quarter], 万 won
  std::vector<std::int64_t> wins;          ///< [quarter]
  std::vector<std::int64_t> leads;         ///< [quarter], opportunities entering stage 1
  std::vector<std::int64_t> funnel_count;  ///< [week][stage], open at the week's end
  std::vector<double> funnel_amount;       ///< [week][stage], 万 open at the week's end
  std::vector<double> realized;            ///< [week], 万 won so far in the week's quarter
  std::vector<double> calls_committed;     ///< [week], 万 the reps call committed for the quarter
  std::vector<double> calls_possible;      ///< [week], 万 the reps call possible for the quarter
  std::uint64_t opportunities = 0;         ///< created over the whole run, warm-up included
  std::uint64_t stage_entries = 0;         ///< likewise; with the above, what the RNG floor draws
};

/// The values a series holds in one replication, outermost dimension first.
enum class Extent {
  quarter,       ///< [quarter]
  week,          ///< [week], measured weeks
  week_stage,    ///< [week][stage]
  quarter_week,  ///< [quarter][week of quarter]
  rep_quarter,   ///< [rep][quarter]
};

/// Values of `extent` in one replication (`stages`: the segment's, for week_stage).
inline std::size_t values_in(Extent extent, const ResultShape& shape, std::size_t stages = 0) {
  const auto quarters = static_cast<std::size_t>(shape.quarters);
  const auto weeks = static_cast<std::size_t>(shape.weeks);
  switch (extent) {
    case Extent::quarter:
      return quarters;
    case Extent::week:
    case Extent::quarter_week:
      return weeks;
    case Extent::week_stage:
      return weeks * stages;
    case Extent::rep_quarter:
      break;
  }
  return static_cast<std::size_t>(shape.reps) * quarters;
}

/// What a series is, for whoever stores or documents it.
struct SeriesInfo {
  std::string_view name;
  Extent extent;
  std::string_view units;  ///< "万", "deals", "opportunities"
  std::string_view description;
};

/// One series of SegmentResult: exactly one of the two members is set.
struct SegmentSeries {
  SeriesInfo info;
  std::vector<double> SegmentResult::*amounts = nullptr;
  std::vector<std::int64_t> SegmentResult::*counts = nullptr;
};

/// Every per-segment series, in the order the results file stores them: the one list that the
/// reset below, the results sink, the reader and the merge go through.
inline constexpr std::array<SegmentSeries, 8> SEGMENT_SERIES{{
    {{"bookings", Extent::quarter, "万", "Bookings (amounts of deals won) of this segment."},
     &SegmentResult::bookings},
    {{"wins", Extent::quarter, "deals", "Deals of this segment won."},
     nullptr,
     &SegmentResult::wins},
    {{"leads", Extent::quarter, "opportunities",
      "Opportunities of this segment entering its first stage."},
     nullptr,
     &SegmentResult::leads},
    {{"funnel_count", Extent::week_stage, "opportunities",
      "Open opportunities in each stage at the end of each measured week."},
     nullptr,
     &SegmentResult::funnel_count},
    {{"funnel_amount", Extent::week_stage, "万",
      "Deal amounts of the open opportunities in each stage at the end of each measured week."},
     &SegmentResult::funnel_amount},
    {{"realized", Extent::week, "万",
      "Bookings of the week's quarter so far, at each measured week's end."},
     &SegmentResult::realized},
    {{"calls_committed", Extent::week, "万",
      "Open deals the reps call committed for the week's quarter, at each measured week's end "
      "(scenario key calls)."},
     &SegmentResult::calls_committed},
    {{"calls_possible", Extent::week, "万",
      "Open deals the reps call possible for the week's quarter, at each measured week's end."},
     &SegmentResult::calls_possible},
}};

/// Outcomes of one replication. Only measured quarters and weeks are recorded.
struct ReplicationResult {
  std::vector<double> bookings;      ///< [quarter], 万, whole organisation
  std::vector<std::int64_t> wins;    ///< [quarter]
  std::vector<double> rep_bookings;  ///< [rep][quarter], 万
  std::vector<SegmentResult> segments;
  /// Filled by a ReplicationHook (the engine leaves it empty): one array per series the hook
  /// declares (a list of SeriesInfo it owns), in that list's order, each of its extent.
  std::vector<std::vector<double>> derived;
  /// The model's discrete events (accepted leads, stage ends, stalls, referral starts, hires,
  /// leaves, week ends), warm-up included, whether queued or drawn with a path.
  std::uint64_t events = 0;
  std::uint64_t leads_resolved = 0;  ///< opportunities that reached an outcome
  std::uint64_t lead_points = 0;     ///< Poisson points drawn, thinned-out ones included
  /// Referral streams opened: one a win and referral source, each drawing a Poisson count
  /// (for the RNG floor, as lead_points and the segments' counts).
  std::uint64_t referral_streams = 0;

  /// Sizes every array for `shape` and zeroes it.
  void reset(const ResultShape& shape);
};

}  // namespace funnelsim::sim
