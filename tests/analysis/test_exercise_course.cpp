// The class kit's arithmetic kinds (issue #20): the course's worked examples by hand, keys that
// follow from the printed givens alone (recomputed in Python, exactly), trainees who follow the
// handout's method marked right and those who make the typical slip marked wrong.
#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "funnelsim/exercise/course_kinds.hpp"
#include "funnelsim/scenarios/answers.hpp"
#include "funnelsim/scenarios/load.hpp"
#include "funnelsim/stats/text_format.hpp"
#include "support/shell.hpp"
#include "support/temporary_directory.hpp"

namespace {

using namespace funnelsim::analysis::exercise;
using funnelsim::analysis::format_text;
using funnelsim::testing::shell_output;
using funnelsim::testing::TemporaryDirectory;

constexpr Difficulty DIFFICULTIES[] = {Difficulty::easy, Difficulty::normal, Difficulty::hard};
constexpr int SEEDS = 1000;

CaseOptions options_for(std::uint64_t seed, Difficulty difficulty,
                        Language language = Language::en) {
  CaseOptions options;
  options.seed = seed;
  options.difficulty = difficulty;
  options.language = language;
  return options;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// --- what a trainee reads: the handout's tables and template, and nothing else ---------------

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

/// The rows of the table under the heading that starts with `heading`.
std::vector<std::vector<std::string>> table_after(const std::string& markdown,
                                                  const std::string& heading) {
  const auto at = markdown.find("\n" + heading);
  REQUIRE(at != std::string::npos);
  std::istringstream in(markdown.substr(at + 1));
  std::string line;
  while (std::getline(in, line) && line.rfind("| ", 0) != 0) {
  }
  std::getline(in, line);  // the rule
  std::vector<std::vector<std::string>> rows;
  while (std::getline(in, line) && line.rfind("|", 0) == 0)
    rows.push_back(split_cells(line));
  return rows;
}

/// "70%" -> 0.7, "320 万" -> 320, "× 1.17" -> 1.17.
double number_in(std::string text) {
  if (text.rfind("× ", 0) == 0)
    text = text.substr(std::string("× ").size());
  const double value = std::stod(text);
  return text.find('%') != std::string::npos ? value / 100.0 : value;
}

/// The value column of a two-column "given | value" table, by the given's label.
std::map<std::string, double> givens_table(const std::string& markdown,
                                           const std::string& heading) {
  std::map<std::string, double> givens;
  for (const auto& cells : table_after(markdown, heading))
    givens[cells.at(0)] = number_in(cells.at(1));
  return givens;
}

double given(const std::map<std::string, double>& givens, const std::string& label) {
  INFO(label);
  REQUIRE(givens.count(label) == 1);
  return givens.at(label);
}

/// The keys of the handout's answers template, in order.
std::vector<std::string> template_keys(const std::string& markdown) {
  std::istringstream in(markdown.substr(markdown.find("```yaml\n") + 8));
  std::vector<std::string> keys;
  std::string line;
  while (std::getline(in, line) && line != "```")
    keys.push_back(line.substr(0, line.size() - 1));
  return keys;
}

/// An answers file as a trainee writes it: the keys with their numbers, to 4 decimals.
std::string answers_yaml(const std::vector<std::string>& keys, const std::vector<double>& values) {
  REQUIRE(keys.size() == values.size());
  std::string yaml;
  for (std::size_t i = 0; i < keys.size(); ++i)
    yaml += keys[i] + ": " + format_text("%.4f", values[i]) + "\n";
  return yaml;
}

/// The trainee's receipts (§4b) from the English handout's numbers; `slip` 0: none, 1: forgets
/// the software share, 2: forgets this quarter's share of the year's receipts.
std::vector<double> receipts_by_hand(const std::string& markdown, int slip) {
  std::vector<double> answers;
  double negotiation = 0.0;
  for (const auto& cells : table_after(markdown, "## The funnel today")) {
    negotiation = number_in(cells.at(2)) * number_in(cells.at(1));
    answers.push_back(negotiation);
  }
  const auto givens = givens_table(markdown, "## The branch");
  const double large = given(givens, "the branch's quarterly quota") *
                       given(givens, "large projects' share of the quota");
  const double won = given(givens, "receipts due this quarter from deals already won");
  const double within_year = given(givens, "share of a contract paid within the year");
  const double quarter =
      slip == 2 ? 1.0 : given(givens, "share of the year's receipts that fall in this quarter");
  const double software =
      slip == 1 ? 1.0
                : given(givens, "software share of receipts (software : implementation = 3 : 1)");
  const double receipts = (negotiation * within_year * quarter + won) * software;
  answers.push_back(large);
  answers.push_back(receipts);
  answers.push_back(large - receipts -
                    given(givens, "software receipts already realized this quarter"));
  return answers;
}

/// Rounds half up as a calculator shows it: its decimal 146.5 is exact, our double may be a
/// hair under.
double calculator_round(double value) {
  return std::round(value + 1e-9);
}

/// The trainee's standard funnel (§2) from the English handout, rounding as it says; `vat`
/// false: the typical slip of leaving VAT out.
std::vector<double> standard_funnel_by_hand(const std::string& markdown, bool vat) {
  const auto givens = givens_table(markdown, "## The branch");
  const double quota =
      calculator_round(given(givens, "annual quota, software direct sales (without VAT)") *
                       (vat ? given(givens, "VAT (the quota is paid tax-inclusive)") : 1.0) *
                       given(givens, "small projects' share of the software quota") *
                       given(givens, "this quarter's share of the year"));
  const double wins = calculator_round(quota / given(givens, "average small deal"));
  const double week = wins / given(givens, "selling weeks in the quarter");
  std::vector<double> answers = {quota, wins, week};
  double first = 0.0;
  for (const auto& cells : table_after(markdown, "## The stages")) {
    const double p = number_in(cells.at(1));
    first = first == 0.0 ? p : first;
    answers.push_back(week * given(givens, "weeks in each stage") / p);
  }
  const double new_week = week / first;
  answers.push_back(new_week);
  answers.push_back(std::ceil(new_week / given(givens, "new prospects a rep finds a week") - 1e-9));
  return answers;
}

template <class Case>
Marking mark_yaml(const Case& exercise, const std::string& yaml) {
  return mark(exercise,
              funnelsim::scenarios::load_answers_text(yaml, "answers.yaml", answer_spec(exercise)));
}

bool all_right(const Marking& marking) {
  return marking.correct() == static_cast<int>(marking.answers.size());
}

const MarkedAnswer& answer_for(const Marking& marking, const std::string& key) {
  for (const MarkedAnswer& answer : marking.answers) {
    if (answer.key == key)
      return answer;
  }
  FAIL("no marked answer " << key);
  return marking.answers.front();
}

}  // namespace

TEST_CASE("exercise standard-funnel: the course's worked example, 1045 万 to 10 reps",
          "[exercise][course]") {
  // Playbook §2: 1045 × 1.17 × 70% × 28% ≈ 240 万 → 120 wins → 10 a week → intent 50,
  // solution 28.6, negotiation 14.3 → 50 new a week → 10 reps at 5 prospects a rep a week.
  StandardFunnelCase example = make_standard_funnel_case(options_for(1, Difficulty::easy));
  example.annual_quota = 1045;
  example.vat = 1.17;
  example.small_share_percent = 70;
  example.quarter_share_percent = 28;
  example.average_deal = 2.0;
  example.weeks_per_stage = 1.0;
  example.selling_weeks = 12;
  example.prospects_per_rep = 5.0;
  REQUIRE(example.stages.size() == 3);
  example.key = standard_funnel_key(example);
  const StandardFunnelKey& key = example.key;
  CHECK(key.quarter_quota == 240);
  CHECK(key.wins_quarter == 120);
  CHECK(key.wins_week == Approx(10.0));
  CHECK(key.standard_count[0] == Approx(50.0));
  CHECK(key.standard_count[1] == Approx(10.0 / 0.35));
  CHECK(key.standard_count[2] == Approx(10.0 / 0.70));
  CHECK(key.new_week == Approx(50.0));
  CHECK(key.reps == 10);
  const std::string keyed = render_handout(example, true);
  INFO(keyed);
  CHECK(contains(keyed, "1045 × 1.17 × 70% × 28% = 239.6394 ≈ **240 万**"));
  CHECK(contains(keyed, "**28.6**"));
  CHECK(contains(keyed, "**14.3**"));
  CHECK(contains(keyed, "rounded up: **10**"));
  // The course's own answers, as a trainee writes them, are right.
  const Marking marking =
      mark_yaml(example,
                "quarter_quota: 240\nwins_quarter: 120\nwins_week: 10\ncount_intent: 50\n"
                "count_solution: 28.6\ncount_negotiation: 14.3\nnew_week: 50\nreps: 10\n");
  CHECK(all_right(marking));
  // Leaving VAT out gives 205 万, and the marking says so.
  const Marking no_vat = mark_yaml(example, "quarter_quota: 205\n");
  CHECK_FALSE(no_vat.answers.front().correct);
  CHECK(contains(no_vat.answers.front().explanation, "you left out VAT"));
}

TEST_CASE("exercise receipts: a large-project forecast worked by hand", "[exercise][course]") {
  ReceiptsCase example = make_receipts_case(options_for(1, Difficulty::easy));
  REQUIRE(example.stages.size() == 5);
  const double amounts[] = {300, 200, 150, 120, 100};
  for (std::size_t i = 0; i < 5; ++i)
    example.stages[i].amount = amounts[i];
  example.branch_quota = 480;
  example.won_receipts = 40;
  example.realized = 30;
  example.key = receipts_key(example);
  // By hand: 300 × 10% = 30, 200 × 20% = 40, 150 × 30% = 45, 120 × 50% = 60, 100 × 70% = 70;
  // quota 480 × 25% = 120; (70 × 70% × 50% + 40) × 75% = (24.5 + 40) × 0.75 = 48.375;
  // gap 120 − 48.375 − 30 = 41.625.
  const ReceiptsKey& key = example.key;
  const double revenue[] = {30, 40, 45, 60, 70};
  for (std::size_t i = 0; i < 5; ++i)
    CHECK(key.expected_revenue[i] == Approx(revenue[i]));
  CHECK(key.large_quota == Approx(120.0));
  CHECK(key.negotiation_receipts == Approx(24.5));
  CHECK(key.software_receipts == Approx(48.375));
  CHECK(key.amount_gap == Approx(41.625));
  const Marking marking =
      mark_yaml(example,
                "revenue_potential: 30\nrevenue_intent: 40\nrevenue_approved: 45\n"
                "revenue_recognized: 60\nrevenue_negotiation: 70\nlarge_quota: 120\n"
                "software_receipts: 48.4\namount_gap: 41.6\n");
  CHECK(all_right(marking));
  // The typical slips, each named: no software share ((24.5 + 40) = 64.5),
  // no quarter's share ((70 × 70% + 40) × 75% = 66.75).
  CHECK(contains(
      answer_for(mark_yaml(example, "software_receipts: 64.5\n"), "software_receipts").explanation,
      "software share"));
  CHECK(contains(
      answer_for(mark_yaml(example, "software_receipts: 66.75\n"), "software_receipts").explanation,
      "this quarter's share"));
}

TEST_CASE("exercise receipts and standard-funnel: every key follows from the JSON givens",
          "[exercise][course][process]") {
  // Over SEEDS seeds × every difficulty, Python recomputes each key from the givens alone in
  // exact fractions (tests/analysis/check_course_keys.py): 0 contradictions.
  TemporaryDirectory directory("funnelsim-course");
  const std::string cases = (directory / "cases.jsonl").string();
  {
    std::ofstream out(cases, std::ios::binary);
    for (const Difficulty difficulty : DIFFICULTIES) {
      for (std::uint64_t seed = 1; seed <= SEEDS; ++seed) {
        out << case_json(make_receipts_case(options_for(seed, difficulty)), true);
        out << case_json(make_standard_funnel_case(options_for(seed, difficulty)), true);
      }
    }
  }
  const auto check = shell_output("/usr/bin/python3 " + std::string(FUNNELSIM_SOURCE_DIR) +
                                  "/tests/analysis/check_course_keys.py " + cases + " 2>&1");
  INFO(check.output);
  WARN(check.output.substr(0, check.output.find('\n')));
  CHECK(check.exit_code == 0);
  CHECK(contains(check.output, format_text("checked %d cases", 2 * 3 * SEEDS)));
  CHECK(contains(check.output, " 0 contradictions"));
}

TEST_CASE("exercise receipts: the handout's method is marked right, the typical slips wrong",
          "[exercise][course]") {
  int cases = 0, right = 0, slips = 0, slips_caught = 0, slips_named = 0, gaps_caught = 0;
  for (const Difficulty difficulty : DIFFICULTIES) {
    for (std::uint64_t seed = 1; seed <= SEEDS; ++seed) {
      const ReceiptsCase exercise = make_receipts_case(options_for(seed, difficulty));
      const std::string handout = render_handout(exercise, false);
      const std::vector<std::string> keys = template_keys(handout);
      ++cases;
      right += all_right(mark_yaml(exercise, answers_yaml(keys, receipts_by_hand(handout, 0))));
      const int slip = 1 + static_cast<int>(seed % 2);
      const Marking slipped =
          mark_yaml(exercise, answers_yaml(keys, receipts_by_hand(handout, slip)));
      ++slips;
      const MarkedAnswer& receipts = answer_for(slipped, "software_receipts");
      slips_caught += receipts.correct ? 0 : 1;
      slips_named +=
          contains(receipts.explanation, slip == 1 ? "software share" : "this quarter's share") ? 1
                                                                                                : 0;
      gaps_caught += answer_for(slipped, "amount_gap").correct ? 0 : 1;
    }
  }
  WARN(
      format_text("receipts: %d of %d trainees following the method right; software receipts "
                  "marked wrong for %d of %d slips (the slip named for %d), the gap for %d",
                  right, cases, slips_caught, slips, slips_named, gaps_caught));
  CHECK(right == cases);
  CHECK(slips_caught >= 0.9 * slips);
  CHECK(slips_named >= 0.9 * slips);
}

TEST_CASE("exercise standard-funnel: the handout's method is marked right, leaving VAT out wrong",
          "[exercise][course]") {
  int cases = 0, right = 0, caught = 0, not_all_right = 0;
  for (const Difficulty difficulty : DIFFICULTIES) {
    for (std::uint64_t seed = 1; seed <= SEEDS; ++seed) {
      const StandardFunnelCase exercise = make_standard_funnel_case(options_for(seed, difficulty));
      const std::string handout = render_handout(exercise, false);
      const std::vector<std::string> keys = template_keys(handout);
      ++cases;
      right += all_right(
          mark_yaml(exercise, answers_yaml(keys, standard_funnel_by_hand(handout, true))));
      const Marking slipped =
          mark_yaml(exercise, answers_yaml(keys, standard_funnel_by_hand(handout, false)));
      caught += answer_for(slipped, "quarter_quota").correct ? 0 : 1;
      not_all_right += all_right(slipped) ? 0 : 1;
    }
  }
  WARN(
      format_text("standard-funnel: %d of %d trainees following the method right; the "
                  "quota marked wrong for %d of %d who left VAT out (%d not all right)",
                  right, cases, caught, cases, not_all_right));
  CHECK(right == cases);
  CHECK(caught >= 0.9 * cases);
}

TEST_CASE(
    "exercise receipts and standard-funnel: reproducible, no key in the handout, both "
    "languages",
    "[exercise][course]") {
  for (const Difficulty difficulty : DIFFICULTIES) {
    for (std::uint64_t seed = 1; seed <= 50; ++seed) {
      const ReceiptsCase receipts = make_receipts_case(options_for(seed, difficulty));
      const StandardFunnelCase funnel = make_standard_funnel_case(options_for(seed, difficulty));
      CHECK(render_handout(receipts, true) ==
            render_handout(make_receipts_case(options_for(seed, difficulty)), true));
      CHECK(case_json(funnel, true) ==
            case_json(make_standard_funnel_case(options_for(seed, difficulty)), true));
      // The key is an appendix: the handout is exactly what precedes it.
      for (const std::string& keyed :
           {render_handout(receipts, true), render_handout(funnel, true)}) {
        CHECK(contains(keyed, "## Answer key"));
      }
      CHECK(render_handout(receipts, true).rfind(render_handout(receipts, false), 0) == 0);
      CHECK(render_handout(funnel, true).rfind(render_handout(funnel, false), 0) == 0);
      CHECK_FALSE(contains(render_handout(receipts, false), "**"));
      CHECK_FALSE(contains(case_json(receipts, false), "\"key\""));
      // The Chinese handout: the same case, the course's terms, no English headings.
      const ReceiptsCase receipts_zh =
          make_receipts_case(options_for(seed, difficulty, Language::zh));
      const StandardFunnelCase funnel_zh =
          make_standard_funnel_case(options_for(seed, difficulty, Language::zh));
      CHECK(receipts_zh.key.software_receipts == receipts.key.software_receipts);
      CHECK(funnel_zh.key.reps == funnel.key.reps);
      const std::string zh = render_handout(receipts_zh, true) + render_handout(funnel_zh, true);
      for (const char* term : {"回款", "定额", "缺口", "赢单率", "单产", "标准漏斗", "增值税",
                               "谈判客户", "意向阶段", "新加入漏斗的项目", "答案"}) {
        INFO(term);
        CHECK(contains(zh, term));
      }
      for (const char* english : {"## The", "## Your task", "## Answer key", "stage |"}) {
        INFO(english);
        CHECK_FALSE(contains(zh, english));
      }
    }
  }
  CHECK(render_handout(make_receipts_case(options_for(1, Difficulty::normal)), false) !=
        render_handout(make_receipts_case(options_for(2, Difficulty::normal)), false));
}

TEST_CASE("exercise receipts and standard-funnel read a trainer's scenario", "[exercise][course]") {
  std::ifstream in(std::string(FUNNELSIM_SOURCE_DIR) + "/scenarios/branch.yaml");
  std::stringstream text;
  text << in.rdbuf();
  std::string yaml = text.str();
  // The small funnel's solution stage at 40% instead of the playbook's 35%, the large chain's
  // negotiation at 80%, and 6 prospects a week: the cases must read these, not the playbook.
  const auto replace = [&yaml](const std::string& from, const std::string& to) {
    const auto at = yaml.find(from);
    REQUIRE(at != std::string::npos);
    yaml.replace(at, from.size(), to);
  };
  replace("{name: solution,    win_probability: 0.35", "{name: solution,    win_probability: 0.40");
  replace("{name: negotiation, win_probability: 0.70, days: {dist: gamma, mean: 36",
          "{name: negotiation, win_probability: 0.80, days: {dist: gamma, mean: 36");
  replace("prospects_per_week: 5", "prospects_per_week: 6");
  CaseOptions options = options_for(3, Difficulty::normal);
  options.scenario = std::make_shared<const funnelsim::sim::Model>(
      funnelsim::scenarios::load_scenario_text(yaml, "branch.yaml").model);

  const StandardFunnelCase funnel = make_standard_funnel_case(options);
  CHECK_FALSE(funnel.playbook_stages);
  REQUIRE(funnel.stages.size() == 3);
  CHECK(funnel.stages[1].win_probability == 0.40);
  CHECK(funnel.prospects_per_rep == 6.0);
  CHECK(funnel.weeks_per_stage == 1.0);
  // The empirical table's own mean (branch.yaml's small deals), as printed.
  CHECK(funnel.average_deal ==
        Approx(options.scenario->segments.front().deal_size.expected_value()).margin(0.005));
  CHECK(funnel.key.standard_count[1] == Approx(funnel.key.wins_week / 0.40));
  CHECK(contains(render_handout(funnel, false), "--scenario SCENARIO.yaml"));

  const ReceiptsCase receipts = make_receipts_case(options);
  CHECK_FALSE(receipts.playbook_stages);
  REQUIRE(receipts.stages.size() == 5);
  CHECK(receipts.stages.back().win_probability == 0.80);
  CHECK(receipts.key.negotiation_receipts ==
        Approx(receipts.stages.back().amount * 0.80 * 0.70 * 0.50));
}
