#pragma once
/// The validated model of a sales organisation that the engine simulates.
///
/// Everything here is plain data that the scenario loader has already checked:
/// the engine trusts it and never validates. Times are in days unless a name says
/// otherwise; amounts are in 万 (10,000 RMB), as in the playbook.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace funnelsim::sim {

/// One bucket of an empirical distribution, such as the playbook's "2–5 万: 389 deals".
/// Within the bucket the value follows the maximum-entropy law for its bounds and mean:
/// a truncated exponential on [min, max], or a shifted exponential when `max` is infinite.
/// Without a mean the bucket is uniform (it must then be bounded).
struct EmpiricalBucket {
  double min = 0.0;
  double max = std::numeric_limits<double>::infinity();
  double weight = 1.0;  ///< relative frequency; the loader normalises the table
  double mean = std::numeric_limits<double>::quiet_NaN();  ///< NaN: uniform in the bucket
};

enum class DistributionKind {
  fixed,
  exponential,
  gamma,
  lognormal,
  uniform,
  triangular,
  empirical
};

/// A non-negative random quantity (a stage duration in days, a deal size in 万).
/// Which fields are meaningful depends on `kind`; use the named constructors.
struct Distribution {
  DistributionKind kind = DistributionKind::fixed;
  double value = 0.0;                    ///< fixed
  double mean = 0.0;                     ///< exponential, gamma, lognormal
  double cv = 0.0;                       ///< gamma, lognormal: coefficient of variation (sd / mean)
  double min = 0.0;                      ///< uniform, triangular
  double mode = 0.0;                     ///< triangular
  double max = 0.0;                      ///< uniform, triangular
  std::vector<EmpiricalBucket> buckets;  ///< empirical
  /// Multiplies every variate (and the mean): scales a distribution that has no `mean`
  /// parameter, such as an empirical deal-size table, for "+20% deal size" variants.
  double scale = 1.0;

  static Distribution fixed(double value);
  static Distribution exponential(double mean);
  static Distribution gamma(double mean, double cv);
  static Distribution lognormal(double mean, double cv);
  static Distribution uniform(double min, double max);
  static Distribution triangular(double min, double mode, double max);
  static Distribution empirical(std::vector<EmpiricalBucket> buckets);

  /// The exact expectation, for closed-form checks and forecasts.
  double expected_value() const;

 private:
  double unscaled_expected_value() const;
};

/// One step of a segment's funnel. `win_probability` is cumulative, as in the playbook:
/// the probability that an opportunity in this stage is eventually won.
struct Stage {
  std::string name;
  double win_probability = 1.0;  ///< in (0, 1], strictly increasing along the segment
  Distribution days;             ///< time spent in the stage before it resolves
  double stall_days = std::numeric_limits<double>::infinity();  ///< lost if it sits longer
};

/// A stage's win probability as a rule about a funnel sees it: the value and, for messages,
/// the text the user wrote it as ("0.20" in a file, "0.2" on a command line).
struct StageProbability {
  std::string_view stage;
  double value = 0.0;
  std::string_view text;
};

/// The one rule on a funnel's order (playbook §1): win probabilities are cumulative, so each
/// stage, closer to a win than the one before it, has a strictly higher probability. Returns
/// the complaint when `stage` follows `previous` without exceeding it, empty when it follows
/// the rule: "win probabilities must increase along the funnel: 'solution' has 0.3 after
/// 'intent' 0.35". The scenario and snapshot loaders and the funnel planner all check it so.
std::string win_probability_order_error(const StageProbability& previous,
                                        const StageProbability& stage);

/// A deal type (small or large projects) with its own funnel and deal sizes.
struct Segment {
  std::string name;
  std::vector<Stage> stages;
  Distribution deal_size;  ///< 万
  /// Share of leads that are existing customers. They win at `existing_win_probability`
  /// overall instead of the first stage's probability (playbook §3: 47% versus 23%).
  double existing_share = 0.0;
  double existing_win_probability = 0.0;

  /// The exponent k that maps the funnel onto existing customers: they advance through stage i
  /// with a_i^k (a_i = p(i) / p(i + 1)) and reach stage i with (p(first) / p(i))^k, so that
  /// p(first)^k = existing_win_probability. k = ln q / ln p(first); 1 where there are no
  /// existing customers or the first stage always wins (nothing to map).
  double existing_exponent() const;
};

/// Per-rep heterogeneity: multipliers drawn once per rep, lognormal with mean 1.
/// A coefficient of variation of 0 switches a multiplier off.
struct Skill {
  double prospecting_cv = 0.0;
  double win_cv = 0.0;
  double deal_size_cv = 0.0;
};

/// A new hire's prospecting rate grows linearly from `start` × the standard to the full
/// standard over `weeks`. Zero weeks switches ramp-up off.
struct Ramp {
  double weeks = 0.0;
  double start = 1.0;
};

enum class LeaverOpportunities { lost, reassigned };

/// Reps leave at `annual_rate` (a Poisson hazard per year of tenure); the territory stays
/// vacant for `vacancy_weeks`, then a new hire starts (ramping up, if configured).
struct Attrition {
  double annual_rate = 0.0;
  double vacancy_weeks = 0.0;
  LeaverOpportunities open_opportunities = LeaverOpportunities::reassigned;
};

