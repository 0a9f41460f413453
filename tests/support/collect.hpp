#pragma once
// A results sink that keeps every replication in memory, for tests on small runs.

#include <cmath>
#include <vector>

#include "funnelsim/sim/runner.hpp"

namespace funnelsim::testing {

class CollectingSink final : public sim::ResultSink {
 public:
  void consume(std::size_t first, std::span<const sim::ReplicationResult> results) override {
    if (first != replications.size())
      throw std::logic_error("batches out of order");
    replications.insert(replications.end(), results.begin(), results.end());
  }
  std::vector<sim::ReplicationResult> replications;
};

inline std::vector<sim::ReplicationResult> run(const sim::Model& model, std::size_t replications,
                                               std::uint64_t seed = 20261126, int threads = 0) {
  CollectingSink sink;
  sim::RunOptions options;
  options.seed = seed;
  options.replications = replications;
  options.threads = threads;
  sim::run_replications(model, options, sink);
  return std::move(sink.replications);
}

/// Mean and standard error of the mean of a sample.
struct Estimate {
  double mean = 0.0;
  double standard_error = 0.0;
  double variance = 0.0;
};

inline Estimate estimate(const std::vector<double>& values) {
  Estimate e;
  const double n = static_cast<double>(values.size());
  for (double v : values)
    e.mean += v;
  e.mean /= n;
  for (double v : values)
    e.variance += (v - e.mean) * (v - e.mean);
  e.variance /= n - 1.0;
  e.standard_error = std::sqrt(e.variance / n);
  return e;
}

}  // namespace funnelsim::testing
