#include <algorithm>
#include <utility>

#include "readers.hpp"

namespace funnelsim::scenarios::detail {
namespace {

/// A number, or a list of numbers cycled over the measured quarters (entry q % length).
std::vector<double> read_quarterly(const Field& field, const Range& range,
                                   const sim::Calendar& calendar) {
  std::vector<double> entries;
  if (field.node().IsSequence()) {
    for (const Field& item : field.non_empty_items()) {
      entries.push_back(item.number(range));
    }
  } else if (field.node().IsScalar()) {
    entries.push_back(field.number(range));
  } else {
    field.fail("must be a number or a list of numbers, got " + field.describe());
  }
  std::vector<double> per_quarter;
  for (int quarter = 0; quarter < calendar.quarters; ++quarter) {
    per_quarter.push_back(entries[static_cast<std::size_t>(quarter) % entries.size()]);
  }
  return per_quarter;
}

sim::Skill read_skill(const Field& field) {
  field.check_keys({"prospecting_cv", "win_cv", "deal_size_cv"}, "skill");
  sim::Skill skill;
  if (const auto cv = field.get("prospecting_cv")) {
    skill.prospecting_cv = cv->number({0.0, MAX_CV});
  }
  if (const auto cv = field.get("win_cv")) {
    skill.win_cv = cv->number({0.0, MAX_CV});
  }
  if (const auto cv = field.get("deal_size_cv")) {
    skill.deal_size_cv = cv->number({0.0, MAX_CV});
  }
  return skill;
}

sim::Ramp read_ramp(const Field& field) {
  field.check_keys({"weeks", "start"}, "ramp");
  sim::Ramp ramp;
  ramp.weeks = field.at("weeks").number({0.0, MAX_WEEKS});
  if (const auto start = field.get("start")) {
    ramp.start = start->number(Range::probability());
  }
  return ramp;
}

sim::Attrition read_attrition(const Field& field) {
  field.check_keys({"annual_rate", "vacancy_weeks", "open_opportunities"}, "attrition");
  sim::Attrition attrition;
  // A rate of 100 a year is a leaver every 3.7 days a seat; a positive rate below 1e-6 would
  // make the tenure, 1 / rate, overflow the staffing arithmetic.
  const Field rate = field.at("annual_rate");
  attrition.annual_rate = rate.number({0.0, MAX_ANNUAL_RATE});
  if (attrition.annual_rate > 0.0 && attrition.annual_rate < MIN_ANNUAL_RATE) {
    rate.fail("must be 0 or in [" + format_number(MIN_ANNUAL_RATE) + ", " +
              format_number(MAX_ANNUAL_RATE) + "], got " + rate.describe());
  }
  if (const auto weeks = field.get("vacancy_weeks")) {
    attrition.vacancy_weeks = weeks->number({0.0, MAX_WEEKS});
  }
  if (const auto open = field.get("open_opportunities")) {
    attrition.open_opportunities = open->choice({"lost", "reassigned"}) == "lost"
                                       ? sim::LeaverOpportunities::lost
                                       : sim::LeaverOpportunities::reassigned;
  }
  return attrition;
}

/// A non-empty list of multipliers in [0, MAX_SEASONAL] ((0, ...] when `positive`).
std::vector<double> read_multipliers(const Field& field, bool positive) {
  std::vector<double> multipliers;
  for (const Field& item : field.non_empty_items(400))
    multipliers.push_back(item.number({0.0, MAX_SEASONAL, positive, false}));
  return multipliers;
}

/// `seasonality: {prospecting: [...], win: [...]}`.
sim::Seasonality read_seasonality(const Field& field, const sim::Team& team) {
  field.check_keys({"prospecting", "win"}, "seasonality");
  sim::Seasonality seasonality;
  if (const auto prospecting = field.get("prospecting")) {
    seasonality.prospecting = read_multipliers(*prospecting, false);
    const double peak =
        *std::max_element(seasonality.prospecting.begin(), seasonality.prospecting.end());
    if (team.prospects_per_week * peak > MAX_RATE_PER_WEEK) {
      prospecting->fail("the busiest quarter's rate, " + format_number(team.prospects_per_week) +
                        " x " + format_number(peak) + " prospects a week, is above " +
                        format_number(MAX_RATE_PER_WEEK));
    }
  }
  if (const auto win = field.get("win"))
    seasonality.win = read_multipliers(*win, true);
  return seasonality;
}

/// `hires: [{week: W, count: N}]`, in order of week (a stable sort keeps the file's order
/// within a week). W is a measured week, counted from 1.
std::vector<sim::Hire> read_hires(const Field& field, const sim::Calendar& calendar) {
  std::vector<sim::Hire> hires;
  for (const Field& item : field.non_empty_items()) {
    item.check_keys({"week", "count"}, "a hire");
    sim::Hire hire;
    hire.week = item.at("week").integer(1, calendar.measured_weeks());
    hire.count = item.at("count").integer(1, MAX_HEADCOUNT);
    hires.push_back(hire);
  }
  std::stable_sort(hires.begin(), hires.end(),
                   [](const sim::Hire& a, const sim::Hire& b) { return a.week < b.week; });
  return hires;
}

/// `departures: [{week: W, count: N, who: random|top, open_opportunities: lost|reassigned}]`:
/// none may take more reps than the team has at its week (its hires of that week included).
std::vector<sim::Departure> read_departures(const Field& field, const sim::Team& team,
                                            const sim::Calendar& calendar) {
  std::vector<std::pair<sim::Departure, Field>> read;
  for (const Field& item : field.non_empty_items()) {
    item.check_keys({"week", "count", "who", "open_opportunities"}, "a departure");
    sim::Departure departure;
    departure.week = item.at("week").integer(1, calendar.measured_weeks());
    departure.count = item.at("count").integer(1, MAX_HEADCOUNT);
    if (const auto who = item.get("who"))
      departure.who =
          who->choice({"random", "top"}) == "top" ? sim::Leaver::top : sim::Leaver::random;
    if (const auto open = item.get("open_opportunities")) {
      departure.open_opportunities = open->choice({"lost", "reassigned"}) == "lost"
                                         ? sim::LeaverOpportunities::lost
                                         : sim::LeaverOpportunities::reassigned;
    }
    read.emplace_back(departure, item);
  }
  std::stable_sort(read.begin(), read.end(),
                   [](const auto& a, const auto& b) { return a.first.week < b.first.week; });
  std::vector<sim::Departure> departures;
  long left = team.headcount;
  std::size_t hired = 0;
  for (const auto& [departure, item] : read) {
    for (; hired < team.hires.size() && team.hires[hired].week <= departure.week; ++hired)
      left += team.hires[hired].count;
    if (departure.count > left) {
      item.at("count").fail(std::to_string(departure.count) + " cannot leave at week " +
                            std::to_string(departure.week) + ": the team has " +
                            std::to_string(left) + (left == 1 ? " rep" : " reps") +
                            " then (headcount, plus hires, less earlier departures)");
    }
    left -= departure.count;
    departures.push_back(departure);
  }
  return departures;
}

}  // namespace

std::vector<sim::Team> read_teams(const Field& field, const NameList& segments,
                                  const sim::Calendar& calendar, NameList& names) {
  std::vector<sim::Team> teams;
  long reps = 0;
  for (const Field& item : field.named_items(MAX_TEAMS)) {
    item.check_keys({"name", "segment", "headcount", "prospects_per_week", "quota_per_quarter",
                     "skill", "ramp", "attrition", "cost_per_rep_per_quarter", "commission_rate",
                     "hires", "departures", "seasonality"},
                    "a team");
    sim::Team team;
    team.name = names.add(item);
    team.segment = segments.resolve(item.at("segment"));
    team.headcount = item.at("headcount").integer(0, MAX_HEADCOUNT);
    reps += team.headcount;
    if (reps > MAX_REPS) {
      item.at("headcount")
          .fail("the teams have " + std::to_string(reps) +
                " reps in all up to this one; the limit is " + std::to_string(MAX_REPS));
    }
    team.prospects_per_week =
        item.at("prospects_per_week").number({0.0, MAX_RATE_PER_WEEK, true, false});
    if (const auto quota = item.get("quota_per_quarter")) {
      team.quota_per_quarter = read_quarterly(*quota, amount_range(), calendar);
    } else {
      team.quota_per_quarter.assign(static_cast<std::size_t>(calendar.quarters), 0.0);
    }
    if (const auto skill = item.get("skill")) {
      team.skill = read_skill(*skill);
    }
    if (const auto ramp = item.get("ramp")) {
      team.ramp = read_ramp(*ramp);
    }
    if (const auto attrition = item.get("attrition")) {
      team.attrition = read_attrition(*attrition);
    }
    if (const auto cost = item.get("cost_per_rep_per_quarter")) {
      team.cost_per_rep_per_quarter = cost->number(amount_range());
    }
    if (const auto rate = item.get("commission_rate")) {
      team.commission_rate = rate->number(Range::fraction());
    }
    if (const auto seasonality = item.get("seasonality")) {
      team.seasonality = read_seasonality(*seasonality, team);
    }
    if (const auto hires = item.get("hires")) {
      team.hires = read_hires(*hires, calendar);
      for (const sim::Hire& hire : team.hires)
        reps += hire.count;
      if (reps > MAX_REPS) {
        hires->fail("the teams have " + std::to_string(reps) +
                    " reps in all, hires included, up to this one; the limit is " +
                    std::to_string(MAX_REPS));
      }
    }
    if (const auto departures = item.get("departures")) {
      team.departures = read_departures(*departures, team, calendar);
    }
    teams.push_back(std::move(team));
  }
  return teams;
}

}  // namespace funnelsim::scenarios::detail
