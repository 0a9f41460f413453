// `exercise class` and `exercise grade` (analysis/cli/exercise_class.cpp) on what a class meets
// in practice: an answers file with one bad answer, a class regenerated over an older one,
// trainee names a spreadsheet would run, a hand-edited class.yaml, Chinese names in the table,
// and `exercise check` in Chinese.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "support/shell.hpp"
#include "support/temporary_directory.hpp"

namespace {

namespace fs = std::filesystem;
using funnelsim::testing::run_cli;
using funnelsim::testing::shell_output;
using funnelsim::testing::TemporaryDirectory;

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  return lines;
}

/// The number a flat JSON object gives `key` ("gap1":12.5).
double json_value(const std::string& json, const std::string& key) {
  const std::string quoted = "\"" + key + "\":";
  const auto at = json.rfind(quoted);
  REQUIRE(at != std::string::npos);
  return std::stod(json.substr(at + quoted.size()));
}

/// `text`'s value after "KEY: " on the class.yaml line of trainee `name` (up to ',' or '}').
std::string class_field(const std::string& class_yaml, const std::string& name,
                        const std::string& key) {
  for (const std::string& line : lines_of(class_yaml)) {
    if (line.find("{name: \"" + name + "\"") == std::string::npos)
      continue;
    const auto at = line.find(key + ": ");
    REQUIRE(at != std::string::npos);
    const auto from = at + key.size() + 2;
    return line.substr(from, line.find_first_of(",}", from) - from);
  }
  FAIL("no trainee " << name << " in class.yaml");
  return "";
}

/// The 1-based line and column of byte `at` of `text`, as "L:C".
std::string place_at(const std::string& text, std::size_t at) {
  const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<long>(at), '\n');
  const auto line_start = text.rfind('\n', at);
  const auto column = at - (line_start == std::string::npos ? 0 : line_start + 1) + 1;
  return std::to_string(line) + ":" + std::to_string(column);
}

/// The 1-based line and column of the first `needle` in `text`, as "L:C".
std::string place_of(const std::string& text, const std::string& needle) {
  const auto at = text.find(needle);
  REQUIRE(at != std::string::npos);
  return place_at(text, at);
}

/// A class folder in `directory`: a gap class (md unless `options` says) of `names`.
struct Class {
  fs::path folder, roster, secret;
};
Class make_class(const TemporaryDirectory& directory, const std::vector<std::string>& names,
                 const std::string& options = "") {
  Class made{directory / "class", directory / "roster.txt", directory / "secret.txt"};
  std::string roster;
  for (const std::string& name : names)
    roster += name + "\n";
  write_text(made.roster, roster);
  write_text(made.secret, "correct horse battery staple 42\n");
  const auto run = run_cli("exercise class gap --roster " + made.roster.string() + " --secret " +
                           made.secret.string() + " " + options + " -o " + made.folder.string());
  INFO(run.output);
  REQUIRE(run.exit_code == 0);
  return made;
}

/// The cells of one CSV line (RFC 4180: quoted cells, doubled quotes; no line breaks here).
std::vector<std::string> csv_cells(const std::string& line) {
  std::vector<std::string> cells(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
      cells.back() += '"';
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      cells.emplace_back();
    } else {
      cells.back() += c;
    }
  }
  return cells;
}

/// The gradebook's row for `question` of `trainee`.
std::vector<std::string> gradebook_row(const std::string& book, const std::string& trainee,
                                       const std::string& question) {
  for (const std::string& line : lines_of(book)) {
    if (line.rfind(trainee + ",", 0) != 0)
      continue;
    const std::vector<std::string> cells = csv_cells(line);
    REQUIRE(cells.size() == 7);
    if (cells[2] == question)
      return cells;
  }
  FAIL("no row for " << trainee << " " << question);
  return {};
}

}  // namespace

