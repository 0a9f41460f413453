// The untraced replication, the hot path: its own translation unit, so that g++ spends its
// inlining budget on it alone. The engine is in replication.hpp.

#include "replication.hpp"

namespace funnelsim::sim {

void simulate_replication(const Model& model, std::uint64_t seed, std::uint64_t replication,
                          ReplicationResult& out, TraceObserver* trace) {
  if (trace != nullptr)
    simulate_traced_replication(model, seed, replication, out, *trace);
  else
    run_in_workspace<false>(model, seed, replication, out, nullptr);
}

}  // namespace funnelsim::sim
