// The engine draws an opportunity's whole path when it enters the funnel and lets the week
// ends see it through difference arrays; a leaver's lost opportunities are taken back out.
// With a trace observer, every stage end is an event instead. These tests hold the two ways
// against each other, and the week-end funnel against a replay of the trace, one record at a
// time, on a company with every feature on and many leavers.

#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "funnelsim/scenarios/load.hpp"
#include "funnelsim/sim/runner.hpp"
#include "funnelsim/sim/trace.hpp"
#include "support/identical.hpp"
#include "support/models.hpp"

namespace sim = funnelsim::sim;

namespace {

/// scenarios/company.yaml cut to 8 reps a team, with key-account reps (whose team loses
/// leavers' opportunities) leaving at 150% a year and every stage stalling at 1.3 times its
/// mean, so that many paths are cut short.
sim::Model small_company() {
  sim::Model model = funnelsim::scenarios::load_scenario_file(std::string(FUNNELSIM_SOURCE_DIR) +
                                                              "/scenarios/company.yaml")
                         .model;
  for (sim::Segment& segment : model.segments) {
    for (sim::Stage& stage : segment.stages)
      stage.stall_days = 1.3 * stage.days.expected_value();
  }
  for (sim::Team& team : model.teams) {
    team.headcount = 8;
    if (team.attrition.open_opportunities == sim::LeaverOpportunities::lost)
      team.attrition.annual_rate = 1.5;
  }
  return model;
}

/// Replays the trace record by record: the open count and amount of each (segment, stage)
/// at every measured week's end, and what closed.
class Replay final : public sim::TraceObserver {
 public:
  void record(const sim::TraceRecord& record) override {
    switch (record.event) {
      case sim::TraceEvent::lead:
        open_[record.opportunity] = {record.segment, record.stage, record.amount};
        break;
      case sim::TraceEvent::advance:
        ++open_.at(record.opportunity).stage;
        break;
      case sim::TraceEvent::win:
      case sim::TraceEvent::loss:
      case sim::TraceEvent::stall:
      case sim::TraceEvent::dropped:
        ++closed[record.event];
        open_.erase(record.opportunity);  // a referral dropped before it started was never open
        break;
      case sim::TraceEvent::hire:
      case sim::TraceEvent::leave:
        break;
    }
  }

  bool wants_snapshots() const override { return true; }

  void snapshot(int /*week*/, double /*time*/,
                std::span<const sim::OpenOpportunity> open) override {
    std::map<std::pair<int, int>, std::pair<std::int64_t, double>> replayed;
    for (const auto& [serial, state] : open_) {
      auto& cell = replayed[{state.segment, state.stage}];
      ++cell.first;
      cell.second += state.amount;
    }
    weeks.push_back(replayed);
    snapshot_sizes.push_back(open.size());
    replayed_sizes.push_back(open_.size());
  }

  std::vector<std::map<std::pair<int, int>, std::pair<std::int64_t, double>>> weeks;
  std::vector<std::size_t> snapshot_sizes;
  std::vector<std::size_t> replayed_sizes;
  std::map<sim::TraceEvent, std::uint64_t> closed;

