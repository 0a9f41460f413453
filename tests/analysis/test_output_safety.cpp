// The one output writer (analysis/output_path.hpp) that every command's files go through: it
// never follows a link planted at a temporary or target name, writes only regular files or
// new names, never replaces without force nor onto one of the command's inputs, and publishes
// whole files only.

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "funnelsim/results/output_path.hpp"
#include "support/shell.hpp"
#include "support/temporary_directory.hpp"

namespace fs = std::filesystem;

namespace {

using Catch::Matchers::Contains;
using funnelsim::analysis::check_output_directory;
using funnelsim::analysis::check_output_path;
using funnelsim::analysis::identify_inputs;
using funnelsim::analysis::OutputError;
using funnelsim::analysis::OutputFile;
using funnelsim::analysis::write_output_file;
using funnelsim::testing::run_cli;
using funnelsim::testing::TemporaryDirectory;

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> entries(const fs::path& directory) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(directory))
    names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

mode_t type_of(const fs::path& path) {
  struct stat status {};
  REQUIRE(::lstat(path.c_str(), &status) == 0);
  return status.st_mode & S_IFMT;
}

/// The message of the OutputError `work` throws, or "no error".
template <class Work>
std::string refusal(Work work) {
  try {
    work();
  } catch (const OutputError& error) {
    return error.what();
  }
  return "no error";
}

/// Symbolic links at every `.<name>.tmp-<pid>` the old writers used, for pids around ours,
/// all pointing at `victim`.
void plant_links(const fs::path& directory, const std::string& name, const fs::path& victim) {
  const long pid = static_cast<long>(::getpid());
  for (long p = std::max(1L, pid - 64); p <= pid + 64; ++p)
    fs::create_symlink(victim, directory / ("." + name + ".tmp-" + std::to_string(p)));
}

}  // namespace

TEST_CASE("the output writer publishes a whole new file and leaves nothing else", "[output]") {
  const TemporaryDirectory directory("funnelsim-output");
  const fs::path target = directory / "page.html";
  SECTION("a new file") {
    write_output_file(target, "<p>new</p>", false);
    CHECK(read_text(target) == "<p>new</p>");
    CHECK(entries(directory.path()) == std::vector<std::string>{"page.html"});
  }
  SECTION("not committed: no file, and an existing one untouched") {
    write_text(target, "old");
    {
      OutputFile file(target, true);
      file.write("half");
      CHECK(read_text(target) == "old");
    }
    CHECK(read_text(target) == "old");
    CHECK(entries(directory.path()) == std::vector<std::string>{"page.html"});
  }
  SECTION("replaced in one step with force: the old inode is never written") {
    write_text(target, "old");
    const int old = ::open(target.c_str(), O_RDONLY);
    REQUIRE(old >= 0);
    write_output_file(target, "new", true);
    CHECK(read_text(target) == "new");
    char buffer[8] = {};
    CHECK(::pread(old, buffer, sizeof buffer, 0) == 3);
    CHECK(std::string(buffer) == "old");  // a reader of the old file sees it whole
    ::close(old);
    CHECK(entries(directory.path()) == std::vector<std::string>{"page.html"});
  }
}

TEST_CASE("an existing output is replaced only with force", "[output]") {
  const TemporaryDirectory directory("funnelsim-output");
  const fs::path target = directory / "report.html";
  write_text(target, "precious");
  CHECK_THAT(refusal([&] { check_output_path(target, false); }),
             Contains(target.string() + ": exists; use --force to replace it"));
  CHECK_THAT(refusal([&] { write_output_file(target, "new", false); }), Contains("--force"));
  CHECK(read_text(target) == "precious");
  SECTION("a file that appears while the work runs is not replaced either") {
    fs::remove(target);
    OutputFile file(directory / "report.html", false);
    file.write("new");
    write_text(target, "precious");
    CHECK_THAT(refusal([&] { file.commit(); }), Contains("exists; use --force"));
    CHECK(read_text(target) == "precious");
  }
}

