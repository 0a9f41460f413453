// The exercises' reading rules, handouts and marking (playbook §4–5).
#include "funnelsim/exercise/exercise.hpp"

#include <algorithm>
#include <cmath>

#include "funnelsim/stats/text_format.hpp"

namespace funnelsim::analysis::exercise {
namespace {

// The diagnosis rules' thresholds, as shares of the standard: far enough from it that a
// healthy rep's quarter rarely crosses them by chance (a quarter holds about 65 new
// opportunities and 13 wins a rep), near enough that a planted weakness at normal difficulty
// crosses them nearly always.
constexpr double STALLED_DAYS = 1.6;    // × the standard days in a stage
constexpr double FEW_PROSPECTS = 0.7;   // × the standard new opportunities a week
constexpr double LOW_WIN_RATE = 0.6;    // × the standard win rate
constexpr double LOW_DEAL_VALUE = 0.7;  // × the standard average deal

std::string amount(double value, int decimals = 1) {
  return format_text("%.*f", decimals, value);
}

std::string percent(double share) {
  return format_text("%.0f%%", 100.0 * share);
}

/// The evidence for `weakness` in a rep's figures, whether or not the rules would name it.
std::string evidence_for(Weakness weakness, const RepFigures& rep, const RepStandard& standard) {
  switch (weakness) {
    case Weakness::stalled: {
      std::size_t slowest = 0;
      for (std::size_t i = 1; i < rep.days_in_step.size(); ++i) {
        if (rep.days_in_step[i] > rep.days_in_step[slowest])
          slowest = i;
      }
      int open = 0;
      for (const int count : rep.open_count)
        open += count;
      double standard_open = 0.0;
      for (const double count : standard.standard_count)
        standard_open += count;
      return format_text(
          "%.1f days in %s against about %.0f (Time-in-Step); %d open opportunities pile up "
          "against a balanced %.1f",
          rep.days_in_step[slowest], standard.stages[slowest].c_str(), standard.days_per_stage,
          open, standard_open);
    }
    case Weakness::too_few_prospects:
      return format_text(
          "%.1f new opportunities a week against the standard %.0f: a thin top of the funnel "
          "(%d in %s at the quarter's end against %.1f), while the win rate, %.0f%%, is "
          "normal",
          rep.new_per_week, standard.new_per_week, rep.open_count.front(),
          standard.stages.front().c_str(), standard.standard_count.front(), rep.win_rate);
    case Weakness::low_win_rate:
      return format_text(
          "a normal top (%.1f new a week) but heavy losses between stages: %.0f%% / %.0f%% / "
          "%.0f%% move on against %.0f%% / %.0f%% / %.0f%%, a win rate of %.0f%% against %.0f%%",
          rep.new_per_week, rep.conversion[0], rep.conversion[1], rep.conversion[2],
          100.0 * standard.conversion[0], 100.0 * standard.conversion[1],
          100.0 * standard.conversion[2], rep.win_rate, 100.0 * standard.win_rate);
    case Weakness::low_deal_value:
      return format_text(
          "normal counts (%.1f new a week, %d won, a %.0f%% win rate) but low amounts: %.2f 万 "
          "an opportunity and %.2f 万 a won deal against %.2f",
          rep.new_per_week, rep.wins, rep.win_rate, rep.average_opportunity, rep.average_won_deal,
          standard.average_deal);
    case Weakness::healthy:
      return format_text(
          "close to the standard everywhere: %.1f new a week, a %.0f%% win rate, %.2f 万 an "
          "opportunity, at most %.1f days in a stage",
          rep.new_per_week, rep.win_rate, rep.average_opportunity,
          *std::max_element(rep.days_in_step.begin(), rep.days_in_step.end()));
  }
  return {};
}

/// The coaching question the playbook would ask (§5).
std::string question_for(Weakness weakness) {
  switch (weakness) {
    case Weakness::too_few_prospects:
      return "How many new prospects did you find each week, and where will next week's come "
             "from? Let us plan your visits and cover your territory.";
    case Weakness::low_win_rate:
      return "Which step did you just finish, and show me the evidence: where do we lose the "
             "deals, to whom, and what need did you find?";
    case Weakness::low_deal_value:
      return "What value did the customer see, and how did you handle the price objection? "
             "What else could this customer buy?";
    case Weakness::stalled:
      return "Which step did you just finish, show me the evidence, what is the next step? "
             "Let us plan it together.";
    case Weakness::healthy:
      return "What is working, and what will keep the funnel this full next quarter?";
  }
  return {};
}

std::string table_row(const std::vector<std::string>& cells) {
  std::string row = "|";
  for (const std::string& cell : cells)
    row += " " + cell + " |";
  return row + "\n";
}

std::string table_rule(std::size_t columns) {
  std::string rule = "|";
  for (std::size_t i = 0; i < columns; ++i)
    rule += "---|";
  return rule + "\n";
}

std::string case_title(const char* what, const CaseOptions& options) {
  return format_text("# Exercise: %s (case %llu, %s)\n\n", what,
                     static_cast<unsigned long long>(options.seed),
                     std::string(to_string(options.difficulty)).c_str());
}

std::string command_line(const char* kind, const CaseOptions& options) {
  return format_text("funnelsim exercise check %s --seed %llu --difficulty %s ANSWERS.yaml", kind,
                     static_cast<unsigned long long>(options.seed),
                     std::string(to_string(options.difficulty)).c_str());
}

/// Within the tolerance: a share of the expected value, or `floor` for small values.
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

/// Marks one number against the key; `working` shows how the key is reached.
MarkedAnswer mark_number(const std::vector<GivenAnswer>& answers, const std::string& key,
                         double expected, double tolerance, double floor, int decimals,
                         const std::string& working) {
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
  return marked;
}

}  // namespace

std::string_view to_string(Weakness weakness) {
  switch (weakness) {
    case Weakness::healthy:
      return "healthy";
    case Weakness::too_few_prospects:
      return "too-few-prospects";
    case Weakness::low_win_rate:
      return "low-win-rate";
    case Weakness::low_deal_value:
      return "low-deal-value";
    case Weakness::stalled:
      return "stalled";
  }
  return "healthy";
}

std::optional<Weakness> weakness_from_string(std::string_view text) {
  for (const Weakness weakness : ALL_WEAKNESSES) {
    if (to_string(weakness) == text)
      return weakness;
  }
  return std::nullopt;
}

Diagnosis diagnose_rep(const RepFigures& rep, const RepStandard& standard) {
  Weakness weakness = Weakness::healthy;
  // Time-in-Step first: a stalled funnel distorts the other views (its counts pile up).
  for (const double days : rep.days_in_step) {
    if (days >= STALLED_DAYS * standard.days_per_stage)
      weakness = Weakness::stalled;
  }
  if (weakness == Weakness::healthy) {
    if (rep.new_per_week < FEW_PROSPECTS * standard.new_per_week) {
      weakness = Weakness::too_few_prospects;
    } else if (rep.average_opportunity < LOW_DEAL_VALUE * standard.average_deal) {
      // Amounts before the win rate: a quarter's 65 amounts say more than its 13 wins.
      weakness = Weakness::low_deal_value;
    } else if (rep.win_rate < LOW_WIN_RATE * 100.0 * standard.win_rate) {
      weakness = Weakness::low_win_rate;
    }
  }
  return {weakness, evidence_for(weakness, rep, standard), question_for(weakness)};
}

int Marking::correct() const {
  int total = 0;
  for (const MarkedAnswer& answer : answers)
    total += answer.correct ? 1 : 0;
  return total;
}

// --- handouts -------------------------------------------------------------------------------

std::string render_handout(const DiagnoseCase& exercise, bool answers) {
  const RepStandard& standard = exercise.standard;
  std::string text = case_title("diagnose the funnels", exercise.options);
  text += format_text(
      "A small-project team after one quarter (13 weeks). Read each rep's funnel the way the "
      "playbook does (§5) — Yield, Balance, Time-in-Step — and name the rep's problem.\n\n"
      "**The standard** for a rep: %.0f new opportunities a week; %s %.0f%% → %s %.0f%% → %s "
      "%.0f%% → won (so %.0f%% of resolved opportunities are won); about %.0f days in each "
      "stage; an average deal of %.2f 万; a quota of %.0f 万 a quarter. Figures in brackets in "
      "the headers are the standard.\n\n",
      standard.new_per_week, standard.stages[0].c_str(), 100.0 * standard.win_probability[0],
      standard.stages[1].c_str(), 100.0 * standard.win_probability[1], standard.stages[2].c_str(),
      100.0 * standard.win_probability[2], 100.0 * standard.win_rate, standard.days_per_stage,
      standard.average_deal, standard.quota);

  text += "## Yield\n\n";
  text += table_row({"rep", format_text("new a week (%.0f)", standard.new_per_week),
                     format_text("won (%.0f)", standard.quota / standard.average_deal),
                     format_text("bookings 万 (%.0f)", standard.quota), "attainment"});
  text += table_rule(5);
  for (const RepFigures& rep : exercise.reps) {
    text += table_row({rep.name, amount(rep.new_per_week), std::to_string(rep.wins),
                       amount(rep.bookings), percent(rep.bookings / standard.quota)});
  }

  text += "\n## Balance: open opportunities at the quarter's end\n\n";
  std::vector<std::string> header = {"rep"};
  for (std::size_t i = 0; i < standard.stages.size(); ++i)
    header.push_back(
        format_text("%s (%.1f)", standard.stages[i].c_str(), standard.standard_count[i]));
  text += table_row(header) + table_rule(header.size());
  for (const RepFigures& rep : exercise.reps) {
    std::vector<std::string> row = {rep.name};
    for (const int count : rep.open_count)
      row.push_back(std::to_string(count));
    text += table_row(row);
  }

  text += "\n## Losses between stages: share of each stage's exits this quarter that moved on\n\n";
  header = {"rep"};
  for (std::size_t i = 0; i < standard.stages.size(); ++i) {
    const std::string next = i + 1 < standard.stages.size() ? standard.stages[i + 1] : "won";
    header.push_back(format_text("%s → %s (%.0f%%)", standard.stages[i].c_str(), next.c_str(),
                                 100.0 * standard.conversion[i]));
  }
  header.push_back(format_text("win rate (%.0f%%)", 100.0 * standard.win_rate));
  text += table_row(header) + table_rule(header.size());
  for (const RepFigures& rep : exercise.reps) {
    std::vector<std::string> row = {rep.name};
    for (const double share : rep.conversion)
      row.push_back(format_text("%.0f%%", share));
    row.push_back(format_text("%.0f%%", rep.win_rate));
    text += table_row(row);
  }

  text += "\n## Time-in-Step: mean days in the stage, for this quarter's exits\n\n";
  header = {"rep"};
  for (const std::string& stage : standard.stages)
    header.push_back(format_text("%s (%.0f)", stage.c_str(), standard.days_per_stage));
  text += table_row(header) + table_rule(header.size());
  for (const RepFigures& rep : exercise.reps) {
    std::vector<std::string> row = {rep.name};
    for (const double days : rep.days_in_step)
      row.push_back(amount(days));
    text += table_row(row);
  }

  text += "\n## Deal value\n\n";
  text += table_row({"rep", format_text("average won deal 万 (%.2f)", standard.average_deal),
                     format_text("average new opportunity 万 (%.2f)", standard.average_deal)});
  text += table_rule(3);
  for (const RepFigures& rep : exercise.reps) {
    text += table_row({rep.name, rep.wins == 0 ? "–" : amount(rep.average_won_deal, 2),
                       amount(rep.average_opportunity, 2)});
  }

  text +=
      "\n## Your task\n\nFor each rep, name the problem: `too-few-prospects`, "
      "`low-win-rate`, `low-deal-value`, `stalled` (opportunities sit too long in a step) "
      "or `healthy`. Each rep has at most one. Write your answers in a file:\n\n```yaml\n"
      "reps:\n";
  for (const RepFigures& rep : exercise.reps)
    text += "  " + rep.name + ":\n";
  text += "```\n\nand mark them with `" + command_line("diagnose", exercise.options) + "`.\n";

  if (!answers)
    return text;
  text += "\n## Answer key\n\n";
  text += table_row({"rep", "problem", "evidence", "coaching question"}) + table_rule(4);
  for (std::size_t i = 0; i < exercise.reps.size(); ++i) {
    const Weakness planted = exercise.planted[i];
    text += table_row({exercise.reps[i].name, std::string(to_string(planted)),
                       evidence_for(planted, exercise.reps[i], standard), question_for(planted)});
  }
  return text;
}

std::string render_handout(const ForecastCase& exercise, bool answers) {
  const Snapshot& snapshot = exercise.snapshot;
  const int decimals = exercise.options.difficulty == Difficulty::easy ? 0 : 1;
  std::string text = case_title("forecast the quarter", exercise.options);
  text += format_text(
      "A branch of %d small-project reps at the end of week %d of a %.0f-week quarter: %.0f "
      "weeks are left. The stages and their win probabilities are the playbook's (§1), with "
      "about one week in each stage.\n\n",
      exercise.reps, exercise.week, snapshot.weeks_in_quarter, snapshot.weeks_remaining);
  text += table_row({"", ""}) + table_rule(2);
  text += table_row({"the quarter's quota", amount(snapshot.quota, 0) + " 万"});
  text += table_row({"booked so far this quarter", amount(snapshot.realized, decimals) + " 万"});
  text += table_row({"weeks left", amount(snapshot.weeks_remaining, 0)});
  if (snapshot.average_deal) {
    text += table_row(
        {"average deal (the branch's unit output)", amount(*snapshot.average_deal, 2) + " 万"});
  }
  text += "\n## The funnel today\n\n";
  text +=
      table_row({"stage", "win probability", "open opportunities", "amount 万"}) + table_rule(4);
  for (const SnapshotStage& stage : snapshot.stages) {
    text += table_row({stage.name, percent(stage.win_probability), std::to_string(stage.count),
                       amount(*stage.amount, decimals)});
  }
  text += "\n## The reps' calls for the quarter\n\n";
  text += table_row({"committed (≥ 90% sure)", "possible (≥ 50% sure)"}) + table_rule(2);
  text += table_row({amount(snapshot.calls->committed, decimals) + " 万",
                     amount(snapshot.calls->possible, decimals) + " 万"});
  text += format_text(
      "\n## Your task\n\n1. Forecast the quarter's bookings, 万, with the course's models (§4).\n"
      "2. How many new opportunities must enter the funnel now to close the gap to the "
      "quota?%s\n\nWrite your answers in a file:\n\n```yaml\nforecast:            # 万, the "
      "quarter's bookings\nnew_opportunities:   # entering the funnel now\n```\n\nand mark them "
      "with `%s`. Numbers within %.0f%% of the key count as right.\n",
      snapshot.average_deal ? ""
                            : " (No average deal is given: derive the unit output from the "
                              "funnel.)",
      command_line("forecast", exercise.options).c_str(), 100.0 * exercise.tolerance);
  if (!answers)
    return text;

  const FunnelForecast& funnel = exercise.formulas.funnel.value();  // a case always has stages
  text += "\n## Answer key\n\n### The funnel model (§4a)\n\n";
  std::string sum;
  for (std::size_t i = 0; i < snapshot.stages.size(); ++i) {
    sum += (i == 0 ? "" : " + ") +
           format_text("%d × %.2f", snapshot.stages[i].count, snapshot.stages[i].win_probability);
  }
  if (!snapshot.average_deal) {
    double count = 0.0, total = 0.0;
    for (const SnapshotStage& stage : snapshot.stages) {
      count += stage.count;
      total += *stage.amount;
    }
    text += format_text("- unit output = funnel amount ÷ funnel count = %.1f ÷ %.0f = %.2f 万\n",
                        total, count, funnel.average_deal);
  }
  text += format_text("- expected wins = %s = **%.2f**\n", sum.c_str(), funnel.expected_wins);
  text += format_text("- expected amount = %.2f × %.2f 万 = **%.1f 万**\n", funnel.expected_wins,
                      funnel.average_deal, funnel.expected_amount);
  text += format_text(
      "- forecast = booked %.1f + expected %.1f = **%.1f 万** (%s of the quota)\n",
      snapshot.realized, funnel.expected_amount, snapshot.realized + funnel.expected_amount,
      percent((snapshot.realized + funnel.expected_amount) / snapshot.quota).c_str());
  if (funnel.amount_gap > 0.0) {
    text += format_text(
        "- amount gap = quota %.0f − booked %.1f − expected %.1f = **%.1f 万**\n"
        "- new opportunities needed = gap %.1f ÷ average deal %.2f ÷ first-stage win probability "
        "%.2f = **%.1f**\n",
        snapshot.quota, snapshot.realized, funnel.expected_amount, funnel.amount_gap,
        funnel.amount_gap, funnel.average_deal, funnel.new_opportunity_win_probability,
        funnel.new_opportunities_needed);
  } else {
    text += format_text(
        "- amount gap = quota %.0f − booked %.1f − expected %.1f = %.1f 万: no "
        "gap, **0** new opportunities needed to reach the quota\n",
        snapshot.quota, snapshot.realized, funnel.expected_amount, funnel.amount_gap);
  }
  if (funnel.projection && funnel.amount_gap > 0.0 && funnel.projection->entry_window_weeks > 0.0) {
    const double per_week = exercise.reps * exercise.standard_prospects;
    text += format_text(
        "- at the standard, the %d reps bring %.0f new opportunities a week; a new opportunity "
        "takes %.0f weeks to close, so those entering in the next %.0f weeks can still close "
        "this quarter: about %.0f against the %.1f needed\n",
        exercise.reps, per_week, funnel.projection->weeks_to_close_new,
        funnel.projection->entry_window_weeks, per_week * funnel.projection->entry_window_weeks,
        funnel.new_opportunities_needed);
  }
  if (funnel.projection && funnel.projection->entry_window_weeks < 0.0) {
    text += format_text(
        "- but a new opportunity takes %.0f weeks to close and only %.0f are left: the new "
        "opportunities close next quarter, and this quarter's gap stays open\n",
        funnel.projection->weeks_to_close_new, snapshot.weeks_remaining);
  }
  if (exercise.formulas.commit) {
    const CommitForecast& commit = *exercise.formulas.commit;
    text += format_text(
        "\n### The reps' calls (§4c)\n\n- forecast = booked %.1f + committed %.1f × %.0f%% + "
        "possible %.1f × %.0f%% + quota %.0f × %.0f%% × %.0f weeks = **%.1f 万** (%s of the "
        "quota)\n",
        snapshot.realized, snapshot.calls->committed, 100.0 * commit.weights.committed,
        snapshot.calls->possible, 100.0 * commit.weights.possible, snapshot.quota,
        100.0 * commit.weights.unforecast_per_week, snapshot.weeks_remaining, commit.forecast,
        percent(commit.completion_rate).c_str());
  }
  if (exercise.formulas.run_rate) {
    const RunRateForecast& run = *exercise.formulas.run_rate;
    text += format_text(
        "\n### Run-rate\n\n- booked %.1f in %.0f weeks: %.1f a week × %.0f = "
        "**%.1f 万**\n",
        snapshot.realized, run.weeks_elapsed, run.per_week, snapshot.weeks_in_quarter,
        run.forecast);
  }
  text += format_text(
      "\n### What happened next\n\nThe simulation played the rest of the quarter %zu times from "
      "this funnel: the quarter books **%.1f 万** on average, between %.1f (P10) and %.1f "
      "(P90), median %.1f. In this case's own future the branch booked **%.1f 万** (%s of the "
      "quota). A formula gives one number; the quarter is a distribution around it.\n",
      exercise.simulated_samples, exercise.simulated_mean, exercise.simulated_p10,
      exercise.simulated_p90, exercise.simulated_p50, exercise.actual,
      percent(exercise.actual / snapshot.quota).c_str());
  return text;
}

std::string render_handout(const GapCase& exercise, bool answers) {
  const Snapshot& snapshot = exercise.snapshot;
  const GapLadder& ladder = exercise.ladder;
  const int decimals = exercise.options.difficulty == Difficulty::easy ? 0 : 1;
  std::string text = case_title("fill in the gap ladder", exercise.options);
  text += format_text(
      "%s, a small-project rep, at the end of week %d of a %.0f-week quarter (%.0f weeks "
      "left).\n\n",
      exercise.rep.c_str(), exercise.week, snapshot.weeks_in_quarter, snapshot.weeks_remaining);
  text += table_row({"", ""}) + table_rule(2);
  text += table_row({"quota for the quarter", amount(snapshot.quota, 0) + " 万"});
  text += table_row({"finished (invoiced) business", amount(snapshot.realized, decimals) + " 万"});
  text +=
      table_row({"committed opportunities", amount(snapshot.calls->committed, decimals) + " 万"});
  text += table_row({"confirmed but uncommitted opportunities",
                     amount(snapshot.calls->possible, decimals) + " 万"});
  text += table_row({"weeks left", amount(snapshot.weeks_remaining, 0)});
  text += format_text(
      "\nThe ladder's factors (§4d): P1 = %.0f%% of committed deals close, P2 = %.0f%% of "
      "uncommitted ones, P3 = %.0f%% of new pipeline is won, P4 = %.2f 万 per new customer.\n\n"
      "## Your task\n\nFill in the ladder and the weekly prospecting target it implies:\n\n",
      100.0 * ladder.p1, 100.0 * ladder.p2, 100.0 * ladder.p3, ladder.p4);
  text += table_row({"step", "meaning", "your answer"}) + table_rule(3);
  text += table_row({"Gap0", "quota − finished business, 万", ""});
  text += table_row({"Gap1", "Gap0 − committed × P1, 万", ""});
  text += table_row({"Gap2", "Gap1 − uncommitted × P2, 万", ""});
  text +=
      table_row({"Gap3", "pipeline still needed in unconfirmed opportunities: Gap2 ÷ P3, 万", ""});
  text += table_row({"NA", "new customers still needed: Gap3 ÷ P4", ""});
  text += table_row({"weekly target", "new customers a week: NA ÷ weeks left", ""});
  text += format_text(
      "\nWrite your answers in a file:\n\n```yaml\ngap0:\ngap1:\ngap2:\ngap3:\nnew_customers:\n"
      "weekly_target:\n```\n\nand mark them with `%s`. Numbers within %.0f%% of the key count "
      "as right.\n",
      command_line("gap", exercise.options).c_str(), 100.0 * exercise.tolerance);
  if (!answers)
    return text;
  text += "\n## Answer key\n\n";
  text += format_text("- Gap0 = %.1f − %.1f = **%.1f 万**\n", snapshot.quota, snapshot.realized,
                      ladder.gap0);
  text += format_text("- Gap1 = %.1f − %.1f × %.2f = **%.1f 万**\n", ladder.gap0,
                      snapshot.calls->committed, ladder.p1, ladder.gap1);
  text += format_text("- Gap2 = %.1f − %.1f × %.2f = **%.1f 万**\n", ladder.gap1,
                      snapshot.calls->possible, ladder.p2, ladder.gap2);
  if (ladder.gap2 > 0.0) {
    text += format_text("- Gap3 = %.1f ÷ %.2f = **%.1f 万** of new pipeline\n", ladder.gap2,
                        ladder.p3, ladder.gap3);
  } else {
    text += "- Gap3 = **0**: the committed and uncommitted deals cover the quota\n";
  }
  text += format_text("- NA = %.1f ÷ %.2f = **%.1f** new customers\n", ladder.gap3, ladder.p4,
                      ladder.new_customers_needed);
  text += format_text("- weekly target = %.1f ÷ %.0f weeks = **%.1f** new customers a week\n",
                      ladder.new_customers_needed, snapshot.weeks_remaining,
                      ladder.weekly_prospecting_target.value_or(0.0));
  text += format_text(
      "\nIn the simulation, %s finished the quarter with **%.1f 万** (%s of the "
      "quota).\n",
      exercise.rep.c_str(), exercise.actual, percent(exercise.actual / snapshot.quota).c_str());
  return text;
}

// --- marking --------------------------------------------------------------------------------

scenarios::AnswerSpec answer_spec(const DiagnoseCase& exercise) {
  scenarios::AnswerSpec spec;
  spec.section = "reps";
  spec.what = "rep";
  for (const RepFigures& rep : exercise.reps)
    spec.keys.push_back(rep.name);
  for (const Weakness weakness : ALL_WEAKNESSES)
    spec.choices.emplace_back(to_string(weakness));
  return spec;
}

scenarios::AnswerSpec answer_spec(const ForecastCase&) {
  return {"", {"forecast", "new_opportunities"}, {}, "answer"};
}

scenarios::AnswerSpec answer_spec(const GapCase&) {
  return {"", {"gap0", "gap1", "gap2", "gap3", "new_customers", "weekly_target"}, {}, "answer"};
}

Marking mark(const DiagnoseCase& exercise, const std::vector<GivenAnswer>& answers) {
  Marking marking;
  for (std::size_t i = 0; i < exercise.reps.size(); ++i) {
    const RepFigures& rep = exercise.reps[i];
    const Weakness planted = exercise.planted[i];
    MarkedAnswer marked;
    marked.key = rep.name;
    marked.expected = to_string(planted);
    const GivenAnswer* given = find_answer(answers, rep.name);
    marked.given = given == nullptr ? "(none)" : given->text;
    marked.correct = given != nullptr && given->text == marked.expected;
    marked.explanation = evidence_for(planted, rep, exercise.standard);
    if (!marked.correct && given != nullptr) {
      const std::optional<Weakness> said = weakness_from_string(given->text);
      if (said && *said != Weakness::healthy && planted != Weakness::healthy) {
        marked.explanation +=
            "; for " + given->text + " you would see " +
            std::string(*said == Weakness::too_few_prospects ? "a thin top"
                        : *said == Weakness::low_win_rate    ? "heavy losses between stages"
                        : *said == Weakness::low_deal_value  ? "low amounts"
                                                             : "long Time-in-Step") +
            ", which this rep does not show";
      } else if (said == Weakness::healthy) {
        marked.explanation += "; the rep is not healthy";
      }
    }
    marking.answers.push_back(marked);
  }
  return marking;
}

Marking mark(const ForecastCase& exercise, const std::vector<GivenAnswer>& answers) {
  const Snapshot& snapshot = exercise.snapshot;
  const FunnelForecast& funnel = exercise.formulas.funnel.value();  // a case always has stages
  const double funnel_forecast = snapshot.realized + funnel.expected_amount;
  Marking marking;
  MarkedAnswer forecast = mark_number(
      answers, "forecast", funnel_forecast, exercise.tolerance, 0.5, 1,
      format_text("the funnel model gives booked %.1f + expected wins %.2f × %.2f 万 = %.1f 万",
                  snapshot.realized, funnel.expected_wins, funnel.average_deal, funnel_forecast));
  // The course teaches two objective answers; either one, worked through, is right.
  if (!forecast.correct && exercise.formulas.commit) {
    const double commit = exercise.formulas.commit->forecast;
    const GivenAnswer* given = find_answer(answers, "forecast");
    if (given != nullptr && given->number &&
        close_enough(*given->number, commit, exercise.tolerance, 0.5)) {
      forecast.correct = true;
      forecast.expected = amount(commit);
      forecast.explanation =
          format_text("the reps' calls (§4c) give %.1f 万; the funnel model gives %.1f", commit,
                      funnel_forecast);
    } else if (given != nullptr && given->number &&
               close_enough(*given->number, funnel.expected_amount, exercise.tolerance, 0.5)) {
      forecast.explanation +=
          format_text("; you left out the %.1f 万 already booked this quarter", snapshot.realized);
    } else if (!forecast.correct) {
      forecast.explanation +=
          format_text("; the reps' calls (§4c) give %.1f 万", exercise.formulas.commit->forecast);
    }
  }
  forecast.explanation += format_text(
      ". The simulation's 80%% range for the quarter is %.1f–%.1f 万; it actually booked %.1f",
      exercise.simulated_p10, exercise.simulated_p90, exercise.actual);
  marking.answers.push_back(forecast);
  marking.answers.push_back(mark_number(
      answers, "new_opportunities", funnel.new_opportunities_needed, exercise.tolerance, 1.0, 1,
      funnel.amount_gap > 0.0
          ? format_text("amount gap %.1f 万 (quota − booked − expected amount) ÷ average deal "
                        "%.2f ÷ first-stage win probability %.2f",
                        funnel.amount_gap, funnel.average_deal,
                        funnel.new_opportunity_win_probability)
          : format_text("the expected amount covers the quota (gap %.1f 万): none needed",
                        funnel.amount_gap)));
  return marking;
}

Marking mark(const GapCase& exercise, const std::vector<GivenAnswer>& answers) {
  const Snapshot& snapshot = exercise.snapshot;
  const GapLadder& ladder = exercise.ladder;
  const double tolerance = exercise.tolerance;
  Marking marking;
  marking.answers.push_back(
      mark_number(answers, "gap0", ladder.gap0, tolerance, 0.1, 1,
                  format_text("quota %.1f − finished %.1f", snapshot.quota, snapshot.realized)));
  marking.answers.push_back(mark_number(
      answers, "gap1", ladder.gap1, tolerance, 0.1, 1,
      format_text("Gap0 %.1f − committed %.1f × P1 %.2f (committed deals count at P1, not "
                  "in full)",
                  ladder.gap0, snapshot.calls->committed, ladder.p1)));
  marking.answers.push_back(
      mark_number(answers, "gap2", ladder.gap2, tolerance, 0.1, 1,
                  format_text("Gap1 %.1f − uncommitted %.1f × P2 %.2f", ladder.gap1,
                              snapshot.calls->possible, ladder.p2)));
  marking.answers.push_back(mark_number(
      answers, "gap3", ladder.gap3, tolerance, 0.1, 1,
      ladder.gap2 > 0.0 ? format_text("Gap2 %.1f ÷ P3 %.2f: a gap is filled at the new "
                                      "pipeline's win rate, so it takes Gap2 ÷ P3 of pipeline",
                                      ladder.gap2, ladder.p3)
                        : std::string("Gap2 is not positive: no pipeline is needed, 0")));
  marking.answers.push_back(
      mark_number(answers, "new_customers", ladder.new_customers_needed, tolerance, 0.5, 1,
                  format_text("Gap3 %.1f ÷ P4 %.2f 万", ladder.gap3, ladder.p4)));
  marking.answers.push_back(mark_number(
      answers, "weekly_target", ladder.weekly_prospecting_target.value_or(0.0), tolerance, 0.2, 1,
      format_text("NA %.1f ÷ %.0f weeks left", ladder.new_customers_needed,
                  snapshot.weeks_remaining)));
  return marking;
}

}  // namespace funnelsim::analysis::exercise
