#include "options.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <system_error>
#include <thread>

#include "commands.hpp"
#include "funnelsim/experiment/resource_estimate.hpp"

namespace funnelsim::cli {

void add_scenario_options(CLI::App& command, std::string& scenario,
                          std::vector<std::string>& overrides) {
  command.add_option("scenario", scenario, "Scenario file (YAML), e.g. scenarios/branch.yaml")
      ->required();
  command
      .add_option("--set", overrides,
                  "Override a scenario key before validation, PATH=VALUE; list items are\n"
                  "addressed by name: --set teams.territory.headcount=12\n"
                  "--set segments.small.stages.intent.win_probability=0.25 (repeatable)")
      ->type_name("PATH=VALUE");
}

CLI::Validator integer_in(std::uint64_t min, std::uint64_t max) {
  const std::string domain = "an integer in " + std::to_string(min) + ".." + std::to_string(max);
  return CLI::Validator(
      [min, max, domain](std::string& text) -> std::string {
        const bool digits =
            !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
        std::uint64_t value = 0;
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (!digits || error != std::errc{} || end != text.data() + text.size() || value < min ||
            value > max) {
          return "must be " + domain + ", got '" + text + "'";
        }
        text = std::to_string(value);  // no leading zeros left to read as octal
        return {};
      },
      "INT in " + std::to_string(min) + ".." + std::to_string(max));
}

void add_search_run_options(CLI::App& command, std::size_t& replications, std::uint64_t& seed,
                            int& threads, bool& quiet, const std::string& candidate) {
  command
      .add_option("-n,--replications", replications,
                  "Monte Carlo replications per " + candidate + " (the same for every one)")
      ->capture_default_str()
      ->check(integer_in(1, analysis::MAX_REPLICATIONS));
  command.add_option("--seed", seed, "Random seed, the same for every " + candidate)
      ->capture_default_str()
      ->check(integer_in(0, MAX_SEED));
  command.add_option("--threads", threads, "Worker threads (0: all cores)")
      ->capture_default_str()
      ->check(integer_in(0, analysis::MAX_THREADS));
  command.add_flag("-q,--quiet", quiet, "No progress lines on stderr");
}

int worker_threads(int threads) {
  return threads > 0 ? threads
                     : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

CLI::Validator number_in(double min, double max, bool open_min, const std::string& what) {
  const auto text_of = [](double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", value);
    return std::string(text);
  };
  const std::string domain = std::string(open_min ? "(" : "[") + text_of(min) + ", " +
                             text_of(max) + "]" + (what.empty() ? "" : " " + what);
  return CLI::Validator(
      [min, max, open_min, domain](std::string& text) -> std::string {
        double value = 0.0;
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
        const bool in_range = open_min ? value > min : value >= min;
        if (text.empty() || error != std::errc{} || end != text.data() + text.size() ||
            !std::isfinite(value) || !in_range || value > max) {
          return "must be a number in " + domain + ", got '" + text + "'";
        }
        return {};
      },
      "NUMBER in " + domain);
}

void check_threads_start(int threads, const std::string& option) {
  std::mutex mutex;
  std::condition_variable released;
  bool release = false;
  std::vector<std::thread> started;
  std::string failure;
  try {
    for (int i = 1; i < threads; ++i) {
      started.emplace_back([&] {
        std::unique_lock lock(mutex);
        released.wait(lock, [&] { return release; });
      });
    }
  } catch (const std::system_error& error) {
    failure = error.what();
  }
  {
    const std::lock_guard lock(mutex);
    release = true;
  }
  released.notify_all();
  for (std::thread& thread : started)
    thread.join();
  if (!failure.empty()) {
    throw UsageError(option + ": cannot start " + std::to_string(threads) + " threads (" +
                     std::to_string(started.size() + 1) + " started: " + failure +
                     "); ask for fewer, or raise the process limits (ulimit -u, ulimit -v)");
  }
}

}  // namespace funnelsim::cli
