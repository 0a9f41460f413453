#pragma once
/// The funnel arithmetic a sales manager does on a whiteboard (playbook §2), computed from a
/// model: what the simulation's means should be for a stationary funnel.

#include <vector>

#include "funnelsim/sim/model.hpp"

namespace funnelsim::sim {

struct TeamArithmetic {
  double leads_per_week = 0.0;          ///< prospecting and marketing leads, staffed territories
  double win_rate = 0.0;                ///< overall, new and existing customers mixed
  double wins_per_week = 0.0;           ///< referrals included (a branching process)
  double average_deal = 0.0;            ///< 万
  double bookings_per_week = 0.0;       ///< 万
  std::vector<double> standard_funnel;  ///< open opportunities per stage (Little's law)
};

/// Stationary means per team. Exact for the pure funnel; ramp-up and stalls are ignored, and
/// attrition enters as the long-run share of staffed territories.
std::vector<TeamArithmetic> funnel_arithmetic(const Model& model);

}  // namespace funnelsim::sim
