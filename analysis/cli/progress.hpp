#pragma once
// A progress bar on stderr for long runs: replications done, rate and time left.

#include <chrono>
#include <cstddef>
#include <string>

#include "funnelsim/sim/runner.hpp"

namespace funnelsim::cli {

/// Redraws one line on stderr at most ten times a second. Draws nothing unless `enabled`
/// (a terminal on stderr and no --quiet). `unit` names what is counted ("handouts").
class ProgressBar {
 public:
  ProgressBar(bool enabled, std::string label, std::string unit = "replications");
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  void update(std::size_t done, std::size_t total);
  /// Clears the bar's line, so that what is printed next starts on a clean line.
  void finish();

 private:
  bool enabled_;
  bool drawn_ = false;
  std::string label_;
  std::string unit_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

/// Passes batches on to `inner` and shows them on a ProgressBar.
class ProgressSink final : public sim::ResultSink {
 public:
  ProgressSink(sim::ResultSink& inner, std::size_t total, bool enabled, std::string label);

  void consume(std::size_t first, std::span<const sim::ReplicationResult> results) override;
  void finish() { bar_.finish(); }

 private:
  sim::ResultSink& inner_;
  std::size_t total_;
  std::size_t done_ = 0;
  ProgressBar bar_;
};

/// Whether stderr is a terminal.
bool stderr_is_terminal();

}  // namespace funnelsim::cli
