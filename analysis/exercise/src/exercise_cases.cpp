// The exercises' cases: a small scenario per case, written as YAML and validated by the
// scenario loader like any user's file, simulated for one quarter after a warm-up, and read
// the way a manager reads a funnel.
#include <algorithm>
#include <array>
#include <boost/random/mersenne_twister.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <boost/random/uniform_real_distribution.hpp>
#include <cmath>
#include <span>
#include <unordered_map>

#include "funnelsim/exercise/exercise.hpp"
#include "funnelsim/forecast/forecast_benchmark.hpp"
#include "funnelsim/scenarios/load.hpp"
#include "funnelsim/sim/random.hpp"
#include "funnelsim/sim/results.hpp"
#include "funnelsim/sim/runner.hpp"
#include "funnelsim/sim/trace.hpp"
#include "funnelsim/stats/statistics.hpp"
#include "funnelsim/stats/text_format.hpp"

namespace funnelsim::analysis::exercise {
namespace {

constexpr int WEEKS = 13;
constexpr int WARMUP_WEEKS = 13;  // small projects take about three weeks: plenty

/// Surnames for reps: unique within a case, so trainees answer by name.
constexpr std::array<std::string_view, 24> SURNAMES = {
    "Chen", "Li",  "Wang", "Zhang", "Liu", "Yang", "Zhao", "Huang", "Zhou", "Wu",   "Xu",   "Sun",
    "Ma",   "Zhu", "Hu",   "Guo",   "He",  "Lin",  "Luo",  "Gao",   "Song", "Tang", "Deng", "Feng"};

/// How strongly each weakness shows, by difficulty: the factor on prospecting, on the overall
/// win rate and on deal sizes, and the multiplier on days in the later stages.
struct Effects {
  double prospecting;
  double win_rate;
  double deal_value;
  double stall;
  double healthy_spread;  ///< healthy reps' prospecting and deal sizes vary by ± this share
};

Effects effects_for(Difficulty difficulty) {
  switch (difficulty) {
    case Difficulty::easy:
      return {0.35, 0.2, 0.40, 4.0, 0.0};
    case Difficulty::normal:
      return {0.45, 0.25, 0.50, 3.0, 0.05};
    case Difficulty::hard:
      return {0.60, 0.45, 0.65, 2.0, 0.15};
  }
  return {};
}

/// The case's own generator, separate from the simulation's streams: Boost's Mersenne Twister
/// and distributions give the same numbers on every platform.
class CaseRandom {
 public:
  CaseRandom(std::uint64_t seed, std::uint64_t kind) : engine_(sim::mix64(seed, kind)) {}
  int integer(int low, int high) {
    return boost::random::uniform_int_distribution<int>(low, high)(engine_);
  }
  double real(double low, double high) {
    return boost::random::uniform_real_distribution<double>(low, high)(engine_);
  }
  template <class T>
  void shuffle(std::vector<T>& items) {
    for (std::size_t i = items.size(); i > 1; --i) {
      std::swap(items[i - 1], items[static_cast<std::size_t>(integer(0, static_cast<int>(i) - 1))]);
    }
  }

