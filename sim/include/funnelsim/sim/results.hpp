#pragma once
/// What one replication of the model produces, in flat arrays that a results sink copies
/// into its own storage (an HDF5 file, a test's accumulators).

#include <cstddef>
#include <cstdint>
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

/// Outcomes of one replication. Only measured quarters and weeks are recorded.
struct ReplicationResult {
  std::vector<double> bookings;      ///< [quarter], 万, whole organisation
  std::vector<std::int64_t> wins;    ///< [quarter]
  std::vector<double> rep_bookings;  ///< [rep][quarter], 万
  std::vector<SegmentResult> segments;
  /// Filled by a ReplicationHook (the engine leaves it empty); its layout is the hook's.
  std::vector<double> derived;
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