TEST_CASE("a symbolic link planted at a temporary name is never followed", "[output]") {
  const TemporaryDirectory directory("funnelsim-output");
  const TemporaryDirectory elsewhere("funnelsim-victim");
  const fs::path victim = elsewhere / "victim.txt";
  write_text(victim, "the victim's data");
  plant_links(directory.path(), "trace.csv", victim);
  const std::size_t planted = directory.file_count();
  SECTION("a new target") {
    write_output_file(directory / "trace.csv", "time_days\n", false);
  }
  SECTION("an existing target replaced") {
    write_text(directory / "trace.csv", "old");
    write_output_file(directory / "trace.csv", "time_days\n", true);
  }
  SECTION("a stream written in parts") {
    OutputFile file(directory / "trace.csv", false);
    CHECK_FALSE(
        file.temporary_name().string().starts_with(".trace.csv.tmp-" + std::to_string(::getpid())));
    std::fputs("time_", file.stream());
    file.write("days\n");
    file.commit();
  }
  CHECK(read_text(directory / "trace.csv") == "time_days\n");
  CHECK(read_text(victim) == "the victim's data");
  CHECK(directory.file_count() == planted + 1);  // the links untouched, nothing left over
}

TEST_CASE("outputs that are not regular files are refused, even with force", "[output]") {
  const TemporaryDirectory directory("funnelsim-output");
  const TemporaryDirectory elsewhere("funnelsim-victim");
  const fs::path victim = elsewhere / "victim.txt";
  write_text(victim, "the victim's data");
  struct Case {
    std::string name;
    std::string message;
  };
  std::vector<Case> cases;

  REQUIRE(::mkfifo((directory / "fifo").c_str(), 0600) == 0);
  cases.push_back({"fifo", "is a FIFO (named pipe), not a regular file"});
  fs::create_directory(directory / "folder");
  cases.push_back({"folder", "is a directory"});
  fs::create_symlink(victim, directory / "link");
  cases.push_back({"link", "is a symbolic link; funnelsim does not write through links"});
  fs::create_symlink(elsewhere / "missing.txt", directory / "dangling");
  cases.push_back({"dangling", "is a symbolic link"});
  {
    const int listener = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    const std::string path = (directory / "socket").string();
    if (listener >= 0 && path.size() < sizeof address.sun_path) {
      std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
      if (::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0)
        cases.push_back({"socket", "is a socket, not a regular file"});
    }
    if (listener >= 0)
      ::close(listener);
  }
  // A character device like /dev/null (1, 3): only root may make one.
  if (::geteuid() == 0 &&
      ::mknod((directory / "null").c_str(), S_IFCHR | 0666, makedev(1, 3)) == 0) {
    cases.push_back({"null", "is a character device, not a regular file"});
  } else {
    WARN("not root (or no CAP_MKNOD): the character device case is skipped");
  }

  for (const Case& c : cases) {
    INFO(c.name);
    const fs::path target = directory / c.name;
    const mode_t before = type_of(target);
    for (const bool force : {false, true}) {
      CHECK_THAT(refusal([&] { check_output_path(target, force); }),
                 Contains(target.string() + ": " + c.message));
      CHECK_THAT(refusal([&] { write_output_file(target, "new", force); }), Contains(c.message));
    }
    CHECK(type_of(target) == before);
  }
  CHECK(read_text(victim) == "the victim's data");

  SECTION("rechecked without following links when publishing") {
    const fs::path target = directory / "late";
    for (const bool fifo : {true, false}) {
      INFO((fifo ? "a FIFO" : "a symbolic link") << " appears while the work runs");
      OutputFile file(target, true);
      file.write("new");
      if (fifo)
        REQUIRE(::mkfifo(target.c_str(), 0600) == 0);
      else
        fs::create_symlink(victim, target);
      CHECK_THAT(refusal([&] { file.commit(); }),
                 Contains(target.string() + ": is a " + (fifo ? "FIFO" : "symbolic link")));
      CHECK(type_of(target) == (fifo ? S_IFIFO : S_IFLNK));
      fs::remove(target);
    }
    CHECK(read_text(victim) == "the victim's data");
  }
}