/// Per-quarter multipliers, cycled over the calendar's quarters like quota_per_quarter
/// (quarter q of the measured period uses entry q mod length; the warm-up's quarters continue
/// the cycle backwards, so a four-entry list is a year's pattern). Empty: 1 throughout.
struct Seasonality {
  std::vector<double> prospecting;  ///< on the team's prospecting rate
  /// On the win probability of opportunities that come in during the quarter (applied, as a
  /// rep's win skill is, to the first stage's advance): a year-end push.
  std::vector<double> win;
};

/// The multiplier of `multipliers` for calendar quarter `quarter` (negative in the warm-up).
double seasonal(const std::vector<double>& multipliers, int quarter);

/// Reps who join a team at measured week `week` (1 = the first measured week): each opens a
/// territory of its own that does not exist before, and prospects from then on with the team's
/// ramp, starting with an empty funnel.
struct Hire {
  int week = 1;
  int count = 0;
};

/// Who leaves at a departure: a rep drawn at random, or the one with the highest bookings so far
/// in the measured period (the lowest-numbered on a tie).
enum class Leaver { random, top };

/// Reps who leave a team for good at measured week `week`: their territories close (no
/// replacement). A leaver's open opportunities are lost, or reassigned (they go on, and book to
/// the leaver's territory).
struct Departure {
  int week = 1;
  int count = 0;
  Leaver who = Leaver::random;
  LeaverOpportunities open_opportunities = LeaverOpportunities::reassigned;
};

/// Reps of one kind: each rep owns a territory (a slot) that prospects as a Poisson process.
struct Team {
  std::string name;
  std::size_t segment = 0;  ///< index into Model::segments
  int headcount = 0;        ///< tenured reps at the start of the measured period
  double prospects_per_week = 0.0;
  std::vector<double> quota_per_quarter;  ///< 万 per rep, one entry per measured quarter
  Skill skill;
  Ramp ramp;
  Attrition attrition;
  double cost_per_rep_per_quarter = 0.0;  ///< 万 per rep (filled territory or not) per quarter
  double commission_rate = 0.0;           ///< share of the team's bookings paid as commission
  Seasonality seasonality{};
  std::vector<Hire> hires{};  ///< their territories are numbered in this order (any weeks)
  std::vector<Departure> departures{};  ///< in order of week

  /// Territories the team ever has: its tenured reps, then its hires in order.
  int territories() const;
  /// Seats the team pays for in measured quarter `quarter` (0-based), in quarters of a seat:
  /// headcount plus hires minus departures, each counted for the weeks of the quarter from its
  /// week on. A vacancy after attrition is still a seat.
  double seat_quarters(int quarter, int weeks_per_quarter) const;
  /// The share of measured quarter `quarter` during which hire territory `hire_slot` (0 for the
  /// first hire) exists: 0 before its week, 1 in the quarters after.
  double hire_share(std::size_t hire_slot, int quarter, int weeks_per_quarter) const;
};

enum class LeadSourceKind { referral, marketing };

/// A branch-level source of leads on top of the reps' own prospecting.
/// referral: each win of `team` brings Poisson(`per_win`) leads to the same rep, each after
/// `delay_days`. marketing: Poisson leads at `leads_per_week`, each given to an active rep of
/// `team` chosen uniformly.
struct LeadSource {
  std::string name;
  LeadSourceKind kind = LeadSourceKind::marketing;
  std::size_t team = 0;  ///< index into Model::teams
  double per_win = 0.0;
  Distribution delay_days = Distribution::fixed(0.0);
  double leads_per_week = 0.0;
  std::vector<double>
      seasonality{};  ///< marketing: multipliers of leads_per_week (see Seasonality)
};

/// How reps call their open opportunities each week (playbook §4c): committed (sure to pay
/// this quarter), possible, or not forecast. A rep judges an opportunity once per stage, from
/// what it can see: the stage's probability of winning, times its optimism and a lognormal
/// judgement error (mean 1, `noise_cv`), drawn on entering the stage. An opportunity counts in
/// this quarter's call only if, at the stage's mean durations, it would close before the
/// quarter ends.
struct Calls {
  double optimism = 1.25;            ///< > 1: reps think deals likelier than they are
  double noise_cv = 0.3;             ///< spread of the judgement error; 0: none
  double committed_threshold = 0.9;  ///< perceived probability to commit (course: >= 90%)
  double possible_threshold = 0.5;   ///< perceived probability to call possible (>= 50%)
};

struct Calendar {
  int weeks_per_quarter = 13;
  int quarters = 4;      ///< measured quarters
  int warmup_weeks = 0;  ///< simulated first and discarded
  /// The date of the first measured day, as days since 1970-01-01 (2026-01-05, a Monday, by
  /// default): only exports that write calendar dates read it.
  std::int32_t start_date = 20458;

  int measured_weeks() const { return weeks_per_quarter * quarters; }
  int total_weeks() const { return warmup_weeks + measured_weeks(); }
};

/// A whole sales organisation, ready to simulate.
struct Model {
  std::string name;
  Calendar calendar;
  std::vector<Segment> segments;
  std::vector<Team> teams;
  std::vector<LeadSource> sources;
  Calls calls;
  /// The organisation's quota per measured quarter, 万; attainment = bookings / quota.
  std::vector<double> quota;

  /// Every territory of every team: tenured reps and hires (the results' rep dimension).
  int rep_count() const;
  /// Index of the first rep of each team in the flat rep order (teams in order, then slots).
  std::vector<int> first_rep_of_team() const;
};

/// Stable 64-bit name hash (FNV-1a), used to key random streams by name rather than by
/// position, so that adding a team or a source does not reshuffle the others' draws.
std::uint64_t stable_hash(std::string_view text);

}  // namespace funnelsim::sim
