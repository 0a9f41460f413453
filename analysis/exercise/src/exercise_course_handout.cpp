// The class kit's handouts (issue #20), in English or in the course's Simplified Chinese
// (shared/domain/glossary-zh.md). Every rate a trainee needs is printed: the handout alone is
// enough to reach the key.
#include <map>

#include "course_text.hpp"
#include "funnelsim/exercise/course_kinds.hpp"

namespace funnelsim::analysis::exercise {
namespace {

using course::amount;
using course::percent;
using course::says;

/// The playbook's stage names in the course's Chinese; a scenario's own names stay as written.
std::string stage_name(const std::string& name, bool playbook, bool large, Language language) {
  if (language != Language::zh || !playbook)
    return name;
  static const std::map<std::string, std::string> LARGE = {{"potential", "潜在客户"},
                                                           {"intent", "意向客户"},
                                                           {"approved", "立项客户"},
                                                           {"recognized", "认可客户"},
                                                           {"negotiation", "谈判客户"}};
  static const std::map<std::string, std::string> SMALL = {
      {"intent", "意向阶段"}, {"solution", "方案阶段"}, {"negotiation", "谈判阶段"}};
  const auto& names = large ? LARGE : SMALL;
  const auto found = names.find(name);
  return found == names.end() ? name : found->second;
}

std::string row(const std::vector<std::string>& cells) {
  std::string text = "|";
  for (const std::string& cell : cells)
    text += " " + cell + " |";
  return text + "\n";
}

std::string rule(std::size_t columns) {
  std::string text = "|";
  for (std::size_t i = 0; i < columns; ++i)
    text += "---|";
  return text + "\n";
}

/// The case's name on the page: its seed, or a class's opaque code (which hides the seed).
std::string case_name(const CaseOptions& options) {
  return options.code.empty() ? format_text("%llu", static_cast<unsigned long long>(options.seed))
                              : options.code;
}

std::string title(const char* english, const char* chinese, const CaseOptions& options) {
  const Language language = options.language;
  return format_text(
      says(language, "# Exercise: %s (case %s, %s)\n\n", "# 练习：%s（案例 %s，难度 %s）\n\n"),
      says(language, english, chinese), case_name(options).c_str(),
      language == Language::zh ? (options.difficulty == Difficulty::easy     ? "简单"
                                  : options.difficulty == Difficulty::normal ? "普通"
                                                                             : "困难")
                               : std::string(to_string(options.difficulty)).c_str());
}

/// The answers file's template and the command that marks it (or, in a class, who does).
std::string answers_template(const char* kind, const std::vector<std::string>& keys,
                             const CaseOptions& options) {
  const Language language = options.language;
  std::string text = says(language, "Write your answers in a file:\n\n```yaml\n",
                          "把答案写进一个文件：\n\n```yaml\n");
  for (const std::string& key : keys)
    text += key + ":\n";
  text += "```\n\n";
  if (!options.code.empty()) {
    return text + says(language, "and hand the file to your trainer, who marks the class.\n",
                       "然后把文件交给培训师，由培训师统一批改。\n");
  }
  text += format_text(
      says(language,
           "and mark them with `funnelsim exercise check %s --seed %llu --difficulty %s%s%s "
           "ANSWERS.yaml`.\n",
           "然后用 `funnelsim exercise check %s --seed %llu --difficulty %s%s%s ANSWERS.yaml` "
           "批改。\n"),
      kind, static_cast<unsigned long long>(options.seed),
      std::string(to_string(options.difficulty)).c_str(),
      language == Language::zh ? " --lang zh" : "",
      options.scenario ? " --scenario SCENARIO.yaml" : "");
  return text;
}

}  // namespace

// --- receipts -------------------------------------------------------------------------------

std::string render_handout(const ReceiptsCase& exercise, bool answers) {
  const Language language = exercise.options.language;
  const int decimals = exercise.decimals;
  const auto money = [&](double value) { return amount(value, decimals) + " 万"; };
  std::string text =
      title("forecast the large projects' receipts", "大项目回款预测", exercise.options);
  text +=
      says(language,
           "A branch's large projects in the middle of a quarter. Forecast this quarter's "
           "software receipts with the course's objective funnel model by amount (playbook "
           "§4b), and the gap to the large projects' quota. Amounts are in 万 (10,000 "
           "RMB).\n\n",
           "某分公司季度中的大项目。用课程的客观漏斗模型（金额漏斗，§4b）预测本季度的软件含税回款，"
           "以及与大项目定额之间的金额缺口。金额单位：万元。\n\n");
  if (!exercise.playbook_stages) {
    text += says(language, "The stages are those of the trainer's scenario.\n\n",
                 "各阶段取自培训师给出的情景。\n\n");
  }
  text += says(language, "## The funnel today\n\n", "## 今天的销售漏斗\n\n");
  text += row({says(language, "stage", "阶段"), says(language, "win probability", "赢单率"),
               says(language, "amount 万", "金额（万）")}) +
          rule(3);
  for (const ReceiptsStage& stage : exercise.stages) {
    text += row({stage_name(stage.name, exercise.playbook_stages, true, language),
                 percent(stage.win_probability), amount(stage.amount, decimals)});
  }
  text += says(language, "\n## The branch and the course's rates\n\n",
               "\n## 分公司数据与课程的比率\n\n");
  text += row({says(language, "given", "已知"), says(language, "value", "数值")}) + rule(2);
  text += row({says(language, "the branch's quarterly quota", "分公司本季度定额"),
               amount(exercise.branch_quota, 0) + " 万"});
  text += row({says(language, "large projects' share of the quota", "大项目占定额的比例"),
               percent(exercise.large_share)});
  text += row({says(language, "receipts due this quarter from deals already won",
                    "已成交项目本季度预计回款"),
               money(exercise.won_receipts)});
  text += row(
      {says(language, "software receipts already realized this quarter", "本季度已实现的软件回款"),
       money(exercise.realized)});
  text += row({says(language, "share of a contract paid within the year", "合同当年回款比例"),
               percent(exercise.paid_within_year)});
  text += row({says(language, "share of the year's receipts that fall in this quarter",
                    "本季度占全年回款的比例"),
               percent(exercise.quarter_share)});
  text += row({says(language, "software share of receipts (software : implementation = 3 : 1)",
                    "回款中软件的比例（软件 : 实施 = 3 : 1）"),
               percent(exercise.software_share)});

  const std::string negotiation =
      stage_name(exercise.stages.back().name, exercise.playbook_stages, true, language);
  text += says(language, "\n## The method (§4b)\n\n", "\n## 方法（§4b）\n\n");
  text += format_text(
      says(language,
           "- expected revenue of a stage = the stage's amount × its win probability\n"
           "- large projects' quota = the branch's quarterly quota × %s\n"
           "- expected software receipts this quarter = (%s's expected revenue × %s × %s + "
           "receipts due from deals already won) × %s\n"
           "- amount gap = large projects' quota − expected software receipts − receipts "
           "already realized (negative: the forecast beats the quota)\n\n",
           "- 阶段的预计收入 = 阶段金额 × 该阶段赢单率\n"
           "- 大项目定额 = 分公司季度定额 × %s\n"
           "- 本季度预计软件含税回款 = （%s的预计收入 × %s × %s + 已成交项目的预计回款）× %s\n"
           "- 金额缺口 = 大项目定额 − 预计软件回款 − 已实现回款（为负：预测超过定额）\n\n"),
      percent(exercise.large_share).c_str(), negotiation.c_str(),
      percent(exercise.paid_within_year).c_str(), percent(exercise.quarter_share).c_str(),
      percent(exercise.software_share).c_str());

  text += says(language, "## Your task\n\n", "## 你的任务\n\n");
  text += says(language,
               "Compute each stage's expected revenue, the large projects' quota, this quarter's "
               "expected software receipts and the amount gap, in 万. ",
               "计算各阶段的预计收入、大项目定额、本季度预计软件回款和金额缺口（万元）。");
  text += format_text(
      says(language,
           "Keep full precision in the steps; answers within %s of the key, or within %.1f 万, "
           "count as right.\n\n",
           "中间步骤请保留完整精度；与答案相差不超过 %s 或 %.1f 万即算正确。\n\n"),
      percent(exercise.tolerance).c_str(), exercise.floor);
  std::vector<std::string> keys;
  for (const ReceiptsStage& stage : exercise.stages)
    keys.push_back(stage.answer_key);
  keys.insert(keys.end(), {"large_quota", "software_receipts", "amount_gap"});
  text += answers_template("receipts", keys, exercise.options);
  if (!answers)
    return text;

  const ReceiptsKey& key = exercise.key;
  text += says(language, "\n## Answer key\n\n", "\n## 答案\n\n");
  for (std::size_t i = 0; i < exercise.stages.size(); ++i) {
    const ReceiptsStage& stage = exercise.stages[i];
    text += format_text(says(language, "- %s (`%s`): %s × %s = **%.2f 万**\n",
                             "- %s（`%s`）：%s × %s = **%.2f 万**\n"),
                        stage_name(stage.name, exercise.playbook_stages, true, language).c_str(),
                        stage.answer_key.c_str(), amount(stage.amount, decimals).c_str(),
                        percent(stage.win_probability).c_str(), key.expected_revenue[i]);
  }
  text += format_text(says(language, "- large projects' quota: %s × %s = **%.2f 万**\n",
                           "- 大项目定额：%s × %s = **%.2f 万**\n"),
                      amount(exercise.branch_quota, 0).c_str(),
                      percent(exercise.large_share).c_str(), key.large_quota);
  text += format_text(says(language, "- %s's receipts this quarter: %.2f × %s × %s = %.4f 万\n",
                           "- %s本季度回款：%.2f × %s × %s = %.4f 万\n"),
                      negotiation.c_str(), key.expected_revenue.back(),
                      percent(exercise.paid_within_year).c_str(),
                      percent(exercise.quarter_share).c_str(), key.negotiation_receipts);
  text +=
      format_text(says(language, "- expected software receipts: (%.4f + %s) × %s = **%.2f 万**\n",
                       "- 预计软件回款：（%.4f + %s）× %s = **%.2f 万**\n"),
                  key.negotiation_receipts, amount(exercise.won_receipts, decimals).c_str(),
                  percent(exercise.software_share).c_str(), key.software_receipts);
  text += format_text(
      says(language, "- amount gap: %.2f − %.4f − %s = **%.2f 万**%s\n",
           "- 金额缺口：%.2f − %.4f − %s = **%.2f 万**%s\n"),
      key.large_quota, key.software_receipts, amount(exercise.realized, decimals).c_str(),
      key.amount_gap,
      key.amount_gap < 0.0
          ? says(language, ": the forecast beats the quota, no gap", "：预测超过定额，没有缺口")
          : "");
  return text;
}

// --- standard funnel ------------------------------------------------------------------------

std::string render_handout(const StandardFunnelCase& exercise, bool answers) {
  const Language language = exercise.options.language;
  std::string text =
      title("derive the standard funnel from the quota", "由定额推出标准漏斗", exercise.options);
  text +=
      says(language,
           "A branch's small projects. From its quota, derive the balanced (standard) funnel "
           "it must keep at all times, the new opportunities that must enter it every week, "
           "and the reps it takes (playbook §2). Amounts are in 万 (10,000 RMB).\n\n",
           "某分公司的小项目。由定额推出它任何时候都应保持的均衡漏斗（标准漏斗）、每周新加入漏斗的"
           "项目数，以及所需的销售人员（§2）。金额单位：万元。\n\n");
  if (!exercise.playbook_stages) {
    text += says(language,
                 "The stages, the average deal, the weeks in a stage and the prospecting are those "
                 "of the trainer's scenario.\n\n",
                 "阶段、单产、每阶段周数和开拓新客户的标准取自培训师给出的情景。\n\n");
  }
  text += says(language, "## The branch\n\n", "## 分公司数据\n\n");
  text += row({says(language, "given", "已知"), says(language, "value", "数值")}) + rule(2);
  text += row({says(language, "annual quota, software direct sales (without VAT)",
                    "全年软件直销定额（不含税）"),
               std::to_string(exercise.annual_quota) + " 万"});
  text +=
      row({says(language, "VAT (the quota is paid tax-inclusive)", "增值税（定额按含税回款计）"),
           "× " + amount(exercise.vat, 2)});
  text +=
      row({says(language, "small projects' share of the software quota", "小项目占软件定额的比例"),
           std::to_string(exercise.small_share_percent) + "%"});
  text += row({says(language, "this quarter's share of the year", "本季度占全年的比例"),
               std::to_string(exercise.quarter_share_percent) + "%"});
  text += row({says(language, "average small deal", "小项目单产"),
               amount(exercise.average_deal, 2) + " 万"});
  text += row({says(language, "weeks in each stage", "每个阶段的周数"),
               amount(exercise.weeks_per_stage, 1)});
  text += row({says(language, "selling weeks in the quarter", "本季度的销售周数"),
               std::to_string(exercise.selling_weeks)});
  text += row({says(language, "new prospects a rep finds a week", "每名销售人员每周开拓的新客户"),
               amount(exercise.prospects_per_rep, 1)});
  text += says(language, "\n## The stages\n\n", "\n## 漏斗阶段\n\n");
  text += row({says(language, "stage", "阶段"),
               says(language, "win probability (cumulative)", "赢单率（累计）")}) +
          rule(2);
  for (const StandardFunnelGiven& stage : exercise.stages) {
    text += row({stage_name(stage.name, exercise.playbook_stages, false, language),
                 percent(stage.win_probability)});
  }

  const std::string first =
      stage_name(exercise.stages.front().name, exercise.playbook_stages, false, language);
  text += says(language, "\n## The method (§2)\n\n", "\n## 方法（§2）\n\n");
  text += format_text(
      says(language,
           "- the quarter's small-project quota = annual quota × VAT × small projects' share × "
           "the quarter's share, **rounded to whole 万** (half up)\n"
           "- wins in the quarter = that quota ÷ the average deal, **rounded to whole deals** "
           "(half up)\n"
           "- wins a week = wins in the quarter ÷ %d selling weeks\n"
           "- the standard count in a stage = wins a week × weeks in a stage ÷ the stage's win "
           "probability (a balanced funnel holds K ÷ p)\n"
           "- new opportunities a week = wins a week ÷ the first stage's (%s) win probability\n"
           "- reps needed = new opportunities a week ÷ prospects a rep a week, **rounded up**\n\n"
           "After the two roundings in bold, keep full precision.\n\n",
           "- 本季度小项目定额 = 全年定额 × 增值税 × 小项目比例 × 本季度比例，**四舍五入到整万**\n"
           "- 本季度成交数 = 该定额 ÷ 单产，**四舍五入到整单**\n"
           "- 每周成交数 = 本季度成交数 ÷ %d 个销售周\n"
           "- 各阶段的标准数量 = 每周成交数 × 每阶段周数 ÷ 该阶段赢单率（均衡漏斗：K ÷ p）\n"
           "- 每周新加入漏斗的项目 = 每周成交数 ÷ 第一阶段（%s）的赢单率\n"
           "- 所需销售人员 = 每周新加入漏斗的项目 ÷ 每人每周开拓的新客户，**向上取整**\n\n"
           "除上面两处加粗的取整外，其余步骤保留完整精度。\n\n"),
      exercise.selling_weeks, first.c_str());
  text += says(language, "## Your task\n\n", "## 你的任务\n\n");
  text += format_text(
      says(language,
           "Fill in every step. Answers within %s of the key count as right (at least %g for "
           "the quota and the wins, %g for the others); reps must be exact.\n\n",
           "逐步填写。与答案相差不超过 %s 即算正确（定额与成交数至少容许 %g，其余至少 %g）；"
           "销售人员数须完全正确。\n\n"),
      percent(exercise.tolerance).c_str(), exercise.whole_floor, exercise.fraction_floor);
  std::vector<std::string> keys = {"quarter_quota", "wins_quarter", "wins_week"};
  for (const StandardFunnelGiven& stage : exercise.stages)
    keys.push_back(stage.answer_key);
  keys.insert(keys.end(), {"new_week", "reps"});
  text += answers_template("standard-funnel", keys, exercise.options);
  if (!answers)
    return text;

  const StandardFunnelKey& key = exercise.key;
  text += says(language, "\n## Answer key\n\n", "\n## 答案\n\n");
  const double exact = exercise.annual_quota * exercise.vat * exercise.small_share_percent *
                       exercise.quarter_share_percent / 10000.0;
  text += format_text(
      says(language, "- the quarter's quota: %ld × %.2f × %d%% × %d%% = %.4f ≈ **%ld 万**\n",
           "- 本季度定额：%ld × %.2f × %d%% × %d%% = %.4f ≈ **%ld 万**\n"),
      exercise.annual_quota, exercise.vat, exercise.small_share_percent,
      exercise.quarter_share_percent, exact, key.quarter_quota);
  text +=
      format_text(says(language, "- wins in the quarter: %ld ÷ %.2f = %.3f ≈ **%ld**\n",
                       "- 本季度成交数：%ld ÷ %.2f = %.3f ≈ **%ld**\n"),
                  key.quarter_quota, exercise.average_deal,
                  static_cast<double>(key.quarter_quota) / exercise.average_deal, key.wins_quarter);
  text += format_text(
      says(language, "- wins a week: %ld ÷ %d = **%.2f**\n", "- 每周成交数：%ld ÷ %d = **%.2f**\n"),
      key.wins_quarter, exercise.selling_weeks, key.wins_week);
  for (std::size_t i = 0; i < exercise.stages.size(); ++i) {
    const StandardFunnelGiven& stage = exercise.stages[i];
    text += format_text(says(language, "- %s (`%s`): %.4f × %.1f ÷ %s = **%.1f**\n",
                             "- %s（`%s`）：%.4f × %.1f ÷ %s = **%.1f**\n"),
                        stage_name(stage.name, exercise.playbook_stages, false, language).c_str(),
                        stage.answer_key.c_str(), key.wins_week, exercise.weeks_per_stage,
                        percent(stage.win_probability).c_str(), key.standard_count[i]);
  }
  text += format_text(says(language, "- new opportunities a week: %.4f ÷ %s = **%.1f**\n",
                           "- 每周新加入漏斗的项目：%.4f ÷ %s = **%.1f**\n"),
                      key.wins_week, percent(exercise.stages.front().win_probability).c_str(),
                      key.new_week);
  text += format_text(says(language, "- reps needed: %.4f ÷ %.1f = %.3f, rounded up: **%ld**\n",
                           "- 所需销售人员：%.4f ÷ %.1f = %.3f，向上取整：**%ld**\n"),
                      key.new_week, exercise.prospects_per_rep,
                      key.new_week / exercise.prospects_per_rep, key.reps);
  return text;
}

}  // namespace funnelsim::analysis::exercise
