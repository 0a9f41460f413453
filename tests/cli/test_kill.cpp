// A run that dies (SIGKILL at any moment, a full disk, an unwritable directory) leaves the
// previous results file byte for byte and nothing else in its directory.

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "support/shell.hpp"
#include "support/temporary_directory.hpp"

namespace fs = std::filesystem;
using funnelsim::testing::Outcome;
using funnelsim::testing::run_cli;
using funnelsim::testing::shell_output;
using funnelsim::testing::TemporaryDirectory;

namespace {

const std::string BRANCH = std::string(FUNNELSIM_SOURCE_DIR) + "/scenarios/branch.yaml";

std::string file_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::string> entries(const fs::path& directory) {
  std::vector<std::string> names;
  for (const fs::directory_entry& entry : fs::directory_iterator(directory))
    names.push_back(entry.path().filename().string());
  return names;
}

/// A finished small run: the results a user already has.
void write_previous_results(const fs::path& target) {
  const Outcome run =
      run_cli("run " + BRANCH + " -o " + target.string() + " -n 3 --forecast-samples 0 -q");
  INFO(run.output);
  REQUIRE(run.exit_code == 0);
}

/// Starts `funnelsim run` replacing `target`, with far more replications than the test waits
/// for; standard output and error go to /dev/null.
pid_t start_long_run(const fs::path& target) {
  const std::string output = target.string();
  std::vector<std::string> arguments{FUNNELSIM_CLI, "run",     BRANCH,    "-o",        output, "-n",
                                     "1000000",     "--force", "--quiet", "--threads", "2"};
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, STDOUT_FILENO);
    ::dup2(null, STDERR_FILENO);
    std::vector<char*> argv;
    for (std::string& argument : arguments)
      argv.push_back(argument.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

/// Whether process `pid` holds an unnamed file (an O_TMPFILE inode) in `directory`: the
/// kernel shows it as "<directory>/#<inode> (deleted)".
bool holds_unnamed_file(pid_t pid, const fs::path& directory) {
  std::error_code error;
  const fs::path descriptors = "/proc/" + std::to_string(pid) + "/fd";
  for (const fs::directory_entry& entry : fs::directory_iterator(descriptors, error)) {
    const std::string link = fs::read_symlink(entry.path(), error).string();
    if (link.starts_with(fs::canonical(directory).string() + "/#") &&
        link.ends_with(" (deleted)")) {
      return true;
    }
  }
  return false;
}

/// Whether the file system of `directory` makes unnamed files (O_TMPFILE: ext4, xfs, btrfs,
/// tmpfs; not overlayfs before Linux 6.6, nor most network file systems). Without them the
/// writer falls back to a named temporary file, which a SIGKILL leaves behind (docs/guarantees.md).
bool makes_unnamed_files(const fs::path& directory) {
  const int fd = ::open(directory.c_str(), O_TMPFILE | O_RDWR, 0600);
  if (fd < 0)
    return false;
  ::close(fd);
  return true;
}

/// The directory holds the target alone, or, on a file system without unnamed files, the
/// target and the documented named temporary file that SIGKILL leaves there.
void check_only_target(const fs::path& directory) {
  std::vector<std::string> names = entries(directory);
  if (!makes_unnamed_files(directory)) {
    std::erase_if(names,
                  [](const std::string& name) { return name.starts_with(".results.h5.tmp-"); });
  }
  CHECK(names == std::vector<std::string>{"results.h5"});
}

}  // namespace

TEST_CASE("SIGKILL during a run leaves the previous results and no stray file", "[kill][cli]") {
  const TemporaryDirectory directory("funnelsim-kill");
  const fs::path target = directory / "results.h5";
  write_previous_results(target);
  const std::string previous = file_bytes(target);

  // Early (loading the scenario, creating the file), then while batches are written.
  for (const int milliseconds : {0, 20, 150, 600, 1500}) {
    INFO("killed after " << milliseconds << " ms");
    const pid_t pid = start_long_run(target);
    std::this_thread::sleep_for(std::chrono::milliseconds(milliseconds));
    if (milliseconds >= 1500 && makes_unnamed_files(directory.path())) {
      // By now the run writes its unnamed temporary file.
      CHECK(holds_unnamed_file(pid, directory.path()));
    }
    REQUIRE(::kill(pid, SIGKILL) == 0);
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    CHECK(WIFSIGNALED(status));  // still running when killed: a million replications
    CHECK(file_bytes(target) == previous);
    check_only_target(directory.path());
  }
}

TEST_CASE("SIGKILL during a first run leaves an empty directory", "[kill][cli]") {
  const TemporaryDirectory directory("funnelsim-kill");
  const pid_t pid = start_long_run(directory / "results.h5");
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  REQUIRE(::kill(pid, SIGKILL) == 0);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  if (!makes_unnamed_files(directory.path())) {
    WARN("no O_TMPFILE on " << directory.path() << ": the named temporary file stays");
    return;
  }
  CHECK(entries(directory.path()).empty());
}

TEST_CASE("SIGKILL at the final commit leaves the previous results", "[kill][cli]") {
  // strace stops the run exactly at a system call of the commit and delivers SIGKILL there:
  // fsync (the file is complete and closed by HDF5, not yet named) and linkat (about to be
  // named). A kill between linkat and renameat, microseconds, would leave the temporary
  // name: the one window docs/guarantees.md documents.
  if (shell_output("strace -o /dev/null true 2>/dev/null").exit_code != 0) {
    WARN("strace is missing or cannot trace here: the commit is not tested");
    return;
  }
  const TemporaryDirectory directory("funnelsim-kill");
  const fs::path target = directory / "results.h5";
  write_previous_results(target);
  const std::string previous = file_bytes(target);
  for (const std::string call : {"fsync", "linkat"}) {
    INFO("killed at " << call);
    const Outcome killed = shell_output(
        "strace -f -qq -o /dev/null -e trace=" + call + " -e inject=" + call + ":signal=SIGKILL " +
        FUNNELSIM_CLI + " run " + BRANCH + " -o " + target.string() +
        " -n 5 --forecast-samples 0 --force -q 2>&1; echo \"status $?\"");
    CHECK(killed.output.find("status 137") != std::string::npos);  // 128 + SIGKILL
    CHECK(file_bytes(target) == previous);
    check_only_target(directory.path());
  }
  // Not killed, the same run replaces the file.
  const Outcome finished =
      run_cli("run " + BRANCH + " -o " + target.string() + " -n 5 --forecast-samples 0 --force -q");
  CHECK(finished.exit_code == 0);
  CHECK(file_bytes(target) != previous);
  CHECK(entries(directory.path()) == std::vector<std::string>{"results.h5"});
}

TEST_CASE("A full disk is a clear error that keeps the previous results", "[kill][cli]") {
  // A file-size limit makes writes fail with EFBIG as a full disk does with ENOSPC; funnelsim
  // ignores the SIGXFSZ that would otherwise kill it without a word. 300 blocks of 512 bytes
  // hold the 3-replication file, not the 200-replication one (1.4 MB).
  const TemporaryDirectory directory("funnelsim-full");
  const fs::path target = directory / "results.h5";
  write_previous_results(target);
  const std::string previous = file_bytes(target);
  const Outcome full = shell_output("ulimit -f 300 && " + std::string(FUNNELSIM_CLI) + " run " +
                                    BRANCH + " -o " + target.string() + " -n 200 --force -q 2>&1");
  INFO(full.output);
  CHECK(full.exit_code == 1);
  CHECK(full.output.find("funnelsim: error: " + target.string() + ": ") != std::string::npos);
  CHECK(full.output.find("File too large") != std::string::npos);
  CHECK(full.output.find("HDF5-DIAG") == std::string::npos);  // HDF5's own stack stays silent
  CHECK(file_bytes(target) == previous);
  CHECK(entries(directory.path()) == std::vector<std::string>{"results.h5"});
}

TEST_CASE("An unwritable directory is refused before the run starts", "[kill][cli]") {
  const TemporaryDirectory directory("funnelsim-readonly");
  const fs::path locked = directory / "locked";
  fs::create_directory(locked);
  fs::permissions(locked, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                              fs::perms::group_exec | fs::perms::others_read |
                              fs::perms::others_exec);
  fs::permissions(directory.path(), fs::perms::others_read | fs::perms::others_exec,
                  fs::perm_options::add);
  // Root ignores permissions: run as nobody then (setpriv is in util-linux).
  const std::string as_user =
      ::geteuid() == 0 ? "setpriv --reuid=65534 --regid=65534 --clear-groups " : "";
  const auto start = std::chrono::steady_clock::now();
  // A million replications: only a check made before the run returns at once.
  const Outcome refused = shell_output(as_user + FUNNELSIM_CLI + " run " + BRANCH + " -o " +
                                       (locked / "results.h5").string() + " -n 1000000 2>&1");
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  INFO(refused.output);
  CHECK(refused.exit_code == 1);
  CHECK(refused.output.find(locked.string()) != std::string::npos);
  CHECK(refused.output.find("Permission denied") != std::string::npos);
  CHECK(seconds < 30.0);
  CHECK(entries(locked).empty());
}
