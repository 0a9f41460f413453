// Training exercises (issue #6): reproducible handouts that never leak the answer, cases the
// project's own rules can solve from the handout's numbers alone, and marking.
#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "funnelsim/exercise/exercise.hpp"
#include "funnelsim/forecast/forecast.hpp"
#include "funnelsim/scenarios/answers.hpp"
#include "funnelsim/scenarios/error.hpp"
#include "support/shell.hpp"
#include "support/temporary_directory.hpp"

namespace {

using namespace funnelsim::analysis::exercise;
using funnelsim::analysis::average_deal;
using funnelsim::analysis::forecast_all;
using funnelsim::analysis::ForecastReport;
using funnelsim::analysis::FunnelForecast;
using funnelsim::analysis::GapLadder;
using funnelsim::analysis::Snapshot;
using funnelsim::testing::run_cli;
using funnelsim::testing::TemporaryDirectory;

std::vector<std::string> split_cells(const std::string& line) {
  std::vector<std::string> cells;
  std::string cell;
  std::istringstream in(line.substr(1));
  while (std::getline(in, cell, '|')) {
    const auto first = cell.find_first_not_of(' ');
    const auto last = cell.find_last_not_of(' ');
    cells.push_back(first == std::string::npos ? "" : cell.substr(first, last - first + 1));
  }
  if (!cells.empty() && cells.back().empty())
    cells.pop_back();
  return cells;
}

/// The table under the heading that starts with `heading`: its header and its rows.
struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};
Table table_after(const std::string& markdown, const std::string& heading) {
  std::istringstream in(markdown.substr(markdown.find("\n" + heading) + 1));
  std::string line;
  Table table;
  while (std::getline(in, line) && line.rfind("| ", 0) != 0) {
  }
  table.header = split_cells(line);
  std::getline(in, line);  // the rule
  while (std::getline(in, line) && line.rfind("|", 0) == 0)
    table.rows.push_back(split_cells(line));
  return table;
}

/// The number in "1.97", "25%", "new a week (5)" (the bracket).
double number_in(const std::string& text) {
  const auto open = text.find('(');
  return std::stod(open == std::string::npos ? text : text.substr(open + 1));
}

/// What a trainee sees: the handout's numbers read back from its Markdown, and nothing else.
struct ReadHandout {
  RepStandard standard;
  std::vector<RepFigures> reps;
};
ReadHandout read_diagnose_handout(const std::string& markdown) {
  ReadHandout read;
  const Table yield = table_after(markdown, "## Yield");
  const Table balance = table_after(markdown, "## Balance");
  const Table losses = table_after(markdown, "## Losses");
  const Table time = table_after(markdown, "## Time-in-Step");
  const Table value = table_after(markdown, "## Deal value");
  read.standard.new_per_week = number_in(yield.header[1]);
  read.standard.win_rate = number_in(losses.header.back()) / 100.0;
  read.standard.days_per_stage = number_in(time.header[1]);
  read.standard.average_deal = number_in(value.header[1]);
  for (std::size_t i = 1; i < balance.header.size(); ++i) {
    read.standard.stages.push_back(balance.header[i].substr(0, balance.header[i].find(' ')));
    read.standard.standard_count.push_back(number_in(balance.header[i]));
    read.standard.conversion.push_back(number_in(losses.header[i]) / 100.0);
  }
  for (std::size_t r = 0; r < yield.rows.size(); ++r) {
    RepFigures rep;
    rep.name = yield.rows[r][0];
    rep.new_per_week = std::stod(yield.rows[r][1]);
    rep.wins = std::stoi(yield.rows[r][2]);
    rep.bookings = std::stod(yield.rows[r][3]);
    for (std::size_t i = 1; i < balance.rows[r].size(); ++i)
      rep.open_count.push_back(std::stoi(balance.rows[r][i]));
    for (std::size_t i = 1; i + 1 < losses.rows[r].size(); ++i)
      rep.conversion.push_back(std::stod(losses.rows[r][i]));
    rep.win_rate = std::stod(losses.rows[r].back());
    for (std::size_t i = 1; i < time.rows[r].size(); ++i)
      rep.days_in_step.push_back(std::stod(time.rows[r][i]));
    rep.average_won_deal = value.rows[r][1] == "–" ? 0.0 : std::stod(value.rows[r][1]);
    rep.average_opportunity = std::stod(value.rows[r][2]);
    REQUIRE(balance.rows[r][0] == rep.name);
    REQUIRE(time.rows[r][0] == rep.name);
    read.reps.push_back(rep);
  }
  return read;
}

