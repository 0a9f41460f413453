// The class kit's arithmetic kinds (issue #20): their cases, keys, marking and JSON. The
// handouts are in exercise_course_handout.cpp.
#include <algorithm>
#include <boost/random/mersenne_twister.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <boost/random/uniform_real_distribution.hpp>
#include <cmath>
#include <set>

#include "course_text.hpp"
#include "funnelsim/exercise/course_kinds.hpp"
#include "funnelsim/forecast/forecast.hpp"
#include "funnelsim/sim/random.hpp"
#include "funnelsim/stats/json.hpp"

namespace funnelsim::analysis::exercise {
namespace {

using course::amount;

// Distinct from the other kinds' stream keys (exercise_cases.cpp uses 1 to 3).
enum CourseKind : std::uint64_t { RECEIPTS = 4, STANDARD_FUNNEL = 5 };

/// The case's own generator: Boost's Mersenne Twister and distributions give the same numbers
/// on every platform (as the other kinds' CaseRandom).
class CourseRandom {
 public:
  CourseRandom(std::uint64_t seed, std::uint64_t kind) : engine_(sim::mix64(seed, kind)) {}
  int integer(int low, int high) {
    return boost::random::uniform_int_distribution<int>(low, high)(engine_);
  }
  double real(double low, double high) {
    return boost::random::uniform_real_distribution<double>(low, high)(engine_);
  }

