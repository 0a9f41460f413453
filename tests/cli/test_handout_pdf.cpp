// PDF handouts (issue #20): a Chinese handout of the class kit printed to A4 by headless
// Chromium, set in a font that has every one of its characters (no missing-glyph boxes), and
// the failures a trainer can meet named: no Chromium, a Chromium that hangs.
#include <stdlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "funnelsim/error.hpp"
#include "funnelsim/exercise/course_kinds.hpp"
#include "handout_html.hpp"
#include "handout_pdf.hpp"
#include "support/shell.hpp"
#include "support/temporary_directory.hpp"

namespace {

namespace fs = std::filesystem;
using namespace funnelsim::analysis::exercise;
using funnelsim::cli::find_chromium;
using funnelsim::cli::handout_html;
using funnelsim::cli::handout_pdf;
using funnelsim::testing::run_cli;
using funnelsim::testing::shell_output;
using funnelsim::testing::TemporaryDirectory;

/// Both class-kit kinds, in Chinese, with their keys: every character a trainer prints.
std::string chinese_handouts() {
  CaseOptions options;
  options.seed = 20;
  options.difficulty = Difficulty::hard;
  options.language = Language::zh;
  return render_handout(make_receipts_case(options), true) + "\n" +
         render_handout(make_standard_funnel_case(options), true);
}

/// Sets an environment variable for one scope.
class ScopedEnvironment {
 public:
  ScopedEnvironment(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name))
      old_ = old;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnvironment() {
    if (old_.empty())
      ::unsetenv(name_);
    else
      ::setenv(name_, old_.c_str(), 1);
  }
  ScopedEnvironment(const ScopedEnvironment&) = delete;
  ScopedEnvironment& operator=(const ScopedEnvironment&) = delete;

 private:
  const char* name_;
  std::string old_;
};

bool skipped_without_chromium() {
  if (!find_chromium().empty())
    return false;
  WARN("skipped: Chromium is not installed (scripts/setup installs the chromium package)");
  return true;
}

void write(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

}  // namespace

TEST_CASE("handout pdf: a Chinese class-kit handout prints to an A4 PDF in Noto Sans CJK SC",
          "[handout][process]") {
  if (skipped_without_chromium())
    return;
  // A temporary directory with a space and a '#' in its name: the page's URL is encoded.
  const TemporaryDirectory scratch("funnelsim pdf#test");
  const ScopedEnvironment tmpdir("TMPDIR", scratch.path().string());
  const std::string html = handout_html(chinese_handouts(), Language::zh);
  CHECK(html.find("<html lang=\"zh-CN\">") != std::string::npos);
  CHECK(html.find("@page { size: A4;") != std::string::npos);
  const std::string pdf = handout_pdf(html);
  REQUIRE(pdf.rfind("%PDF", 0) == 0);
  // A4 is 595.28 × 841.89 points; Chromium writes its page box to a few hundredths.
  const auto box = pdf.find("/MediaBox [0 0 ");
  REQUIRE(box != std::string::npos);
  std::istringstream sizes(pdf.substr(box + 15, 40));
  double width = 0.0, height = 0.0;
  sizes >> width >> height;
  CHECK(width == Approx(595.28).margin(1.0));
  CHECK(height == Approx(841.89).margin(1.0));
  // The Chinese is set in the CJK font the page names (embedded as a subset).
  CHECK(pdf.find("NotoSansCJK") != std::string::npos);
  // Nothing left behind in the temporary directory.
  CHECK(scratch.file_count() == 0);
}

TEST_CASE("handout pdf: no Chromium is named, with the package to install", "[handout]") {
  const TemporaryDirectory empty("funnelsim-no-chromium");
  const ScopedEnvironment path("PATH", empty.path().string());
  try {
    handout_pdf("<p>x</p>");
    FAIL("no error without Chromium");
  } catch (const funnelsim::Error& error) {
    CHECK(error.kind() == funnelsim::ErrorKind::runtime);
    CHECK(std::string(error.what()).find("Chromium is not installed") != std::string::npos);
    CHECK(std::string(error.what()).find("Debian package chromium") != std::string::npos);
  }
}

TEST_CASE("handout pdf: a Chromium that runs past the timeout is stopped and named",
          "[handout][process]") {
  if (skipped_without_chromium())
    return;
  const TemporaryDirectory scratch("funnelsim-pdf-test");
  const ScopedEnvironment tmpdir("TMPDIR", scratch.path().string());
  try {
    handout_pdf("<p>x</p>", std::chrono::seconds(0));
    FAIL("no timeout");
  } catch (const funnelsim::Error& error) {
    CHECK(std::string(error.what()).find("did not finish within 0 s") != std::string::npos);
  }
  CHECK(scratch.file_count() == 0);
}

