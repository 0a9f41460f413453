#include "funnelsim/forecast/simulation_model.hpp"

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <stdexcept>

#include "funnelsim/sim/runner.hpp"
#include "funnelsim/sim/trace.hpp"

namespace funnelsim::analysis {
namespace {

constexpr double DAYS_PER_WEEK = 7.0;
/// The τ-quantile of sorted values, interpolated between order statistics (Hyndman and Fan's
/// type 7, numpy's default).
double empirical_quantile(const std::vector<double>& sorted, double tau) {
  const double h = tau * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(h));
  const std::size_t above = std::min(below + 1, sorted.size() - 1);
  return sorted[below] + (h - static_cast<double>(below)) * (sorted[above] - sorted[below]);
}

/// What one pilot replication shows, reduced to what the model learns: every opportunity's
/// stays in its stages, cut at the measured weeks' ends (where a run records its funnel), and
/// its win. Built from the events alone, so the engine need not list its open opportunities.
class PilotTrace final : public sim::TraceObserver {
 public:
  struct Open {
    std::uint64_t opportunity;
    int measured;
    int segment;
    int stage;
    double amount;
  };
  struct Win {
    std::uint64_t opportunity;
    int segment;
    double time;
    double amount;
  };

  PilotTrace(double start, int measured_weeks) : start_(start), measured_weeks_(measured_weeks) {}

  /// Empty for the next replication, keeping the memory (a thread reuses its trace).
  void clear() {
    created.clear();
    wins.clear();
    opens.clear();
    live_.clear();
  }

  void record(const sim::TraceRecord& record) override {
    const std::uint64_t id = record.opportunity;
    switch (record.event) {
      case sim::TraceEvent::lead:
        if (live_.size() <= id) {
          live_.resize(id + 1);
          created.resize(id + 1, std::numeric_limits<double>::quiet_NaN());
        }
        created[id] = record.time;
        live_[id] = {record.segment, 0, record.time, record.amount};
        break;
      case sim::TraceEvent::advance:
        if (id < live_.size() && live_[id].stage >= 0) {
          leave(id, record.time);
          live_[id].stage = record.stage + 1;
          live_[id].entered = record.time;
        }
        break;
      case sim::TraceEvent::win:
        wins.push_back({id, record.segment, record.time, record.amount});
        [[fallthrough]];
      case sim::TraceEvent::loss:
      case sim::TraceEvent::stall:
      case sim::TraceEvent::dropped:
        if (id < live_.size() && live_[id].stage >= 0) {
          leave(id, record.time);
          live_[id].stage = -1;
        }
        break;
      default:
        break;
    }
  }

  /// Opportunities still open when the replication ends are open at every later week's end.
  void finish() {
    for (std::uint64_t id = 0; id < live_.size(); ++id) {
      if (live_[id].stage >= 0)
        leave(id, std::numeric_limits<double>::infinity());
    }
  }

  std::vector<double> created;  ///< [opportunity]: day it entered its first stage
  std::vector<Win> wins;
  std::vector<Open> opens;

 private:
  struct Live {
    int segment = 0;
    int stage = -1;  ///< -1: not open
    double entered = 0.0;
    double amount = 0.0;
  };

  /// The opportunity leaves its stage at `time`: it was open in it at every measured week's end
  /// in [entered, time).
  void leave(std::uint64_t id, double time) {
    const Live& o = live_[id];
    int m = std::max(0, static_cast<int>(std::ceil((o.entered - start_) / DAYS_PER_WEEK)) - 1);
    for (; m < measured_weeks_; ++m) {
      const double end = start_ + (m + 1) * DAYS_PER_WEEK;
      if (end < o.entered)
        continue;
      if (end >= time)
        break;
      opens.push_back({id, m, o.segment, o.stage, o.amount});
    }
  }

