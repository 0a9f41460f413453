// libFuzzer target: fuzzed `--set PATH=VALUE` assignments, and the same assignments as a
// variant's `set` and `scale`, on a small valid scenario whose stages, teams and distributions
// share nodes through YAML aliases. Each either loads or throws InputError; anything else (a
// crash, a sanitizer report, another exception, a hang) is a bug. And the baseline is what the
// assignments alone make of the file, whatever the variants do.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "funnelsim/scenarios/error.hpp"
#include "funnelsim/scenarios/load.hpp"
#include "funnelsim/scenarios/variants.hpp"

namespace {

const std::string BASE = R"(name: fuzz
calendar: {weeks_per_quarter: 2, quarters: 1}
segments:
  - &segment
    name: small
    stages:
      - &stage {name: intent, win_probability: 0.2, days: &d {dist: gamma, mean: 7, cv: 0.5}}
      - {name: negotiation, win_probability: 0.7, days: *d}
    deal_size: {dist: empirical, buckets: [{min: 0, max: 2, count: 3}, {min: 2, count: 1, mean: 4}]}
teams:
  - &team {name: a, segment: small, headcount: 2, prospects_per_week: 5, quota_per_quarter: &q [25, 30]}
  - {name: b, segment: small, headcount: 1, prospects_per_week: 2, quota_per_quarter: *q}
)";

constexpr std::size_t MAX_ASSIGNMENTS = 8;

/// `text` as a double-quoted YAML scalar.
std::string quoted(std::string_view text) {
  std::string result = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      result += '\\';
    }
    result += c;
  }
  return result + "\"";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  // One assignment a line.
  std::vector<std::string> assignments;
  std::size_t start = 0;
  while (start <= input.size() && assignments.size() < MAX_ASSIGNMENTS) {
    std::size_t end = input.find('\n', start);
    if (end == std::string_view::npos) {
      end = input.size();
    }
    if (end > start) {
      assignments.emplace_back(input.substr(start, end - start));
    }
    start = end + 1;
  }
  std::string set;
  std::string scale;
  for (const std::string& assignment : assignments) {
    const std::size_t equals = assignment.find('=');
    if (equals == std::string::npos) {
      continue;
    }
    const std::string path = quoted(assignment.substr(0, equals));
    set += "      " + path + ": " + quoted(assignment.substr(equals + 1)) + "\n";
    scale += "      " + path + ": 1.5\n";
  }
  const std::string with_variants =
      BASE + "variants:\n  - name: set\n    set:\n" + (set.empty() ? "      {}\n" : set) +
      "  - name: scale\n    scale:\n" + (scale.empty() ? "      {}\n" : scale);
  try {
    const auto loaded =
        funnelsim::scenarios::load_scenario_set_text(BASE, "fuzz.yaml", assignments);
    try {
      const auto varied =
          funnelsim::scenarios::load_scenario_set_text(with_variants, "fuzz.yaml", assignments);
      // Variants never change the baseline, aliases or not.
      if (varied.variants.front().scenario.resolved_yaml !=
          loaded.variants.front().scenario.resolved_yaml) {
        __builtin_trap();
      }
    } catch (const funnelsim::scenarios::InputError&) {
      // A variant may make the scenario invalid.
    }
  } catch (const funnelsim::scenarios::InputError&) {
    // The expected way to refuse bad input.
  }
  return 0;
}
