// The cost of a sales organisation: the team keys cost_per_rep_per_quarter and commission_rate,
// and the `cost` dataset every variant of a results file carries.

#include <hdf5.h>
#include <stdlib.h>  // mkdtemp

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "funnelsim/report/compare.hpp"
#include "funnelsim/results/results_file.hpp"
#include "funnelsim/scenarios/load.hpp"
#include "funnelsim/sim/results.hpp"
#include "support/models.hpp"
#include "support/temporary_directory.hpp"

namespace {

namespace fs = std::filesystem;
namespace sim = funnelsim::sim;
using Catch::Matchers::Contains;
using funnelsim::analysis::ResultsReader;
using funnelsim::analysis::ResultsWriter;
using funnelsim::scenarios::InputError;
using funnelsim::scenarios::load_scenario_text;

/// Each test's scratch directory, removed with its contents.
struct TemporaryDirectory : funnelsim::testing::TemporaryDirectory {
  TemporaryDirectory() : funnelsim::testing::TemporaryDirectory("funnelsim-cost") {}
};

/// Two teams on one segment: territory (2 reps) and key-account (1 rep), with `extra` YAML
/// keys on the territory team.
std::string scenario(const std::string& extra) {
  return "name: cost\n"
         "segments:\n"
         "  - name: small\n"
         "    stages:\n"
         "      - {name: intent, win_probability: 0.2, days: 7}\n"
         "    deal_size: 2\n"
         "teams:\n"
         "  - {name: territory, segment: small, headcount: 2, prospects_per_week: 5" +
         extra +
         "}\n"
         "  - {name: key-account, segment: small, headcount: 1, prospects_per_week: 1}\n"
         "quota: {annual: 100}\n";
}

InputError error_of(const std::string& text) {
  try {
    load_scenario_text(text, "cost.yaml");
  } catch (const InputError& error) {
    return error;
  }
  FAIL("loaded without an error");
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("Teams read their cost per rep and commission rate, 0 by default", "[cost]") {
  const auto loaded =
      load_scenario_text(scenario(", cost_per_rep_per_quarter: 6.5, commission_rate: 0.05"), "c");
  CHECK(loaded.model.teams[0].cost_per_rep_per_quarter == 6.5);
  CHECK(loaded.model.teams[0].commission_rate == 0.05);
  CHECK(loaded.model.teams[1].cost_per_rep_per_quarter == 0.0);
  CHECK(loaded.model.teams[1].commission_rate == 0.0);
  // The resolved text keeps them, so a results file reproduces the costs.
  const auto again = load_scenario_text(loaded.resolved_yaml, "resolved");
  CHECK(again.model.teams[0].cost_per_rep_per_quarter == 6.5);
  CHECK(again.model.teams[0].commission_rate == 0.05);
  // Both ends of the commission range are allowed.
  CHECK(load_scenario_text(scenario(", commission_rate: 1"), "c").model.teams[0].commission_rate ==
        1.0);
  CHECK(load_scenario_text(scenario(", commission_rate: 0"), "c").model.teams[0].commission_rate ==
        0.0);
}

TEST_CASE("Bad costs are located and name the value wanted", "[cost]") {
  SECTION("a negative cost per rep") {
    const InputError error = error_of(scenario(", cost_per_rep_per_quarter: -1"));
    CHECK(error.key_path() == "teams.territory.cost_per_rep_per_quarter");
    CHECK(error.line() == 8);
    CHECK_THAT(error.message(), Contains("[0, 1e+12]") && Contains("-1"));
  }
  SECTION("a commission rate above 1") {
    const InputError error = error_of(scenario(", commission_rate: 1.5"));
    CHECK(error.key_path() == "teams.territory.commission_rate");
    CHECK_THAT(error.message(), Contains("[0, 1]") && Contains("1.5"));
  }
  SECTION("a misspelt key suggests the right one") {
    const InputError error = error_of(scenario(", comission_rate: 0.1"));
    CHECK_THAT(error.what(), Contains("commission_rate"));
  }
}

TEST_CASE("Every variant stores its cost: headcount x cost per rep + commission", "[cost]") {
  // Territory: 2 reps at 3 万 a quarter and 10% commission; key-account: 1 rep at 7 万 and 2%.
  sim::Model model = funnelsim::testing::funnel_model(5.0, {0.2, 0.35, 0.7}, 2, 2.0, 2);
  model.teams[0].cost_per_rep_per_quarter = 3.0;
  model.teams[0].commission_rate = 0.10;
  sim::Team key_account = model.teams[0];
  key_account.name = "key-account";
  key_account.headcount = 1;
  key_account.cost_per_rep_per_quarter = 7.0;
  key_account.commission_rate = 0.02;
  model.teams.push_back(key_account);

  // Rep p books 10 (p + 1) (r + 1) + q 万 in quarter q of replication r.
  const sim::ResultShape shape(model);
  std::vector<sim::ReplicationResult> results(2);
  for (std::size_t r = 0; r < results.size(); ++r) {
    results[r].reset(shape);
    for (int p = 0; p < shape.reps; ++p) {
      for (int q = 0; q < shape.quarters; ++q) {
        const double amount = 10.0 * (p + 1) * static_cast<double>(r + 1) + q;
        results[r].rep_bookings[static_cast<std::size_t>(p * shape.quarters + q)] = amount;
        results[r].bookings[static_cast<std::size_t>(q)] += amount;
        results[r].segments[0].bookings[static_cast<std::size_t>(q)] += amount;
      }
    }
  }
  TemporaryDirectory directory;
  const fs::path path = directory / "cost.h5";
  {
    ResultsWriter writer(path, {"name: test\n", "test", 1, 2, 0}, false);
    writer.add_variant("baseline", model, "name: test\n").consume(0, results);
    writer.commit(2);
  }

  const ResultsReader reader(path);
  const auto cost = reader.read_matrix("baseline", "cost");
  REQUIRE(cost.rows == 2);
  REQUIRE(cost.cols == 2);
  for (std::size_t r = 0; r < 2; ++r) {
    for (int q = 0; q < 2; ++q) {
      const double scale = static_cast<double>(r + 1);
      // Reps 0 and 1 are territory's, rep 2 key-account's.
      const double commission =
          0.10 * (10.0 * scale + q) + 0.10 * (20.0 * scale + q) + 0.02 * (30.0 * scale + q);
      CHECK(cost.at(r, static_cast<std::size_t>(q)) ==
            Approx(2 * 3.0 + 1 * 7.0 + commission).epsilon(1e-12));
    }
  }
  const auto info = reader.dataset_info("baseline", "cost");
  CHECK(info.units == "万");
  CHECK(info.dims == std::vector<std::string>{"replication", "quarter"});
}

TEST_CASE("A results file written before costs existed reads as costing nothing", "[cost]") {
  const sim::Model model = funnelsim::testing::funnel_model(5.0, {0.2, 0.35, 0.7}, 2, 2.0, 2);
  const sim::ResultShape shape(model);
  std::vector<sim::ReplicationResult> results(3);
  for (std::size_t r = 0; r < results.size(); ++r) {
    results[r].reset(shape);
    results[r].bookings = {40.0 + static_cast<double>(r), 30.0};
    results[r].rep_bookings = {20.0 + static_cast<double>(r), 15.0, 20.0, 15.0};
    results[r].segments[0].bookings = results[r].bookings;
  }
  TemporaryDirectory directory;
  const fs::path path = directory / "old.h5";
  {
    ResultsWriter writer(path, {"name: test\n", "test", 1, 3, 0}, false);
    writer.add_variant("baseline", model, "name: test\n").consume(0, results);
    writer.commit(3);
  }
  // Remove the dataset, as in a file of an earlier funnelsim.
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  REQUIRE(file >= 0);
  REQUIRE(H5Ldelete(file, "variants/baseline/cost", H5P_DEFAULT) >= 0);
  REQUIRE(H5Fclose(file) >= 0);

  const ResultsReader reader(path);
  const auto comparison = funnelsim::analysis::compare_variants(reader, {});
  CHECK(comparison.variants.front().cost == 0.0);
  CHECK_FALSE(comparison.has_cost);
  CHECK(comparison.variants.front().mean == Approx(71.0));
}