/// The rules table as the trainee reads it: label, the figure's name, below or above, threshold.
struct ReadRule {
  Weakness label = Weakness::healthy;
  std::string figure;
  bool below = true;
  double threshold = 0.0;
};
std::vector<ReadRule> read_rules(const std::string& markdown) {
  std::vector<ReadRule> rules;
  for (const auto& row : table_after(markdown, "## The rules").rows) {
    ReadRule rule;
    const std::string label = row[1].substr(1, row[1].find('`', 1) - 1);
    rule.label = weakness_from_string(label).value();
    rule.figure = row[2];
    rule.below = row[3].rfind("below ", 0) == 0;
    REQUIRE((rule.below || row[3].rfind("above ", 0) == 0));
    rule.threshold = std::stod(row[3].substr(6));
    rules.push_back(rule);
  }
  return rules;
}

/// The test's own reading of a rep under the printed rules: the first rule met, or healthy.
Weakness label_by_hand(const RepFigures& rep, const RepStandard& standard,
                       const std::vector<ReadRule>& rules) {
  for (const ReadRule& rule : rules) {
    double value = 0.0;
    if (rule.figure == "new a week") {
      value = rep.new_per_week;
    } else if (rule.figure == "average new opportunity 万") {
      value = rep.average_opportunity;
    } else if (rule.figure == "win rate %") {
      value = rep.win_rate;
    } else {
      REQUIRE(rule.figure.rfind("days in ", 0) == 0);
      const std::string stage = rule.figure.substr(8);
      const auto at = std::find(standard.stages.begin(), standard.stages.end(), stage);
      REQUIRE(at != standard.stages.end());
      value = rep.days_in_step[static_cast<std::size_t>(at - standard.stages.begin())];
    }
    if (rule.below ? value < rule.threshold : value > rule.threshold)
      return rule.label;
  }
  return Weakness::healthy;
}

}  // namespace

TEST_CASE("exercise diagnose: the key follows from the printed figures under the printed rules",
          "[exercise][statistical]") {
  // Over 1,000 cases at every difficulty, the test reads each handout as a trainee does (its
  // tables and its rules), labels every rep itself, and compares with the key.
  const int seeds = 1000;
  for (const Difficulty difficulty : {Difficulty::easy, Difficulty::normal, Difficulty::hard}) {
    int reps = 0, contradictions = 0, shown = 0, weak = 0;
    std::map<Weakness, int> labels;
    for (int seed = 1; seed <= seeds; ++seed) {
      const DiagnoseCase exercise =
          make_diagnose_case({static_cast<std::uint64_t>(seed), difficulty});
      const std::string handout = render_handout(exercise, false);
      const ReadHandout read = read_diagnose_handout(handout);
      const std::vector<ReadRule> rules = read_rules(handout);
      REQUIRE(read.reps.size() == exercise.key.size());
      for (std::size_t i = 0; i < read.reps.size(); ++i) {
        ++reps;
        const Weakness by_hand = label_by_hand(read.reps[i], read.standard, rules);
        if (by_hand != exercise.key[i]) {
          ++contradictions;
          UNSCOPED_INFO("seed " << seed << " rep " << read.reps[i].name << ": key "
                                << to_string(exercise.key[i]) << ", rules " << to_string(by_hand));
        }
        ++labels[exercise.key[i]];
        if (exercise.planted[i] != Weakness::healthy) {
          ++weak;
          shown += exercise.key[i] == exercise.planted[i] ? 1 : 0;
        }
      }
    }
    std::printf(
        "diagnose %s: %d reps in %d cases checked, %d contradictions; labels: healthy %d, "
        "too-few-prospects %d, low-win-rate %d, low-deal-value %d, stalled %d; planted weaknesses "
        "the page shows: %d of %d\n",
        std::string(to_string(difficulty)).c_str(), reps, seeds, contradictions,
        labels[Weakness::healthy], labels[Weakness::too_few_prospects],
        labels[Weakness::low_win_rate], labels[Weakness::low_deal_value], labels[Weakness::stalled],
        shown, weak);
    CHECK(contradictions == 0);
    // Every label appears, at every difficulty: at least 5% of the reps each.
    for (const Weakness weakness : ALL_WEAKNESSES) {
      INFO(std::string(to_string(weakness)));
      CHECK(labels[weakness] >= reps / 20);
    }
  }
}