  double start_;
  int measured_weeks_;
  std::vector<Live> live_;
};

/// One pilot replication's sums, per stage cell and per new-business cell.
struct PilotSums {
  struct Stage {
    double open_amount = 0.0;
    double won_amount = 0.0;
    double count = 0.0;
    double r1 = 0.0;
    double r2 = 0.0;
  };
  struct New {
    double s1 = 0.0;
    double s2 = 0.0;
  };
  std::vector<Stage> stages;
  std::vector<New> news;
};

/// Pilot replications simulated in parallel between two poolings.
constexpr std::size_t PILOT_BLOCK = 64;

/// The pilot's seed: its streams are keyed apart from the run's for every replication number
/// (splitmix64's finaliser of the seed and a tag).
std::uint64_t pilot_seed_of(std::uint64_t seed) {
  std::uint64_t z = seed ^ 0x70696c6f74ULL;  // "pilot"
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

std::size_t SimulationForecastModel::stage_index(int measured, std::size_t segment,
                                                 std::size_t stage) const {
  return static_cast<std::size_t>(measured) * stages_total_ + stage_offset_[segment] + stage;
}

SimulationForecastModel::SimulationForecastModel(const sim::Model& model, std::uint64_t seed,
                                                 std::size_t pilot, int threads,
                                                 const PilotHooks& hooks)
    : model_(model), pilot_(pilot) {
  if (pilot == 0)
    throw std::invalid_argument("SimulationForecastModel: no pilot replications");
  const sim::Calendar& calendar = model.calendar;
  const int weeks = calendar.weeks_per_quarter;
  const int measured_weeks = calendar.measured_weeks();
  const std::size_t segments = model.segments.size();
  for (const sim::Segment& segment : model.segments) {
    stage_offset_.push_back(stages_total_);
    stages_total_ += segment.stages.size();
  }
  const std::size_t stage_cells = static_cast<std::size_t>(measured_weeks) * stages_total_;
  const std::size_t new_cells = static_cast<std::size_t>(measured_weeks) * segments;
  const double start = calendar.warmup_weeks * DAYS_PER_WEEK;
  const auto week_end = [&](int measured) { return start + (measured + 1) * DAYS_PER_WEEK; };
  const auto quarter_end = [&](int measured) {
    return start + (measured / weeks + 1) * weeks * DAYS_PER_WEEK;
  };

  // Blocks of pilot replications in parallel, each pooled in replication order as its block
  // ends: the same numbers for any thread count, and memory for one block of traces at most.
  const std::uint64_t pilot_seed = pilot_seed_of(seed);
  std::vector<PilotSums::Stage> stages(stage_cells);
  std::vector<PilotSums::New> news(new_cells);
  std::vector<sim::ReplicationResult> results(pilot);
  struct Workspace {
    PilotTrace trace;
    std::vector<double> won_time;
    std::vector<double> won_amount;
  };
  tbb::enumerable_thread_specific<Workspace> workspaces([&] {
    return Workspace{PilotTrace(start, measured_weeks), {}, {}};
  });
  // As the run's own threads: more than the process's worker limit raise it for the pilot.
  const int workers = threads > 0 ? threads : tbb::this_task_arena::max_concurrency();
  std::optional<tbb::global_control> wider;
  if (static_cast<std::size_t>(workers) >
      tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism))
    wider.emplace(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(workers));
  tbb::task_arena arena(workers);
  const auto stopped = [&] { return hooks.stop && hooks.stop->load(std::memory_order_relaxed); };
  for (std::size_t first = 0; first < pilot; first += PILOT_BLOCK) {
    if (stopped()) {
      complete_ = false;
      return;
    }
    if (hooks.progress)
      hooks.progress(first);
    const std::size_t block = std::min(PILOT_BLOCK, pilot - first);
    std::vector<PilotSums> sums(block);
    arena.execute([&] {
      tbb::parallel_for(tbb::blocked_range<std::size_t>(0, block), [&](const auto& range) {
        for (std::size_t b = range.begin(); b != range.end(); ++b) {
          const std::size_t k = first + b;
          PilotSums& out = sums[b];
          if (stopped())
            continue;  // the block is thrown away below
          Workspace& work = workspaces.local();
          PilotTrace& trace = work.trace;
          trace.clear();
          sim::simulate_replication(model, pilot_seed, k, results[k], &trace);
          trace.finish();
          out.stages.assign(stage_cells, {});
          out.news.assign(new_cells, {});
          std::vector<double>& won_time = work.won_time;
          std::vector<double>& won_amount = work.won_amount;
          won_time.assign(trace.created.size() + 1, std::numeric_limits<double>::infinity());
          won_amount.assign(won_time.size(), 0.0);
          for (const PilotTrace::Win& win : trace.wins) {
            if (win.opportunity >= won_time.size()) {
              won_time.resize(win.opportunity + 1, std::numeric_limits<double>::infinity());
              won_amount.resize(win.opportunity + 1, 0.0);
            }
            won_time[win.opportunity] = win.time;
            won_amount[win.opportunity] = win.amount;
          }
          // Each stage cell's average open amount, to express outcomes in units of it.
          for (const PilotTrace::Open& o : trace.opens) {
            PilotSums::Stage& cell =
                out.stages[stage_index(o.measured, static_cast<std::size_t>(o.segment),
                                       static_cast<std::size_t>(o.stage))];
            cell.open_amount += o.amount;
            cell.count += 1.0;
          }
          for (const PilotTrace::Open& o : trace.opens) {
            PilotSums::Stage& cell =
                out.stages[stage_index(o.measured, static_cast<std::size_t>(o.segment),
                                       static_cast<std::size_t>(o.stage))];
            const double won = won_time[o.opportunity] <= quarter_end(o.measured)
                                   ? won_amount[o.opportunity]
                                   : 0.0;
            const double average = cell.open_amount / cell.count;
            const double x = average > 0.0 ? won / average : 0.0;
            cell.won_amount += won;
            cell.r1 += x;
            cell.r2 += x * x;
          }
          // New business: a win whose opportunity was created after a week's end in its quarter.
          for (const PilotTrace::Win& win : trace.wins) {
            if (win.time < start || win.opportunity >= trace.created.size())
              continue;
            const double created = trace.created[win.opportunity];
            const int quarter = static_cast<int>((win.time - start) / (weeks * DAYS_PER_WEEK));
            if (std::isnan(created) || quarter >= calendar.quarters)
              continue;
            for (int m = quarter * weeks; m < (quarter + 1) * weeks && week_end(m) < created; ++m) {
              PilotSums::New& cell = out.news[static_cast<std::size_t>(m) * segments +
                                              static_cast<std::size_t>(win.segment)];
              cell.s1 += win.amount;
              cell.s2 += win.amount * win.amount;
            }
          }
        }
      });
    });
    if (stopped()) {
      complete_ = false;
      return;
    }
    for (const PilotSums& one : sums) {
      for (std::size_t c = 0; c < stage_cells; ++c) {
        stages[c].open_amount += one.stages[c].open_amount;
        stages[c].won_amount += one.stages[c].won_amount;
        stages[c].count += one.stages[c].count;
        stages[c].r1 += one.stages[c].r1;
        stages[c].r2 += one.stages[c].r2;
      }
      for (std::size_t c = 0; c < new_cells; ++c) {
        news[c].s1 += one.news[c].s1;
        news[c].s2 += one.news[c].s2;
      }
    }
  }
  if (hooks.progress)
    hooks.progress(pilot);
  stage_cells_.resize(stage_cells);
  for (std::size_t c = 0; c < stage_cells; ++c) {
    const PilotSums::Stage& s = stages[c];
    StageCell& cell = stage_cells_[c];
    cell.seen = s.count > 0.0;
    if (!cell.seen)
      continue;
    cell.share = s.open_amount > 0.0 ? s.won_amount / s.open_amount : 0.0;
    cell.r1 = s.r1 / s.count;
    cell.r2 = s.r2 / s.count;
  }
  const double n = static_cast<double>(pilot);
  new_cells_.resize(new_cells);
  for (std::size_t c = 0; c < new_cells; ++c)
    new_cells_[c] = {news[c].s1 / n, news[c].s2 / n};

  // The shape of the outlook: each pilot week's remaining bookings, standardised by the
  // model's own mean and spread, pooled by week of the quarter. Their empirical quantiles carry
  // what the independent outcomes leave out (a rep's skill shared by all of its deals, referrals
  // that come in bunches, attrition, a lumpy last week) into the quantiles a run reports.
  std::vector<std::vector<double>> residuals(static_cast<std::size_t>(weeks));
  for (const sim::ReplicationResult& one : results) {
    for (int m = 0; m < measured_weeks; ++m) {
      if ((m + 1) % weeks == 0)
        continue;  // nothing remains after a quarter's last week
      const Cumulants c = cumulants(one, m);
      if (c.k2 <= 0.0)
        continue;
      double realized = 0.0;
      for (const sim::SegmentResult& segment : one.segments)
        realized += segment.realized[static_cast<std::size_t>(m)];
      const double actual = one.bookings[static_cast<std::size_t>(m / weeks)] - realized;
      residuals[static_cast<std::size_t>(m % weeks)].push_back((actual - c.k1) / std::sqrt(c.k2));
    }
  }
  shape_.assign(static_cast<std::size_t>(weeks), {});
  for (std::size_t w = 0; w < residuals.size(); ++w) {
    std::vector<double>& z = residuals[w];
    if (z.empty())
      continue;
    std::sort(z.begin(), z.end());
    shape_[w] = {empirical_quantile(z, 0.1), empirical_quantile(z, 0.5),
                 empirical_quantile(z, 0.9)};
  }
}

SimulationForecastModel::Cumulants SimulationForecastModel::cumulants(
    const sim::ReplicationResult& result, int measured) const {
  Cumulants out;
  const auto m = static_cast<std::size_t>(measured);
  for (std::size_t s = 0; s < model_.segments.size(); ++s) {
    const sim::Segment& segment = model_.segments[s];
    const sim::SegmentResult& data = result.segments[s];
    const std::size_t stages = segment.stages.size();
    for (std::size_t i = 0; i < stages; ++i) {
      const auto count = static_cast<double>(data.funnel_count[m * stages + i]);
      const double amount = data.funnel_amount[m * stages + i];
      if (count <= 0.0)
        continue;
      const StageCell& cell = stage_cells_[stage_index(measured, s, i)];
      const double average = amount / count;
      if (!cell.seen) {
        // The pilot never saw this stage open at this week: the stage's win probability, as
        // independent wins.
        const double p = segment.stages[i].win_probability;
        out.k1 += p * amount;
        out.k2 += count * average * average * p * (1.0 - p);
        continue;
      }
      out.k1 += cell.share * amount;
      out.k2 += count * average * average * std::max(0.0, cell.r2 - cell.r1 * cell.r1);
    }
    const NewCell& fresh = new_cells_[m * model_.segments.size() + s];
    out.k1 += fresh.k1;
    out.k2 += fresh.k2;
  }
  return out;
}

SimulationForecastModel::Outlook SimulationForecastModel::remaining(
    const sim::ReplicationResult& result, int measured) const {
  const Cumulants c = cumulants(result, measured);
  Outlook out;
  out.mean = std::max(0.0, c.k1);
  const Shape& shape =
      shape_[static_cast<std::size_t>(measured % model_.calendar.weeks_per_quarter)];
  if (c.k2 <= 0.0) {
    out.p10 = out.p50 = out.p90 = out.mean;
    return out;
  }
  const double sd = std::sqrt(c.k2);
  out.p10 = std::max(0.0, c.k1 + sd * shape.z10);
  out.p50 = std::max(0.0, c.k1 + sd * shape.z50);
  out.p90 = std::max(0.0, c.k1 + sd * shape.z90);
  return out;
}

}  // namespace funnelsim::analysis