 private:
  struct State {
    int segment = 0;
    int stage = 0;
    double amount = 0.0;
  };
  std::map<std::uint64_t, State> open_;
};

sim::Model scenario(const std::string& name) {
  return funnelsim::scenarios::load_scenario_file(std::string(FUNNELSIM_SOURCE_DIR) +
                                                  "/scenarios/" + name)
      .model;
}

/// Edge cases in one model: a one-stage segment whose opportunities stall, reps who leave
/// three times a year with no vacancy (the leave and the hire at the same instant) and lose
/// their opportunities, and referrals that arrive for them while they are gone.
sim::Model one_stage_turnover() {
  sim::Model model = funnelsim::testing::funnel_model(6.0, {0.4}, 5);
  model.segments[0].stages[0].days = sim::Distribution::gamma(10.0, 0.6);
  model.segments[0].stages[0].stall_days = 14.0;
  model.teams[0].attrition.annual_rate = 3.0;
  model.teams[0].attrition.vacancy_weeks = 0.0;
  model.teams[0].attrition.open_opportunities = sim::LeaverOpportunities::lost;
  sim::LeadSource referrals;
  referrals.name = "referrals";
  referrals.kind = sim::LeadSourceKind::referral;
  referrals.team = 0;
  referrals.per_win = 0.8;
  referrals.delay_days = sim::Distribution::exponential(10.0);
  model.sources.push_back(referrals);
  return model;
}

/// The turnover model with a calendar: hires in weeks 5 and 20, a random departure that
/// loses the leavers' opportunities in week 10 (a leave and a departure may meet), the top rep
/// leaving in week 18 with theirs reassigned, and a marketing source that hands leads to
/// whoever is active.
sim::Model calendar_turnover() {
  sim::Model model = one_stage_turnover();
  sim::Team& team = model.teams[0];
  team.ramp = {6.0, 0.2};
  team.hires = {{5, 2}, {20, 1}};
  team.departures = {{10, 2, sim::Leaver::random, sim::LeaverOpportunities::lost},
                     {18, 1, sim::Leaver::top, sim::LeaverOpportunities::reassigned}};
  sim::LeadSource marketing;
  marketing.name = "web";
  marketing.kind = sim::LeadSourceKind::marketing;
  marketing.team = 0;
  marketing.leads_per_week = 4.0;
  model.sources.push_back(marketing);
  return model;
}

/// The models by name. Catch runs a test case once per generated value and keeps the generator
/// from the first run, so it generates names and each run builds its own model (pointers to
/// the first run's locals would dangle: AddressSanitizer's stack-use-after-return).
sim::Model model_named(const std::string& name) {
  if (name == "company, cut")
    return small_company();
  if (name == "one stage, turnover")
    return one_stage_turnover();
  if (name == "turnover, hires and departures")
    return calendar_turnover();
  return scenario(name);
}

}  // namespace

TEST_CASE("A traced replication gives exactly the results of an untraced one", "[engine][paths]") {
  const std::string name =
      GENERATE(as<std::string>{}, "company, cut", "branch.yaml", "prospecting-vs-winrate.yaml",
               "one stage, turnover", "turnover, hires and departures");
  INFO(name);
  const sim::Model model = model_named(name);
  for (std::uint64_t replication = 0; replication < 4; ++replication) {
    sim::ReplicationResult plain;
    sim::ReplicationResult traced;
    Replay replay;
    sim::simulate_replication(model, 7, replication, plain);
    sim::simulate_replication(model, 7, replication, traced, &replay);
    CHECK(funnelsim::testing::differences(plain, traced).empty());
  }
}

TEST_CASE("The week-end funnel is the trace replayed record by record", "[engine][paths]") {
  const std::string name = GENERATE(as<std::string>{}, "company, cut", "one stage, turnover",
                                    "turnover, hires and departures");
  INFO(name);
  const sim::Model model = model_named(name);
  for (std::uint64_t replication = 0; replication < 3; ++replication) {
    sim::ReplicationResult result;
    Replay replay;
    sim::simulate_replication(model, 11, replication, result, &replay);
    const int weeks = model.calendar.quarters * model.calendar.weeks_per_quarter;
    REQUIRE(replay.weeks.size() == static_cast<std::size_t>(weeks));
    CHECK(replay.snapshot_sizes == replay.replayed_sizes);
    std::int64_t mismatches = 0;
    std::int64_t open_seen = 0;
    for (int week = 0; week < weeks; ++week) {
      for (std::size_t s = 0; s < model.segments.size(); ++s) {
        const std::size_t stages = model.segments[s].stages.size();
        for (std::size_t i = 0; i < stages; ++i) {
          const auto found = replay.weeks[week].find({static_cast<int>(s), static_cast<int>(i)});
          const std::int64_t count = found == replay.weeks[week].end() ? 0 : found->second.first;
          const double amount = found == replay.weeks[week].end() ? 0.0 : found->second.second;
          const sim::SegmentResult& segment = result.segments[s];
          mismatches += segment.funnel_count[week * stages + i] != count;
          mismatches +=
              std::abs(segment.funnel_amount[week * stages + i] - amount) > 1e-6 * (1.0 + amount);
          open_seen += count;
        }
      }
    }
    CHECK(mismatches == 0);
    CHECK(open_seen > 1000);
    // Every outcome the trace shows, and only those, is resolved.
    std::uint64_t closed = 0;
    for (const auto& [event, count] : replay.closed)
      closed += count;
    CHECK(closed == result.leads_resolved);
    CHECK(replay.closed[sim::TraceEvent::dropped] > 0);
    CHECK(replay.closed[sim::TraceEvent::stall] > 0);
  }
}