TEST_CASE("exercise handouts are byte-identical for a seed and differ between seeds",
          "[exercise][process]") {
  for (const std::string kind : {"diagnose", "forecast", "gap"}) {
    INFO(kind);
    const auto first = run_cli("exercise " + kind + " --seed 11 --difficulty hard");
    const auto again = run_cli("exercise " + kind + " --seed 11 --difficulty hard");
    const auto other = run_cli("exercise " + kind + " --seed 12 --difficulty hard");
    REQUIRE(first.exit_code == 0);
    CHECK(first.output == again.output);
    CHECK(first.output != other.output);
    CHECK(first.output.find("case 11, hard") != std::string::npos);
  }
}

TEST_CASE("exercise handouts never leak the answer key", "[exercise]") {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const DiagnoseCase diagnose = make_diagnose_case({seed, Difficulty::normal});
    const std::string handout = render_handout(diagnose, false);
    const std::string keyed = render_handout(diagnose, true);
    // The key is an appendix: the handout is exactly what precedes it, and holds none of it.
    REQUIRE(keyed.rfind(handout, 0) == 0);
    CHECK(keyed.substr(handout.size()).rfind("\n## Answer key", 0) == 0);
    CHECK(handout.find("Answer key") == std::string::npos);
    for (std::size_t i = 0; i < diagnose.reps.size(); ++i) {
      // The task lists the labels once; no rep's name sits beside its own.
      CHECK(handout.find(diagnose.reps[i].name + " | " + std::string(to_string(diagnose.key[i]))) ==
            std::string::npos);
    }
    const ForecastCase forecast = make_forecast_case({seed, Difficulty::normal});
    const std::string forecast_handout = render_handout(forecast, false);
    CHECK(render_handout(forecast, true).rfind(forecast_handout, 0) == 0);
    CHECK(forecast_handout.find("What happened next") == std::string::npos);
    CHECK(forecast_handout.find("expected wins =") == std::string::npos);
    const GapCase gap = make_gap_case({seed, Difficulty::normal});
    const std::string gap_handout = render_handout(gap, false);
    CHECK(render_handout(gap, true).rfind(gap_handout, 0) == 0);
    CHECK(gap_handout.find("Gap0 =") == std::string::npos);
  }
}

namespace {

/// The number after `label` in `text`: "α = 70%" gives 70.
double number_after(const std::string& text, const std::string& label) {
  const auto at = text.find(label);
  REQUIRE(at != std::string::npos);
  return std::stod(text.substr(at + label.size()));
}

double round1(double value) {
  return std::round(value * 10.0) / 10.0;
}

std::string answer_line(const std::string& key, double value) {
  char text[64];
  std::snprintf(text, sizeof text, "%s: %.6g\n", key.c_str(), value);
  return text;
}

std::vector<GivenAnswer> answers_from(const std::string& yaml,
                                      const funnelsim::scenarios::AnswerSpec& spec) {
  return funnelsim::scenarios::load_answers_text(yaml, "answers.yaml", spec);
}

/// What a trainee computes from a forecast handout, by the method it states.
struct ForecastByHand {
  double booked = 0.0, funnel = 0.0, calls = 0.0, new_opportunities = 0.0, committed = 0.0;
};
ForecastByHand forecast_by_hand(const std::string& handout) {
  const Table facts = table_after(handout, "# Exercise");
  const double quota = number_in(facts.rows[0][1]);
  const double booked = number_in(facts.rows[1][1]);
  const double weeks_left = number_in(facts.rows[2][1]);
  const Table funnel = table_after(handout, "## The funnel today");
  double wins = 0.0, count = 0.0, total = 0.0;
  for (const auto& row : funnel.rows) {
    wins += std::stoi(row[2]) * (number_in(row[1]) / 100.0);
    count += std::stoi(row[2]);
    total += std::stod(row[3]);
  }
  const double first_p = number_in(funnel.rows.front()[1]) / 100.0;
  const double unit = facts.rows.size() > 3 ? number_in(facts.rows[3][1]) : total / count;
  const Table calls = table_after(handout, "## The reps' calls");
  const double committed = number_in(calls.rows[0][0]);
  const double possible = number_in(calls.rows[0][1]);
  const double alpha = number_after(handout, "α = ") / 100.0;
  const double beta = number_after(handout, "β = ") / 100.0;
  const double gamma = number_after(handout, "γ = ") / 100.0;
  ForecastByHand by_hand;
  by_hand.booked = booked;
  by_hand.committed = committed;
  by_hand.funnel = booked + wins * unit;
  by_hand.calls = booked + committed * alpha + possible * beta + quota * gamma * weeks_left;
  const double gap = quota - booked - wins * unit;
  by_hand.new_opportunities = gap > 0.0 ? gap / unit / first_p : 0.0;
  return by_hand;
}

}  // namespace

