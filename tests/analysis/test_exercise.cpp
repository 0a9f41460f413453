// Training exercises (issue #6): reproducible handouts that never leak the answer, cases the
// project's own rules can solve from the handout's numbers alone, and marking.
#include <catch2/catch.hpp>
#include <cmath>
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

struct Recovery {
  int seeds = 0;
  int whole_cases = 0;    ///< seeds whose every planted weakness the rules name
  int planted = 0;        ///< weak reps
  int planted_found = 0;  ///< ... named correctly
  int healthy = 0;
  int healthy_found = 0;
  std::map<Weakness, int> appearances;
};

Recovery recover(Difficulty difficulty, int seeds) {
  Recovery recovery;
  for (int seed = 1; seed <= seeds; ++seed) {
    const DiagnoseCase exercise =
        make_diagnose_case({static_cast<std::uint64_t>(seed), difficulty});
    const ReadHandout read = read_diagnose_handout(render_handout(exercise, false));
    REQUIRE(read.reps.size() == exercise.planted.size());
    bool whole = true;
    for (std::size_t i = 0; i < read.reps.size(); ++i) {
      const Weakness planted = exercise.planted[i];
      const bool found = diagnose_rep(read.reps[i], read.standard).weakness == planted;
      ++recovery.appearances[planted];
      if (planted == Weakness::healthy) {
        ++recovery.healthy;
        recovery.healthy_found += found ? 1 : 0;
      } else {
        ++recovery.planted;
        recovery.planted_found += found ? 1 : 0;
        whole = whole && found;
      }
    }
    ++recovery.seeds;
    recovery.whole_cases += whole ? 1 : 0;
  }
  return recovery;
}

}  // namespace

TEST_CASE("exercise diagnose: the rules recover the planted weaknesses from the handout alone",
          "[exercise][statistical]") {
  const int seeds = 200;
  const Recovery normal = recover(Difficulty::normal, seeds);
  const Recovery hard = recover(Difficulty::hard, seeds);
  const Recovery easy = recover(Difficulty::easy, seeds);
  INFO("normal: " << normal.whole_cases << "/" << seeds << " whole cases, planted "
                  << normal.planted_found << "/" << normal.planted << ", healthy "
                  << normal.healthy_found << "/" << normal.healthy);
  INFO("hard: " << hard.whole_cases << "/" << seeds << " whole cases, planted "
                << hard.planted_found << "/" << hard.planted << ", healthy " << hard.healthy_found
                << "/" << hard.healthy);
  INFO("easy: " << easy.whole_cases << "/" << seeds << " whole cases, planted "
                << easy.planted_found << "/" << easy.planted << ", healthy " << easy.healthy_found
                << "/" << easy.healthy);
  // Solvable: at normal difficulty, every planted weakness of a case is visible in at least 90%
  // of seeds, and healthy reps read as healthy.
  CHECK(normal.whole_cases >= 0.9 * seeds);
  CHECK(normal.healthy_found >= 0.9 * normal.healthy);
  CHECK(easy.whole_cases >= normal.whole_cases);
  // Hard by design: subtler signals and more weak reps, so the rules miss more, but most
  // planted weaknesses still show.
  CHECK(hard.whole_cases < 0.5 * normal.whole_cases);
  CHECK(hard.planted_found < 0.9 * hard.planted);
  CHECK(hard.planted_found > 0.6 * hard.planted);
  // Across seeds, every kind of weakness appears, and healthy reps too.
  for (const Weakness weakness : ALL_WEAKNESSES) {
    INFO(std::string(to_string(weakness)));
    CHECK(normal.appearances.at(weakness) >= seeds / 4);
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
      CHECK(handout.find(diagnose.reps[i].name + " | " +
                         std::string(to_string(diagnose.planted[i]))) == std::string::npos);
    }
    const ForecastCase forecast = make_forecast_case({seed, Difficulty::normal});
    const std::string forecast_handout = render_handout(forecast, false);
    CHECK(render_handout(forecast, true).rfind(forecast_handout, 0) == 0);
    CHECK(forecast_handout.find("What happened next") == std::string::npos);
    CHECK(forecast_handout.find("expected wins") == std::string::npos);
    const GapCase gap = make_gap_case({seed, Difficulty::normal});
    const std::string gap_handout = render_handout(gap, false);
    CHECK(render_handout(gap, true).rfind(gap_handout, 0) == 0);
    CHECK(gap_handout.find("Gap0 =") == std::string::npos);
  }
}

