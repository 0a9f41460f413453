// 'funnelsim exercise': training cases for new sales managers, with answer keys and marking,
// one trainee at a time or a whole class (exercise_class.cpp).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "commands.hpp"
#include "exercise_cases.hpp"
#include "handout_html.hpp"
#include "options.hpp"
#include "output_file.hpp"
#include "text.hpp"

namespace funnelsim::cli {
namespace {

namespace exercise = analysis::exercise;

struct HandoutArgs {
  std::string kind;
  std::uint64_t seed = 0;
  std::string difficulty = "normal";
  std::string language = "en";
  std::string scenario;
  bool answers = false;
  bool json = false;
  std::string output = "-";
  bool force = false;
};

struct CheckArgs {
  std::string kind;
  std::uint64_t seed = 0;
  std::string code;
  std::string secret;
  std::string difficulty = "normal";
  std::string language = "en";
  std::string scenario;
  std::string answers;
};

int write_handout(const HandoutArgs& args) {
  if (args.output != "-")
    check_output_target(args.output, args.force);
  const ExerciseCase exercise_case = make_exercise_case(
      args.kind, case_options(args.seed, args.difficulty, args.language, args.scenario));
  std::string content;
  if (args.json) {
    content = exercise_case.json(args.answers);
  } else {
    content = exercise_case.markdown(args.answers);
    if (args.output != "-")
      content = render_handout_file(content, args.output, args.language == "zh");
  }
  if (args.output == "-") {
    std::fwrite(content.data(), 1, content.size(), stdout);
    return SUCCESS;
  }
  write_atomically(args.output, content, args.force);
  return SUCCESS;
}

void print_marking(const exercise::Marking& marking, bool chinese) {
  for (const exercise::MarkedAnswer& answer : marking.answers) {
    std::printf("%s %s: %s", answer.correct ? "✓" : "✗", answer.key.c_str(), answer.given.c_str());
    if (!answer.correct)
      std::printf(chinese ? "（答案：%s）" : " (key: %s)", answer.expected.c_str());
    std::printf("\n    %s\n", answer.explanation.c_str());
  }
}

/// The summary line of a check, in the handout's language: "gap case 7 (normal): 4 of 6 right",
/// or in the course's Chinese "gap 案例 7（难度 普通）：6 题答对 4 题" (the words of the handouts'
/// titles: 案例, 难度 简单/普通/困难).
std::string check_summary(const CheckArgs& args, int right, std::size_t total) {
  const std::string name = args.code.empty() ? std::to_string(args.seed) : args.code;
  if (args.language == "zh") {
    const char* difficulty = args.difficulty == "easy"     ? "简单"
                             : args.difficulty == "normal" ? "普通"
                                                           : "困难";
    return format("%s 案例 %s（难度 %s）：%zu 题答对 %d 题", args.kind.c_str(), name.c_str(),
                  difficulty, total, right);
  }
  return format("%s case %s (%s): %d of %zu right", args.kind.c_str(), name.c_str(),
                args.difficulty.c_str(), right, total);
}

int check(const CheckArgs& args) {
  if (args.code.empty() != args.secret.empty())
    throw UsageError("--code and --secret go together (a class's case)");
  if (!args.code.empty() && args.seed != 0)
    throw UsageError("give --seed, or --code with --secret, not both");
  if (!args.code.empty() && !is_class_code(args.code)) {
    throw UsageError("--code '" + args.code +
                     "' is not a class's case code: four groups of four of 0-9 and A-Z without "
                     "I, L, O and U, joined by '-', as the handout prints it");
  }
  exercise::CaseOptions options =
      case_options(args.seed, args.difficulty, args.language, args.scenario);
  if (!args.code.empty()) {
    options.seed = class_case_seed(read_class_secret(args.secret), args.code);
    options.code = args.code;
  }
  const ExerciseCase exercise_case = make_exercise_case(args.kind, options);
  const exercise::Marking marking = exercise_case.mark(args.answers);
  std::printf("%s\n\n", check_summary(args, marking.correct(), marking.answers.size()).c_str());
  print_marking(marking, args.language == "zh");
  // A script marking a trainee reads the status: 0 only when every answer is right.
  return marking.all_correct() ? SUCCESS : RUNTIME_FAILURE;
}

Command add_handout_command(CLI::App& parent, const std::string& kind, const std::string& about) {
  auto args = std::make_shared<HandoutArgs>();
  args->kind = kind;
  CLI::App* command = parent.add_subcommand(kind, about);
  command->add_option("--seed", args->seed, "Case number: the same seed gives the same case")
      ->required()
      ->check(integer_in(0, MAX_SEED));
  add_case_options(*command, args->difficulty, args->language, args->scenario);
  command->add_flag("--answers", args->answers, "Append the answer key (for the trainer)");
  command->add_flag("--json", args->json,
                    "The case as JSON: every number the handout prints (givens), its rules and "
                    "tolerances; with --answers, the key");
  command
      ->add_option("-o,--output", args->output,
                   "Handout file: Markdown, HTML when the name ends in .html, PDF (A4, headless "
                   "Chromium) when it ends in .pdf; - for stdout")
      ->default_str("-");
  command->add_flag("--force", args->force, "Overwrite an existing output file");
  return {command, [args] { return write_handout(*args); }};
}

Command add_check_command(CLI::App& parent) {
  auto args = std::make_shared<CheckArgs>();
  CLI::App* command = parent.add_subcommand(
      "check",
      "Mark a trainee's answers file and explain each miss; exit status 0 only when every "
      "answer is right, 1 otherwise");
  command->add_option("kind", args->kind, exercise_kinds_text())
      ->required()
      ->check(CLI::IsMember(exercise_kinds()));
  command->add_option("--seed", args->seed, "Case number, as the handout prints it")
      ->check(integer_in(0, MAX_SEED));
  command->add_option("--code", args->code, "A class's case code, as the handout prints it");
  command->add_option("--secret", args->secret, "The class's secret file (with --code)");
  add_case_options(*command, args->difficulty, args->language, args->scenario);
  command
      ->add_option("answers", args->answers, "The trainee's answers (YAML, as the handout shows)")
      ->required()
      ->check(CLI::ExistingFile);
  return {command, [args] { return check(*args); }};
}

}  // namespace

void add_case_options(CLI::App& command, std::string& difficulty, std::string& language,
                      std::string& scenario) {
  command
      .add_option("--difficulty", difficulty,
                  "easy: strong signals, round numbers; hard: subtle signals, more reps, the unit "
                  "output to derive")
      ->check(CLI::IsMember({"easy", "normal", "hard"}))
      ->default_str("normal");
  command
      .add_option("--lang", language,
                  "en: English; zh: the course's Simplified Chinese (its terms, Chinese names)")
      ->check(CLI::IsMember({"en", "zh"}))
      ->default_str("en");
  command.add_option(
      "--scenario", scenario,
      "A trainer's own scenario: the case works its first team's funnel (stages, win "
      "probabilities, days, deal sizes, prospecting, quota) instead of the playbook's small "
      "projects. Give it to check too");
}

Command add_exercise_command(CLI::App& app) {
  CLI::App* parent = app.add_subcommand(
      "exercise", "Training cases for new sales managers, with answer keys and marking");
  parent->require_subcommand(1);
  parent->footer(
      std::string(EXERCISE_KINDS_HELP) +
      "\nEvery key follows from the handout: its labels are the printed rules applied to the\n"
      "printed figures, its numbers the course's formulas on the printed numbers, with the\n"
      "factors (α, β, γ, P1-P4) and the marking tolerances the handout states.\n"
      "\nExamples:\n"
      "  funnelsim exercise diagnose --seed 7 -o case7.md         # a trainee's handout\n"
      "  funnelsim exercise gap --seed 7 --lang zh -o case7.pdf   # in Chinese, A4 PDF\n"
      "  funnelsim exercise diagnose --seed 7 --answers -o key7.html\n"
      "  funnelsim exercise gap --seed 7 --answers --json         # givens and key, for scripts\n"
      "  funnelsim exercise check diagnose --seed 7 answers.yaml  # mark the answers\n"
      "  funnelsim exercise class gap --roster class.txt --secret secret.txt -o class/\n"
      "  funnelsim exercise grade class/ answers/ -o gradebook.csv\n"
      "The same seed, difficulty and language give a byte-identical handout.");
  std::vector<Command> kinds;
  for (const ExerciseKind& kind : exercise_kind_table())
    kinds.push_back(add_handout_command(*parent, kind.name, kind.about));
  kinds.push_back(add_check_command(*parent));
  kinds.push_back(add_class_command(*parent));
  kinds.push_back(add_grade_command(*parent));
  return {parent, [kinds] {
            for (const Command& kind : kinds) {
              if (kind.parser->parsed())
                return kind.run();
            }
            return static_cast<int>(BAD_INPUT);
          }};
}

}  // namespace funnelsim::cli