TEST_CASE(
    "exercise forecast: the key is the course's method on the printed numbers, and marks "
    "the slips",
    "[exercise][statistical]") {
  const int seeds = 1000;
  for (const Difficulty difficulty : {Difficulty::easy, Difficulty::normal, Difficulty::hard}) {
    int contradictions = 0, right = 0, booked_slip_caught = 0, calls_slip_caught = 0,
        alpha_slip_caught = 0;
    double committed_share = 0.0;
    for (int seed = 1; seed <= seeds; ++seed) {
      CaseOptions options(static_cast<std::uint64_t>(seed), difficulty);
      options.outcome_samples = 20;  // the range is not marked; the key is the same
      const ForecastCase exercise = make_forecast_case(options);
      const ForecastByHand by_hand = forecast_by_hand(render_handout(exercise, false));
      const bool agrees = std::abs(by_hand.funnel - exercise.funnel_forecast) < 1e-9 &&
                          std::abs(by_hand.calls - exercise.calls_forecast) < 1e-9 &&
                          std::abs(by_hand.new_opportunities - exercise.new_opportunities) < 1e-9;
      if (!agrees) {
        ++contradictions;
        UNSCOPED_INFO("seed " << seed << ": by hand " << by_hand.funnel << ", " << by_hand.calls
                              << ", " << by_hand.new_opportunities);
      }
      const auto spec = answer_spec(exercise);
      // The stated method, each answer written to one decimal.
      right +=
          mark(exercise,
               answers_from(answer_line("funnel_forecast", round1(by_hand.funnel)) +
                                answer_line("calls_forecast", round1(by_hand.calls)) +
                                answer_line("new_opportunities", round1(by_hand.new_opportunities)),
                            spec))
              .all_correct();
      // Forgetting what is already booked.
      const Marking slip = mark(
          exercise,
          answers_from(answer_line("funnel_forecast", round1(by_hand.funnel - by_hand.booked)) +
                           answer_line("calls_forecast", round1(by_hand.calls - by_hand.booked)),
                       spec));
      booked_slip_caught += !slip.answers[0].correct;
      calls_slip_caught += !slip.answers[1].correct;
      // α at 75% (the digest's default) instead of the handout's 70%.
      alpha_slip_caught +=
          !mark(exercise,
                answers_from(
                    answer_line("calls_forecast", round1(by_hand.calls + 0.05 * by_hand.committed)),
                    spec))
               .answers[1]
               .correct;
      committed_share += exercise.snapshot.calls->committed /
                         (exercise.snapshot.quota - exercise.snapshot.realized) / seeds;
    }
    std::printf(
        "forecast %s: %d cases checked, %d contradictions; the stated method right in %d; "
        "leaving out the booked marked wrong in %d (funnel) and %d (calls); α = 75%% "
        "marked wrong in %d; committed ÷ remaining quota %.2f on average\n",
        std::string(to_string(difficulty)).c_str(), seeds, contradictions, right,
        booked_slip_caught, calls_slip_caught, alpha_slip_caught, committed_share);
    CHECK(contradictions == 0);
    CHECK(right == seeds);
    CHECK(booked_slip_caught >= 0.9 * seeds);
    CHECK(calls_slip_caught >= 0.9 * seeds);
    CHECK(committed_share == Approx(0.5).margin(0.02));
  }
}

TEST_CASE("exercise forecast: the simulated 80% range covers what happened about 80% of the time",
          "[exercise][statistical]") {
  // The key's range comes from the simulation model's plays of the rest of the quarter, the
  // outcome from the case's own simulation: a calibrated range holds the outcome with
  // probability 0.8. 120 cases: standard error sqrt(0.8 × 0.2 / 120) = 0.037.
  const int cases = 120;
  int covered = 0;
  for (int seed = 1; seed <= cases; ++seed) {
    const ForecastCase exercise =
        make_forecast_case({static_cast<std::uint64_t>(seed), Difficulty::normal});
    covered +=
        exercise.actual >= exercise.simulated_p10 && exercise.actual <= exercise.simulated_p90;
  }
  const double share = covered / static_cast<double>(cases);
  INFO("covered " << covered << " of " << cases);
  CHECK(std::abs(share - 0.8) < 4 * std::sqrt(0.8 * 0.2 / cases));
}

