#include "funnelsim/sim/funnel_arithmetic.hpp"

#include <cmath>

namespace funnelsim::sim {

std::vector<TeamArithmetic> funnel_arithmetic(const Model& model) {
  constexpr double DAYS_PER_WEEK = 7.0;
  std::vector<TeamArithmetic> teams;
  for (std::size_t t = 0; t < model.teams.size(); ++t) {
    const Team& team = model.teams[t];
    const Segment& segment = model.segments[team.segment];
    TeamArithmetic arithmetic;

    double staffed = 1.0;
    if (team.attrition.annual_rate > 0.0) {
      const double tenure_years = 1.0 / team.attrition.annual_rate;
      staffed = tenure_years / (tenure_years + team.attrition.vacancy_weeks / 52.0);
    }
    arithmetic.leads_per_week = team.headcount * team.prospects_per_week * staffed;
    double referrals_per_win = 0.0;
    for (const LeadSource& source : model.sources) {
      if (source.team != t)
        continue;
      if (source.kind == LeadSourceKind::marketing && team.headcount > 0) {
        arithmetic.leads_per_week += source.leads_per_week;
      }
      if (source.kind == LeadSourceKind::referral)
        referrals_per_win += source.per_win;
    }

    const double first = segment.stages.front().win_probability;
    const double existing = segment.existing_share;
    arithmetic.win_rate = (1.0 - existing) * first + existing * segment.existing_win_probability;
    // Each win brings r referrals that win at the same rate: lambda w (1 + r w + (r w)^2 ...).
    const double branching = referrals_per_win * arithmetic.win_rate;
    const double total_leads =
        branching < 1.0 ? arithmetic.leads_per_week / (1.0 - branching) : INFINITY;
    arithmetic.wins_per_week = total_leads * arithmetic.win_rate;
    arithmetic.average_deal = segment.deal_size.expected_value();
    arithmetic.bookings_per_week = arithmetic.wins_per_week * arithmetic.average_deal;

    // Existing customers' stage probabilities are p(i)^k with p(first)^k = their win rate.
    const double exponent = segment.existing_exponent();
    for (const Stage& stage : segment.stages) {
      const double reach_new = first / stage.win_probability;
      const double reach_existing = std::pow(reach_new, exponent);
      const double entering =
          total_leads * ((1.0 - existing) * reach_new + existing * reach_existing);
      arithmetic.standard_funnel.push_back(entering * stage.days.expected_value() / DAYS_PER_WEEK);
    }
    teams.push_back(arithmetic);
  }
  return teams;
}

}  // namespace funnelsim::sim
