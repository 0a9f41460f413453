#include "handout_pdf.hpp"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>
#include <thread>
#include <vector>

#include "funnelsim/error.hpp"

namespace funnelsim::cli {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const std::string& message) {
  throw Error(ErrorKind::runtime, "cannot print the handout to PDF: " + message);
}

/// A directory only this process can read (mkdtemp makes it 0700), removed with its contents.
class PrivateDirectory {
 public:
  PrivateDirectory() {
    std::string pattern = (fs::temp_directory_path() / "funnelsim-pdf-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr)
      fail("cannot make a temporary directory in " + fs::temp_directory_path().string() + ": " +
           std::strerror(errno));
    path_ = pattern;
  }
  ~PrivateDirectory() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  PrivateDirectory(const PrivateDirectory&) = delete;
  PrivateDirectory& operator=(const PrivateDirectory&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

/// Runs `arguments` in a process group of its own, its output to `log`; kills the whole group
/// (Chromium's renderer and GPU helpers too) if it runs past `timeout`. Returns the exit status,
/// or -1 on a timeout.
int run_with_timeout(const std::vector<std::string>& arguments, const fs::path& log,
                     std::chrono::seconds timeout) {
  std::vector<char*> argv;
  for (const std::string& argument : arguments)
    argv.push_back(const_cast<char*>(argument.c_str()));
  argv.push_back(nullptr);
  const pid_t child = ::fork();
  if (child < 0)
    fail(std::string("cannot start Chromium: ") + std::strerror(errno));
  if (child == 0) {
    ::setpgid(0, 0);
    const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    const int in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (out >= 0) {
      ::dup2(out, STDOUT_FILENO);
      ::dup2(out, STDERR_FILENO);
    }
    if (in >= 0)
      ::dup2(in, STDIN_FILENO);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::setpgid(child, child);  // also here, so that the group exists before any kill below
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    const pid_t done = ::waitpid(child, &status, WNOHANG);
    if (done == child) {
      ::kill(-child, SIGKILL);  // helpers Chromium may have left behind
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    if (done < 0 && errno != EINTR)
      fail(std::string("cannot wait for Chromium: ") + std::strerror(errno));
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(-child, SIGKILL);
      ::waitpid(child, &status, 0);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

std::string format_percent(unsigned char c) {
  constexpr char HEX[] = "0123456789ABCDEF";
  return {'%', HEX[c >> 4], HEX[c & 15]};
}

/// The last lines of Chromium's output, for a message.
std::string tail(const std::string& text, std::size_t characters = 600) {
  return text.size() <= characters ? text : "..." + text.substr(text.size() - characters);
}

/// A file:// URL for an absolute path, percent-encoded (a TMPDIR may hold spaces or '#').
std::string file_url(const fs::path& path) {
  std::string url = "file://";
  for (const unsigned char c : path.string()) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '/' || c == '-' || c == '_' || c == '.' || c == '~';
    url += plain ? std::string(1, static_cast<char>(c)) : format_percent(c);
  }
  return url;
}

}  // namespace

std::string find_chromium() {
  const char* path = std::getenv("PATH");
  std::istringstream directories(path == nullptr ? "/usr/bin:/bin" : path);
  std::vector<fs::path> folders;
  for (std::string folder; std::getline(directories, folder, ':');) {
    if (!folder.empty())
      folders.emplace_back(folder);
  }
  for (const char* name : {"chromium", "chromium-browser", "google-chrome"}) {
    for (const fs::path& folder : folders) {
      const fs::path candidate = folder / name;
      if (::access(candidate.c_str(), X_OK) == 0)
        return candidate.string();
    }
  }
  return {};
}

std::string handout_pdf(const std::string& html, std::chrono::seconds timeout) {
  const std::string chromium = find_chromium();
  if (chromium.empty()) {
    fail(
        "Chromium is not installed (no chromium, chromium-browser or google-chrome on PATH); "
        "install the Debian package chromium (scripts/setup does), or write the handout as "
        ".html and print it from a browser");
  }
  const PrivateDirectory directory;
  const fs::path page = directory.path() / "handout.html";
  const fs::path pdf = directory.path() / "handout.pdf";
  const fs::path log = directory.path() / "chromium.log";
  {
    std::ofstream out(page, std::ios::binary);
    out << html;
    if (!out.flush())
      fail("cannot write the page to " + page.string());
  }
  const int status = run_with_timeout(
      {chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
       "--disable-background-networking", "--disable-component-update", "--disable-sync",
       "--no-first-run", "--user-data-dir=" + (directory.path() / "profile").string(),
       "--print-to-pdf=" + pdf.string(), file_url(page)},
      log, timeout);
  if (status == -1)
    fail(chromium + " did not finish within " + std::to_string(timeout.count()) + " s");
  if (status != 0)
    fail(chromium + " failed (exit status " + std::to_string(status) +
         "): " + tail(read_file(log)));
  std::string bytes = read_file(pdf);
  if (bytes.rfind("%PDF", 0) != 0)
    fail(chromium + " wrote no PDF: " + tail(read_file(log)));
  return bytes;
}

}  // namespace funnelsim::cli