TEST_CASE(
    "exercise gap: the key is the playbook's ladder on the printed numbers, and a wrong "
    "P1 is marked wrong",
    "[exercise][statistical]") {
  const int seeds = 1000;
  for (const Difficulty difficulty : {Difficulty::easy, Difficulty::normal, Difficulty::hard}) {
    int contradictions = 0, right = 0, p1_caught = 0;
    for (int seed = 1; seed <= seeds; ++seed) {
      const GapCase exercise = make_gap_case({static_cast<std::uint64_t>(seed), difficulty});
      const std::string handout = render_handout(exercise, false);
      const Table facts = table_after(handout, "# Exercise");
      const double quota = number_in(facts.rows[0][1]);
      const double finished = number_in(facts.rows[1][1]);
      const double committed = number_in(facts.rows[2][1]);
      const double uncommitted = number_in(facts.rows[3][1]);
      const double weeks = number_in(facts.rows[4][1]);
      const double p1 = number_after(handout, "P1 = ") / 100.0;
      const double p2 = number_after(handout, "P2 = ") / 100.0;
      const double p3 = number_after(handout, "P3 = ") / 100.0;
      const double p4 = number_after(handout, "P4 = ");
      // Playbook §4d, step by step, on the printed numbers.
      const double gap0 = quota - finished;
      const double gap1 = gap0 - committed * p1;
      const double gap2 = gap1 - uncommitted * p2;
      const double gap3 = std::max(0.0, gap2) / p3;
      const double na = gap3 / p4;
      const double weekly = na / weeks;
      const GapLadder& key = exercise.ladder;
      const bool agrees = std::abs(gap0 - key.gap0) < 1e-9 && std::abs(gap1 - key.gap1) < 1e-9 &&
                          std::abs(gap2 - key.gap2) < 1e-9 && std::abs(gap3 - key.gap3) < 1e-9 &&
                          std::abs(na - key.new_customers_needed) < 1e-9 &&
                          std::abs(weekly - *key.weekly_prospecting_target) < 1e-9;
      contradictions += agrees ? 0 : 1;
      // A trainee who writes every step to one decimal and carries the rounded value on.
      const double r0 = round1(gap0), r1 = round1(r0 - committed * p1),
                   r2 = round1(r1 - uncommitted * p2), r3 = round1(std::max(0.0, r2) / p3),
                   rna = round1(r3 / p4), rweekly = round1(rna / weeks);
      const auto spec = answer_spec(exercise);
      right += mark(exercise, answers_from(answer_line("gap0", r0) + answer_line("gap1", r1) +
                                               answer_line("gap2", r2) + answer_line("gap3", r3) +
                                               answer_line("new_customers", rna) +
                                               answer_line("weekly_target", rweekly),
                                           spec))
                   .all_correct();
      // P1 = 75% instead of the handout's 70%.
      p1_caught +=
          !mark(exercise, answers_from(answer_line("gap1", round1(gap0 - committed * 0.75)), spec))
               .answers[1]
               .correct;
    }
    std::printf(
        "gap %s: %d cases checked, %d contradictions; the stated method (rounding each "
        "step) right in %d; P1 = 75%% marked wrong in %d\n",
        std::string(to_string(difficulty)).c_str(), seeds, contradictions, right, p1_caught);
    CHECK(contradictions == 0);
    CHECK(right == seeds);
    CHECK(p1_caught >= 0.9 * seeds);
  }
}