TEST_CASE("an output that is one of the command's inputs is refused", "[output]") {
  const TemporaryDirectory directory("funnelsim-output");
  const fs::path input = directory / "results.h5";
  write_text(input, "the results");
  const auto inputs = identify_inputs({input, directory / "missing.yaml"});
  REQUIRE(inputs.size() == 1);
  CHECK_THAT(refusal([&] { check_output_path(input, true, inputs); }),
             Contains(input.string() + ": is also an input of this command"));
  // Another name for the same file: a hard link, or the path through a symbolic directory.
  fs::create_hard_link(input, directory / "alias.h5");
  CHECK_THAT(refusal([&] { write_output_file(directory / "alias.h5", "page", true, inputs); }),
             Contains("is the same file as '" + input.string() + "'"));
  fs::create_directory_symlink(directory.path(), directory / "here");
  CHECK_THAT(refusal([&] { check_output_path(directory / "here" / "results.h5", true, inputs); }),
             Contains("an input of this command"));
  CHECK(read_text(input) == "the results");
}

TEST_CASE("an output in a missing directory is refused before any work", "[output]") {
  const TemporaryDirectory directory("funnelsim-output");
  const fs::path target = directory / "missing" / "out.html";
  CHECK_THAT(refusal([&] { check_output_path(target, false); }),
             Contains(target.string() + ": directory '" + (directory / "missing").string() +
                      "' does not exist"));
  write_text(directory / "file", "x");
  CHECK_THAT(refusal([&] { check_output_path(directory / "file" / "out.html", true); }),
             Contains("is not a directory"));
  CHECK_THAT(refusal([&] { check_output_path(directory.path() / "", true); }),
             Contains("names a directory, not a file"));
}

TEST_CASE("an export directory is written into only with force, and only its own files",
          "[output]") {
  const TemporaryDirectory directory("funnelsim-output");
  const std::vector<std::string> names = {"snapshots.csv", "outcomes.csv"};
  const fs::path folder = directory / "crm";
  check_output_directory(folder, false, names);  // a new one
  fs::create_directory(folder);
  CHECK_THAT(refusal([&] { check_output_directory(folder, false, names); }),
             Contains(folder.string() + ": exists; use --force"));
  CHECK_THAT(refusal([&] { check_output_directory(".", false, names); }),
             Contains(".: exists; use --force"));
  check_output_directory(folder, true, names);
  REQUIRE(::mkfifo((folder / "outcomes.csv").c_str(), 0600) == 0);
  CHECK_THAT(refusal([&] { check_output_directory(folder, true, names); }),
             Contains((folder / "outcomes.csv").string() + ": is a FIFO"));
  write_text(directory / "plain", "x");
  CHECK_THAT(refusal([&] { check_output_directory(directory / "plain", true, names); }),
             Contains("exists and is not a directory"));
  fs::create_directory_symlink(folder, directory / "link");
  CHECK_THAT(refusal([&] { check_output_directory(directory / "link", true, names); }),
             Contains("is a symbolic link"));
}

TEST_CASE("report, merge and run refuse to write onto their own inputs", "[output][cli][process]") {
  const TemporaryDirectory directory("funnelsim-output");
  const std::string branch = std::string(FUNNELSIM_SOURCE_DIR) + "/scenarios/branch.yaml";
  const fs::path results = directory / "r.h5";
  REQUIRE(
      run_cli("run " + branch + " -n 2 -q --forecast-samples 0 -o " + results.string()).exit_code ==
      0);
  const std::string before = read_text(results);
  const auto report =
      run_cli("report " + results.string() + " -o " + results.string() + " --force");
  CHECK(report.exit_code == 2);
  CHECK_THAT(report.output, Contains(results.string() + ": is also an input"));
  const auto merge = run_cli("merge " + results.string() + " -o " + results.string() + " --force");
  CHECK(merge.exit_code == 2);
  CHECK(read_text(results) == before);
  const fs::path scenario = directory / "branch.yaml";
  fs::copy_file(branch, scenario);
  const auto run =
      run_cli("run " + scenario.string() + " -n 2 -q -o " + scenario.string() + " --force");
  CHECK(run.exit_code == 2);
  CHECK_THAT(run.output, Contains(scenario.string() + ": is also an input"));
  CHECK(read_text(scenario) == read_text(branch));
  const auto twice = run_cli("run " + scenario.string() + " -n 1 -q -o " + results.string() +
                             " --replication 0 --trace " + results.string() + " --force");
  CHECK(twice.exit_code == 2);
  CHECK_THAT(twice.output, Contains("named by both -o and --trace"));
  CHECK(read_text(results) == before);
}