TEST_CASE("exercise grade marks every readable answer of a file with one unreadable answer",
          "[exercise][cli][process]") {
  TemporaryDirectory directory("funnelsim-class-unreadable");
  const Class made = make_class(directory, {"Ann", "Bob"});
  const std::string class_yaml = read_text(made.folder / "class.yaml");
  const fs::path answers = directory / "answers";
  fs::create_directory(answers);
  const std::string json =
      run_cli("exercise gap --seed " + class_field(class_yaml, "Ann", "seed") + " --answers --json")
          .output;
  // Ann: Gap0 and Gap2 right, Gap1 written as a word, weekly_target a list, the rest blank.
  const std::string bob_json =
      run_cli("exercise gap --seed " + class_field(class_yaml, "Bob", "seed") + " --answers --json")
          .output;
  char gap0[64], gap2[64], bob_gap0[64];
  std::snprintf(gap0, sizeof gap0, "%.6g", json_value(json, "gap0"));
  std::snprintf(gap2, sizeof gap2, "%.6g", json_value(json, "gap2"));
  std::snprintf(bob_gap0, sizeof bob_gap0, "%.6g", json_value(bob_json, "gap0"));
  write_text(answers / "01-Ann.yaml", std::string("gap0: ") + gap0 + "\ngap1: twelve\ngap2: " +
                                          gap2 + "\ngap3:\nweekly_target: [1, 2]\n");
  // Bob: one answer that is not a question of this exercise, and a right Gap0.
  write_text(answers / "02-Bob.yaml", std::string("gap0: ") + bob_gap0 + "\ngap_1: 4\n");

  const fs::path gradebook = directory / "gradebook.csv";
  const auto graded = run_cli("exercise grade " + made.folder.string() + " " + answers.string() +
                              " -o " + gradebook.string());
  INFO(graded.output);
  CHECK(graded.exit_code == 0);  // a completed grading, as docs/training.md says
  const std::string book = read_text(gradebook);
  CHECK(book.rfind("trainee,code,question,given,expected,right,note\n", 0) == 0);
  // The readable answers are marked: before, the whole file was "(not read)".
  CHECK(gradebook_row(book, "Ann", "gap0")[5] == "yes");
  CHECK(gradebook_row(book, "Ann", "gap2")[5] == "yes");
  const auto gap1 = gradebook_row(book, "Ann", "gap1");
  CHECK(gap1[3] == "twelve");
  CHECK(gap1[5] == "no");
  CHECK_THAT(gap1[6], Catch::Contains("could not be read") && Catch::Contains("01-Ann.yaml:2:7") &&
                          Catch::Contains("number"));
  const auto weekly = gradebook_row(book, "Ann", "weekly_target");
  CHECK(weekly[5] == "no");
  CHECK_THAT(weekly[6], Catch::Contains("01-Ann.yaml:5:16"));
  CHECK(gradebook_row(book, "Ann", "gap3")[6].empty());  // blank: a miss, but nothing unreadable
  CHECK(gradebook_row(book, "Bob", "gap0")[5] == "yes");
  // A warning names file:line for each unreadable answer.
  CHECK_THAT(graded.output,
             Catch::Contains("warning: " + (answers / "01-Ann.yaml").string() + ":2:7: gap1:") &&
                 Catch::Contains("01-Ann.yaml:5:16: weekly_target:") &&
                 Catch::Contains("02-Bob.yaml:2:1: gap_1: unknown answer 'gap_1'"));
  CHECK_THAT(graded.output, Catch::Contains("2 of 6 right  — 2 answers could not be read") &&
                                Catch::Contains("1 of 6 right  — 1 answer could not be read"));
  CHECK_THAT(graded.output, Catch::Contains("class: 3 of 12 answers right"));

  // An answer given twice counts neither time.
  write_text(answers / "02-Bob.yaml",
             std::string("gap0: ") + bob_gap0 + "\ngap0: " + bob_gap0 + "\n");
  const auto twice = run_cli("exercise grade " + made.folder.string() + " " + answers.string() +
                             " --force -o " + gradebook.string());
  CHECK(twice.exit_code == 0);
  const auto bob = gradebook_row(read_text(gradebook), "Bob", "gap0");
  CHECK(bob[5] == "no");
  CHECK_THAT(bob[6], Catch::Contains("duplicate"));
  // `exercise check` stays strict: the same file is an input error (exit 2) there.
  CHECK(run_cli("exercise check gap --code " + class_field(class_yaml, "Ann", "code") +
                " --secret " + made.secret.string() + " " + (answers / "01-Ann.yaml").string())
            .exit_code == 2);
}