TEST_CASE("exercise forecast: the key is the course's formulas on the printed snapshot",
          "[exercise]") {
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    for (const Difficulty difficulty : {Difficulty::easy, Difficulty::normal, Difficulty::hard}) {
      const ForecastCase exercise = make_forecast_case({seed, difficulty});
      const std::string handout = render_handout(exercise, false);
      // What the trainee reads: the printed funnel, booked amount and calls.
      const Table funnel = table_after(handout, "## The funnel today");
      REQUIRE(funnel.rows.size() == 3);
      Snapshot read;
      read.quota = exercise.snapshot.quota;
      read.weeks_remaining = exercise.snapshot.weeks_remaining;
      read.weeks_per_stage = 1.0;
      const Table facts = table_after(handout, "# Exercise");
      read.realized = number_in(facts.rows[1][1]);
      CHECK(number_in(facts.rows[0][1]) == exercise.snapshot.quota);
      for (const auto& row : funnel.rows) {
        funnelsim::analysis::SnapshotStage stage;
        stage.name = row[0];
        stage.win_probability = number_in(row[1]) / 100.0;
        stage.count = std::stoi(row[2]);
        stage.amount = std::stod(row[3]);
        read.stages.push_back(stage);
      }
      if (difficulty != Difficulty::hard)
        read.average_deal = number_in(facts.rows[3][1]);
      const Table calls = table_after(handout, "## The reps' calls");
      read.calls = funnelsim::analysis::SnapshotCalls{number_in(calls.rows[0][0]),
                                                      number_in(calls.rows[0][1])};
      const ForecastReport expected = forecast_all(read);
      CHECK(exercise.formulas.funnel->expected_amount ==
            Approx(expected.funnel->expected_amount).epsilon(1e-12));
      CHECK(exercise.formulas.funnel->new_opportunities_needed ==
            Approx(expected.funnel->new_opportunities_needed).epsilon(1e-12));
      CHECK(exercise.formulas.commit->forecast == Approx(expected.commit->forecast).epsilon(1e-12));
      // The playbook's arithmetic, by hand: Σ count × p × average deal.
      double wins = 0.0;
      for (const auto& stage : read.stages)
        wins += stage.count * stage.win_probability;
      CHECK(expected.funnel->expected_amount == Approx(wins * average_deal(read)).epsilon(1e-12));
    }
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

TEST_CASE("exercise gap: the key is the playbook's ladder on the printed numbers", "[exercise]") {
  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    const GapCase exercise = make_gap_case({seed, Difficulty::normal});
    const Snapshot& s = exercise.snapshot;
    const GapLadder& ladder = exercise.ladder;
    // Playbook §4d, step by step.
    CHECK(ladder.gap0 == Approx(s.quota - s.realized));
    CHECK(ladder.gap1 == Approx(ladder.gap0 - s.calls->committed * 0.70));
    CHECK(ladder.gap2 == Approx(ladder.gap1 - s.calls->possible * 0.25));
    CHECK(ladder.gap3 == Approx(std::max(0.0, ladder.gap2) / 0.20));
    CHECK(ladder.new_customers_needed == Approx(ladder.gap3 / 2.0));
    CHECK(*ladder.weekly_prospecting_target ==
          Approx(ladder.new_customers_needed / s.weeks_remaining));
    const std::string handout = render_handout(exercise, false);
    const Table facts = table_after(handout, "# Exercise");
    CHECK(number_in(facts.rows[0][1]) == s.quota);
    CHECK(number_in(facts.rows[1][1]) == s.realized);
    CHECK(number_in(facts.rows[2][1]) == s.calls->committed);
    CHECK(number_in(facts.rows[3][1]) == s.calls->possible);
    CHECK(number_in(facts.rows[4][1]) == s.weeks_remaining);
  }
}

namespace {

std::vector<GivenAnswer> answers_from(const std::string& yaml,
                                      const funnelsim::scenarios::AnswerSpec& spec) {
  return funnelsim::scenarios::load_answers_text(yaml, "answers.yaml", spec);
}

}  // namespace

TEST_CASE("exercise check marks right answers right and explains each miss", "[exercise]") {
  const DiagnoseCase diagnose = make_diagnose_case({7, Difficulty::normal});
  std::string right = "reps:\n";
  std::string wrong = "reps:\n";
  for (std::size_t i = 0; i < diagnose.reps.size(); ++i) {
    right +=
        "  " + diagnose.reps[i].name + ": " + std::string(to_string(diagnose.planted[i])) + "\n";
    const Weakness other =
        diagnose.planted[i] == Weakness::healthy ? Weakness::stalled : Weakness::healthy;
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
  const FunnelForecast& funnel = forecast.formulas.funnel.value();
  const double funnel_answer = forecast.snapshot.realized + funnel.expected_amount;
  auto forecast_marking = [&](double value, double needed) {
    return mark(forecast, answers_from("forecast: " + std::to_string(value) +
                                           "\nnew_opportunities: " + std::to_string(needed) + "\n",
                                       answer_spec(forecast)));
  };
  CHECK(forecast_marking(funnel_answer, funnel.new_opportunities_needed).correct() == 2);
  // The reps' calls are the course's other answer.
  CHECK(forecast_marking(forecast.formulas.commit->forecast, funnel.new_opportunities_needed)
            .answers[0]
            .correct);
  // Forgetting what is already booked is the classic slip, and the marking names it.
  const Marking slip =
      forecast_marking(funnel.expected_amount, 2 * funnel.new_opportunities_needed + 5);
  CHECK(slip.correct() == 0);
  CHECK_THAT(slip.answers[0].explanation, Catch::Contains("already booked"));

  const GapCase gap = make_gap_case({7, Difficulty::normal});
  const GapLadder& ladder = gap.ladder;
  const std::string gap_right =
      "gap0: " + std::to_string(ladder.gap0) + "\ngap1: " + std::to_string(ladder.gap1) +
      "\ngap2: " + std::to_string(ladder.gap2) + "\ngap3: " + std::to_string(ladder.gap3) +
      "\nnew_customers: " + std::to_string(ladder.new_customers_needed) +
      "\nweekly_target: " + std::to_string(*ladder.weekly_prospecting_target) + "\n";
  CHECK(mark(gap, answers_from(gap_right, answer_spec(gap))).correct() == 6);
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
      out << "  " << exercise.reps[i].name << ": " << to_string(exercise.planted[i]) << "\n";
  }
  const auto marked = run_cli("exercise check diagnose --seed 3 " + answers);
  CHECK(marked.exit_code == 0);
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