TEST_CASE("exercise check marks right answers right and explains each miss", "[exercise]") {
  const DiagnoseCase diagnose = make_diagnose_case({7, Difficulty::normal});
  std::string right = "reps:\n";
  std::string wrong = "reps:\n";
  for (std::size_t i = 0; i < diagnose.reps.size(); ++i) {
    right += "  " + diagnose.reps[i].name + ": " + std::string(to_string(diagnose.key[i])) + "\n";
    const Weakness other =
        diagnose.key[i] == Weakness::healthy ? Weakness::stalled : Weakness::healthy;
    wrong += "  " + diagnose.reps[i].name + ": " + std::string(to_string(other)) + "\n";
  }
  const Marking full = mark(diagnose, answers_from(right, answer_spec(diagnose)));
  CHECK(full.correct() == static_cast<int>(diagnose.reps.size()));
  const Marking none = mark(diagnose, answers_from(wrong, answer_spec(diagnose)));
  CHECK(none.correct() == 0);
  for (const MarkedAnswer& answer : none.answers)
    CHECK_FALSE(answer.explanation.empty());
  // Unanswered reps count as misses.
  CHECK(mark(diagnose,
             answers_from("reps:\n  " + diagnose.reps[0].name + ":\n", answer_spec(diagnose)))
            .correct() == 0);

  const ForecastCase forecast = make_forecast_case({7, Difficulty::normal});
  const std::string forecast_right = answer_line("funnel_forecast", forecast.funnel_forecast) +
                                     answer_line("calls_forecast", forecast.calls_forecast) +
                                     answer_line("new_opportunities", forecast.new_opportunities);
  CHECK(mark(forecast, answers_from(forecast_right, answer_spec(forecast))).all_correct());
  // Forgetting what is already booked is the classic slip, and the marking names it.
  const Marking slip = mark(
      forecast,
      answers_from(
          answer_line("funnel_forecast", forecast.funnel_forecast - forecast.snapshot.realized) +
              answer_line("calls_forecast", forecast.calls_forecast - forecast.snapshot.realized),
          answer_spec(forecast)));
  CHECK(slip.correct() == 0);
  CHECK_THAT(slip.answers[0].explanation, Catch::Contains("already booked"));
  CHECK_THAT(slip.answers[1].explanation, Catch::Contains("already booked"));
  // α at 75% is named.
  const Marking alpha = mark(
      forecast,
      answers_from(answer_line("calls_forecast",
                               forecast.calls_forecast + 0.05 * forecast.snapshot.calls->committed),
                   answer_spec(forecast)));
  CHECK_FALSE(alpha.answers[1].correct);
  CHECK_THAT(alpha.answers[1].explanation, Catch::Contains("α is 70%"));

  const GapCase gap = make_gap_case({7, Difficulty::normal});
  const GapLadder& ladder = gap.ladder;
  const std::string gap_right =
      "gap0: " + std::to_string(ladder.gap0) + "\ngap1: " + std::to_string(ladder.gap1) +
      "\ngap2: " + std::to_string(ladder.gap2) + "\ngap3: " + std::to_string(ladder.gap3) +
      "\nnew_customers: " + std::to_string(ladder.new_customers_needed) +
      "\nweekly_target: " + std::to_string(*ladder.weekly_prospecting_target) + "\n";
  CHECK(mark(gap, answers_from(gap_right, answer_spec(gap))).correct() == 6);
  // P1 at 75% is named.
  const Marking p1 = mark(
      gap, answers_from(answer_line("gap1", ladder.gap0 - gap.snapshot.calls->committed * 0.75),
                        answer_spec(gap)));
  CHECK_FALSE(p1.answers[1].correct);
  CHECK_THAT(p1.answers[1].explanation, Catch::Contains("P1 is 70%"));
  // Gap3 without dividing by P3 is wrong.
  const Marking gap3_slip =
      mark(gap, answers_from("gap3: " + std::to_string(ladder.gap2) + "\n", answer_spec(gap)));
  CHECK_FALSE(gap3_slip.answers[3].correct);
}

TEST_CASE("exercise check: a bad answers file names the file, line and key", "[exercise]") {
  const DiagnoseCase diagnose = make_diagnose_case({7, Difficulty::normal});
  const auto spec = answer_spec(diagnose);
  const std::string first = diagnose.reps[0].name;
  auto error_of = [&](const std::string& yaml,
                      const funnelsim::scenarios::AnswerSpec& answer_spec) {
    try {
      answers_from(yaml, answer_spec);
    } catch (const funnelsim::scenarios::InputError& error) {
      return std::string(error.what());
    }
    return std::string("no error");
  };
  CHECK_THAT(error_of("reps:\n  " + first + ": stalld\n", spec),
             Catch::Contains("answers.yaml:2:") && Catch::Contains("reps." + first) &&
                 Catch::Contains("did you mean 'stalled'"));
  CHECK_THAT(error_of("reps:\n  Nobody: healthy\n", spec),
             Catch::Contains("answers.yaml:2:3") && Catch::Contains("unknown rep 'Nobody'"));
  CHECK_THAT(error_of("reps:\n  " + first + ": healthy\n  " + first + ": stalled\n", spec),
             Catch::Contains("answers.yaml:3:") && Catch::Contains("duplicate rep"));
  CHECK_THAT(error_of("rep:\n  " + first + ": healthy\n", spec),
             Catch::Contains("answers.yaml:1:1") && Catch::Contains("unknown key 'rep'"));
  const GapCase gap = make_gap_case({7, Difficulty::normal});
  CHECK_THAT(error_of("gap0: 12\ngap1: twelve\n", answer_spec(gap)),
             Catch::Contains("answers.yaml:2:7") && Catch::Contains("gap1"));
  CHECK_THAT(error_of("gap0: .nan\n", answer_spec(gap)), Catch::Contains("gap0"));
  CHECK_THAT(error_of("gapp0: 12\n", answer_spec(gap)), Catch::Contains("did you mean 'gap0'"));
  CHECK_THAT(error_of("- 1\n- 2\n", answer_spec(gap)), Catch::Contains("mapping"));
}

