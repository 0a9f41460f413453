// Reproducibility: the same model, seed and build give bit-identical results whatever the
// thread count, the batch size and the order in which replications run.

#include <catch2/catch.hpp>

#include "funnelsim/scenarios/load.hpp"
#include "support/collect.hpp"
#include "support/identical.hpp"
#include "support/models.hpp"

namespace sim = funnelsim::sim;
using funnelsim::testing::identical;
using funnelsim::testing::run;

namespace {

sim::Model company() {
  return funnelsim::scenarios::load_scenario_file(std::string(FUNNELSIM_SOURCE_DIR) +
                                                  "/scenarios/branch.yaml")
      .model;
}

}  // namespace

TEST_CASE("One thread and two threads give identical replications", "[engine][determinism]") {
  // The branch with every optional feature on, so that all streams are exercised.
  sim::Model model = company();
  model.teams[0].skill = {0.3, 0.2, 0.1};
  model.teams[0].ramp = {13.0, 0.25};
  model.teams[0].attrition = {0.5, 6.0, sim::LeaverOpportunities::lost};
  model.segments[0].existing_share = 0.3;
  model.segments[0].existing_win_probability = 0.47;
  sim::LeadSource referrals{.name = "referrals",
                            .kind = sim::LeadSourceKind::referral,
                            .team = 0,
                            .per_win = 0.5,
                            .delay_days = sim::Distribution::exponential(20.0)};
  model.sources.push_back(referrals);

  const auto one = run(model, 24, 7, 1);
  const auto two = run(model, 24, 7, 2);
  REQUIRE(one.size() == two.size());
  for (std::size_t i = 0; i < one.size(); ++i)
    CHECK(identical(one[i], two[i]));
}

TEST_CASE("A replication is a pure function of (seed, replication number)",
          "[engine][determinism]") {
  const sim::Model model = company();
  const auto batch = run(model, 6, 99, 2);
  // Replication 4 on its own, outside any batch, after other work on this thread.
  sim::ReplicationResult other;
  sim::simulate_replication(model, 1234, 0, other);
  sim::ReplicationResult alone;
  sim::simulate_replication(model, 99, 4, alone);
  CHECK(identical(alone, batch[4]));
  CHECK_FALSE(identical(alone, batch[3]));

  // A different seed gives different results.
  sim::ReplicationResult reseeded;
  sim::simulate_replication(model, 100, 4, reseeded);
  CHECK_FALSE(identical(alone, reseeded));
}

TEST_CASE("Runs starting at a later replication continue the same sequence",
          "[engine][determinism]") {
  const sim::Model model = company();
  const auto whole = run(model, 8, 5, 2);
  funnelsim::testing::CollectingSink sink;
  sim::RunOptions options;
  options.seed = 5;
  options.first_replication = 5;
  options.replications = 3;
  struct Offset final : sim::ResultSink {
    std::vector<sim::ReplicationResult> results;
    std::size_t first_seen = 0;
    void consume(std::size_t first, std::span<const sim::ReplicationResult> batch) override {
      if (results.empty())
        first_seen = first;
      results.insert(results.end(), batch.begin(), batch.end());
    }
  } tail;
  sim::run_replications(model, options, tail);
  REQUIRE(tail.first_seen == 5);
  REQUIRE(tail.results.size() == 3);
  for (std::size_t i = 0; i < 3; ++i)
    CHECK(identical(tail.results[i], whole[5 + i]));
}

TEST_CASE("A stop request ends the run after whole batches", "[engine]") {
  const sim::Model model = company();
  std::atomic<bool> stop{true};
  funnelsim::testing::CollectingSink sink;
  sim::RunOptions options;
  options.replications = 100;
  options.stop = &stop;
  const sim::RunStats stats = sim::run_replications(model, options, sink);
  CHECK(stats.stopped_early);
  CHECK(stats.replications_done == sink.replications.size());
  CHECK(stats.replications_done < 100);
}

TEST_CASE("A short run is cut into batches small enough to keep every thread busy", "[engine]") {
  // Batches of up to RunOptions::batch replications, but at least four for each thread: 10
  // replications on 2 threads in batches of 8 would leave one thread idle.
  const sim::Model model = company();
  struct BatchSizes final : sim::ResultSink {
    std::vector<std::size_t> sizes;
    void consume(std::size_t, std::span<const sim::ReplicationResult> batch) override {
      sizes.push_back(batch.size());
    }
  };
  const auto batches = [&](std::size_t replications) {
    BatchSizes sink;
    sim::RunOptions options;
    options.replications = replications;
    options.threads = 2;
    options.batch = 8;
    sim::run_replications(model, options, sink);
    return sink.sizes;
  };
  CHECK(batches(10) == std::vector<std::size_t>(10, 1));
  CHECK(batches(43) == std::vector<std::size_t>{5, 5, 5, 5, 5, 5, 5, 5, 3});
  const std::vector<std::size_t> long_run = batches(200);
  CHECK(long_run == std::vector<std::size_t>(25, 8));
}

TEST_CASE("A replication run inside another on the same thread leaves both intact",
          "[engine][determinism]") {
  // Each thread keeps its replication buffers for the next replication; one started while
  // another is running (here from a trace callback) must not take them from under it.
  const sim::Model model = company();
  struct Nesting final : sim::TraceObserver {
    explicit Nesting(const sim::Model& m) : model(m) {}
    void record(const sim::TraceRecord&) override {
      if (records++ == 100)
        sim::simulate_replication(model, 7, 2, inner);
    }
    const sim::Model& model;
    int records = 0;
    sim::ReplicationResult inner;
  } nesting(model);
  sim::ReplicationResult outer;
  sim::simulate_replication(model, 7, 1, outer, &nesting);
  REQUIRE(nesting.records > 100);

  sim::ReplicationResult inner_alone;
  sim::ReplicationResult outer_alone;
  sim::simulate_replication(model, 7, 2, inner_alone);
  sim::simulate_replication(model, 7, 1, outer_alone);
  CHECK(identical(nesting.inner, inner_alone));
  CHECK(identical(outer, outer_alone));
}
