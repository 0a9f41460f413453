#pragma once
// The command line the small bench programs share: `--replications N` and `--scenario FILE`.

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

namespace funnelsim::bench {

struct BenchArguments {
  std::size_t replications = 0;
  std::string scenario = std::string(FUNNELSIM_SOURCE_DIR) + "/scenarios/branch.yaml";
};

/// The arguments, or nothing after printing the usage of `program` (exit code 2 then).
inline std::optional<BenchArguments> parse_bench_arguments(int argc, char** argv,
                                                           const char* program,
                                                           std::size_t replications) {
  BenchArguments arguments;
  arguments.replications = replications;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--replications" && i + 1 < argc) {
      arguments.replications = std::strtoul(argv[++i], nullptr, 10);
    } else if (arg == "--scenario" && i + 1 < argc) {
      arguments.scenario = argv[++i];
    } else {
      std::fprintf(stderr, "usage: %s [--replications N] [--scenario FILE]\n", program);
      return std::nullopt;
    }
  }
  return arguments;
}

}  // namespace funnelsim::bench