TEST_CASE("exercise class --force removes the old class's files and nothing else",
          "[exercise][cli][process]") {
  TemporaryDirectory directory("funnelsim-class-force");
  const Class made = make_class(directory, {"Ann", "Bob", "Cy"});
  for (const char* name : {"01-Ann.md", "02-Bob.md", "03-Cy.md", "key.md", "roster.csv"})
    REQUIRE(fs::is_regular_file(made.folder / name));
  // The trainer's own files in the folder, and a link where an old handout was.
  write_text(made.folder / "notes.txt", "my notes\n");
  write_text(made.folder / "03-Cy.md.bak", "a copy\n");
  fs::remove(made.folder / "02-Bob.md");
  fs::create_symlink("notes.txt", made.folder / "02-Bob.md");

  // A new class of two, as HTML, over the old one.
  write_text(made.roster, "Ann\nDee\n");
  const auto again =
      run_cli("exercise class gap --roster " + made.roster.string() + " --secret " +
              made.secret.string() + " --format html --force -o " + made.folder.string());
  INFO(again.output);
  REQUIRE(again.exit_code == 0);
  for (const char* name : {"01-Ann.html", "02-Dee.html", "key.html", "class.yaml", "roster.csv"})
    CHECK(fs::is_regular_file(made.folder / name));
  // The old class's own files are gone: before, they stayed and the folder mixed two classes.
  for (const char* name : {"01-Ann.md", "03-Cy.md", "key.md"})
    CHECK_FALSE(fs::exists(fs::symlink_status(made.folder / name)));
  // What the old class did not write, and what is not a regular file, stays.
  CHECK(read_text(made.folder / "notes.txt") == "my notes\n");
  CHECK(read_text(made.folder / "03-Cy.md.bak") == "a copy\n");
  CHECK(fs::is_symlink(made.folder / "02-Bob.md"));

  // A class.yaml whose handout points out of the folder is refused, and removes nothing.
  write_text(directory / "outside.md", "keep\n");
  std::string class_yaml = read_text(made.folder / "class.yaml");
  const auto at = class_yaml.find("handout: \"01-Ann.html\"");
  REQUIRE(at != std::string::npos);
  class_yaml.replace(at, 22, "handout: \"../outside.md\"");
  write_text(made.folder / "class.yaml", class_yaml);
  const auto refused =
      run_cli("exercise class gap --roster " + made.roster.string() + " --secret " +
              made.secret.string() + " --force -o " + made.folder.string());
  CHECK(refused.exit_code == 2);
  CHECK_THAT(refused.output,
             Catch::Contains("class.yaml:" + place_of(class_yaml, "\"../outside")) &&
                 Catch::Contains("trainees[0].handout"));
  CHECK(read_text(directory / "outside.md") == "keep\n");
  CHECK(fs::exists(made.folder / "01-Ann.html"));
}

TEST_CASE("exercise class and grade write formula-like names as text, with a leading quote",
          "[exercise][cli][process]") {
  TemporaryDirectory directory("funnelsim-class-csv");
  const Class made = make_class(directory, {"=1+2", "@SUM(A1)", "-Dash", "+Plus", "Plain"});
  const auto roster = lines_of(read_text(made.folder / "roster.csv"));
  REQUIRE(roster.size() == 6);
  CHECK(roster[1].rfind("'=1+2,", 0) == 0);
  CHECK(roster[2].rfind("'@SUM(A1),", 0) == 0);
  CHECK(roster[3].rfind("'-Dash,", 0) == 0);
  CHECK(roster[4].rfind("'+Plus,", 0) == 0);
  CHECK(roster[5].rfind("Plain,", 0) == 0);
  // The handout and answers file names are cells too: '01-=1+2.md' starts with a digit.
  CHECK_THAT(roster[1], Catch::EndsWith(",01-=1+2.md,01-=1+2.yaml"));
  // class.yaml keeps the names as they are; grade reads them from there.
  CHECK_THAT(read_text(made.folder / "class.yaml"), Catch::Contains("{name: \"=1+2\""));
  fs::create_directory(directory / "answers");
  const fs::path gradebook = directory / "gradebook.csv";
  const auto graded = run_cli("exercise grade " + made.folder.string() + " " +
                              (directory / "answers").string() + " -o " + gradebook.string());
  CHECK(graded.exit_code == 0);
  const std::string book = read_text(gradebook);
  CHECK(book.find("\n=") == std::string::npos);
  CHECK(book.find("\n@") == std::string::npos);
  CHECK(book.find("\n'=1+2,") != std::string::npos);
  CHECK(book.find("\n'-Dash,") != std::string::npos);
  CHECK_THAT(graded.output, Catch::Contains("=1+2 "));  // the console shows the name as it is
}

