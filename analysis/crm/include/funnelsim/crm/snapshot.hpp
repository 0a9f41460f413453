#pragma once
/// The funnel snapshot a history gives on a day: the open opportunities by stage (counts and
/// amounts) at the end of the day, what is booked so far in its quarter, and the reps' calls
/// where the history has forecast categories, as the YAML that `funnelsim forecast` reads.

#include <optional>
#include <string>
#include <vector>

#include "funnelsim/crm/history.hpp"
#include "funnelsim/forecast/snapshot.hpp"

namespace funnelsim::sim {
struct Model;
}

namespace funnelsim::analysis::crm {

struct SnapshotRequest {
  double as_of = 0.0;   ///< the day (days since 1970-01-01); the snapshot is at its end
  std::string segment;  ///< empty: the history's only segment
  std::string world;    ///< empty: the history's only world
  std::optional<double> quota;
  std::optional<double> quarter_start;   ///< empty: funnelsim's 13-week quarters, or the calendar's
  const sim::Model* scenario = nullptr;  ///< stage probabilities and the quota, when given
};

struct HistorySnapshot {
  Snapshot snapshot;
  std::string segment;
  double quarter_start = 0.0;
  double quarter_end = 0.0;
  double as_of = 0.0;        ///< the time the funnel is counted at: the end of the as-of day
  std::string quota_source;  ///< where the quota comes from, for the YAML's comment
};

/// Throws funnelsim::Error (kind usage) when the request does not fit the history.
HistorySnapshot take_snapshot(const History& history, const SnapshotRequest& request);

/// The YAML `funnelsim forecast` reads, with comments that say where it comes from.
std::string snapshot_yaml(const HistorySnapshot& snapshot, const std::string& source);

}  // namespace funnelsim::analysis::crm
