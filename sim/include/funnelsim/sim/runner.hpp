#pragma once
/// Monte Carlo replications in parallel on oneTBB, delivered to a sink in replication order.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>

#include "funnelsim/sim/model.hpp"
#include "funnelsim/sim/results.hpp"
#include "funnelsim/sim/trace.hpp"

namespace funnelsim::sim {

/// Work on each finished replication, done on the worker thread that simulated it before the
/// replication reaches the sink: derived results that cost real time (the analysis layer's
/// weekly forecasts) are computed in parallel rather than in the serial sink.
class ReplicationHook {
 public:
  virtual ~ReplicationHook() = default;
  virtual void after(std::uint64_t replication, ReplicationResult& result) const = 0;
};

struct RunOptions {
  std::uint64_t seed = 42;
  std::size_t replications = 1000;
  std::size_t first_replication = 0;        ///< replication numbers key the random streams
  int threads = 0;                          ///< 0: all cores
  std::size_t batch = 8;                    ///< most replications per task and sink call (fewer
                                            ///< when a short run would leave threads idle)
  const std::atomic<bool>* stop = nullptr;  ///< set to stop early (finished batches are kept)
  const ReplicationHook* hook = nullptr;    ///< called on each replication before the sink
};

/// Receives finished replications. Calls are serial and in replication order, so a sink
/// needs no locking and its output does not depend on scheduling.
class ResultSink {
 public:
  virtual ~ResultSink() = default;
  /// `results[i]` is replication `first + i`.
  virtual void consume(std::size_t first, std::span<const ReplicationResult> results) = 0;
};

struct RunStats {
  std::size_t replications_done = 0;
  std::uint64_t events = 0;
  std::uint64_t leads_resolved = 0;
  bool stopped_early = false;
};

/// Simulates replications [first, first + replications) and hands each batch to `sink`.
/// Results are bit-identical for any thread count: each replication's randomness is a pure
/// function of (seed, replication, entity, purpose) and each runs on one thread.
RunStats run_replications(const Model& model, const RunOptions& options, ResultSink& sink);

/// Simulates one replication on the calling thread; `trace`, if given, sees every event.
void simulate_replication(const Model& model, std::uint64_t seed, std::uint64_t replication,
                          ReplicationResult& out, TraceObserver* trace = nullptr);

}  // namespace funnelsim::sim
