#include "progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace funnelsim::cli {
namespace {

std::string clock_time(double seconds) {
  const auto total = static_cast<long>(seconds + 0.5);
  char text[32];
  if (total >= 3600) {
    std::snprintf(text, sizeof text, "%ld:%02ld:%02ld", total / 3600, total / 60 % 60, total % 60);
  } else {
    std::snprintf(text, sizeof text, "%ld:%02ld", total / 60, total % 60);
  }
  return text;
}

}  // namespace

bool stderr_is_terminal() {
  return isatty(STDERR_FILENO) == 1;
}

ProgressBar::ProgressBar(bool enabled, std::string label, std::string unit)
    : enabled_(enabled),
      label_(std::move(label)),
      unit_(std::move(unit)),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

ProgressBar::~ProgressBar() {
  finish();
}

void ProgressBar::update(std::size_t done, std::size_t total) {
  if (!enabled_)
    return;
  const auto now = std::chrono::steady_clock::now();
  if (done < total && now - last_draw_ < std::chrono::milliseconds(100))
    return;
  last_draw_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double fraction = total > 0 ? static_cast<double>(done) / total : 1.0;
  const double rate = elapsed > 0.0 ? done / elapsed : 0.0;
  const double left = rate > 0.0 ? (total - done) / rate : 0.0;
  constexpr int WIDTH = 28;
  std::string bar(static_cast<std::size_t>(fraction * WIDTH), '#');
  bar.resize(WIDTH, '.');
  // A slow count (PDF handouts, a few seconds each) shows its rate with decimals.
  std::fprintf(stderr, "\r%s [%s] %zu/%zu %s  %.*f/s  %s left ", label_.c_str(), bar.c_str(), done,
               total, unit_.c_str(), rate < 10.0 ? 2 : 0, rate, clock_time(left).c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressBar::finish() {
  if (!drawn_)
    return;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
  drawn_ = false;
}

ProgressSink::ProgressSink(sim::ResultSink& inner, std::size_t total, bool enabled,
                           std::string label)
    : inner_(inner), total_(total), bar_(enabled, std::move(label)) {}

void ProgressSink::consume(std::size_t first, std::span<const sim::ReplicationResult> results) {
  inner_.consume(first, results);
  done_ += results.size();
  bar_.update(done_, total_);
}

}  // namespace funnelsim::cli