 private:
  boost::random::mt19937_64 engine_;
};

/// The same reps in a Chinese handout: the draw is the same, only the names differ.
constexpr std::array<std::string_view, 24> CHINESE_NAMES = {
    "陈明", "李娜", "王强", "张伟", "刘洋", "杨静", "赵磊", "黄敏", "周杰", "吴芳", "徐涛", "孙丽",
    "马超", "朱琳", "胡斌", "郭燕", "何勇", "林峰", "罗佳", "高翔", "宋雪", "唐亮", "邓辉", "冯莉"};

std::vector<std::string> pick_names(CaseRandom& random, int count, Language language) {
  std::vector<std::size_t> order(SURNAMES.size());
  for (std::size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  random.shuffle(order);
  std::vector<std::string> names;
  for (int i = 0; i < count; ++i) {
    const std::size_t index = order[static_cast<std::size_t>(i)];
    names.emplace_back(language == Language::zh ? CHINESE_NAMES[index] : SURNAMES[index]);
  }
  return names;
}

/// One rep's parameters in a case's scenario.
struct RepPlan {
  std::string name;
  double prospects_per_week = 5.0;
  double win_factor = 1.0;   ///< multiplies every stage-to-stage advance probability
  double deal_scale = 1.0;   ///< multiplies deal sizes
  double late_factor = 1.0;  ///< multiplies the days (and stall limits) after the first stage
  double quota = 26.0;
};

/// The playbook's small-project funnel (§1) with the real deal-size table up to 20 万 (§3).
const std::string PLAYBOOK_FUNNEL = R"(name: playbook
calendar: {weeks_per_quarter: 13, quarters: 1}
segments:
  - name: small
    stages:
      - {name: intent, win_probability: 0.2, days: {dist: gamma, mean: 7, cv: 0.3}}
      - {name: solution, win_probability: 0.35, days: {dist: gamma, mean: 7, cv: 0.3}}
      - {name: negotiation, win_probability: 0.7, days: {dist: gamma, mean: 7, cv: 0.3}}
    deal_size:
      dist: empirical
      buckets:
        - {min: 0,  max: 2,  count: 1106, mean: 1.0657}
        - {min: 2,  max: 5,  count: 389,  mean: 2.9448}
        - {min: 5,  max: 10, count: 82,   mean: 6.7803}
        - {min: 10, max: 20, count: 27,   mean: 12.3326}
teams:
  - {name: reps, segment: small, headcount: 1, prospects_per_week: 5, quota_per_quarter: [26]}
)";

/// The funnel a case is built on: the playbook's small projects, or a trainer's own scenario
/// (its first team's segment, prospecting and quota).
struct CaseFunnel {
  std::string name;      ///< the scenario's name; empty for the playbook's
  sim::Segment segment;  ///< stages, days and deal sizes
  double prospects_per_week = 5.0;
  std::optional<double> quota;  ///< 万 per rep a quarter, when the scenario sets one
};

CaseFunnel case_funnel(const CaseOptions& options) {
  static const sim::Model playbook =
      scenarios::load_scenario_text(PLAYBOOK_FUNNEL, "<exercise funnel>", {}).model;
  const sim::Model& model = options.scenario ? *options.scenario : playbook;
  const sim::Team& team = model.teams.front();
  CaseFunnel funnel;
  funnel.name = options.scenario ? model.name : "";
  funnel.segment = model.segments.at(team.segment);
  // A case reads one funnel: new customers only, and the reps' own prospecting.
  funnel.segment.existing_share = 0.0;
  funnel.segment.existing_win_probability = 0.0;
  funnel.prospects_per_week = team.prospects_per_week;
  if (options.scenario && !team.quota_per_quarter.empty())
    funnel.quota = team.quota_per_quarter.front();
  return funnel;
}

/// The stage probabilities of a rep whose advance probabilities are all multiplied by `factor`.
std::vector<double> probabilities(const sim::Segment& segment, double factor) {
  const std::size_t n = segment.stages.size();
  std::vector<double> p(n);
  p[n - 1] = segment.stages[n - 1].win_probability * factor;
  for (std::size_t i = n - 1; i-- > 0;) {
    p[i] = p[i + 1] * factor * segment.stages[i].win_probability /
           segment.stages[i + 1].win_probability;
  }
  return p;
}

/// Weeks of warm-up that fill the funnel: at least a quarter, and twice the mean time from
/// the first stage to the last.
int warmup_weeks(const sim::Segment& segment) {
  double days = 0.0;
  for (const sim::Stage& stage : segment.stages)
    days += stage.days.expected_value();
  return std::clamp(static_cast<int>(std::ceil(2.0 * days / 7.0)), WARMUP_WEEKS, 104);
}

/// A model with one team and one segment per rep, so each rep can have a funnel of its own;
/// `headcount` reps in each team.
sim::Model case_model(const CaseFunnel& funnel, const std::vector<RepPlan>& reps,
                      int headcount = 1) {
  sim::Model model;
  model.name = "exercise";
  model.calendar.weeks_per_quarter = WEEKS;
  model.calendar.quarters = 1;
  model.calendar.warmup_weeks = warmup_weeks(funnel.segment);
  double quota = 0.0;
  for (const RepPlan& rep : reps) {
    // Named by position, not by the printed name: the engine keys its random streams by name,
    // and a case must draw the same in every language.
    const std::string internal = "rep" + std::to_string(model.segments.size() + 1);
    sim::Segment segment = funnel.segment;
    segment.name = internal;
    const std::vector<double> p = probabilities(funnel.segment, rep.win_factor);
    for (std::size_t i = 0; i < segment.stages.size(); ++i) {
      segment.stages[i].win_probability = p[i];
      if (i > 0) {
        segment.stages[i].days.scale *= rep.late_factor;
        segment.stages[i].stall_days *= rep.late_factor;
      }
    }
    segment.deal_size.scale *= rep.deal_scale;
    model.segments.push_back(std::move(segment));
    sim::Team team;
    team.name = internal;
    team.segment = model.segments.size() - 1;
    team.headcount = headcount;
    team.prospects_per_week = rep.prospects_per_week;
    team.quota_per_quarter = {rep.quota};
    quota += rep.quota * headcount;
    model.teams.push_back(std::move(team));
  }
  model.quota = {quota};
  return model;
}

double round_to(double value, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(value * scale) / scale;
}

/// Whether a scenario's stages are the playbook's three small-project stages.
bool playbook_stages(const sim::Segment& segment) {
  return segment.stages.size() == 3 && segment.stages[0].name == "intent" &&
         segment.stages[1].name == "solution" && segment.stages[2].name == "negotiation";
}

/// The standard a rep is read against (playbook §1–2), from the case's funnel: K wins a week
/// from the standard prospecting, each stage holding K × its weeks ÷ p(stage).
RepStandard funnel_standard(const CaseFunnel& funnel) {
  const sim::Segment& segment = funnel.segment;
  RepStandard standard;
  standard.new_per_week = round_to(funnel.prospects_per_week, 1);
  sim::Distribution table = segment.deal_size;
  table.scale = 1.0;
  standard.average_deal = round_to(table.expected_value(), 2);
  standard.days_per_stage = round_to(segment.stages.front().days.expected_value(), 0);
  const double first = segment.stages.front().win_probability;
  const double wins_per_week = standard.new_per_week * first;
  for (std::size_t i = 0; i < segment.stages.size(); ++i) {
    const sim::Stage& stage = segment.stages[i];
    const double days = round_to(stage.days.expected_value(), 0);
    standard.stages.push_back(stage.name);
    standard.win_probability.push_back(stage.win_probability);
    standard.stage_days.push_back(days);
    standard.standard_count.push_back(wins_per_week * (days / 7.0) / stage.win_probability);
    standard.conversion.push_back(i + 1 < segment.stages.size()
                                      ? stage.win_probability /
                                            segment.stages[i + 1].win_probability
                                      : stage.win_probability);
  }
  standard.win_rate = first;
  standard.quota =
      funnel.quota
          ? round_to(*funnel.quota, 1)
          : round_to(standard.new_per_week * WEEKS * standard.win_rate * standard.average_deal, 0);
  standard.playbook = !funnel.name.empty() ? false : playbook_stages(segment);
  standard.scenario = funnel.name;
  return standard;
}

/// Reads each rep's quarter from the trace: what a CRM report of the quarter would show.
class QuarterReader final : public sim::TraceObserver {
 public:
  QuarterReader(int reps, int stages, double quarter_start)
      : stages_(stages),
        quarter_start_(quarter_start),
        leads_(reps),
        lead_amount_(reps),
        wins_(reps),
        bookings_(reps),
        resolved_(reps),
        exits_(reps, std::vector<int>(stages)),
        moved_on_(reps, std::vector<int>(stages)),
        days_(reps, std::vector<double>(stages)),
        open_(reps, std::vector<int>(stages)) {}