TEST_CASE("exercise grade refuses a class.yaml with duplicate or foreign codes and names",
          "[exercise][cli][process]") {
  TemporaryDirectory directory("funnelsim-class-edited");
  const Class made = make_class(directory, {"Ann", "Bob"});
  const fs::path class_path = made.folder / "class.yaml";
  const std::string original = read_text(class_path);
  fs::create_directory(directory / "answers");
  const std::string ann_code = class_field(original, "Ann", "code");
  const std::string bob_code = class_field(original, "Bob", "code");
  const std::string bob_seed = class_field(original, "Bob", "seed");
  const auto grade = [&](const std::string& edited, const std::string& extra = "") {
    write_text(class_path, edited);
    return run_cli("exercise grade " + made.folder.string() + " " +
                   (directory / "answers").string() + " --force " + extra + " -o " +
                   (directory / "gradebook.csv").string());
  };
  const auto replaced = [&](const std::string& from, const std::string& to) {
    std::string text = original;
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
  };
  // The class as written passes, with and without the secret.
  CHECK(grade(original).exit_code == 0);
  CHECK(grade(original, "--secret " + made.secret.string()).exit_code == 0);

  const std::string where = class_path.string() + ":";
  {
    const std::string edited = replaced("name: \"Bob\"", "name: \"Ann\"");
    const auto run = grade(edited);
    CHECK(run.exit_code == 2);
    CHECK_THAT(run.output,
               Catch::Contains(where + place_of(edited, "\"Ann\", code: " + bob_code)) &&
                   Catch::Contains("trainees[1].name") && Catch::Contains("unique"));
  }
  {
    const std::string edited = replaced("code: " + bob_code, "code: " + ann_code);
    const auto run = grade(edited);
    CHECK(run.exit_code == 2);
    const auto second = edited.find(ann_code, edited.find(ann_code) + 1);
    CHECK_THAT(run.output, Catch::Contains(where + place_at(edited, second)) &&
                               Catch::Contains("trainees[1].code") && Catch::Contains("unique"));
  }
  for (const std::string bad : {"ABCD-EFGH-JKMN-PQR", "ABCD-EFGH-JKMN-PQRU", "abcd-efgh-jkmn-pqrs",
                                "ABCDEFGHJKMNPQRSTVW"}) {
    const std::string edited = replaced("code: " + bob_code, "code: " + bad);
    const auto run = grade(edited);
    CHECK(run.exit_code == 2);
    CHECK_THAT(run.output, Catch::Contains(where + place_of(edited, bad)) &&
                               Catch::Contains("trainees[1].code") &&
                               Catch::Contains("not a case code"));
  }
  {
    // A well-shaped code the secret does not give Bob: refused with the secret.
    const std::string other = bob_code.substr(0, 18) + (bob_code[18] == '0' ? "1" : "0");
    const std::string edited = replaced("code: " + bob_code, "code: " + other);
    CHECK(grade(edited).exit_code == 0);  // without the secret, nothing can tell
    const auto run = grade(edited, "--secret " + made.secret.string());
    CHECK(run.exit_code == 2);
    CHECK_THAT(run.output, Catch::Contains(where + place_of(edited, other)) &&
                               Catch::Contains("trainees[1].code") &&
                               Catch::Contains("not the code this secret gives 'Bob'"));
  }
  {
    const std::string edited = replaced("seed: " + bob_seed, "seed: 7");
    const auto run = grade(edited, "--secret " + made.secret.string());
    CHECK(run.exit_code == 2);
    CHECK_THAT(run.output, Catch::Contains(where + place_of(edited, "7, handout")) &&
                               Catch::Contains("trainees[1].seed"));
  }
  // `exercise check --code` refuses a code of the wrong shape too.
  write_text(directory / "a.yaml", "gap0: 1\n");
  const auto check = run_cli("exercise check gap --code ABCD --secret " + made.secret.string() +
                             " " + (directory / "a.yaml").string());
  CHECK(check.exit_code == 2);
  CHECK_THAT(check.output, Catch::Contains("not a class's case code"));
}