TEST_CASE("funnelsim exercise writes handouts safely and marks answers files",
          "[exercise][cli][process]") {
  TemporaryDirectory directory("funnelsim-exercise");
  const std::string handout = (directory / "case.md").string();
  REQUIRE(run_cli("exercise diagnose --seed 3 -o " + handout).exit_code == 0);
  std::ifstream in(handout);
  const std::string written((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(written == run_cli("exercise diagnose --seed 3").output);
  // Never overwrite what a user has, unless asked.
  const auto refused = run_cli("exercise diagnose --seed 4 -o " + handout);
  CHECK(refused.exit_code == 2);
  CHECK_THAT(refused.output, Catch::Contains("--force"));
  CHECK(run_cli("exercise diagnose --seed 4 --force -o " + handout).exit_code == 0);
  // HTML through cmark-gfm: the tables become tables.
  const std::string page = (directory / "key.html").string();
  REQUIRE(run_cli("exercise forecast --seed 3 --answers -o " + page).exit_code == 0);
  std::ifstream html_in(page);
  const std::string html((std::istreambuf_iterator<char>(html_in)),
                         std::istreambuf_iterator<char>());
  CHECK_THAT(html, Catch::StartsWith("<!DOCTYPE html>") && Catch::Contains("<table>") &&
                       Catch::Contains("Answer key"));
  // Marking from the command line, and a bad file's exit code.
  const DiagnoseCase exercise = make_diagnose_case({3, Difficulty::normal});
  const std::string answers = (directory / "answers.yaml").string();
  {
    std::ofstream out(answers);
    out << "reps:\n";
    for (std::size_t i = 0; i < exercise.reps.size(); ++i)
      out << "  " << exercise.reps[i].name << ": " << to_string(exercise.key[i]) << "\n";
  }
  const auto marked = run_cli("exercise check diagnose --seed 3 " + answers);
  CHECK(marked.exit_code == 0);
  {
    std::ofstream out(answers);
    out << "reps:\n  " << exercise.reps[0].name << ":\n";
  }
  // Not every answer right: exit status 1, so a script can tell.
  const auto partly = run_cli("exercise check diagnose --seed 3 " + answers);
  CHECK(partly.exit_code == 1);
  CHECK_THAT(partly.output, Catch::Contains("0 of " + std::to_string(exercise.reps.size())));
  CHECK_THAT(marked.output, Catch::Contains(std::to_string(exercise.reps.size()) + " of " +
                                            std::to_string(exercise.reps.size()) + " right"));
  {
    std::ofstream out(answers);
    out << "reps:\n  Nobody: healthy\n";
  }
  const auto bad = run_cli("exercise check diagnose --seed 3 " + answers);
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.output, Catch::Contains("answers.yaml:2:3"));
  CHECK(run_cli("exercise diagnose --seed 3 --difficulty extreme").exit_code == 2);
  CHECK(run_cli("exercise diagnose").exit_code == 2);
}

namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

/// The number a flat JSON object gives `key` ("gap1":12.5).
double json_value(const std::string& json, const std::string& key) {
  const std::string quoted = "\"" + key + "\":";
  const auto at = json.rfind(quoted);
  REQUIRE(at != std::string::npos);
  return std::stod(json.substr(at + quoted.size()));
}

}  // namespace

