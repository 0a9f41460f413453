// The traced replication: every stage end an event, leads one at a time, every path kept, and
// a trace observer told of each. Rarely run, so it has a translation unit of its own, away
// from the untraced hot path's (replication.cpp). The engine is in replication.hpp.

#include "replication.hpp"

namespace funnelsim::sim {

void simulate_traced_replication(const Model& model, std::uint64_t seed, std::uint64_t replication,
                                 ReplicationResult& out, TraceObserver& trace) {
  run_in_workspace<true>(model, seed, replication, out, &trace);
}

}  // namespace funnelsim::sim
