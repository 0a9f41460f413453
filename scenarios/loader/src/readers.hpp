#pragma once
// One reader per part of a scenario; each validates its part and fills the model's structs.

#include <cstddef>
#include <optional>
#include <vector>

#include "funnelsim/sim/model.hpp"
#include "names.hpp"
#include "yaml_reader.hpp"

namespace funnelsim::scenarios::detail {

// Sizes a scenario may have (scenarios/README.md, "Limits"): far above any real sales
// organisation, low enough that a typo (a headcount of 1e9) is caught before it is simulated.
constexpr std::size_t MAX_SEGMENTS = 100;
constexpr std::size_t MAX_STAGES = 50;  ///< per segment
constexpr std::size_t MAX_TEAMS = 1'000;
constexpr std::size_t MAX_SOURCES = 1'000;
constexpr std::size_t MAX_BUCKETS = 1'000;   ///< per empirical distribution
constexpr int MAX_HEADCOUNT = 100'000;       ///< per team
constexpr long MAX_REPS = 1'000'000;         ///< over all teams
constexpr double MAX_SEASONAL = 10.0;        ///< a seasonal multiplier's largest value
constexpr std::size_t MAX_VARIANTS = 1'000;  ///< variants and sweep combinations together

// Numeric domains (scenarios/README.md, "Numeric domains"): bounds under which the arithmetic
// behind each key stays finite and exact (no sum, product, reciprocal or sample overflows to
// infinity, underflows to zero or leaves its integer type), far above any real input.
/// Amounts (quotas, costs, deal sizes, 万) and days: every number of a distribution too. A
/// sample is at most this times MAX_SCALE times the largest lognormal factor (about 1e9), and
/// a run's sums of 1e9 of them stay finite.
constexpr double MAX_VALUE = 1e12;
/// The mean deal size (万, 10 billion yuan): the engine sums open deals' amounts in int64 of
/// 1e-6 万, so a stage's open amount must stay below 9.2e12 万.
constexpr double MAX_DEAL_MEAN = 1e6;
/// The least mean of a distribution: exponential and open-bucket samplers take its reciprocal.
constexpr double MIN_MEAN = 1e-9;
/// A distribution's `scale`.
constexpr double MAX_SCALE = 1e6;
/// The coefficient of variation of a gamma or lognormal law: a gamma's shape is 1 / cv^2
/// (cv 1e-3 gives 1e6, below which the sampler's constants lose precision and at cv 1e-155
/// become infinite); a lognormal's sigma^2 is log(1 + cv^2) (cv 10 gives sigma 2.15, and
/// samples up to about 1e9 times the mean).
constexpr double MIN_CV = 1e-3;
constexpr double MAX_CV = 10.0;
/// Rates per rep or per team a week (prospects, marketing leads): the engine makes
/// ceil(rate) lead slots a week.
constexpr double MAX_RATE_PER_WEEK = 1e6;
/// Weeks (ramp, vacancy): the longest calendar, 400 quarters of 13 weeks.
constexpr double MAX_WEEKS = 5'200.0;
/// Attrition's `annual_rate`: 0, or in [MIN_ANNUAL_RATE, MAX_ANNUAL_RATE].
constexpr double MIN_ANNUAL_RATE = 1e-6;
constexpr double MAX_ANNUAL_RATE = 100.0;
/// A referral source's `per_win`: leads per win, a branching process (the resource estimate
/// bounds what its chains cost).
constexpr double MAX_PER_WIN = 100.0;
/// The calls' `optimism` factor.
constexpr double MAX_OPTIMISM = 100.0;

/// [0, MAX_VALUE] and (0, MAX_VALUE]: the usual ranges of amounts and days.
inline Range amount_range() {
  return {0.0, MAX_VALUE};
}
inline Range positive_amount_range() {
  return {0.0, MAX_VALUE, true, false};
}

/// `calendar:` (optional: every key has a default).
sim::Calendar read_calendar(const std::optional<Field>& field);

/// `segments:`; fills `names` with the segment names for teams to refer to.
std::vector<sim::Segment> read_segments(const Field& field, NameList& names);

/// `teams:`; each team's quota is expanded to one entry per measured quarter.
std::vector<sim::Team> read_teams(const Field& field, const NameList& segments,
                                  const sim::Calendar& calendar, NameList& names);

/// `sources:` (optional).
std::vector<sim::LeadSource> read_sources(const std::optional<Field>& field, const NameList& teams);

/// The organisation's quota per measured quarter, from `quota:` or else from the teams.
/// `root` locates the error when `quota:` is absent and the teams' quotas leave a quarter at 0.
std::vector<double> read_quota(const std::optional<Field>& field, const Field& root,
                               const std::vector<sim::Team>& teams, const sim::Calendar& calendar);

/// The whole scenario.
sim::Model read_model(const Field& root);

}  // namespace funnelsim::scenarios::detail
