// Every numeric option has a documented domain: a value outside it, negative, fractional, in
// another base or past 2^64 - 1 is refused with exit code 2 and the domain, never clamped or
// wrapped (CLI11 alone reads `-n -1` as 2^64 - 1 and `--seed 1e30`-like digits as 2^64 - 1).

#include <string>

#include <catch2/catch.hpp>

#include "support/shell.hpp"
#include "support/temporary_directory.hpp"

namespace {

const std::string SOURCE = FUNNELSIM_SOURCE_DIR;

}  // namespace

TEST_CASE("out-of-range, negative and non-decimal integers are refused with the domain", "[cli]") {
  const funnelsim::testing::TemporaryDirectory directory;
  const std::string run = "run " + SOURCE + "/scenarios/branch.yaml -q -o " +
                          (directory.path() / "r.h5").string() + " ";
  const std::string plan = "plan headcount " + SOURCE +
                           "/scenarios/branch.yaml --team territory --quota 100 "
                           "--probability 0.5 -q ";
  struct Case {
    std::string arguments;
    std::string domain;
  };
  const Case cases[] = {
      {run + "--seed 99999999999999999999999", "0..18446744073709551615"},
      {run + "--seed -1", "0..18446744073709551615"},
      {run + "--seed 1.5", "0..18446744073709551615"},
      {run + "--seed 0x10", "0..18446744073709551615"},
      {run + "-n -1", "1..100000000"},
      {run + "-n 18446744073709551615", "1..100000000"},
      {run + "--threads -1", "0..256"},
      {run + "--threads 4096", "0..256"},
      {run + "--forecast-samples -1", "0..10000"},
      {run + "--forecast-samples 99999999999", "0..10000"},
      {run + "--replication -1", "0..9223372036854775807"},
      {plan + "--seed 18446744073709551616", "0..18446744073709551615"},
      {plan + "--threads 100000", "0..256"},
      {plan + "-n -1", "1..100000000"},
      {plan + "--max-headcount 4294967297", "1..100000"},
      {"exercise diagnose --seed -5", "0..18446744073709551615"},
      {"forecast " + SOURCE + "/tests/bad_inputs/none.yaml --seed 99999999999999999999",
       "0..18446744073709551615"},
      {"forecast " + SOURCE + "/tests/bad_inputs/none.yaml --samples -1", "1..10000000"},
  };
  for (const Case& c : cases) {
    INFO(c.arguments);
    const auto outcome = funnelsim::testing::run_cli(c.arguments);
    INFO(outcome.output);
    CHECK(outcome.exit_code == 2);
    CHECK_THAT(outcome.output, Catch::Contains("must be an integer in " + c.domain));
  }
}

TEST_CASE("the largest seed is a seed, and --help states the domain", "[cli]") {
  const funnelsim::testing::TemporaryDirectory directory;
  const auto outcome = funnelsim::testing::run_cli(
      "run " + SOURCE + "/scenarios/branch.yaml -q -n 2 --seed 18446744073709551615 -o " +
      (directory.path() / "r.h5").string());
  INFO(outcome.output);
  CHECK(outcome.exit_code == 0);
  const auto help = funnelsim::testing::run_cli("run --help");
  CHECK_THAT(help.output, Catch::Contains("0..18446744073709551615"));
}

TEST_CASE("more threads than the process may start is a clean refusal, not an abort", "[cli]") {
  // 1 GiB of address space cannot hold 256 threads' 8 MiB stacks: oneTBB aborted (exit 134,
  // "pthread_create has failed") when it could not start a worker.
  const funnelsim::testing::TemporaryDirectory directory;
  const auto outcome = funnelsim::testing::shell_output(
      "ulimit -s 8192; ulimit -v 1048576; " + std::string(FUNNELSIM_CLI) + " run " + SOURCE +
      "/scenarios/branch.yaml -q -n 4 --threads 256 -o " + (directory.path() / "r.h5").string() +
      " 2>&1");
  INFO(outcome.output);
  CHECK(outcome.exit_code == 2);
  // Refused by the memory estimate (their stacks do not fit the address-space limit) or, where
  // the estimate lets them through, by the start of the threads; either names --threads.
  CHECK_THAT(outcome.output, Catch::StartsWith("--threads: cannot start 256 threads") ||
                                 Catch::StartsWith("--threads: the run would need about"));
}
