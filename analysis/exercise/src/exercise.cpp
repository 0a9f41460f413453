// The exercises' reading rules, handouts, machine-readable cases and marking (playbook §4–5).
//
// Every key follows from the handout: the diagnosis labels are the printed rules applied to the
// printed figures, and every number in a forecast or gap key is the course's formula on the
// printed numbers, with the factors (α, β, γ, P1–P4) and the marking tolerances the page states.
#include "funnelsim/exercise/exercise.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "funnelsim/stats/json.hpp"
#include "funnelsim/stats/text_format.hpp"

namespace funnelsim::analysis::exercise {
namespace {

// The diagnosis rules' thresholds, as shares of the standard: far enough from it that a
// healthy rep's quarter rarely crosses them by chance (a quarter holds about 65 new
// opportunities and 13 wins a rep), near enough that a planted weakness at normal difficulty
// crosses them nearly always.
constexpr double STALLED_DAYS = 1.6;    // × the standard days in a stage
constexpr double FEW_PROSPECTS = 0.7;   // × the standard new opportunities a week
constexpr double LOW_DEAL_VALUE = 0.7;  // × the standard average deal
constexpr double LOW_WIN_RATE = 0.6;    // × the standard win rate

double round_to(double value, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(value * scale) / scale;
}

bool chinese(const CaseOptions& options) {
  return options.language == Language::zh;
}

/// The English or the Chinese of a text, by the case's language.
const char* say(const CaseOptions& options, const char* english, const char* zh) {
  return chinese(options) ? zh : english;
}

std::string amount(double value, int decimals = 1) {
  return format_text("%.*f", decimals, value);
}

std::string percent(double share) {
  return format_text("%.0f%%", 100.0 * share);
}

/// A stage's name as the handout shows it: the course's Chinese for the playbook's stages.
std::string stage_name(const CaseOptions& options, const std::string& stage) {
  if (!chinese(options))
    return stage;
  if (stage == "intent")
    return "意向";
  if (stage == "solution")
    return "方案";
  if (stage == "negotiation")
    return "谈判";
  return stage;
}

/// A weakness as the Chinese handout glosses it (the answers keep the English label).
const char* gloss(Weakness weakness) {
  switch (weakness) {
    case Weakness::healthy:
      return "健康";
    case Weakness::too_few_prospects:
      return "新客户开拓不足";
    case Weakness::low_win_rate:
      return "赢单率低";
    case Weakness::low_deal_value:
      return "单产低";
    case Weakness::stalled:
      return "项目停滞";
  }
  return "";
}

std::string label_text(const CaseOptions& options, Weakness weakness) {
  std::string text = "`" + std::string(to_string(weakness)) + "`";
  if (chinese(options))
    text += std::string("（") + gloss(weakness) + "）";
  return text;
}

/// How a rule's figure reads on the handout.
std::string figure_text(const CaseOptions& options, const std::string& figure) {
  const auto dot = figure.find('.');
  if (dot != std::string::npos && figure.compare(0, dot, "days_in_step") == 0) {
    const std::string stage = stage_name(options, figure.substr(dot + 1));
    return chinese(options) ? stage + "阶段的天数" : "days in " + stage;
  }
  if (figure == "new_per_week")
    return say(options, "new a week", "每周新增商机");
  if (figure == "average_opportunity")
    return say(options, "average new opportunity 万", "新商机平均金额 万");
  if (figure == "win_rate")
    return say(options, "win rate %", "赢单率 %");
  return figure;
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

/// "case 7" for a seed, or a class's opaque code, which does not reveal the seed.
std::string case_name(const CaseOptions& options) {
  if (!options.code.empty())
    return options.code;
  return format_text("%llu", static_cast<unsigned long long>(options.seed));
}

std::string case_title(const CaseOptions& options, const char* english, const char* zh) {
  if (chinese(options)) {
    return format_text("# 练习：%s（案例 %s，%s）\n\n", zh, case_name(options).c_str(),
                       options.difficulty == Difficulty::easy     ? "简单"
                       : options.difficulty == Difficulty::normal ? "普通"
                                                                  : "困难");
  }
  return format_text("# Exercise: %s (case %s, %s)\n\n", english, case_name(options).c_str(),
                     std::string(to_string(options.difficulty)).c_str());
}

/// Whose funnel the case works: the playbook's small projects, or the trainer's scenario.
std::string source_text(const CaseOptions& options, const RepStandard& standard) {
  if (standard.scenario.empty()) {
    return say(
        options,
        "The funnel is the playbook's small projects (§1): intent 20% → solution 35% → "
        "negotiation 70%, about a week in each stage, 2 万 deals.\n\n",
        "漏斗为课程中的小项目漏斗（第一部分）：意向 20% → 方案 35% → 谈判 70%，每个阶段约一周，"
        "单产约 2 万。\n\n");
  }
  return format_text(
      say(options, "The funnel is the one of the scenario '%s'.\n\n", "漏斗取自场景「%s」。\n\n"),
      standard.scenario.c_str());
}

/// How the trainee has the answers marked: the check command, or the trainer for a class.
std::string how_marked(const char* kind, const CaseOptions& options) {
  if (!options.code.empty()) {
    return say(options, "and hand the file to your trainer, who marks the class.",
               "然后把文件交给培训师，由培训师统一批改。");
  }
  const std::string command = format_text(
      "funnelsim exercise check %s --seed %llu --difficulty %s%s ANSWERS.yaml", kind,
      static_cast<unsigned long long>(options.seed),
      std::string(to_string(options.difficulty)).c_str(), chinese(options) ? " --lang zh" : "");
  return format_text(say(options, "and mark them with `%s`.", "然后用 `%s` 批改。"),
                     command.c_str());
}

std::string tolerance_text(const CaseOptions& options, const Tolerance& tolerance,
                           const char* unit) {
  const std::string floor = format_text("%g", tolerance.floor) + (*unit == '\0' ? "" : " ") + unit;
  return format_text(say(options, "within %s%% of the key or within %s, whichever is wider",
                         "与答案相差不超过 %s%% 或不超过 %s（取较宽者）"),
                     format_text("%g", 100.0 * tolerance.relative).c_str(), floor.c_str());
}

bool close_enough(double given, double expected, const Tolerance& tolerance) {
  return std::abs(given - expected) <=
         std::max(tolerance.relative * std::abs(expected), tolerance.floor) + 1e-9;
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
                         double expected, const Tolerance& tolerance, int decimals,
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
  marked.correct = close_enough(*given->number, expected, tolerance);
  marked.explanation = working;
  return marked;
}

/// The given number, when the trainee answered `key` with one.
std::optional<double> given_number(const std::vector<GivenAnswer>& answers,
                                   const std::string& key) {
  const GivenAnswer* given = find_answer(answers, key);
  return given == nullptr ? std::nullopt : given->number;
}

// --- JSON -----------------------------------------------------------------------------------

using Field = std::pair<std::string, std::string>;

std::string object(const std::vector<Field>& fields) {
  std::string text = "{";
  for (std::size_t i = 0; i < fields.size(); ++i)
    text += (i == 0 ? "" : ",") + json_string(fields[i].first) + ":" + fields[i].second;
  return text + "}";
}

std::string array(const std::vector<std::string>& items) {
  std::string text = "[";
  for (std::size_t i = 0; i < items.size(); ++i)
    text += (i == 0 ? "" : ",") + items[i];
  return text + "]";
}

std::string tolerance_json(const Tolerance& tolerance) {
  return object(
      {{"relative", json_number(tolerance.relative)}, {"floor", json_number(tolerance.floor)}});
}

std::vector<Field> case_header(const char* kind, const CaseOptions& options) {
  std::vector<Field> fields = {{"kind", json_string(kind)}};
  if (options.code.empty())
    fields.emplace_back("seed", json_integer(options.seed));
  else
    fields.emplace_back("code", json_string(options.code));
  fields.emplace_back("difficulty", json_string(to_string(options.difficulty)));
  fields.emplace_back("language", json_string(to_string(options.language)));
  return fields;
}

std::string with_key(std::vector<Field> fields, const std::string& givens, bool answers,
                     const std::string& key) {
  fields.emplace_back("givens", givens);
  if (answers)
    fields.emplace_back("key", key);
  return object(fields) + "\n";
}

// --- diagnosis ------------------------------------------------------------------------------

const DiagnosisRule* first_rule_met(const RepFigures& rep, const RepStandard& standard,
                                    const std::vector<DiagnosisRule>& rules) {
  const auto figures = printed_figures(rep, standard);
  for (const DiagnosisRule& rule : rules) {
    for (const auto& [name, value] : figures) {
      if (name != rule.figure)
        continue;
      // Both numbers are decimals of at most two places: they differ by 0 or by at least 0.01.
      const bool met = rule.comparison == Comparison::below ? value < rule.threshold - 1e-9
                                                            : value > rule.threshold + 1e-9;
      if (met)
        return &rule;
    }
  }
  return nullptr;
}

std::string rule_text(const CaseOptions& options, const DiagnosisRule& rule) {
  const char* comparison = rule.comparison == Comparison::below ? say(options, "below", "低于")
                                                                : say(options, "above", "高于");
  return format_text("%s %.2f (%g × %g)", comparison, rule.threshold, rule.ratio, rule.standard);
}

/// Why a rep has its label: the rule it met and the figure, or that it met none.
std::string evidence_for(const CaseOptions& options, const RepFigures& rep,
                         const RepStandard& standard) {
  const std::vector<DiagnosisRule> rules = diagnosis_rules(standard);
  const DiagnosisRule* rule = first_rule_met(rep, standard, rules);
  const auto figures = printed_figures(rep, standard);
  auto value_of = [&](const std::string& name) {
    for (const auto& [figure, value] : figures) {
      if (figure == name)
        return value;
    }
    return 0.0;
  };
  if (rule != nullptr) {
    const auto number = static_cast<std::size_t>(rule - rules.data()) + 1;
    return format_text(say(options, "rule %zu: %s is %g, %s", "规则 %zu：%s 为 %g，%s"), number,
                       figure_text(options, rule->figure).c_str(), value_of(rule->figure),
                       rule_text(options, *rule).c_str());
  }
  // Each stage's days, as the rules read them (a stage against its own standard).
  std::string days;
  for (std::size_t i = 0; i < rep.days_in_step.size(); ++i)
    days += format_text(i == 0 ? "%.1f" : " / %.1f", rep.days_in_step[i]);
  return format_text(
      say(options,
          "meets no rule: %s days in the stages, %.1f new a week, %.2f 万 an opportunity, "
          "a %.0f%% win rate",
          "不符合任何规则：各阶段 %s 天，每周新增 %.1f 个商机，新商机平均 %.2f 万，"
          "赢单率 %.0f%%"),
      days.c_str(), rep.new_per_week, rep.average_opportunity, rep.win_rate);
}

/// The coaching question the playbook would ask (§5).
std::string question_for(const CaseOptions& options, Weakness weakness) {
  switch (weakness) {
    case Weakness::too_few_prospects:
      return say(options,
                 "How many new prospects did you find each week, and where will next week's "
                 "come from? Let us plan your visits and cover your territory.",
                 "你每周开拓了多少新客户？下周的新客户从哪里来？我们一起安排拜访、覆盖你的区域。");
    case Weakness::low_win_rate:
      return say(
          options,
          "Which step did you just finish, and show me the evidence: where do we lose the "
          "deals, to whom, and what need did you find?",
          "你刚完成了哪一步？请给我看证据：我们在哪里丢单、输给了谁、你发现了客户的什么需求？");
    case Weakness::low_deal_value:
      return say(options,
                 "What value did the customer see, and how did you handle the price objection? "
                 "What else could this customer buy?",
                 "客户看到了什么价值？你如何处理价格异议？这个客户还能购买什么？");
    case Weakness::stalled:
      return say(options,
                 "Which step did you just finish, show me the evidence, what is the next step? "
                 "Let us plan it together.",
                 "你刚完成了哪一步？证据是什么？下一步是什么？我们一起计划。");
    case Weakness::healthy:
      return say(options, "What is working, and what will keep the funnel this full next quarter?",
                 "哪些做法有效？下个季度如何保持漏斗这样饱满？");
  }
  return {};
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

std::vector<DiagnosisRule> diagnosis_rules(const RepStandard& standard) {
  std::vector<DiagnosisRule> rules;
  auto add = [&rules](Weakness label, std::string figure, Comparison comparison, double ratio,
                      double standard_value) {
    rules.push_back({label, std::move(figure), comparison, ratio, standard_value,
                     round_to(ratio * standard_value, 2)});
  };
  // Time-in-Step first: a stalled funnel distorts the other views (its counts pile up).
  for (std::size_t i = 0; i < standard.stages.size(); ++i) {
    add(Weakness::stalled, "days_in_step." + standard.stages[i], Comparison::above, STALLED_DAYS,
        standard.days_in(i));
  }
  add(Weakness::too_few_prospects, "new_per_week", Comparison::below, FEW_PROSPECTS,
      standard.new_per_week);
  // Amounts before the win rate: a quarter's 65 amounts say more than its 13 wins.
  add(Weakness::low_deal_value, "average_opportunity", Comparison::below, LOW_DEAL_VALUE,
      standard.average_deal);
  add(Weakness::low_win_rate, "win_rate", Comparison::below, LOW_WIN_RATE,
      100.0 * standard.win_rate);
  return rules;
}

std::vector<std::pair<std::string, double>> printed_figures(const RepFigures& rep,
                                                            const RepStandard& standard) {
  std::vector<std::pair<std::string, double>> figures = {
      {"new_per_week", rep.new_per_week},
      {"wins", rep.wins},
      {"bookings", rep.bookings},
      {"attainment", round_to(100.0 * rep.bookings / standard.quota, 0)}};
  for (std::size_t i = 0; i < standard.stages.size(); ++i)
    figures.emplace_back("open_count." + standard.stages[i], rep.open_count[i]);
  for (std::size_t i = 0; i < standard.stages.size(); ++i)
    figures.emplace_back("conversion." + standard.stages[i], rep.conversion[i]);
  figures.emplace_back("win_rate", rep.win_rate);
  for (std::size_t i = 0; i < standard.stages.size(); ++i)
    figures.emplace_back("days_in_step." + standard.stages[i], rep.days_in_step[i]);
  if (rep.wins > 0)
    figures.emplace_back("average_won_deal", rep.average_won_deal);
  figures.emplace_back("average_opportunity", rep.average_opportunity);
  return figures;
}

Diagnosis diagnose_rep(const RepFigures& rep, const RepStandard& standard) {
  const std::vector<DiagnosisRule> rules = diagnosis_rules(standard);
  const DiagnosisRule* rule = first_rule_met(rep, standard, rules);
  const Weakness weakness = rule == nullptr ? Weakness::healthy : rule->label;
  const CaseOptions english;
  return {weakness, evidence_for(english, rep, standard), question_for(english, weakness)};
}

int Marking::correct() const {
  int total = 0;
  for (const MarkedAnswer& answer : answers)
    total += answer.correct ? 1 : 0;
  return total;
}

// --- diagnose -------------------------------------------------------------------------------

std::string render_handout(const DiagnoseCase& exercise, bool answers) {
  const CaseOptions& o = exercise.options;
  const RepStandard& standard = exercise.standard;
  std::vector<std::string> stages;
  for (const std::string& stage : standard.stages)
    stages.push_back(stage_name(o, stage));
  std::string text = case_title(o, "diagnose the funnels", "诊断销售漏斗");
  std::string chain;
  for (std::size_t i = 0; i < stages.size(); ++i)
    chain += format_text("%s %.0f%% → ", stages[i].c_str(), 100.0 * standard.win_probability[i]);
  std::string stage_days;
  for (std::size_t i = 0; i < stages.size(); ++i)
    stage_days += format_text(i == 0 ? "%.0f" : " / %.0f", standard.days_in(i));
  text += source_text(o, standard);
  text += format_text(
      say(o,
          "A team after one quarter (13 weeks). Read each rep's funnel the way the "
          "playbook does (§5) — Yield, Balance, Time-in-Step — and label each rep by the rules "
          "at the end.\n\n"
          "**The standard** for a rep: %.0f new opportunities a week; %swon (so %.0f%% of "
          "resolved opportunities are won); about %s days in the stages; an average deal of "
          "%.2f 万; a quota of %.0f 万 a quarter. Figures in brackets in the headers are the "
          "standard.\n\n",
          "一个团队的一个季度（13 周）。按课程（第五部分）的方法读每位销售人员的漏斗——"
          "漏斗的产量（Yield）、漏斗的平衡性（Balance）、漏斗阶段的时间分配与进程"
          "（Time-in-Step）——并按文末的规则给每位销售人员定性。\n\n"
          "**标准**：每人每周 %.0f 个新商机；%s成交（即已结束商机的赢单率为 %.0f%%）；"
          "各阶段约 %s 天；单产 %.2f 万；季度定额 %.0f 万。表头括号中的数字为标准值。\n\n"),
      standard.new_per_week, chain.c_str(), 100.0 * standard.win_rate, stage_days.c_str(),
      standard.average_deal, standard.quota);

  text += say(o, "## Yield\n\n", "## 漏斗的产量（Yield）\n\n");
  text += table_row(
      {say(o, "rep", "销售人员"),
       format_text(say(o, "new a week (%.0f)", "每周新增 (%.0f)"), standard.new_per_week),
       format_text(say(o, "won (%.0f)", "成交数 (%.0f)"), standard.quota / standard.average_deal),
       format_text(say(o, "bookings 万 (%.0f)", "成交金额 万 (%.0f)"), standard.quota),
       say(o, "attainment", "完成率")});
  text += table_rule(5);
  for (const RepFigures& rep : exercise.reps) {
    text += table_row({rep.name, amount(rep.new_per_week), std::to_string(rep.wins),
                       amount(rep.bookings), percent(rep.bookings / standard.quota)});
  }

  text += say(o, "\n## Balance: open opportunities at the quarter's end\n\n",
              "\n## 漏斗的平衡性（Balance）：季度末各阶段在手商机数\n\n");
  std::vector<std::string> header = {say(o, "rep", "销售人员")};
  for (std::size_t i = 0; i < stages.size(); ++i)
    header.push_back(format_text("%s (%.1f)", stages[i].c_str(), standard.standard_count[i]));
  text += table_row(header) + table_rule(header.size());
  for (const RepFigures& rep : exercise.reps) {
    std::vector<std::string> row = {rep.name};
    for (const int count : rep.open_count)
      row.push_back(std::to_string(count));
    text += table_row(row);
  }

  text += say(o,
              "\n## Losses between stages: share of each stage's exits this quarter that moved "
              "on\n\n",
              "\n## 阶段间的流失：本季度离开各阶段的商机中推进到下一阶段的比例\n\n");
  header = {say(o, "rep", "销售人员")};
  for (std::size_t i = 0; i < stages.size(); ++i) {
    const std::string next = i + 1 < stages.size() ? stages[i + 1] : say(o, "won", "成交");
    header.push_back(format_text("%s → %s (%.0f%%)", stages[i].c_str(), next.c_str(),
                                 100.0 * standard.conversion[i]));
  }
  header.push_back(
      format_text(say(o, "win rate (%.0f%%)", "赢单率 (%.0f%%)"), 100.0 * standard.win_rate));
  text += table_row(header) + table_rule(header.size());
  for (const RepFigures& rep : exercise.reps) {
    std::vector<std::string> row = {rep.name};
    for (const double share : rep.conversion)
      row.push_back(format_text("%.0f%%", share));
    row.push_back(format_text("%.0f%%", rep.win_rate));
    text += table_row(row);
  }

  text +=
      say(o, "\n## Time-in-Step: mean days in the stage, for this quarter's exits\n\n",
          "\n## "
          "漏斗阶段的时间分配与进程（Time-in-Step）：本季度离开各阶段的商机在该阶段的平均天数\n\n");
  header = {say(o, "rep", "销售人员")};
  for (std::size_t i = 0; i < stages.size(); ++i)
    header.push_back(format_text("%s (%.0f)", stages[i].c_str(), standard.days_in(i)));
  text += table_row(header) + table_rule(header.size());
  for (const RepFigures& rep : exercise.reps) {
    std::vector<std::string> row = {rep.name};
    for (const double days : rep.days_in_step)
      row.push_back(amount(days));
    text += table_row(row);
  }

  text += say(o, "\n## Deal value\n\n", "\n## 单产\n\n");
  text += table_row(
      {say(o, "rep", "销售人员"),
       format_text(say(o, "average won deal 万 (%.2f)", "成交平均金额 万 (%.2f)"),
                   standard.average_deal),
       format_text(say(o, "average new opportunity 万 (%.2f)", "新商机平均金额 万 (%.2f)"),
                   standard.average_deal)});
  text += table_rule(3);
  for (const RepFigures& rep : exercise.reps) {
    text += table_row({rep.name, rep.wins == 0 ? "–" : amount(rep.average_won_deal, 2),
                       amount(rep.average_opportunity, 2)});
  }

  text += say(o,
              "\n## The rules\n\nLabel each rep with the first rule, in this order, that one of "
              "its figures above meets; a rep that meets none is `healthy`. The thresholds are "
              "shares of the standard.\n\n",
              "\n## 规则\n\n按顺序找出每位销售人员的数字符合的第一条规则，以该规则的定性作答；"
              "一条都不符合的为 `healthy`（健康）。阈值为标准值的倍数。\n\n");
  text +=
      table_row({"#", say(o, "label", "定性"), say(o, "figure", "指标"), say(o, "rule", "规则")}) +
      table_rule(4);
  const std::vector<DiagnosisRule> rules = diagnosis_rules(standard);
  for (std::size_t i = 0; i < rules.size(); ++i) {
    text += table_row({std::to_string(i + 1), label_text(o, rules[i].label),
                       figure_text(o, rules[i].figure), rule_text(o, rules[i])});
  }

  text += say(o,
              "\n## Your task\n\nFor each rep, write the label: `too-few-prospects`, "
              "`low-win-rate`, `low-deal-value`, `stalled` (opportunities sit too long in a step) "
              "or `healthy`. Write your answers in a file:\n\n```yaml\nreps:\n",
              "\n## 你的任务\n\n为每位销售人员写出定性：`too-few-prospects`（新客户开拓不足）、"
              "`low-win-rate`（赢单率低）、`low-deal-value`（单产低）、`stalled`（项目停滞）或 "
              "`healthy`（健康）。把答案写进文件：\n\n```yaml\nreps:\n");
  for (const RepFigures& rep : exercise.reps)
    text += "  " + rep.name + ":\n";
  text += "```\n\n" + how_marked("diagnose", o) + "\n";

  if (!answers)
    return text;
  text += say(o, "\n## Answer key\n\n", "\n## 答案\n\n");
  text += table_row({say(o, "rep", "销售人员"), say(o, "label", "定性"), say(o, "why", "依据"),
                     say(o, "coaching question", "辅导问题")}) +
          table_rule(4);
  for (std::size_t i = 0; i < exercise.reps.size(); ++i) {
    const Weakness label = exercise.key[i];
    text += table_row({exercise.reps[i].name, label_text(o, label),
                       evidence_for(o, exercise.reps[i], standard), question_for(o, label)});
  }
  return text;
}

std::string case_json(const DiagnoseCase& exercise, bool answers) {
  const RepStandard& standard = exercise.standard;
  std::vector<Field> standard_fields = {{"new_per_week", json_number(standard.new_per_week)},
                                        {"win_rate", json_number(100.0 * standard.win_rate)},
                                        {"average_deal", json_number(standard.average_deal)},
                                        {"quota", json_number(standard.quota)}};
  for (std::size_t i = 0; i < standard.stages.size(); ++i) {
    standard_fields.emplace_back("open_count." + standard.stages[i],
                                 json_number(round_to(standard.standard_count[i], 1)));
    standard_fields.emplace_back("conversion." + standard.stages[i],
                                 json_number(round_to(100.0 * standard.conversion[i], 0)));
    standard_fields.emplace_back("days_in_step." + standard.stages[i],
                                 json_number(standard.days_in(i)));
  }
  standard_fields.emplace_back("average_opportunity", json_number(standard.average_deal));
  standard_fields.emplace_back("average_won_deal", json_number(standard.average_deal));
  std::vector<std::string> rules;
  for (const DiagnosisRule& rule : diagnosis_rules(standard)) {
    rules.push_back(object(
        {{"label", json_string(to_string(rule.label))},
         {"figure", json_string(rule.figure)},
         {"comparison", json_string(rule.comparison == Comparison::below ? "below" : "above")},
         {"threshold", json_number(rule.ratio)},
         {"value", json_number(rule.threshold)}}));
  }
  std::vector<std::string> reps, keyed;
  for (std::size_t i = 0; i < exercise.reps.size(); ++i) {
    const RepFigures& rep = exercise.reps[i];
    std::vector<Field> figures;
    for (const auto& [name, value] : printed_figures(rep, standard))
      figures.emplace_back(name, json_number(value));
    reps.push_back(object({{"name", json_string(rep.name)}, {"figures", object(figures)}}));
    keyed.push_back(object({{"name", json_string(rep.name)},
                            {"label", json_string(to_string(exercise.key[i]))},
                            {"figures", object(figures)}}));
  }
  const std::string givens = object(
      {{"standard", object(standard_fields)}, {"rules", array(rules)}, {"reps", array(reps)}});
  return with_key(case_header("diagnose", exercise.options), givens, answers,
                  object({{"reps", array(keyed)}}));
}

// --- forecast -------------------------------------------------------------------------------

namespace {

int printed_decimals(const CaseOptions& options) {
  return options.difficulty == Difficulty::easy ? 0 : 1;
}

}  // namespace

std::string render_handout(const ForecastCase& exercise, bool answers) {
  const CaseOptions& o = exercise.options;
  const Snapshot& snapshot = exercise.snapshot;
  const int decimals = printed_decimals(o);
  std::string text = case_title(o, "forecast the quarter", "预测本季度");
  text += source_text(o, exercise.standard);
  if (chinese(o)) {
    text += format_text(
        "某分公司有 %d 名销售人员，现在是 %.0f 周季度中第 %d 周的周末，还剩 %.0f 周。"
        "各阶段及其赢单率见下表。\n\n",
        exercise.reps, snapshot.weeks_in_quarter, exercise.week, snapshot.weeks_remaining);
  } else {
    text += format_text(
        "A branch of %d reps at the end of week %d of a %.0f-week quarter: %.0f weeks are "
        "left. The stages and their win probabilities are in the table below.\n\n",
        exercise.reps, exercise.week, snapshot.weeks_in_quarter, snapshot.weeks_remaining);
  }
  text += table_row({say(o, "the branch today", "分公司现状"), say(o, "value", "数值")}) +
          table_rule(2);
  text +=
      table_row({say(o, "the quarter's quota", "本季度定额"), amount(snapshot.quota, 0) + " 万"});
  text += table_row({say(o, "booked so far this quarter", "本季度已成交"),
                     amount(snapshot.realized, decimals) + " 万"});
  text += table_row({say(o, "weeks left", "剩余周数"), amount(snapshot.weeks_remaining, 0)});
  if (snapshot.average_deal) {
    text += table_row({say(o, "average deal (the branch's unit output)", "单产（分公司平均）"),
                       amount(*snapshot.average_deal, 2) + " 万"});
  }
  text += say(o, "\n## The funnel today\n\n", "\n## 当前的销售漏斗\n\n");
  text += table_row({say(o, "stage", "阶段"), say(o, "win probability", "赢单率"),
                     say(o, "open opportunities", "在手商机数"), say(o, "amount 万", "金额 万")}) +
          table_rule(4);
  for (const SnapshotStage& stage : snapshot.stages) {
    text += table_row({stage_name(o, stage.name), percent(stage.win_probability),
                       std::to_string(stage.count), amount(*stage.amount, decimals)});
  }
  text += say(o, "\n## The reps' calls for the quarter\n\n", "\n## 销售人员对本季度的预测\n\n");
  text += table_row({say(o, "committed (≥ 90% sure)", "确保收入（≥ 90% 把握）"),
                     say(o, "possible (≥ 50% sure)", "可能收入（≥ 50% 把握）")}) +
          table_rule(2);
  text += table_row({amount(snapshot.calls->committed, decimals) + " 万",
                     amount(snapshot.calls->possible, decimals) + " 万"});
  const SnapshotWeights& w = snapshot.weights;
  text += format_text(
      say(o,
          "\nThe calls are weighed as in the course's worked table (§4c): α = %.0f%% of "
          "committed, β = %.0f%% of possible, and γ = %.0f%% of the quota a week arrives "
          "unforecast.\n",
          "\n按课程示例表（第 4c 部分）的权重计算：确保收入 α = %.0f%%，可能收入 β = %.0f%%，"
          "预测外收入每周为定额的 γ = %.0f%%。\n"),
      100.0 * w.committed, 100.0 * w.possible, 100.0 * w.unforecast_per_week);
  text += format_text(
      say(o,
          "\n## Your task\n\n"
          "1. `funnel_forecast`: the quarter's bookings, 万, by the funnel model (§4a): booked "
          "so far + expected wins × unit output%s.\n"
          "2. `calls_forecast`: the quarter's bookings, 万, by the reps' calls (§4c): booked so "
          "far + committed × α + possible × β + quota × γ × weeks left.\n"
          "3. `new_opportunities`: how many new opportunities must enter the funnel now to "
          "close the funnel model's gap to the quota (quota − booked − expected amount) ÷ unit "
          "output ÷ the first stage's win probability; 0 when there is no gap.\n\n"
          "An amount is right %s; a count %s. Write your answers in a file:\n\n"
          "```yaml\nfunnel_forecast:\ncalls_forecast:\nnew_opportunities:\n```\n\n%s\n",
          "\n## 你的任务\n\n"
          "1. `funnel_forecast`：用客观漏斗模型（第 4a 部分）预测本季度成交金额（万）：已成交 + "
          "预计成交数 × 单产%s。\n"
          "2. `calls_forecast`：用销售人员的预测（第 4c 部分）预测本季度成交金额（万）：已成交 + "
          "确保收入 × α + 可能收入 × β + 定额 × γ × 剩余周数。\n"
          "3. `new_opportunities`：为弥补漏斗模型的缺口，现在需要新加入漏斗的项目数："
          "（定额 − 已成交 − 预计成交金额）÷ 单产 ÷ 第一阶段赢单率；没有缺口时为 0。\n\n"
          "金额%s即算正确；数量%s即算正确。把答案写进文件：\n\n"
          "```yaml\nfunnel_forecast:\ncalls_forecast:\nnew_opportunities:\n```\n\n%s\n"),
      snapshot.average_deal
          ? ""
          : say(o,
                " (no average deal is given: the unit output is the funnel's amount ÷ its count)",
                "（未给出单产：单产 = 漏斗金额 ÷ 漏斗商机数）"),
      tolerance_text(o, exercise.amount_tolerance, "万").c_str(),
      tolerance_text(o, exercise.count_tolerance, "").c_str(), how_marked("forecast", o).c_str());
  if (!answers)
    return text;

  const FunnelForecast& funnel = exercise.formulas.funnel.value();  // a case always has stages
  text += say(o, "\n## Answer key\n\n### The funnel model (§4a)\n\n",
              "\n## 答案\n\n### 客观漏斗模型（第 4a 部分）\n\n");
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
    text +=
        format_text(say(o, "- unit output = funnel amount ÷ funnel count = %.1f ÷ %.0f = %.4f 万\n",
                        "- 单产 = 漏斗金额 ÷ 漏斗商机数 = %.1f ÷ %.0f = %.4f 万\n"),
                    total, count, funnel.average_deal);
  }
  text += format_text(say(o, "- expected wins = %s = **%.2f**\n", "- 预计成交数 = %s = **%.2f**\n"),
                      sum.c_str(), funnel.expected_wins);
  text += format_text(say(o, "- expected amount = %.2f × %.4g 万 = **%.2f 万**\n",
                          "- 预计成交金额 = %.2f × %.4g 万 = **%.2f 万**\n"),
                      funnel.expected_wins, funnel.average_deal, funnel.expected_amount);
  text += format_text(
      say(o, "- `funnel_forecast` = booked %s + expected %.2f = **%.1f 万** (%s of the quota)\n",
          "- `funnel_forecast` = 已成交 %s + 预计 %.2f = **%.1f 万**（定额的 %s）\n"),
      amount(snapshot.realized, decimals).c_str(), funnel.expected_amount, exercise.funnel_forecast,
      percent(exercise.funnel_forecast / snapshot.quota).c_str());
  if (funnel.amount_gap > 0.0) {
    text += format_text(
        say(o,
            "- amount gap = quota %.0f − booked %s − expected %.2f = **%.2f 万**\n"
            "- `new_opportunities` = gap %.2f ÷ unit output %.4g ÷ first-stage win probability "
            "%.2f = **%.1f**\n",
            "- 金额缺口 = 定额 %.0f − 已成交 %s − 预计 %.2f = **%.2f 万**\n"
            "- `new_opportunities` = 缺口 %.2f ÷ 单产 %.4g ÷ 第一阶段赢单率 %.2f = **%.1f**\n"),
        snapshot.quota, amount(snapshot.realized, decimals).c_str(), funnel.expected_amount,
        funnel.amount_gap, funnel.amount_gap, funnel.average_deal,
        funnel.new_opportunity_win_probability, exercise.new_opportunities);
  } else {
    text +=
        format_text(say(o,
                        "- amount gap = quota %.0f − booked %s − expected %.2f = %.2f 万: no gap, "
                        "`new_opportunities` = **0**\n",
                        "- 金额缺口 = 定额 %.0f − 已成交 %s − 预计 %.2f = %.2f 万：没有缺口，"
                        "`new_opportunities` = **0**\n"),
                    snapshot.quota, amount(snapshot.realized, decimals).c_str(),
                    funnel.expected_amount, funnel.amount_gap);
  }
  if (funnel.projection && funnel.amount_gap > 0.0 && funnel.projection->entry_window_weeks > 0.0) {
    const double per_week = exercise.reps * exercise.standard_prospects;
    text += format_text(
        say(o,
            "- at the standard, the %d reps bring %.0f new opportunities a week; a new "
            "opportunity takes %.0f weeks to close, so those entering in the next %.0f weeks can "
            "still close this quarter: about %.0f against the %.1f needed\n",
            "- 按标准，%d 名销售人员每周带来 %.0f 个新商机；新商机约需 %.0f 周成交，"
            "因此今后 %.0f 周内加入的商机仍可在本季度成交：约 %.0f 个，需要 %.1f 个\n"),
        exercise.reps, per_week, funnel.projection->weeks_to_close_new,
        funnel.projection->entry_window_weeks, per_week * funnel.projection->entry_window_weeks,
        exercise.new_opportunities);
  }
  if (funnel.projection && funnel.projection->entry_window_weeks < 0.0) {
    text += format_text(
        say(o,
            "- but a new opportunity takes %.0f weeks to close and only %.0f are left: the new "
            "opportunities close next quarter, and this quarter's gap stays open\n",
            "- 但新商机约需 %.0f 周成交，而只剩 %.0f 周：这些新商机将在下季度成交，"
            "本季度的缺口仍然存在\n"),
        funnel.projection->weeks_to_close_new, snapshot.weeks_remaining);
  }
  const CommitForecast& commit = exercise.formulas.commit.value();  // a case always has calls
  text += format_text(
      say(o,
          "\n### The reps' calls (§4c)\n\n- `calls_forecast` = booked %s + committed %s × %.0f%% "
          "+ possible %s × %.0f%% + quota %.0f × %.0f%% × %.0f weeks = **%.1f 万** (%s of the "
          "quota)\n",
          "\n### 销售人员的预测（第 4c 部分）\n\n- `calls_forecast` = 已成交 %s + 确保收入 %s × "
          "%.0f%% + 可能收入 %s × %.0f%% + 定额 %.0f × %.0f%% × %.0f 周 = **%.1f 万**（定额的 "
          "%s）\n"),
      amount(snapshot.realized, decimals).c_str(),
      amount(snapshot.calls->committed, decimals).c_str(), 100.0 * commit.weights.committed,
      amount(snapshot.calls->possible, decimals).c_str(), 100.0 * commit.weights.possible,
      snapshot.quota, 100.0 * commit.weights.unforecast_per_week, snapshot.weeks_remaining,
      exercise.calls_forecast, percent(commit.completion_rate).c_str());
  if (exercise.formulas.run_rate) {
    const RunRateForecast& run = *exercise.formulas.run_rate;
    const std::string booked = amount(snapshot.realized, decimals);
    text += chinese(o) ? format_text(
                             "\n### 按进度外推（供比较）\n\n- %.0f 周已成交 %s 万：每周 "
                             "%.2f × %.0f = **%.1f 万**\n",
                             run.weeks_elapsed, booked.c_str(), run.per_week,
                             snapshot.weeks_in_quarter, run.forecast)
                       : format_text(
                             "\n### Run-rate, for comparison\n\n- booked %s in %.0f "
                             "weeks: %.2f a week × %.0f = **%.1f 万**\n",
                             booked.c_str(), run.weeks_elapsed, run.per_week,
                             snapshot.weeks_in_quarter, run.forecast);
  }
  text += format_text(
      say(o,
          "\n### What happened next\n\nThe simulation played the rest of the quarter %zu times "
          "from this funnel: the quarter books **%.1f 万** on average, between %.1f (P10) and "
          "%.1f (P90), median %.1f. In this case's own future the branch booked **%.1f 万** (%s "
          "of the quota). A formula gives one number; the quarter is a distribution around it.\n",
          "\n### 后来发生了什么\n\n模拟从这个漏斗出发把本季度余下的时间推演了 %zu "
          "次：本季度平均成交 "
          "**%.1f 万**，介于 %.1f（P10）和 %.1f（P90）之间，中位数 %.1f。在本案例自己的未来中，"
          "分公司成交了 **%.1f 万**（定额的 "
          "%s）。公式给出一个数，而季度结果是围绕它的一个分布。\n"),
      exercise.simulated_samples, exercise.simulated_mean, exercise.simulated_p10,
      exercise.simulated_p90, exercise.simulated_p50, exercise.actual,
      percent(exercise.actual / snapshot.quota).c_str());
  return text;
}

std::string case_json(const ForecastCase& exercise, bool answers) {
  const Snapshot& snapshot = exercise.snapshot;
  std::vector<std::string> stages;
  for (const SnapshotStage& stage : snapshot.stages) {
    stages.push_back(object({{"name", json_string(stage.name)},
                             {"win_probability", json_number(stage.win_probability)},
                             {"count", json_integer(static_cast<std::uint64_t>(stage.count))},
                             {"amount", json_number(*stage.amount)}}));
  }
  const std::string givens =
      object({{"reps", json_integer(static_cast<std::uint64_t>(exercise.reps))},
              {"week", json_integer(static_cast<std::uint64_t>(exercise.week))},
              {"quota", json_number(snapshot.quota)},
              {"realized", json_number(snapshot.realized)},
              {"weeks_in_quarter", json_number(snapshot.weeks_in_quarter)},
              {"weeks_remaining", json_number(snapshot.weeks_remaining)},
              {"average_deal",
               snapshot.average_deal ? json_number(*snapshot.average_deal) : std::string("null")},
              {"stages", array(stages)},
              {"committed", json_number(snapshot.calls->committed)},
              {"possible", json_number(snapshot.calls->possible)},
              {"alpha", json_number(snapshot.weights.committed)},
              {"beta", json_number(snapshot.weights.possible)},
              {"gamma", json_number(snapshot.weights.unforecast_per_week)},
              {"amount_tolerance", tolerance_json(exercise.amount_tolerance)},
              {"count_tolerance", tolerance_json(exercise.count_tolerance)}});
  const std::string key = object({{"funnel_forecast", json_number(exercise.funnel_forecast)},
                                  {"calls_forecast", json_number(exercise.calls_forecast)},
                                  {"new_opportunities", json_number(exercise.new_opportunities)}});
  return with_key(case_header("forecast", exercise.options), givens, answers, key);
}

// --- gap ------------------------------------------------------------------------------------

std::string render_handout(const GapCase& exercise, bool answers) {
  const CaseOptions& o = exercise.options;
  const Snapshot& snapshot = exercise.snapshot;
  const GapLadder& ladder = exercise.ladder;
  const int decimals = printed_decimals(o);
  std::string text = case_title(o, "fill in the gap ladder", "缺口分析（P1–P4）");
  text += source_text(o, exercise.standard);
  if (chinese(o)) {
    text += format_text(
        "%s 是一名销售人员，现在是 %.0f 周季度中第 %d 周的周末（还剩 %.0f 周）。\n\n",
        exercise.rep.c_str(), snapshot.weeks_in_quarter, exercise.week, snapshot.weeks_remaining);
  } else {
    text += format_text(
        "%s, a rep, at the end of week %d of a %.0f-week quarter (%.0f weeks "
        "left).\n\n",
        exercise.rep.c_str(), exercise.week, snapshot.weeks_in_quarter, snapshot.weeks_remaining);
  }
  text += table_row({say(o, "the rep today", "本人现状"), say(o, "value", "数值")}) + table_rule(2);
  text +=
      table_row({say(o, "quota for the quarter", "本季度定额"), amount(snapshot.quota, 0) + " 万"});
  text += table_row({say(o, "finished (invoiced) business", "已完成（已开票）业务"),
                     amount(snapshot.realized, decimals) + " 万"});
  text += table_row({say(o, "committed opportunities", "确保的商机"),
                     amount(snapshot.calls->committed, decimals) + " 万"});
  text += table_row({say(o, "confirmed but uncommitted opportunities", "已确认但未确保的商机"),
                     amount(snapshot.calls->possible, decimals) + " 万"});
  text += table_row({say(o, "weeks left", "剩余周数"), amount(snapshot.weeks_remaining, 0)});
  text += format_text(
      say(o,
          "\nThe ladder's factors (§4d): P1 = %.0f%% of committed deals close, P2 = %.0f%% of "
          "uncommitted ones, P3 = %.0f%% of new pipeline is won, P4 = %.2f 万 per new customer.\n\n"
          "## Your task\n\nFill in the ladder and the weekly prospecting target it implies:\n\n",
          "\n缺口分析的系数（第 4d 部分）：P1 = 确保商机的 %.0f%% 成交，P2 = 未确保商机的 %.0f%% "
          "成交，P3 = 新商机的赢单率 %.0f%%，P4 = 每个新客户 %.2f 万。\n\n"
          "## 你的任务\n\n填写缺口阶梯及由此得出的每周开拓目标：\n\n"),
      100.0 * ladder.p1, 100.0 * ladder.p2, 100.0 * ladder.p3, ladder.p4);
  text += table_row({say(o, "step", "步骤"), say(o, "meaning", "含义"),
                     say(o, "your answer", "你的答案")}) +
          table_rule(3);
  text += table_row({"Gap0", say(o, "quota − finished business, 万", "定额 − 已完成业务，万"), ""});
  text += table_row({"Gap1", say(o, "Gap0 − committed × P1, 万", "Gap0 − 确保商机 × P1，万"), ""});
  text +=
      table_row({"Gap2", say(o, "Gap1 − uncommitted × P2, 万", "Gap1 − 未确保商机 × P2，万"), ""});
  text += table_row(
      {"Gap3",
       say(o, "pipeline still needed in unconfirmed opportunities: Gap2 ÷ P3, 万 (0 when Gap2 ≤ 0)",
           "仍需的未确认商机金额：Gap2 ÷ P3，万（Gap2 ≤ 0 时为 0）"),
       ""});
  text += table_row(
      {"NA", say(o, "new customers still needed: Gap3 ÷ P4", "仍需的新客户数：Gap3 ÷ P4"), ""});
  text += table_row({say(o, "weekly target", "每周目标"),
                     say(o, "new customers a week: NA ÷ weeks left", "每周新客户数：NA ÷ 剩余周数"),
                     ""});
  text += format_text(
      say(o,
          "\nCarry at least one decimal from step to step. Gap0–Gap2 are right %s; Gap3 %s; NA "
          "%s; the weekly target %s. Write your answers in a "
          "file:\n\n```yaml\ngap0:\ngap1:\ngap2:\ngap3:\nnew_customers:\nweekly_target:\n```\n\n"
          "%s\n",
          "\n每一步至少保留一位小数。Gap0–Gap2 %s即算正确；Gap3 %s；NA %s；每周目标%s。"
          "把答案写进文件：\n\n"
          "```yaml\ngap0:\ngap1:\ngap2:\ngap3:\nnew_customers:\nweekly_target:\n```\n\n%s\n"),
      tolerance_text(o, exercise.amount_tolerance, "万").c_str(),
      tolerance_text(o, exercise.pipeline_tolerance, "万").c_str(),
      tolerance_text(o, exercise.customers_tolerance, "").c_str(),
      tolerance_text(o, exercise.weekly_tolerance, "").c_str(), how_marked("gap", o).c_str());
  if (!answers)
    return text;
  text += say(o, "\n## Answer key\n\n", "\n## 答案\n\n");
  text += format_text("- Gap0 = %s − %s = **%.2f 万**\n", amount(snapshot.quota, 0).c_str(),
                      amount(snapshot.realized, decimals).c_str(), ladder.gap0);
  text += format_text("- Gap1 = %.2f − %s × %.2f = **%.3f 万**\n", ladder.gap0,
                      amount(snapshot.calls->committed, decimals).c_str(), ladder.p1, ladder.gap1);
  text += format_text("- Gap2 = %.3f − %s × %.2f = **%.3f 万**\n", ladder.gap1,
                      amount(snapshot.calls->possible, decimals).c_str(), ladder.p2, ladder.gap2);
  if (ladder.gap2 > 0.0) {
    text += format_text(say(o, "- Gap3 = %.3f ÷ %.2f = **%.2f 万** of new pipeline\n",
                            "- Gap3 = %.3f ÷ %.2f = **%.2f 万** 的新商机\n"),
                        ladder.gap2, ladder.p3, ladder.gap3);
  } else {
    text += say(o, "- Gap3 = **0**: the committed and uncommitted deals cover the quota\n",
                "- Gap3 = **0**：确保和未确保的商机已覆盖定额\n");
  }
  text += format_text(say(o, "- NA = %.2f ÷ %.2f = **%.2f** new customers\n",
                          "- NA = %.2f ÷ %.2f = **%.2f** 个新客户\n"),
                      ladder.gap3, ladder.p4, ladder.new_customers_needed);
  text +=
      format_text(say(o, "- weekly target = %.2f ÷ %.0f weeks = **%.2f** new customers a week\n",
                      "- 每周目标 = %.2f ÷ %.0f 周 = 每周 **%.2f** 个新客户\n"),
                  ladder.new_customers_needed, snapshot.weeks_remaining,
                  ladder.weekly_prospecting_target.value_or(0.0));
  text += format_text(
      say(o, "\nIn the simulation, %s finished the quarter with **%.1f 万** (%s of the quota).\n",
          "\n在模拟中，%s 本季度最终完成 **%.1f 万**（定额的 %s）。\n"),
      exercise.rep.c_str(), exercise.actual, percent(exercise.actual / snapshot.quota).c_str());
  return text;
}

std::string case_json(const GapCase& exercise, bool answers) {
  const Snapshot& snapshot = exercise.snapshot;
  const GapLadder& ladder = exercise.ladder;
  const std::string givens =
      object({{"rep", json_string(exercise.rep)},
              {"week", json_integer(static_cast<std::uint64_t>(exercise.week))},
              {"quota", json_number(snapshot.quota)},
              {"realized", json_number(snapshot.realized)},
              {"committed", json_number(snapshot.calls->committed)},
              {"possible", json_number(snapshot.calls->possible)},
              {"p1", json_number(ladder.p1)},
              {"p2", json_number(ladder.p2)},
              {"p3", json_number(ladder.p3)},
              {"p4", json_number(ladder.p4)},
              {"weeks_remaining", json_number(snapshot.weeks_remaining)},
              {"amount_tolerance", tolerance_json(exercise.amount_tolerance)},
              {"pipeline_tolerance", tolerance_json(exercise.pipeline_tolerance)},
              {"customers_tolerance", tolerance_json(exercise.customers_tolerance)},
              {"weekly_tolerance", tolerance_json(exercise.weekly_tolerance)}});
  const std::string key =
      object({{"gap0", json_number(ladder.gap0)},
              {"gap1", json_number(ladder.gap1)},
              {"gap2", json_number(ladder.gap2)},
              {"gap3", json_number(ladder.gap3)},
              {"new_customers", json_number(ladder.new_customers_needed)},
              {"weekly_target", json_number(ladder.weekly_prospecting_target.value_or(0.0))}});
  return with_key(case_header("gap", exercise.options), givens, answers, key);
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
  return {"", {"funnel_forecast", "calls_forecast", "new_opportunities"}, {}, "answer"};
}

scenarios::AnswerSpec answer_spec(const GapCase&) {
  return {"", {"gap0", "gap1", "gap2", "gap3", "new_customers", "weekly_target"}, {}, "answer"};
}

Marking mark(const DiagnoseCase& exercise, const std::vector<GivenAnswer>& answers) {
  const CaseOptions& o = exercise.options;
  Marking marking;
  for (std::size_t i = 0; i < exercise.reps.size(); ++i) {
    const RepFigures& rep = exercise.reps[i];
    const Weakness label = exercise.key[i];
    MarkedAnswer marked;
    marked.key = rep.name;
    marked.expected = to_string(label);
    const GivenAnswer* given = find_answer(answers, rep.name);
    marked.given = given == nullptr ? "(none)" : given->text;
    marked.correct = given != nullptr && given->text == marked.expected;
    marked.explanation = evidence_for(o, rep, exercise.standard);
    if (!marked.correct && given != nullptr) {
      const std::optional<Weakness> said = weakness_from_string(given->text);
      if (said && *said != label) {
        // Which rule the trainee's label would need, and why it does not come first.
        for (const DiagnosisRule& rule : diagnosis_rules(exercise.standard)) {
          if (rule.label == *said) {
            marked.explanation +=
                format_text(say(o, "; %s needs %s %s", "；%s 需要 %s %s"), given->text.c_str(),
                            figure_text(o, rule.figure).c_str(), rule_text(o, rule).c_str());
            break;
          }
        }
      }
    }
    marking.answers.push_back(marked);
  }
  return marking;
}

Marking mark(const ForecastCase& exercise, const std::vector<GivenAnswer>& answers) {
  const CaseOptions& o = exercise.options;
  const Snapshot& snapshot = exercise.snapshot;
  const FunnelForecast& funnel = exercise.formulas.funnel.value();  // a case always has stages
  const CommitForecast& commit = exercise.formulas.commit.value();  // and calls
  Marking marking;
  /// The common slip: the forecast of what is still to come, without what is already booked.
  auto left_out_booked = [&](MarkedAnswer& marked, double key) {
    const std::optional<double> given = given_number(answers, marked.key);
    if (!marked.correct && given &&
        close_enough(*given, key - snapshot.realized, exercise.amount_tolerance)) {
      marked.explanation +=
          format_text(say(o, "; you left out the %s 万 already booked this quarter",
                          "；你漏掉了本季度已成交的 %s 万"),
                      amount(snapshot.realized, printed_decimals(o)).c_str());
    }
  };
  MarkedAnswer funnel_answer = mark_number(
      answers, "funnel_forecast", exercise.funnel_forecast, exercise.amount_tolerance, 1,
      format_text(say(o, "booked %s + expected wins %.2f × unit output %.4g 万 = %.1f 万",
                      "已成交 %s + 预计成交数 %.2f × 单产 %.4g 万 = %.1f 万"),
                  amount(snapshot.realized, printed_decimals(o)).c_str(), funnel.expected_wins,
                  funnel.average_deal, exercise.funnel_forecast));
  left_out_booked(funnel_answer, exercise.funnel_forecast);
  marking.answers.push_back(funnel_answer);

  MarkedAnswer calls_answer = mark_number(
      answers, "calls_forecast", exercise.calls_forecast, exercise.amount_tolerance, 1,
      format_text(
          say(o,
              "booked + committed × %.0f%% + possible × %.0f%% + quota × %.0f%% × %.0f weeks = "
              "%.1f 万",
              "已成交 + 确保收入 × %.0f%% + 可能收入 × %.0f%% + 定额 × %.0f%% × %.0f 周 = %.1f 万"),
          100.0 * commit.weights.committed, 100.0 * commit.weights.possible,
          100.0 * commit.weights.unforecast_per_week, snapshot.weeks_remaining,
          exercise.calls_forecast));
  left_out_booked(calls_answer, exercise.calls_forecast);
  if (const std::optional<double> given = given_number(answers, "calls_forecast");
      !calls_answer.correct && given) {
    const double at_75 = exercise.calls_forecast + 0.05 * snapshot.calls->committed;
    if (close_enough(*given, at_75, exercise.amount_tolerance))
      calls_answer.explanation +=
          say(o, "; α is 70% here, as the handout says", "；本题的 α 为 70%，见题目说明");
  }
  marking.answers.push_back(calls_answer);

  marking.answers.push_back(mark_number(
      answers, "new_opportunities", exercise.new_opportunities, exercise.count_tolerance, 1,
      funnel.amount_gap > 0.0
          ? format_text(
                say(o, "amount gap %.2f 万 ÷ unit output %.4g ÷ first-stage win probability %.2f",
                    "金额缺口 %.2f 万 ÷ 单产 %.4g ÷ 第一阶段赢单率 %.2f"),
                funnel.amount_gap, funnel.average_deal, funnel.new_opportunity_win_probability)
          : format_text(say(o, "the expected amount covers the quota (gap %.2f 万): none needed",
                            "预计成交金额已覆盖定额（缺口 %.2f 万）：不需要"),
                        funnel.amount_gap)));
  const std::string range = format_text(
      say(o,
          ". The simulation's 80%% range for the quarter is %.1f–%.1f 万; it actually booked %.1f",
          "。模拟给出的本季度 80%% 区间为 %.1f–%.1f 万；实际成交 %.1f"),
      exercise.simulated_p10, exercise.simulated_p90, exercise.actual);
  marking.answers.front().explanation += range;
  return marking;
}

Marking mark(const GapCase& exercise, const std::vector<GivenAnswer>& answers) {
  const CaseOptions& o = exercise.options;
  const Snapshot& snapshot = exercise.snapshot;
  const GapLadder& ladder = exercise.ladder;
  const int decimals = printed_decimals(o);
  Marking marking;
  marking.answers.push_back(mark_number(
      answers, "gap0", ladder.gap0, exercise.amount_tolerance, 2,
      format_text(say(o, "quota %s − finished %s", "定额 %s − 已完成 %s"),
                  amount(snapshot.quota, 0).c_str(), amount(snapshot.realized, decimals).c_str())));
  MarkedAnswer gap1 = mark_number(
      answers, "gap1", ladder.gap1, exercise.amount_tolerance, 2,
      format_text(
          say(o, "Gap0 %.2f − committed %s × P1 %.2f (committed deals count at P1, not in full)",
              "Gap0 %.2f − 确保商机 %s × P1 %.2f（确保商机按 P1 计，而非全额）"),
          ladder.gap0, amount(snapshot.calls->committed, decimals).c_str(), ladder.p1));
  if (const std::optional<double> given = given_number(answers, "gap1"); !gap1.correct && given) {
    if (close_enough(*given, ladder.gap0 - snapshot.calls->committed * 0.75,
                     exercise.amount_tolerance))
      gap1.explanation += format_text(
          say(o, "; P1 is %.0f%% here, as the handout says", "；本题的 P1 为 %.0f%%，见题目说明"),
          100.0 * ladder.p1);
  }
  marking.answers.push_back(gap1);
  marking.answers.push_back(mark_number(
      answers, "gap2", ladder.gap2, exercise.amount_tolerance, 2,
      format_text(
          say(o, "Gap1 %.3f − uncommitted %s × P2 %.2f", "Gap1 %.3f − 未确保商机 %s × P2 %.2f"),
          ladder.gap1, amount(snapshot.calls->possible, decimals).c_str(), ladder.p2)));
  marking.answers.push_back(mark_number(
      answers, "gap3", ladder.gap3, exercise.pipeline_tolerance, 2,
      ladder.gap2 > 0.0
          ? format_text(say(o,
                            "Gap2 %.3f ÷ P3 %.2f: a gap is filled at the new pipeline's win rate, "
                            "so it takes Gap2 ÷ P3 of pipeline",
                            "Gap2 %.3f ÷ P3 %.2f：缺口要靠新商机按其赢单率来填补，所以需要 Gap2 ÷ "
                            "P3 的商机"),
                        ladder.gap2, ladder.p3)
          : std::string(say(o, "Gap2 is not positive: no pipeline is needed, 0",
                            "Gap2 不为正：不需要新商机，0"))));
  marking.answers.push_back(mark_number(
      answers, "new_customers", ladder.new_customers_needed, exercise.customers_tolerance, 2,
      format_text(say(o, "Gap3 %.2f ÷ P4 %.2f 万", "Gap3 %.2f ÷ P4 %.2f 万"), ladder.gap3,
                  ladder.p4)));
  marking.answers.push_back(
      mark_number(answers, "weekly_target", ladder.weekly_prospecting_target.value_or(0.0),
                  exercise.weekly_tolerance, 2,
                  format_text(say(o, "NA %.2f ÷ %.0f weeks left", "NA %.2f ÷ 剩余 %.0f 周"),
                              ladder.new_customers_needed, snapshot.weeks_remaining)));
  return marking;
}

}  // namespace funnelsim::analysis::exercise