  void record(const sim::TraceRecord& record) override {
    using sim::TraceEvent;
    if (record.opportunity == 0)
      return;
    const auto rep = static_cast<std::size_t>(record.rep);
    const bool measured = record.time >= quarter_start_;
    if (record.event == TraceEvent::lead) {
      entered_[record.opportunity] = record.time;
      if (measured) {
        ++leads_[rep];
        lead_amount_[rep] += record.amount;
      }
      return;
    }
    const auto entered = entered_.find(record.opportunity);
    const double since = entered == entered_.end() ? record.time : entered->second;
    if (record.event == TraceEvent::advance) {
      entered_[record.opportunity] = record.time;
    } else if (entered != entered_.end()) {
      entered_.erase(entered);
    }
    if (!measured || record.stage < 0)
      return;
    const auto stage = static_cast<std::size_t>(record.stage);
    ++exits_[rep][stage];
    days_[rep][stage] += record.time - since;
    if (record.event == TraceEvent::advance || record.event == TraceEvent::win)
      ++moved_on_[rep][stage];
    if (record.event == TraceEvent::win) {
      ++wins_[rep];
      bookings_[rep] += record.amount;
    }
    if (record.event != TraceEvent::advance)
      ++resolved_[rep];
  }

  bool wants_snapshots() const override { return true; }
  void snapshot(int week, double, std::span<const sim::OpenOpportunity> open) override {
    if (week != WEEKS - 1)
      return;
    for (const sim::OpenOpportunity& opportunity : open)
      ++open_[static_cast<std::size_t>(opportunity.rep)]
             [static_cast<std::size_t>(opportunity.stage)];
  }