TEST_CASE(
    "funnelsim exercise class and grade: a different case for each trainee, keys only with "
    "the secret, one gradebook",
    "[exercise][cli][process]") {
  TemporaryDirectory directory("funnelsim-class");
  const std::string roster = (directory / "roster.txt").string();
  const std::string secret = (directory / "secret.txt").string();
  std::string names = "# the spring class\n";
  for (int i = 1; i <= 30; ++i)
    names += (i % 3 == 0 ? "学员" : "Trainee ") + std::to_string(i) + "\n";
  write_text(roster, names);
  write_text(secret, "correct horse battery staple 42\n");
  const std::string folder = (directory / "class").string();
  const auto start = std::chrono::steady_clock::now();
  const auto made = run_cli("exercise class gap --roster " + roster + " --secret " + secret +
                            " --lang zh -o " + folder);
  REQUIRE(made.exit_code == 0);
  const std::string class_yaml = read_text(folder + "/class.yaml");
  const std::string roster_csv = read_text(folder + "/roster.csv");
  const std::string key = read_text(folder + "/key.md");

  // Each trainee's handout names their case by its code only; the seeds differ.
  std::istringstream rows(roster_csv);
  std::string line;
  std::getline(rows, line);
  REQUIRE(line == "trainee,code,handout,answers_file");
  std::set<std::string> codes, seeds;
  const std::string answers_dir = (directory / "answers").string();
  std::filesystem::create_directory(answers_dir);
  int written = 0;
  std::string first_code, first_answers;
  while (std::getline(rows, line)) {
    std::vector<std::string> cells;
    std::istringstream fields(line);
    std::string cell;
    while (std::getline(fields, cell, ','))
      cells.push_back(cell);
    REQUIRE(cells.size() == 4);
    const std::string code = cells[1];
    codes.insert(code);
    const auto seed_at = class_yaml.find("code: " + code + ", seed: ");
    REQUIRE(seed_at != std::string::npos);
    const std::string seed = class_yaml.substr(
        seed_at + code.size() + 14,
        class_yaml.find(',', seed_at + code.size() + 14) - seed_at - code.size() - 14);
    seeds.insert(seed);
    const std::string handout = read_text(folder + "/" + cells[2]);
    CHECK_THAT(handout, Catch::Contains(code) && !Catch::Contains(seed) &&
                            !Catch::Contains("## 答案") && Catch::Contains("交给培训师"));
    CHECK_THAT(key, Catch::Contains(code));
    // Answers: the key for the first 20, a wrong P1 for the next 9, none for the last.
    if (written == 29)
      break;
    const std::string json =
        run_cli("exercise gap --seed " + seed + " --lang zh --answers --json").output;
    std::string answers;
    for (const char* name : {"gap0", "gap1", "gap2", "gap3", "new_customers", "weekly_target"})
      answers += answer_line(name, json_value(json, name));
    if (written >= 20)
      answers =
          answer_line("gap1", json_value(json, "gap0") - json_value(json, "committed") * 0.75);
    write_text(answers_dir + "/" + cells[3], answers);
    if (written == 0) {
      first_code = code;
      first_answers = answers_dir + "/" + cells[3];
    }
    ++written;
  }
  CHECK(codes.size() == 30);
  CHECK(seeds.size() == 30);

  const std::string gradebook = (directory / "gradebook.csv").string();
  const auto graded = run_cli("exercise grade " + folder + " " + answers_dir + " -o " + gradebook);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  REQUIRE(graded.exit_code == 0);
  std::printf("a class of 30: generated, answered and graded in %.2f s\n", seconds);
  const std::string book = read_text(gradebook);
  CHECK(book.rfind("trainee,code,question,given,expected,right,note\n", 0) == 0);
  CHECK(std::count(book.begin(), book.end(), '\n') == 1 + 30 * 6);
  CHECK(std::count(book.begin(), book.end(), 'y') >= 20 * 6);  // "yes" in the right column
  CHECK_THAT(graded.output, Catch::Contains("学员3") && Catch::Contains("6 of 6 right") &&
                                Catch::Contains("0 of 6 right") &&
                                Catch::Contains("no answers file"));
  // 20 trainees all right, 9 with five unanswered and a wrong Gap1, one with nothing.
  CHECK_THAT(graded.output, Catch::Contains("class: 120 of 180 answers right"));

  // The trainer can mark one trainee by code with the secret; another secret gives another case.
  CHECK(run_cli("exercise check gap --code " + first_code + " --secret " + secret + " --lang zh " +
                first_answers)
            .exit_code == 0);
  write_text((directory / "other-secret.txt").string(), "a different secret, also long\n");
  CHECK(run_cli("exercise check gap --code " + first_code + " --secret " +
                (directory / "other-secret.txt").string() + " --lang zh " + first_answers)
            .exit_code == 1);
  // Regenerating the class gives the same files; without --force, nothing is replaced.
  const auto again = run_cli("exercise class gap --roster " + roster + " --secret " + secret +
                             " --lang zh -o " + folder);
  CHECK(again.exit_code == 2);
  CHECK(run_cli("exercise class gap --roster " + roster + " --secret " + secret +
                " --lang zh --force -o " + folder)
            .exit_code == 0);
  CHECK(read_text(folder + "/class.yaml") == class_yaml);
  // A short secret or a bad roster line is refused with its place.
  write_text((directory / "short.txt").string(), "short\n");
  const auto short_secret =
      run_cli("exercise class gap --roster " + roster + " --secret " +
              (directory / "short.txt").string() + " -o " + (directory / "c2").string());
  CHECK(short_secret.exit_code == 2);
  CHECK_THAT(short_secret.output, Catch::Contains("at least 16"));
  write_text(roster, "Ann\nBob\nAnn\n");
  const auto twice = run_cli("exercise class gap --roster " + roster + " --secret " + secret +
                             " -o " + (directory / "c3").string());
  CHECK(twice.exit_code == 2);
  CHECK_THAT(twice.output, Catch::Contains("roster.txt:3:1") && Catch::Contains("twice"));
  CHECK_FALSE(std::filesystem::exists(directory / "c3"));
}
