#pragma once
// Small hand-built models for the engine's tests: pure funnel arithmetic unless a test turns
// a feature on.

#include <string>
#include <vector>

#include "funnelsim/sim/model.hpp"

namespace funnelsim::testing {

/// One segment "small" with the given cumulative stage probabilities and fixed 7-day stages,
/// one team "territory" of `headcount` reps prospecting `prospects_per_week` each, fixed deal
/// size `deal_size`. Warm-up 8 weeks (longer than the whole cycle), `quarters` of 13 weeks.
inline sim::Model funnel_model(double prospects_per_week,
                               std::vector<double> probabilities = {0.20, 0.35, 0.70},
                               int headcount = 1, double deal_size = 2.0, int quarters = 2) {
  sim::Model model;
  model.name = "test";
  model.calendar.weeks_per_quarter = 13;
  model.calendar.quarters = quarters;
  model.calendar.warmup_weeks = 8;
  sim::Segment segment;
  segment.name = "small";
  const char* names[] = {"intent", "solution", "negotiation", "fourth", "fifth", "sixth"};
  for (std::size_t i = 0; i < probabilities.size(); ++i) {
    segment.stages.push_back(sim::Stage{names[i], probabilities[i], sim::Distribution::fixed(7.0)});
  }
  segment.deal_size = sim::Distribution::fixed(deal_size);
  model.segments.push_back(segment);
  sim::Team team;
  team.name = "territory";
  team.segment = 0;
  team.headcount = headcount;
  team.prospects_per_week = prospects_per_week;
  team.quota_per_quarter.assign(static_cast<std::size_t>(quarters), 20.0);
  model.teams.push_back(team);
  model.quota.assign(static_cast<std::size_t>(quarters), 20.0 * headcount);
  return model;
}

}  // namespace funnelsim::testing