TEST_CASE("exercise grade lines Chinese names up by the columns a terminal draws",
          "[exercise][cli][process]") {
  TemporaryDirectory directory("funnelsim-class-width");
  const Class made = make_class(directory, {"王小明", "Ann", "学员3"});
  fs::create_directory(directory / "answers");
  const auto graded =
      run_cli("exercise grade " + made.folder.string() + " " + (directory / "answers").string() +
              " -o " + (directory / "gradebook.csv").string());
  REQUIRE(graded.exit_code == 0);
  const std::string class_yaml = read_text(made.folder / "class.yaml");
  // 王小明 is 9 bytes and 6 columns, 学员3 7 bytes and 5; the names take 24 columns.
  CHECK_THAT(graded.output,
             Catch::Contains("王小明" + std::string(18, ' ') + " " +
                             class_field(class_yaml, "王小明", "code") + "  0 of 6 right") &&
                 Catch::Contains("\nAnn" + std::string(21, ' ') + " " +
                                 class_field(class_yaml, "Ann", "code") + "  0 of 6 right") &&
                 Catch::Contains("\n学员3" + std::string(19, ' ') + " " +
                                 class_field(class_yaml, "学员3", "code") + "  0 of 6 right"));
}

TEST_CASE("exercise check --lang zh prints its summary in Chinese", "[exercise][cli][process]") {
  TemporaryDirectory directory("funnelsim-check-zh");
  const fs::path answers = directory / "answers.yaml";
  const std::string json = run_cli("exercise gap --seed 7 --lang zh --answers --json").output;
  char gap0[64];
  std::snprintf(gap0, sizeof gap0, "gap0: %.6g\n", json_value(json, "gap0"));
  write_text(answers, gap0);
  const auto zh = run_cli("exercise check gap --seed 7 --lang zh " + answers.string());
  CHECK(zh.exit_code == 1);
  CHECK(zh.output.rfind("gap 案例 7（难度 普通）：6 题答对 1 题\n", 0) == 0);
  CHECK_THAT(zh.output, Catch::Contains("（答案：") && !Catch::Contains(" of 6 right"));
  const auto en = run_cli("exercise check gap --seed 7 " + answers.string());
  CHECK(en.output.rfind("gap case 7 (normal): 1 of 6 right\n", 0) == 0);
}

TEST_CASE("exercise class shows a progress bar on a terminal", "[exercise][cli][process]") {
  if (shell_output("command -v script").exit_code != 0) {
    WARN("no script(1) to give the command a terminal: not checked");
    return;
  }
  TemporaryDirectory directory("funnelsim-class-progress");
  write_text(directory / "roster.txt", "Ann\nBob\nCy\n");
  write_text(directory / "secret.txt", "correct horse battery staple 42\n");
  // script(1) runs the command on a pseudo-terminal: stderr is a terminal there.
  const auto run = shell_output(
      "script -qec '" + std::string(FUNNELSIM_CLI) + " exercise class gap --roster " +
      (directory / "roster.txt").string() + " --secret " + (directory / "secret.txt").string() +
      " -o " + (directory / "class").string() + "' /dev/null");
  CHECK(run.exit_code == 0);
  CHECK_THAT(run.output, Catch::Contains("4/4 handouts"));
  // Without a terminal, no bar.
  const auto plain =
      run_cli("exercise class gap --roster " + (directory / "roster.txt").string() + " --secret " +
              (directory / "secret.txt").string() + " -o " + (directory / "class2").string());
  CHECK_THAT(plain.output, !Catch::Contains("handouts  "));
}