TEST_CASE("handout pdf: the Chinese handout's screenshot has a glyph for every character",
          "[handout][process]") {
  if (skipped_without_chromium())
    return;
  // The honest form of "no tofu": every character of the handout is in the cmap of the font
  // the page asks for, the one fontconfig finds for "Noto Sans CJK SC" (fonts-noto-cjk).
  const auto font = shell_output("fc-match 'Noto Sans CJK SC' -f '%{family}|%{file}|%{index}'");
  const auto first_bar = font.output.find('|');
  const auto second_bar = font.output.rfind('|');
  if (font.exit_code != 0 || font.output.find("Noto Sans CJK SC") == std::string::npos ||
      first_bar == second_bar) {
    WARN("skipped: fontconfig finds no Noto Sans CJK SC (scripts/setup installs fonts-noto-cjk): "
         << font.output);
    return;
  }
  const std::string font_file = font.output.substr(first_bar + 1, second_bar - first_bar - 1);
  const std::string font_index = font.output.substr(second_bar + 1);

  const TemporaryDirectory scratch("funnelsim-screenshot");
  const std::string markdown = chinese_handouts();
  write(scratch / "handout.md", markdown);
  write(scratch / "handout.html", handout_html(markdown, Language::zh));
  const auto shot = shell_output(
      find_chromium() +
      " --headless --no-sandbox --disable-gpu --hide-scrollbars "
      "--disable-background-networking --disable-component-update --disable-sync --no-first-run "
      "--user-data-dir=" +
      (scratch / "profile").string() +
      " --window-size=1000,1400 "
      "--screenshot=" +
      (scratch / "handout.png").string() + " file://" + (scratch / "handout.html").string() +
      " 2>&1");
  INFO(shot.output);
  REQUIRE(shot.exit_code == 0);
  std::ifstream png(scratch / "handout.png", std::ios::binary);
  std::string signature(8, '\0');
  png.read(signature.data(), 8);
  CHECK(signature == "\x89PNG\r\n\x1a\n");
  CHECK(fs::file_size(scratch / "handout.png") > 10000);  // a page of text, not a blank
  // FUNNELSIM_KEEP_SCREENSHOT=FILE keeps the screenshot, for a person to look at.
  if (const char* keep = std::getenv("FUNNELSIM_KEEP_SCREENSHOT"))
    fs::copy_file(scratch / "handout.png", keep, fs::copy_options::overwrite_existing);

  const std::string check =
      "import sys\n"
      "from fontTools.ttLib import TTCollection, TTFont\n"
      "path, index, text = sys.argv[1], int(sys.argv[2]), sys.argv[3]\n"
      "font = TTCollection(path, lazy=True).fonts[index] if path.endswith('.ttc') "
      "else TTFont(path, lazy=True)\n"
      "cmap = font.getBestCmap()\n"
      "characters = set(open(text, encoding='utf-8').read()) - {'\\n'}\n"
      "missing = sorted(c for c in characters if ord(c) not in cmap)\n"
      "print(len(characters), 'distinct characters,',\n"
      "      sum(1 for c in characters if ord(c) > 0x2e80), 'CJK; missing:',\n"
      "      ' '.join('U+%04X' % ord(c) for c in missing) or 'none')\n"
      "sys.exit(1 if missing else 0)\n";
  write(scratch / "cmap.py", check);
  const auto cmap =
      shell_output("/usr/bin/python3 " + (scratch / "cmap.py").string() + " '" + font_file + "' " +
                   font_index + " " + (scratch / "handout.md").string() + " 2>&1");
  INFO(cmap.output);
  if (cmap.output.find("No module named 'fontTools'") != std::string::npos) {
    WARN("skipped the cmap check: no python3-fonttools (scripts/setup installs it)");
    return;
  }
  WARN(cmap.output);
  CHECK(cmap.exit_code == 0);
  CHECK(cmap.output.find("missing: none") != std::string::npos);
}

TEST_CASE(
    "handout file: the class kit's kinds from the command, the file's format by its "
    "extension",
    "[handout][process]") {
  CaseOptions options;
  options.seed = 4;
  options.language = Language::zh;
  const TemporaryDirectory scratch("funnelsim-course-check");
  const auto handout = run_cli("exercise standard-funnel --seed 4 --lang zh");
  REQUIRE(handout.exit_code == 0);
  CHECK(handout.output == render_handout(make_standard_funnel_case(options), false));
  const std::string page = (scratch / "case.html").string();
  REQUIRE(run_cli("exercise standard-funnel --seed 4 --lang zh -o " + page).exit_code == 0);
  std::ifstream in(page);
  const std::string html((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(html.find("<html lang=\"zh-CN\">") != std::string::npos);
  CHECK(run_cli("exercise receipts --seed 4 --lang zh --answers --json").output ==
        case_json(make_receipts_case(options), true));

  // An answers file marked through the command: the key itself is all right.
  const StandardFunnelKey key = make_standard_funnel_case(options).key;
  write(scratch / "answers.yaml",
        "quarter_quota: " + std::to_string(key.quarter_quota) + "\nwins_quarter: " +
            std::to_string(key.wins_quarter) + "\nwins_week: " + std::to_string(key.wins_week) +
            "\ncount_intent: " + std::to_string(key.standard_count[0]) +
            "\ncount_solution: " + std::to_string(key.standard_count[1]) + "\ncount_negotiation: " +
            std::to_string(key.standard_count[2]) + "\nnew_week: " + std::to_string(key.new_week) +
            "\nreps: " + std::to_string(key.reps) + "\n");
  const auto marked = run_cli("exercise check standard-funnel --seed 4 --lang zh " +
                              (scratch / "answers.yaml").string());
  CHECK(marked.exit_code == 0);
  CHECK_THAT(marked.output, Catch::Contains("8 题答对 8 题"));  // --lang zh: the summary in Chinese
  // A misspelt key is the loader's InputError, located.
  write(scratch / "bad.yaml", "quarter_quota: 1\nrepz: 3\n");
  const auto bad = run_cli("exercise check standard-funnel --seed 4 --lang zh " +
                           (scratch / "bad.yaml").string());
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.output, Catch::Contains("bad.yaml:2:1") && Catch::Contains("repz"));
}