  RepFigures figures(std::size_t rep, const std::string& name) const {
    RepFigures figures;
    figures.name = name;
    figures.new_per_week = round_to(leads_[rep] / static_cast<double>(WEEKS), 1);
    figures.wins = wins_[rep];
    figures.bookings = round_to(bookings_[rep], 1);
    figures.open_count = open_[rep];
    for (int i = 0; i < stages_; ++i) {
      const auto s = static_cast<std::size_t>(i);
      const int exits = exits_[rep][s];
      figures.conversion.push_back(exits == 0 ? 0.0
                                              : round_to(100.0 * moved_on_[rep][s] / exits, 0));
      figures.days_in_step.push_back(exits == 0 ? 0.0 : round_to(days_[rep][s] / exits, 1));
    }
    figures.win_rate = resolved_[rep] == 0 ? 0.0 : round_to(100.0 * wins_[rep] / resolved_[rep], 0);
    figures.average_won_deal = wins_[rep] == 0 ? 0.0 : round_to(bookings_[rep] / wins_[rep], 2);
    figures.average_opportunity =
        leads_[rep] == 0 ? 0.0 : round_to(lead_amount_[rep] / leads_[rep], 2);
    return figures;
  }

 private:
  int stages_;
  double quarter_start_;
  std::unordered_map<std::uint64_t, double> entered_;  // opportunity -> day it entered its stage
  std::vector<int> leads_;
  std::vector<double> lead_amount_;
  std::vector<int> wins_;
  std::vector<double> bookings_;
  std::vector<int> resolved_;
  std::vector<std::vector<int>> exits_;
  std::vector<std::vector<int>> moved_on_;
  std::vector<std::vector<double>> days_;
  std::vector<std::vector<int>> open_;
};

enum CaseKind : std::uint64_t { DIAGNOSE = 1, FORECAST = 2, GAP = 3 };

/// The week of the quarter a forecast or gap case stands at: mid-quarter when easy, anywhere
/// from the second week to the last but two when hard.
int case_week(CaseRandom& random, Difficulty difficulty) {
  switch (difficulty) {
    case Difficulty::easy:
      return random.integer(4, 8);
    case Difficulty::normal:
      return random.integer(3, 10);
    case Difficulty::hard:
      return random.integer(2, 11);
  }
  return 7;
}

// The course's worked table (§4c, §4d): committed deals at 70%, possible ones at 25%, and 4% of
// the quota a week arriving unforecast.
constexpr double COURSE_ALPHA = 0.70;
constexpr double COURSE_BETA = 0.25;
constexpr double COURSE_GAMMA = 0.04;

/// The quarter's quota: the drawn one, raised where needed so that at least a third of it is
/// still open, as a manager meets it mid-quarter (and a wrong P1 or α shows in the answer).
double quota_above(double drawn, double booked) {
  return std::round(std::max(drawn, booked * 1.5));
}

/// The reps' calls in the proportions a manager meets (the course's table has committed about
/// half of the remaining quota at mid-quarter), rounded as printed.
Calls reps_calls(const Snapshot& snapshot, double committed_share, double possible_share,
                 int decimals) {
  const double remaining = snapshot.quota - snapshot.realized;
  return Calls{round_to(committed_share * remaining, decimals),
               round_to(possible_share * remaining, decimals)};
}

/// The figures the forecast and gap exercises read off a one-segment simulation at the end of
/// week `week` (1-based) of the measured quarter.
Snapshot snapshot_at(const sim::Segment& funnel, const sim::SegmentResult& segment, int week,
                     double quota, int decimals) {
  const auto w = static_cast<std::size_t>(week - 1);
  const std::size_t stages = funnel.stages.size();
  Snapshot snapshot;
  snapshot.quota = quota;
  snapshot.realized = round_to(segment.realized[w], decimals);
  snapshot.weeks_in_quarter = WEEKS;
  snapshot.weeks_remaining = WEEKS - week;
  snapshot.weeks_per_stage =
      std::max(1.0, round_to(funnel.stages.front().days.expected_value() / 7.0, 0));
  for (std::size_t i = 0; i < stages; ++i) {
    SnapshotStage stage;
    stage.name = funnel.stages[i].name;
    stage.win_probability = funnel.stages[i].win_probability;
    stage.count = static_cast<int>(segment.funnel_count[w * stages + i]);
    stage.amount = round_to(segment.funnel_amount[w * stages + i], decimals);
    snapshot.stages.push_back(stage);
  }
  return snapshot;
}

}  // namespace

std::string_view to_string(Difficulty difficulty) {
  switch (difficulty) {
    case Difficulty::easy:
      return "easy";
    case Difficulty::normal:
      return "normal";
    case Difficulty::hard:
      return "hard";
  }
  return "normal";
}

std::string_view to_string(Language language) {
  return language == Language::zh ? "zh" : "en";
}

DiagnoseCase make_diagnose_case(const CaseOptions& options) {
  CaseRandom random(options.seed, DIAGNOSE);
  const Effects effects = effects_for(options.difficulty);
  const int reps = options.difficulty == Difficulty::easy     ? 5
                   : options.difficulty == Difficulty::normal ? 6
                                                              : 8;
  const int weak = options.difficulty == Difficulty::easy     ? 3
                   : options.difficulty == Difficulty::normal ? random.integer(3, 4)
                                                              : random.integer(4, 6);
  // Every kind once before any repeats, so that across seeds every kind appears often.
  std::vector<Weakness> kinds = {Weakness::too_few_prospects, Weakness::low_win_rate,
                                 Weakness::low_deal_value, Weakness::stalled};
  random.shuffle(kinds);
  std::vector<Weakness> planted(static_cast<std::size_t>(reps), Weakness::healthy);
  for (int i = 0; i < weak; ++i) {
    planted[static_cast<std::size_t>(i)] =
        i < 4 ? kinds[static_cast<std::size_t>(i)]
              : kinds[static_cast<std::size_t>(random.integer(0, 3))];
  }
  random.shuffle(planted);
  const std::vector<std::string> names = pick_names(random, reps, options.language);
  const CaseFunnel funnel = case_funnel(options);
  const auto stages = static_cast<double>(funnel.segment.stages.size());

  std::vector<RepPlan> plans;
  for (int i = 0; i < reps; ++i) {
    RepPlan plan;
    plan.name = names[static_cast<std::size_t>(i)];
    plan.prospects_per_week = funnel.prospects_per_week;
    if (effects.healthy_spread > 0.0) {
      plan.prospects_per_week *=
          random.real(1.0 - effects.healthy_spread, 1.0 + effects.healthy_spread);
      plan.deal_scale *= random.real(1.0 - effects.healthy_spread, 1.0 + effects.healthy_spread);
    }
    switch (planted[static_cast<std::size_t>(i)]) {
      case Weakness::too_few_prospects:
        plan.prospects_per_week = funnel.prospects_per_week * effects.prospecting;
        break;
      case Weakness::low_win_rate:
        // One factor on every advance: the product over the stages scales the win rate.
        plan.win_factor = std::pow(effects.win_rate, 1.0 / stages);
        break;
      case Weakness::low_deal_value:
        plan.deal_scale = effects.deal_value;
        break;
      case Weakness::stalled:
        plan.late_factor = effects.stall;
        break;
      case Weakness::healthy:
        break;
    }
    plans.push_back(plan);
  }
  const sim::Model model = case_model(funnel, plans);

  DiagnoseCase exercise;
  exercise.options = options;
  exercise.standard = funnel_standard(funnel);
  QuarterReader reader(reps, static_cast<int>(funnel.segment.stages.size()),
                       model.calendar.warmup_weeks * 7.0);
  sim::ReplicationResult result;
  sim::simulate_replication(model, options.seed, 0, result, &reader);
  for (int i = 0; i < reps; ++i)
    exercise.reps.push_back(
        reader.figures(static_cast<std::size_t>(i), names[static_cast<std::size_t>(i)]));
  exercise.planted = planted;
  // The key is what the handout shows: the printed rules on the printed figures.
  for (const RepFigures& rep : exercise.reps)
    exercise.key.push_back(diagnose_rep(rep, exercise.standard).weakness);
  return exercise;
}

ForecastCase make_forecast_case(const CaseOptions& options) {
  CaseRandom random(options.seed, FORECAST);
  ForecastCase exercise;
  exercise.options = options;
  exercise.reps = random.integer(8, 12);
  exercise.week = case_week(random, options.difficulty);
  const int decimals = options.difficulty == Difficulty::easy ? 0 : 1;
  const CaseFunnel funnel = case_funnel(options);
  const RepStandard standard = funnel_standard(funnel);
  std::vector<RepPlan> plans(1);
  plans[0].name = "branch";
  plans[0].prospects_per_week = funnel.prospects_per_week;
  plans[0].quota = standard.quota;
  exercise.standard_prospects = standard.new_per_week;
  exercise.standard = standard;
  // One segment for the branch: the reps are alike, the team is one funnel.
  const sim::Model model = case_model(funnel, plans, exercise.reps);
  const double drawn_quota = exercise.reps * standard.quota * random.real(0.9, 1.25);
  const double committed_share = random.real(0.4, 0.6);
  const double possible_share = random.real(0.3, 0.6);

  sim::ReplicationResult result;
  sim::simulate_replication(model, options.seed, 0, result);
  const sim::SegmentResult& segment = result.segments.front();
  const double booked = segment.realized[static_cast<std::size_t>(exercise.week - 1)];
  exercise.snapshot = snapshot_at(funnel.segment, segment, exercise.week,
                                  quota_above(drawn_quota, booked), decimals);
  exercise.snapshot.calls =
      reps_calls(exercise.snapshot, committed_share, possible_share, decimals);
  // The course's worked table (§4c) weighs committed deals at 70%; the handout says so.
  exercise.snapshot.weights = {COURSE_ALPHA, COURSE_BETA, COURSE_GAMMA};
  // Hard cases leave the unit output to the trainee: funnel amount ÷ funnel count (§4a).
  if (options.difficulty != Difficulty::hard)
    exercise.snapshot.average_deal = standard.average_deal;
  exercise.formulas = forecast_all(exercise.snapshot);
  const FunnelForecast& model_forecast = exercise.formulas.funnel.value();
  exercise.funnel_forecast = exercise.snapshot.realized + model_forecast.expected_amount;
  exercise.calls_forecast = exercise.formulas.commit.value().forecast;
  exercise.new_opportunities = model_forecast.new_opportunities_needed;
  exercise.actual = round_to(result.segments.front().bookings.front(), 1);

  // What the quarter could still bring from this funnel: the simulation model's plays.
  const ForecastBenchmark benchmark(model, options.seed, 0);
  std::vector<ForecastBenchmark::OpenFunnel> funnels(1);
  for (const SnapshotStage& stage : exercise.snapshot.stages) {
    funnels[0].count.push_back(stage.count);
    funnels[0].amount.push_back(*stage.amount);
  }
  exercise.simulated_samples = std::max<std::size_t>(options.outcome_samples, 1);
  sim::RandomStream stream(options.seed, 0, {0x6578657263697365ULL, FORECAST},
                           sim::Purpose::forecast);
  std::vector<double> outcomes(exercise.simulated_samples);
  for (double& outcome : outcomes) {
    outcome =
        exercise.snapshot.realized + benchmark.play_forward(funnels, WEEKS - exercise.week, stream);
    exercise.simulated_mean += outcome / static_cast<double>(outcomes.size());
  }
  std::sort(outcomes.begin(), outcomes.end());
  exercise.simulated_p10 = quantile_sorted(outcomes, 0.10);
  exercise.simulated_p50 = quantile_sorted(outcomes, 0.50);
  exercise.simulated_p90 = quantile_sorted(outcomes, 0.90);
  return exercise;
}

GapCase make_gap_case(const CaseOptions& options) {
  CaseRandom random(options.seed, GAP);
  GapCase exercise;
  exercise.options = options;
  exercise.rep = pick_names(random, 1, options.language).front();
  exercise.week = case_week(random, options.difficulty);
  const int decimals = options.difficulty == Difficulty::easy ? 0 : 1;
  const CaseFunnel funnel = case_funnel(options);
  const RepStandard standard = funnel_standard(funnel);
  exercise.standard = standard;
  std::vector<RepPlan> plans(1);
  plans[0].name = exercise.rep;
  plans[0].prospects_per_week = round_to(funnel.prospects_per_week * random.real(0.6, 1.2), 1);
  plans[0].quota = standard.quota;
  const sim::Model model = case_model(funnel, plans);
  const double drawn_quota = standard.quota * random.real(0.9, 1.3);
  const double committed_share = random.real(0.4, 0.6);
  const double possible_share = random.real(0.3, 0.6);

  sim::ReplicationResult result;
  sim::simulate_replication(model, options.seed, 0, result);
  const sim::SegmentResult& segment = result.segments.front();
  const double booked = segment.realized[static_cast<std::size_t>(exercise.week - 1)];
  exercise.snapshot = snapshot_at(funnel.segment, segment, exercise.week,
                                  quota_above(drawn_quota, booked), decimals);
  exercise.snapshot.calls =
      reps_calls(exercise.snapshot, committed_share, possible_share, decimals);
  // P3: the new pipeline's win rate, the first stage's probability (20% in the playbook).
  exercise.snapshot.gap_ladder = {COURSE_ALPHA, COURSE_BETA, standard.win_rate,
                                  standard.average_deal};
  exercise.snapshot.average_deal = standard.average_deal;  // a rep's funnel may be empty
  exercise.ladder = *forecast_gap_ladder(exercise.snapshot);
  exercise.actual = round_to(result.segments.front().bookings.front(), 1);
  return exercise;
}

}  // namespace funnelsim::analysis::exercise
