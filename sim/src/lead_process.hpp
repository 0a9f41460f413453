#pragma once
/// A territory's prospecting: a Poisson process of rate lambda(t) = standard x skill x ramp(t)
/// leads a week (0 while vacant), built by thinning a unit-rate Poisson process on
/// time x level. "Chunk" j holds the points whose level lies in [j, j + 1), each a rate-1
/// process in time (points per week) with uniform levels, and a point is a lead when its level
/// is below lambda(t). Raising a rate therefore keeps every existing lead (same chunk, same
/// index, same streams) and adds new ones: the common random numbers that variant comparisons
/// need. Chunks are keyed by territory, not by rep, so a replacement keeps the territory's
/// points.

#include <boost/random/exponential_distribution.hpp>
#include <cstdint>
#include <vector>

#include "funnelsim/sim/model.hpp"
#include "funnelsim/sim/random.hpp"
#include "timeline.hpp"

namespace funnelsim::sim::engine {

/// One Poisson chunk of a territory's lead process.
struct Chunk {
  RandomStream stream;
  std::uint32_t points = 0;  ///< points drawn so far: the index of the next one
  double level = 0.0;        ///< level of the pending point, in [chunk, chunk + 1)
  double next = 0.0;         ///< day of the pending point
};

/// The prospecting rate at day `t` (leads a week) of a rep of `team` with prospecting skill
/// `skill`, hired at day `hired_at`.
inline double lead_rate(const Team& team, double skill, double hired_at, double t) {
  double rate = team.prospects_per_week * skill;
  if (team.ramp.weeks > 0.0) {
    const double tenure_weeks = (t - hired_at) / DAYS_PER_WEEK;
    if (tenure_weeks < team.ramp.weeks) {
      rate *= team.ramp.start + (1.0 - team.ramp.start) * tenure_weeks / team.ramp.weeks;
    }
  }
  return rate;
}

/// A territory's chunks: as many as its fastest rep so far needs.
class LeadProcess {
 public:
  /// A point taken from a chunk.
  struct Point {
    double day = 0.0;
    std::uint32_t index = 0;  ///< in its chunk: 0, 1, ...
    double level = 0.0;
  };

  std::uint32_t chunks() const { return static_cast<std::uint32_t>(chunks_.size()); }
  /// Day of chunk c's pending point.
  double next(std::uint32_t c) const { return chunks_[c].next; }

  /// Adds chunks until there are `needed` (a faster rep needs more), each keyed by the
  /// territory (team hash, slot) and its number. A chunk added after day 0 replays its points
  /// up to `now`, so its leads do not depend on when it was added.
  void grow(std::size_t needed, const RoundKeys& keys, std::uint64_t team_hash, std::uint32_t slot,
            double now) {
    while (chunks_.size() < needed) {
      const auto number = static_cast<std::uint32_t>(chunks_.size());
      const EntityKey key{team_hash, (static_cast<std::uint64_t>(slot) << 32) | number};
      chunks_.push_back(Chunk{RandomStream(keys, key, Purpose::lead_arrivals)});
      Chunk& added = chunks_.back();
      added.next = next_point(added, number, 0.0);
      while (added.next < now) {
        ++added.points;
        added.next = next_point(added, number, added.next);
      }
    }
  }

  /// Takes chunk c's pending point (the caller thins it: a lead if its level is below the rate
  /// at its day) and draws the next.
  Point take(std::uint32_t c) {
    Chunk& chunk = chunks_[c];
    const Point point{chunk.next, chunk.points++, chunk.level};
    chunk.next = next_point(chunk, c, chunk.next);
    return point;
  }

 private:
  /// Draws the chunk's next point after `t`: its time (returned) and level.
  static double next_point(Chunk& chunk, std::uint32_t number, double t) {
    const double gap_weeks = boost::random::exponential_distribution<double>(1.0)(chunk.stream);
    chunk.level = number + chunk.stream.uniform01();
    return t + gap_weeks * DAYS_PER_WEEK;
  }

  std::vector<Chunk> chunks_;
};

}  // namespace funnelsim::sim::engine
