#pragma once
/// An opportunity's way through its segment's stages, drawn in one go when it enters the
/// first: for each stage it enters, the outcome (advance with probability a_i, or a_i^k for an
/// existing customer; a rep's win skill multiplies the first stage's), the rep's call and the
/// duration, from that stage's own stream. A pure function of the streams' keys, the segment's
/// plan and the timeline: the draws are those of an engine that schedules every stage end, so
/// whether the engine schedules them (with a trace) or not changes no result.

#include <cstdint>
#include <limits>

#include "funnelsim/sim/random.hpp"
#include "segment_plan.hpp"
#include "timeline.hpp"

namespace funnelsim::sim::engine {

/// The rep's call on a deal in a stage.
constexpr std::uint8_t NOT_FORECAST = 0;
constexpr std::uint8_t POSSIBLE = 1;
constexpr std::uint8_t COMMITTED = 2;

/// How a path ends.
enum class Outcome : std::uint8_t {
  open,   ///< still in a stage at the run's end
  win,    ///< left the last stage won
  loss,   ///< left a stage lost
  stall,  ///< sat longer than a stage allows: lost
};

/// One stage of a path.
struct PathStep {
  double entered = 0.0;             ///< day it entered the stage
  std::uint16_t close_quarter = 0;  ///< the measured quarter the rep expects it to close in
  std::uint8_t call = NOT_FORECAST;
};

/// Where a path ends.
struct PathEnd {
  double end = 0.0;  ///< day it leaves its last stage; infinite if open at the run's end
  std::uint16_t last_stage = 0;
  Outcome outcome = Outcome::open;
};

/// What decides an opportunity's path, fixed when it enters its first stage.
struct PathStart {
  EntityKey key;                      ///< its streams' entity
  bool existing = false;              ///< an existing customer: advances with a_i^k
  double first_advance_factor = 1.0;  ///< the rep's win skill
  double day = 0.0;                   ///< day it enters the first stage
};

/// The rep's call on entering a stage, from its own half of the stage's first draw `u`, so
/// calls never change the outcome or the duration.
inline void judge(PathStep& step, const SegmentPlan& plan, const Timeline& timeline,
                  std::uint16_t stage, double u) {
  // perceived = p x optimism x exp(mu + sigma Z) >= threshold  <=>  Z >= a precomputed z
  // <=>  U = Phi(Z) >= Phi(z).
  // COMMITTED, else POSSIBLE, else NOT_FORECAST, in arithmetic: which it is, is a coin toss
  // that a predictor loses. The close quarter is worked out for every call (the ledger reads
  // it from NOT_FORECAST's scratch row too).
  const unsigned committed = u >= plan.commit_u[stage] ? 1 : 0;
  const unsigned possible = u >= plan.possible_u[stage] ? 1 : 0;
  step.call =
      static_cast<std::uint8_t>(committed * COMMITTED + (1 - committed) * possible * POSSIBLE);
  step.close_quarter = timeline.due_quarter(step.entered + plan.mean_days_left[stage]);
}

/// Draws the path of an opportunity that enters its segment's first stage at `start.day`:
/// writes steps[0 ... last_stage] (steps holds plan.stages()) and returns how it ends. Calls
/// `on_stage(stage, step, left)` for each stage entered, with the day it leaves it (beyond
/// timeline.end if it is still there at the end), as the stage is drawn, while it is in
/// registers: the engine adds there what the week ends observe.
template <class OnStage>
[[gnu::always_inline]] inline PathEnd draw_path(const SegmentPlan& plan, const Timeline& timeline,
                                                const RoundKeys& keys, const PathStart& start,
                                                PathStep* steps, OnStage&& on_stage) {
  const std::size_t stages = plan.stages();
  const double* const advance_of =
      plan.advance.data() + stages * static_cast<std::size_t>(start.existing);
  // A rep's win skill multiplies the first stage's advance only.
  double advance_factor = start.first_advance_factor;
  double entered = start.day;
  PathEnd end;
  for (std::uint16_t stage = 0;; ++stage) {
    // The stage's own stream. Its first 64 bits give two 32-bit uniforms, the outcome and
    // the rep's call (a probability needs no more resolution than 2^-32); the duration
    // follows, so a stage entry takes one Philox block unless the duration's sampler
    // rejects more than once.
    RandomStream stream(keys, start.key, Purpose::stage, stage);
    const std::uint64_t word = stream();
    const double outcome_draw = static_cast<double>(word >> 32) * 0x1.0p-32;
    const double call_draw = static_cast<double>(word & 0xffffffffU) * 0x1.0p-32;
    const bool advances = outcome_draw < advance_of[stage] * advance_factor;
    advance_factor = 1.0;
    const double days = plan.days[stage](stream);
    PathStep& step = steps[stage];
    step.entered = entered;
    judge(step, plan, timeline, stage, call_draw);
    const bool stalled = days > plan.stall_days[stage];
    const double left = entered + (stalled ? plan.stall_days[stage] : days);
    on_stage(stage, static_cast<const PathStep&>(step), left);
    end.last_stage = stage;
    if (left > timeline.end) {
      end.outcome = Outcome::open;
      end.end = std::numeric_limits<double>::infinity();
      return end;
    }
    end.end = left;
    if (stalled) {
      end.outcome = Outcome::stall;
    } else if (!advances) {
      end.outcome = Outcome::loss;
    } else if (stage + 1u < stages) {
      entered = left;
      continue;
    } else {
      end.outcome = Outcome::win;
    }
    return end;
  }
}

/// The path alone, with nothing observed.
inline PathEnd draw_path(const SegmentPlan& plan, const Timeline& timeline, const RoundKeys& keys,
                         const PathStart& start, PathStep* steps) {
  return draw_path(plan, timeline, keys, start, steps,
                   [](std::uint16_t, const PathStep&, double) {});
}

}  // namespace funnelsim::sim::engine
