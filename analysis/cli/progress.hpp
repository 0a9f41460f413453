#pragma once
// A progress bar on stderr for long runs: replications done, rate and time left.

#include <chrono>
#include <cstddef>
#include <string>

#include "funnelsim/sim/runner.hpp"

namespace funnelsim::cli {

/// Passes batches on to `inner` and redraws the bar at most ten times a second. Draws
/// nothing unless `enabled` (a terminal on stderr and no --quiet).
class ProgressSink final : public sim::ResultSink {
 public:
  ProgressSink(sim::ResultSink& inner, std::size_t total, bool enabled, std::string label);
  ~ProgressSink() override;

  void consume(std::size_t first, std::span<const sim::ReplicationResult> results) override;
  /// Clears the bar's line, so that what is printed next starts on a clean line.
  void finish();

 private:
  void draw(bool force);

  sim::ResultSink& inner_;
  std::size_t total_;
  std::size_t done_ = 0;
  bool enabled_;
  bool drawn_ = false;
  std::string label_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

/// Whether stderr is a terminal.
bool stderr_is_terminal();

}  // namespace funnelsim::cli