 private:
  boost::random::mt19937_64 engine_;
};

double by_difficulty(Difficulty difficulty, double easy, double normal, double hard) {
  return difficulty == Difficulty::easy ? easy : difficulty == Difficulty::normal ? normal : hard;
}

/// `value` rounded to a multiple of `step` (half away from zero): what the handout prints. A
/// decimal step divides by its whole inverse, so that 5.6 is the double nearest 5.6, not
/// 56 × 0.1 = 5.6000000000000005.
double round_to_step(double value, double step) {
  if (step >= 1.0)
    return std::round(value / step) * step;
  const double per_unit = std::round(1.0 / step);
  return std::round(value * per_unit) / per_unit;
}

/// A win probability as printed: to 0.1 percentage point.
double printed_probability(double probability) {
  return std::round(probability * 1000.0) / 1000.0;
}

/// Keys unique within a case even where a scenario's stage names differ only in punctuation.
std::string unique_key(const std::string& prefix, const std::string& name,
                       std::set<std::string>& taken) {
  std::string key = course::answer_key(prefix, name);
  for (int suffix = 2; taken.count(key) != 0; ++suffix)
    key = course::answer_key(prefix, name) + "_" + std::to_string(suffix);
  taken.insert(key);
  return key;
}

// The playbook's large-project chain (§1) and small-project funnel (§1).
struct PlaybookStage {
  const char* name;
  double win_probability;
};
constexpr PlaybookStage LARGE_PROJECT_STAGES[] = {{"potential", 0.10},
                                                  {"intent", 0.20},
                                                  {"approved", 0.30},
                                                  {"recognized", 0.50},
                                                  {"negotiation", 0.70}};
constexpr PlaybookStage SMALL_PROJECT_STAGES[] = {
    {"intent", 0.20}, {"solution", 0.35}, {"negotiation", 0.70}};

bool close_enough(double given, double expected, double tolerance, double floor) {
  return std::abs(given - expected) <= std::max(tolerance * std::abs(expected), floor) + 1e-9;
}

const GivenAnswer* find_answer(const std::vector<GivenAnswer>& answers, const std::string& key) {
  for (const GivenAnswer& answer : answers) {
    if (answer.key == key)
      return &answer;
  }
  return nullptr;
}

/// Marks one number; `working` shows how the key is reached, and `miss` (when the answer is
/// wrong) names the likely slip for the value given.
template <class Miss>
MarkedAnswer mark_number(const std::vector<GivenAnswer>& answers, const std::string& key,
                         double expected, double tolerance, double floor, int decimals,
                         const std::string& working, Miss miss) {
  MarkedAnswer marked;
  marked.key = key;
  marked.expected = amount(expected, decimals);
  const GivenAnswer* given = find_answer(answers, key);
  if (given == nullptr || !given->number) {
    marked.given = "(none)";
    marked.explanation = "not answered; " + working;
    return marked;
  }
  marked.given = given->text;
  marked.correct = close_enough(*given->number, expected, tolerance, floor);
  marked.explanation = working;
  if (!marked.correct) {
    const std::string slip = miss(*given->number);
    if (!slip.empty())
      marked.explanation += "; " + slip;
  }
  return marked;
}

MarkedAnswer mark_number(const std::vector<GivenAnswer>& answers, const std::string& key,
                         double expected, double tolerance, double floor, int decimals,
                         const std::string& working) {
  return mark_number(answers, key, expected, tolerance, floor, decimals, working,
                     [](double) { return std::string(); });
}

std::string json_field(const std::string& name, const std::string& value) {
  return json_string(name) + ":" + value;
}

std::string json_header(const char* kind, const CaseOptions& options) {
  return "{" + json_field("kind", json_string(kind)) + "," +
         json_field("seed", json_integer(options.seed)) + "," +
         json_field("difficulty", json_string(to_string(options.difficulty))) + "," +
         json_field("language", json_string(to_string(options.language))) + ",";
}

}  // namespace

// --- receipts -------------------------------------------------------------------------------

ReceiptsKey receipts_key(const ReceiptsCase& exercise) {
  // The project's one implementation of §4b (the forecast command's), on the printed givens.
  Snapshot snapshot;
  snapshot.quota = exercise.branch_quota * exercise.large_share;
  snapshot.realized = exercise.realized;
  snapshot.weeks_remaining = 0.0;
  snapshot.average_deal = 1.0;  // unused by the amount model; the count model is not asked
  for (const ReceiptsStage& stage : exercise.stages)
    snapshot.stages.push_back({stage.name, stage.win_probability, 0, stage.amount});
  snapshot.receipts = {exercise.paid_within_year, exercise.quarter_share, exercise.software_share,
                       exercise.won_receipts};
  const AmountFunnelForecast forecast = forecast_amount_funnel(snapshot).value();
  ReceiptsKey key;
  key.expected_revenue = forecast.stage_expected_revenue;
  key.large_quota = snapshot.quota;
  key.negotiation_receipts =
      forecast.closing_stage_expected_revenue * exercise.paid_within_year * exercise.quarter_share;
  key.software_receipts = forecast.expected_receipts;
  key.amount_gap = forecast.amount_gap;
  return key;
}

ReceiptsCase make_receipts_case(const CaseOptions& options) {
  CourseRandom random(options.seed, RECEIPTS);
  ReceiptsCase exercise;
  exercise.options = options;
  const Difficulty difficulty = options.difficulty;
  exercise.decimals = difficulty == Difficulty::hard ? 1 : 0;
  // Easy cases print amounts in steps of 5 万, so that the arithmetic can be done by hand.
  const double step = by_difficulty(difficulty, 5.0, 1.0, 0.1);
  exercise.tolerance = by_difficulty(difficulty, 0.05, 0.02, 0.01);
  exercise.floor = by_difficulty(difficulty, 0.5, 0.5, 0.2);

  // A trainer's scenario: its first funnel long enough to be a large-project chain.
  const sim::Segment* large = nullptr;
  if (options.scenario) {
    for (const sim::Segment& segment : options.scenario->segments) {
      if (segment.stages.size() >= 4) {
        large = &segment;
        break;
      }
    }
  }
  std::set<std::string> taken;
  if (large != nullptr) {
    exercise.playbook_stages = false;
    for (const sim::Stage& stage : large->stages)
      exercise.stages.push_back({stage.name, unique_key("revenue_", stage.name, taken),
                                 printed_probability(stage.win_probability), 0.0});
  } else {
    for (const PlaybookStage& stage : LARGE_PROJECT_STAGES)
      exercise.stages.push_back(
          {stage.name, unique_key("revenue_", stage.name, taken), stage.win_probability, 0.0});
  }

  // A branch of 300 to 600 万 a quarter (the course's 1500 万 a year is about 420 in Q2).
  exercise.branch_quota = difficulty == Difficulty::easy
                              ? 20.0 * random.integer(15, 30)
                              : static_cast<double>(random.integer(250, 700));
  const double large_quota = exercise.branch_quota * exercise.large_share;
  exercise.realized = round_to_step(large_quota * random.real(0.1, 0.5), step);
  // Receipts to come of 50% to 120% of what the quota still needs, so that the gap is as often
  // a shortfall as a surplus; the negotiation stage brings 40% to 80% of them.
  const double to_come = (large_quota - exercise.realized) * random.real(0.5, 1.2);
  const double from_negotiation = to_come * random.real(0.4, 0.8);
  const double per_negotiation_amount = exercise.stages.back().win_probability *
                                        exercise.paid_within_year * exercise.quarter_share *
                                        exercise.software_share;
  exercise.stages.back().amount =
      std::max(step, round_to_step(from_negotiation / per_negotiation_amount, step));
  exercise.won_receipts =
      std::max(step, round_to_step((to_come - from_negotiation) / exercise.software_share, step));
  // Earlier stages hold more: each 1.1 to 1.8 times the amount of the stage after it (the
  // course's standard large-project funnel, §2, holds 20 : 10 : 7 : 4 : 3 by count).
  for (std::size_t i = exercise.stages.size() - 1; i-- > 0;) {
    exercise.stages[i].amount =
        round_to_step(exercise.stages[i + 1].amount * random.real(1.1, 1.8), step);
  }
  exercise.key = receipts_key(exercise);
  return exercise;
}

scenarios::AnswerSpec answer_spec(const ReceiptsCase& exercise) {
  scenarios::AnswerSpec spec{"", {}, {}, "answer"};
  for (const ReceiptsStage& stage : exercise.stages)
    spec.keys.push_back(stage.answer_key);
  spec.keys.insert(spec.keys.end(), {"large_quota", "software_receipts", "amount_gap"});
  return spec;
}

Marking mark(const ReceiptsCase& exercise, const std::vector<GivenAnswer>& answers) {
  const ReceiptsKey& key = exercise.key;
  const double tolerance = exercise.tolerance;
  const double floor = exercise.floor;
  const int decimals = exercise.decimals;
  Marking marking;
  for (std::size_t i = 0; i < exercise.stages.size(); ++i) {
    const ReceiptsStage& stage = exercise.stages[i];
    marking.answers.push_back(mark_number(
        answers, stage.answer_key, key.expected_revenue[i], tolerance, floor, 2,
        format_text("%s: amount %s 万 × win probability %s", stage.name.c_str(),
                    amount(stage.amount, decimals).c_str(),
                    course::percent(stage.win_probability).c_str()),
        [&](double given) {
          return close_enough(given, stage.amount, tolerance, floor)
                     ? std::string("that is the stage's amount: weigh it by its win probability")
                     : std::string();
        }));
  }
  marking.answers.push_back(
      mark_number(answers, "large_quota", key.large_quota, tolerance, floor, 2,
                  format_text("branch quarterly quota %s 万 × the large projects' share %s",
                              amount(exercise.branch_quota, 0).c_str(),
                              course::percent(exercise.large_share).c_str())));

  const double negotiation_revenue = key.expected_revenue.back();
  const double won = exercise.won_receipts;
  marking.answers.push_back(mark_number(
      answers, "software_receipts", key.software_receipts, tolerance, floor, 2,
      format_text("(negotiation's expected revenue %.2f × %s paid within the year × %s of the "
                  "year's receipts this quarter + %s 万 due from deals already won) × %s "
                  "software share",
                  negotiation_revenue, course::percent(exercise.paid_within_year).c_str(),
                  course::percent(exercise.quarter_share).c_str(), amount(won, decimals).c_str(),
                  course::percent(exercise.software_share).c_str()),
      [&](double given) {
        // The typical slips, each with the value it gives; the nearest one within the
        // tolerance is named (in a small case two slips can give close values).
        const std::pair<double, const char*> slips[] = {
            {key.negotiation_receipts + won,
             "you left out the software share: only 3 parts in 4 of the receipts are software "
             "(software : implementation = 3 : 1)"},
            {(negotiation_revenue * exercise.paid_within_year + won) * exercise.software_share,
             "you left out this quarter's share of the year's receipts: the contract's year of "
             "receipts does not all fall this quarter"},
            {(negotiation_revenue + won) * exercise.software_share,
             "a won contract is not paid at once: take the share paid within the year and this "
             "quarter's share of it"}};
        std::string named;
        double nearest = 0.0;
        for (const auto& [value, slip] : slips) {
          if (close_enough(given, value, tolerance, floor) &&
              (named.empty() || std::abs(given - value) < nearest)) {
            named = slip;
            nearest = std::abs(given - value);
          }
        }
        return named;
      }));
  marking.answers.push_back(mark_number(
      answers, "amount_gap", key.amount_gap, tolerance, floor, 2,
      format_text("large-project quota %.2f − expected software receipts %.2f − realized %s 万"
                  "%s",
                  key.large_quota, key.software_receipts,
                  amount(exercise.realized, decimals).c_str(),
                  key.amount_gap < 0.0 ? " (negative: the forecast beats the quota)" : ""),
      [&](double given) {
        return close_enough(given, key.large_quota - key.software_receipts, tolerance, floor)
                   ? std::string("you did not take off the receipts already realized")
                   : std::string();
      }));
  return marking;
}

std::string case_json(const ReceiptsCase& exercise, bool answers) {
  std::string json = json_header("receipts", exercise.options);
  json += "\"givens\":{\"stages\":[";
  for (std::size_t i = 0; i < exercise.stages.size(); ++i) {
    const ReceiptsStage& stage = exercise.stages[i];
    json += std::string(i == 0 ? "" : ",") + "{" + json_field("name", json_string(stage.name)) +
            "," + json_field("answer_key", json_string(stage.answer_key)) + "," +
            json_field("win_probability", json_number(stage.win_probability)) + "," +
            json_field("amount", json_number(stage.amount)) + "}";
  }
  json += "]," + json_field("playbook_stages", json_bool(exercise.playbook_stages)) + "," +
          json_field("branch_quota", json_number(exercise.branch_quota)) + "," +
          json_field("large_share", json_number(exercise.large_share)) + "," +
          json_field("won_receipts", json_number(exercise.won_receipts)) + "," +
          json_field("realized", json_number(exercise.realized)) + "," +
          json_field("paid_within_year", json_number(exercise.paid_within_year)) + "," +
          json_field("quarter_share", json_number(exercise.quarter_share)) + "," +
          json_field("software_share", json_number(exercise.software_share)) + "," +
          json_field("tolerance", json_number(exercise.tolerance)) + "," +
          json_field("floor", json_number(exercise.floor)) + "}";
  if (answers) {
    const ReceiptsKey& key = exercise.key;
    json += ",\"key\":{\"expected_revenue\":{";
    for (std::size_t i = 0; i < exercise.stages.size(); ++i) {
      json += std::string(i == 0 ? "" : ",") +
              json_field(exercise.stages[i].answer_key, json_number(key.expected_revenue[i]));
    }
    json += "}," + json_field("large_quota", json_number(key.large_quota)) + "," +
            json_field("negotiation_receipts", json_number(key.negotiation_receipts)) + "," +
            json_field("software_receipts", json_number(key.software_receipts)) + "," +
            json_field("amount_gap", json_number(key.amount_gap)) + "}";
  }
  return json + "}\n";
}

// --- standard funnel ------------------------------------------------------------------------

StandardFunnelKey standard_funnel_key(const StandardFunnelCase& exercise) {
  StandardFunnelKey key;
  // The two roundings in integers, so that a tie (241 ÷ 2 = 120.5) rounds half up exactly as
  // the handout says, whatever the doubles would make of 1.17 or 2.35.
  const long vat_percent = std::lround(exercise.vat * 100.0);
  const long millionths =
      exercise.annual_quota * vat_percent * exercise.small_share_percent *
      exercise.quarter_share_percent;  // 万 × 10^6: the percentages' three factors of 100
  key.quarter_quota = (millionths + 500000) / 1000000;
  const long deal_hundredths = std::lround(exercise.average_deal * 100.0);
  key.wins_quarter = (2 * key.quarter_quota * 100 + deal_hundredths) / (2 * deal_hundredths);
  // Then the project's one planner of §2 (`funnelsim plan funnel`'s), for the rounded wins.
  FunnelPlanInput input;
  input.quota = static_cast<double>(key.wins_quarter) * exercise.average_deal;
  input.average_deal = exercise.average_deal;
  input.weeks_per_stage = exercise.weeks_per_stage;
  input.selling_weeks = exercise.selling_weeks;
  input.prospects_per_rep = exercise.prospects_per_rep;
  for (const StandardFunnelGiven& stage : exercise.stages)
    input.stages.push_back({stage.name, stage.win_probability});
  const StandardFunnel funnel = plan_standard_funnel(input);
  key.wins_week = funnel.wins_per_week;
  for (const auto& stage : funnel.stages)
    key.standard_count.push_back(stage.count);
  key.new_week = funnel.new_opportunities_per_week;
  key.reps = funnel.reps_needed;
  return key;
}

StandardFunnelCase make_standard_funnel_case(const CaseOptions& options) {
  CourseRandom random(options.seed, STANDARD_FUNNEL);
  StandardFunnelCase exercise;
  exercise.options = options;
  const Difficulty difficulty = options.difficulty;
  exercise.tolerance = by_difficulty(difficulty, 0.02, 0.01, 0.005);
  switch (difficulty) {
    case Difficulty::easy:
      exercise.annual_quota = 50L * random.integer(16, 40);
      exercise.small_share_percent = 70;
      exercise.quarter_share_percent = random.integer(0, 1) == 0 ? 25 : 28;
      break;
    case Difficulty::normal:
      exercise.annual_quota = random.integer(600, 2000);
      exercise.small_share_percent = 65 + 5 * random.integer(0, 2);
      exercise.quarter_share_percent = random.integer(22, 30);
      exercise.weeks_per_stage = 0.5 * random.integer(2, 4);
      exercise.prospects_per_rep = random.integer(4, 6);
      break;
    case Difficulty::hard:
      exercise.annual_quota = random.integer(400, 3000);
      exercise.small_share_percent = random.integer(55, 80);
      exercise.quarter_share_percent = random.integer(18, 32);
      exercise.weeks_per_stage = 0.5 * random.integer(1, 6);
      exercise.prospects_per_rep = round_to_step(random.real(3.0, 7.0), 0.1);
      exercise.average_deal = round_to_step(random.real(1.5, 3.0), 0.01);
      break;
  }

  std::set<std::string> taken;
  if (options.scenario && !options.scenario->segments.empty()) {
    // A trainer's scenario: its first funnel, and the prospecting of the first team on it.
    exercise.playbook_stages = false;
    const sim::Model& model = *options.scenario;
    const sim::Segment& segment = model.segments.front();
    double days = 0.0;
    for (const sim::Stage& stage : segment.stages) {
      exercise.stages.push_back({stage.name, unique_key("count_", stage.name, taken),
                                 printed_probability(stage.win_probability)});
      days += stage.days.expected_value();
    }
    exercise.weeks_per_stage =
        std::max(0.1, round_to_step(days / 7.0 / static_cast<double>(segment.stages.size()), 0.1));
    exercise.average_deal = std::max(0.01, round_to_step(segment.deal_size.expected_value(), 0.01));
    const auto team = std::find_if(model.teams.begin(), model.teams.end(),
                                   [](const sim::Team& t) { return t.segment == 0; });
    if (team != model.teams.end())
      exercise.prospects_per_rep = std::max(0.1, round_to_step(team->prospects_per_week, 0.1));
  } else {
    for (const PlaybookStage& stage : SMALL_PROJECT_STAGES)
      exercise.stages.push_back(
          {stage.name, unique_key("count_", stage.name, taken), stage.win_probability});
  }
  exercise.key = standard_funnel_key(exercise);
  return exercise;
}

scenarios::AnswerSpec answer_spec(const StandardFunnelCase& exercise) {
  scenarios::AnswerSpec spec{"", {"quarter_quota", "wins_quarter", "wins_week"}, {}, "answer"};
  for (const StandardFunnelGiven& stage : exercise.stages)
    spec.keys.push_back(stage.answer_key);
  spec.keys.insert(spec.keys.end(), {"new_week", "reps"});
  return spec;
}

Marking mark(const StandardFunnelCase& exercise, const std::vector<GivenAnswer>& answers) {
  const StandardFunnelKey& key = exercise.key;
  const double tolerance = exercise.tolerance;
  Marking marking;
  marking.answers.push_back(mark_number(
      answers, "quarter_quota", static_cast<double>(key.quarter_quota), tolerance,
      exercise.whole_floor, 0,
      format_text("annual %ld 万 × VAT %.2f × small projects %d%% × the quarter's %d%%, to whole "
                  "万",
                  exercise.annual_quota, exercise.vat, exercise.small_share_percent,
                  exercise.quarter_share_percent),
      [&](double given) {
        const double without_vat = exercise.annual_quota * exercise.small_share_percent *
                                   exercise.quarter_share_percent / 10000.0;
        return close_enough(given, without_vat, tolerance, exercise.whole_floor)
                   ? std::string("you left out VAT: the quota is tax-inclusive (× 1.17)")
                   : std::string();
      }));
  marking.answers.push_back(
      mark_number(answers, "wins_quarter", static_cast<double>(key.wins_quarter), tolerance,
                  exercise.whole_floor, 0,
                  format_text("quarter's quota %ld 万 ÷ average deal %.2f 万, to whole deals",
                              key.quarter_quota, exercise.average_deal)));
  marking.answers.push_back(mark_number(
      answers, "wins_week", key.wins_week, tolerance, exercise.fraction_floor, 2,
      format_text("%ld wins ÷ %d selling weeks", key.wins_quarter, exercise.selling_weeks)));
  for (std::size_t i = 0; i < exercise.stages.size(); ++i) {
    const StandardFunnelGiven& stage = exercise.stages[i];
    marking.answers.push_back(mark_number(
        answers, stage.answer_key, key.standard_count[i], tolerance, exercise.fraction_floor, 1,
        format_text("%s: %.2f wins a week × %.1f weeks in a stage ÷ win probability %s",
                    stage.name.c_str(), key.wins_week, exercise.weeks_per_stage,
                    course::percent(stage.win_probability).c_str()),
        [&](double given) {
          return close_enough(given, key.wins_week / stage.win_probability, tolerance,
                              exercise.fraction_floor)
                     ? std::string(
                           "a stage holds a stage's duration of wins: multiply by the "
                           "weeks in a stage")
                     : std::string();
        }));
  }
  marking.answers.push_back(mark_number(
      answers, "new_week", key.new_week, tolerance, exercise.fraction_floor, 1,
      format_text("%.2f wins a week ÷ the first stage's win probability %s", key.wins_week,
                  course::percent(exercise.stages.front().win_probability).c_str())));

  // Reps are whole: right if equal to the key, or to the ceiling of the new opportunities a
  // week as the trainee may have written them (one decimal).
  MarkedAnswer reps = mark_number(
      answers, "reps", static_cast<double>(key.reps), 0.0, 0.0, 0,
      format_text("%.2f new a week ÷ %.1f prospects per rep a week, rounded up to whole reps",
                  key.new_week, exercise.prospects_per_rep));
  if (!reps.correct) {
    const GivenAnswer* given = find_answer(answers, "reps");
    const double one_decimal = std::round(key.new_week * 10.0) / 10.0;
    const double alternative = std::ceil(one_decimal / exercise.prospects_per_rep - 1e-9);
    if (given != nullptr && given->number && *given->number == alternative) {
      reps.correct = true;
      reps.explanation += format_text(" (from %.1f new a week: right too)", one_decimal);
    }
  }
  marking.answers.push_back(reps);
  return marking;
}

std::string case_json(const StandardFunnelCase& exercise, bool answers) {
  std::string json = json_header("standard-funnel", exercise.options);
  json +=
      "\"givens\":{" +
      json_field("annual_quota", json_integer(static_cast<std::uint64_t>(exercise.annual_quota))) +
      "," + json_field("vat", json_number(exercise.vat)) + "," +
      json_field("small_share_percent",
                 json_integer(static_cast<std::uint64_t>(exercise.small_share_percent))) +
      "," +
      json_field("quarter_share_percent",
                 json_integer(static_cast<std::uint64_t>(exercise.quarter_share_percent))) +
      "," + json_field("average_deal", json_number(exercise.average_deal)) + "," +
      json_field("weeks_per_stage", json_number(exercise.weeks_per_stage)) + "," +
      json_field("selling_weeks",
                 json_integer(static_cast<std::uint64_t>(exercise.selling_weeks))) +
      ",\"stages\":[";
  for (std::size_t i = 0; i < exercise.stages.size(); ++i) {
    const StandardFunnelGiven& stage = exercise.stages[i];
    json += std::string(i == 0 ? "" : ",") + "{" + json_field("name", json_string(stage.name)) +
            "," + json_field("answer_key", json_string(stage.answer_key)) + "," +
            json_field("win_probability", json_number(stage.win_probability)) + "}";
  }
  json += "]," + json_field("playbook_stages", json_bool(exercise.playbook_stages)) + "," +
          json_field("prospects_per_rep", json_number(exercise.prospects_per_rep)) + "," +
          json_field("tolerance", json_number(exercise.tolerance)) + "," +
          json_field("whole_floor", json_number(exercise.whole_floor)) + "," +
          json_field("fraction_floor", json_number(exercise.fraction_floor)) + "}";
  if (answers) {
    const StandardFunnelKey& key = exercise.key;
    json +=
        ",\"key\":{" +
        json_field("quarter_quota", json_integer(static_cast<std::uint64_t>(key.quarter_quota))) +
        "," +
        json_field("wins_quarter", json_integer(static_cast<std::uint64_t>(key.wins_quarter))) +
        "," + json_field("wins_week", json_number(key.wins_week)) + ",\"standard_count\":{";
    for (std::size_t i = 0; i < exercise.stages.size(); ++i) {
      json += std::string(i == 0 ? "" : ",") +
              json_field(exercise.stages[i].answer_key, json_number(key.standard_count[i]));
    }
    json += "}," + json_field("new_week", json_number(key.new_week)) + "," +
            json_field("reps", json_integer(static_cast<std::uint64_t>(key.reps))) + "}";
  }
  return json + "}\n";
}

}  // namespace funnelsim::analysis::exercise
