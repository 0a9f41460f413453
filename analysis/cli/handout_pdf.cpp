#include "handout_pdf.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

extern char** environ;

namespace funnelsim::cli {
namespace {

constexpr const char* CHROMIUM = "/usr/bin/chromium";
constexpr auto PRINT_TIMEOUT = std::chrono::seconds(120);

/// A private folder (mkdtemp, mode 0700) removed with everything in it when it goes.
class PrivateFolder {
 public:
  PrivateFolder() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern =
        std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/funnelsim-pdf-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr)
      throw std::runtime_error("cannot make a temporary folder to print the PDF in");
    path_ = pattern;
  }
  ~PrivateFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  PrivateFolder(const PrivateFolder&) = delete;
  PrivateFolder& operator=(const PrivateFolder&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// Runs Chromium with `arguments`, its output discarded; its exit status, or -1 on timeout.
int run_chromium(const std::vector<std::string>& arguments) {
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(CHROMIUM));
  for (const std::string& argument : arguments)
    argv.push_back(const_cast<char*>(argument.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t child = 0;
  const int spawned = posix_spawn(&child, CHROMIUM, &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0)
    throw std::runtime_error(std::string("cannot start ") + CHROMIUM);
  const auto deadline = std::chrono::steady_clock::now() + PRINT_TIMEOUT;
  int status = 0;
  while (::waitpid(child, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(child, SIGKILL);
      ::waitpid(child, &status, 0);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

}  // namespace

std::string handout_pdf(const std::string& html) {
  if (::access(CHROMIUM, X_OK) != 0) {
    throw std::runtime_error(
        "a PDF handout is printed by headless Chromium, and /usr/bin/chromium is not installed "
        "(scripts/setup installs it; or write .html and print that)");
  }
  const PrivateFolder folder;
  const std::filesystem::path page = folder.path() / "handout.html";
  const std::filesystem::path pdf = folder.path() / "handout.pdf";
  {
    std::ofstream out(page, std::ios::binary);
    out << html;
    if (!out.flush())
      throw std::runtime_error("cannot write the page to print in " + folder.path().string());
  }
  const int status = run_chromium(
      {"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
       "--disable-component-update", "--disable-sync", "--no-first-run",
       "--user-data-dir=" + (folder.path() / "profile").string(), "--no-pdf-header-footer",
       "--print-to-pdf=" + pdf.string(), "file://" + page.string()});
  std::ifstream in(pdf, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  const std::string document = bytes.str();
  if (status != 0 || document.rfind("%PDF", 0) != 0) {
    throw std::runtime_error(status < 0 ? "Chromium did not print the PDF within 120 s"
                                        : "Chromium could not print the PDF (exit status " +
                                              std::to_string(status) + ")");
  }
  return document;
}

}  // namespace funnelsim::cli
