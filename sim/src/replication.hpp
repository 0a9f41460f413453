#pragma once
// One replication of the model: a discrete-event simulation of every rep's funnel. The model's
// rules live in their own headers, one part each, to be read one at a time:
//
//   timeline.hpp          days, week ends, measured quarters
//   segment_plan.hpp      a segment's stages as constants: advance probabilities, durations, calls
//   opportunity_path.hpp  an opportunity's whole way through the stages, a pure function
//   funnel_ledger.hpp     what the week ends observe: per-week differences and their sums
//   lead_process.hpp      a territory's prospecting, a thinned Poisson process in chunks
//   event_queue.hpp       the pending events, a calendar queue
//
// This header is the engine that ties them together: reps (hires, leaves, skills), lead sources,
// opportunities' slots, the events and the results. The parts are headers, not translation
// units of their own, so that g++ inlines the streams' draws into the path code. This one's
// contents are in an anonymous namespace: each of the two units that include it (replication.cpp,
// untraced, and replication_traced.cpp) compiles its own replication, so that the traced one,
// rarely run, takes nothing from the hot unit's inlining budget.
//
// Paths, not stage events: everything that decides an opportunity's way through the funnel is
// fixed when it enters its first stage, so the whole path is drawn then, in one go, while the
// opportunity is in cache. What the weekly snapshots observe of it is added to its segment's
// FunnelLedger, and only a win, which books an amount and brings referrals, becomes an event.
// A rep who leaves a team that loses leavers' opportunities takes the rest of their paths back
// out of the ledger. A traced replication (Replication<true>) also makes every stage end an
// event, so that the trace and the snapshots see each change at its time, and takes leads one
// at a time; the untraced one has none of that in its code. The draws are those of an engine
// that schedules every stage end, and so are the results.

#include <algorithm>
#include <boost/random/lognormal_distribution.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "event_queue.hpp"
#include "funnel_ledger.hpp"
#include "funnelsim/sim/random.hpp"
#include "funnelsim/sim/runner.hpp"
#include "funnelsim/sim/sampler.hpp"
#include "funnelsim/sim/trace.hpp"
#include "lead_process.hpp"
#include "opportunity_path.hpp"
#include "segment_plan.hpp"
#include "timeline.hpp"

namespace funnelsim::sim {
namespace {

using namespace engine;  // the engine's own parts

constexpr std::uint16_t PENDING = 0xffff;

/// A territory and the rep currently holding it.
struct Territory {
  std::uint32_t team = 0;
  std::uint32_t slot = 0;        ///< position within the team
  std::uint32_t rep_index = 0;   ///< position in the flat rep order of the results
  std::uint32_t generation = 0;  ///< how many reps have held it before the current one
  bool active = true;
  bool started = false;  ///< a rep has held it (a planned hire's territory waits for its week)
  bool closed = false;   ///< a planned departure closed it for good
  double hired_at = -std::numeric_limits<double>::infinity();  ///< days
  double prospecting = 1.0;  ///< skill multipliers of the current rep
  double win = 1.0;
  double deal_size = 1.0;
  /// Day of its next change of rep (a leave, or a hire while vacant); infinite if none.
  double next_change = std::numeric_limits<double>::infinity();
  std::uint32_t prospect_epoch = 0;  ///< the current prospect event's; older ones are stale
  LeadProcess leads;
  std::vector<std::uint32_t> open;  ///< open opportunities, kept only when leavers lose them
  std::size_t prune_at = 16;        ///< open's length at which it is next pruned
};

/// A team's active rep, for the rendezvous hashing of marketing leads.
struct ActiveRep {
  std::uint32_t territory = 0;
  std::uint32_t slot = 0;  ///< Territory::slot
};

/// An opportunity that needs to be remembered: one with a win ahead (an event), one of a team
/// whose leavers' opportunities are lost (its path may be cut), a referral waiting to start, or
/// any opportunity while a trace is observed. Most opportunities are lost and none of these,
/// and never take a slot. One cache line.
struct alignas(64) Opportunity {
  EntityKey key;
  std::int64_t amount_fixed = 0;      ///< 万 x AMOUNT_SCALE; amount() in 万
  double first_advance_factor = 1.0;  ///< the rep's win skill, on the first stage's advance
  double end = 0.0;                   ///< day its path ends (infinite: open at the run's end)
  std::uint32_t territory = 0;
  std::uint32_t generation = 0;     ///< guards events and lists against a recycled slot
  std::uint32_t open_position = 0;  ///< index in the territory's open list
  /// 1, 2, ... in order of creation, for traces (a replication creates far fewer than 2^32)
  std::uint32_t serial = 0;
  std::uint16_t segment = 0;
  /// PENDING until it enters its first stage; then, with a trace, the stage it is in now
  /// (else its first).
  std::uint16_t stage = PENDING;
  std::uint16_t last_stage = 0;  ///< the stage its path ends in
  Outcome outcome = Outcome::open;
  bool existing : 1 = false;  ///< an existing customer: advances with a_i^k
  bool alive : 1 = false;

  double amount() const { return static_cast<double>(amount_fixed) / AMOUNT_SCALE; }
};
static_assert(sizeof(Opportunity) == 64);

/// Per-team constants derived from the model once per replication.
struct TeamPlan {
  std::uint64_t hash = 0;
  std::uint32_t first_territory = 0;
  std::uint32_t territories = 0;
  bool track_open = false;
  std::size_t next_departure = 0;  ///< index into the team's departures
  std::vector<std::uint32_t> referral_sources;
};

/// The buffers that grow during a replication, kept by each thread for its next one (until the
/// thread ends). Allocated anew, the largest (opportunity slots, their paths, the queue's
/// nodes) were mapped and faulted in page by page every replication: 2 to 3% of a company
/// replication, in the kernel. Only their capacity carries over; a Replication clears them
/// before it starts.
struct Workspace {
  EventQueue queue;
  std::vector<Opportunity> opportunities;
  std::vector<std::uint32_t> free;
  std::vector<PathStep> steps;
  bool in_use = false;  ///< a replication on this thread holds it (a nested one makes its own)
};

/// One replication. Traced: with a trace observer (every stage end an event, leads one at a
/// time, every path kept); untraced, the code has no trace checks at all.
template <bool Traced>
class Replication {
 public:
  Replication(const Model& model, std::uint64_t seed, std::uint64_t replication,
              ReplicationResult& out, TraceObserver* trace, Workspace& workspace)
      : model_(model),
        keys_(seed, replication),
        timeline_(model.calendar),
        out_(out),
        trace_(trace),
        queue_(workspace.queue),
        opportunities_(workspace.opportunities),
        free_(workspace.free),
        steps_(workspace.steps) {
    queue_.clear();
    opportunities_.clear();
    free_.clear();
    steps_.clear();
    out_.reset(ResultShape(model));
    end_ = timeline_.end;
    plan();
  }

  void run() {
    for (int week = 1; week <= model_.calendar.total_weeks(); ++week) {
      const int measured = week - model_.calendar.warmup_weeks;
      const bool quarter_end = measured > 0 && measured % model_.calendar.weeks_per_quarter == 0;
      queue_.schedule(week * DAYS_PER_WEEK,
                      quarter_end ? EventKind::quarter_end : EventKind::week_end,
                      static_cast<std::uint32_t>(week));
    }
    // Before any other event of their instant: a departure closes territories before their
    // sweeps at that instant go on, and hires and departures are scheduled only where a team
    // has them, so that a scenario without them draws exactly as before.
    for (std::uint32_t t = 0; t < model_.teams.size(); ++t) {
      const Team& team = model_.teams[t];
      std::uint32_t territory =
          teams_[t].first_territory + static_cast<std::uint32_t>(team.headcount);
      for (const Hire& hire : team.hires)
        for (int k = 0; k < hire.count; ++k)
          queue_.schedule(week_start(hire.week), EventKind::hire, territory++);
      for (const Departure& departure : team.departures)
        queue_.schedule(week_start(departure.week), EventKind::departure, t);
    }
    for (std::uint32_t t = 0; t < territories_.size(); ++t) {
      if (territories_[t].active)
        start_rep(t, 0.0, false);
    }
    for (std::uint32_t s = 0; s < model_.sources.size(); ++s) {
      if (model_.sources[s].kind == LeadSourceKind::marketing)
        schedule_source_point(s);
    }
    std::uint64_t prefetched_bucket = 0;
    while (!queue_.empty()) {
      const Event event = queue_.next();
      if (event.time > end_)
        break;
      if (queue_.buckets_begun() != prefetched_bucket) {
        // A new bucket: fetch what all its events will touch, while the first ones run.
        prefetched_bucket = queue_.buckets_begun();
        for (const Event& coming : queue_.bucket())
          prefetch(coming);
      }
      queue_.pop_next();
      dispatch(event);
    }
  }

 private:
  void plan() {
    const std::size_t weeks = static_cast<std::size_t>(timeline_.total_weeks) + 2;
    for (const Segment& segment : model_.segments) {
      segments_.emplace_back(segment, model_.calls);
      ledgers_.emplace_back(segment.stages.size(), weeks);
      steps_per_opportunity_ = std::max(steps_per_opportunity_, segment.stages.size());
    }
    path_.resize(steps_per_opportunity_);
    // A deal due in measured quarter q (0 also for those due before, `quarters` for those due
    // after) counts in the calls of the weeks of quarters q and later.
    for (int q = 0; q <= model_.calendar.quarters; ++q)
      call_week_.push_back(model_.calendar.warmup_weeks + 1 +
                           q * model_.calendar.weeks_per_quarter);
    const std::vector<int> first_rep = model_.first_rep_of_team();
    for (std::uint32_t t = 0; t < model_.teams.size(); ++t) {
      const Team& team = model_.teams[t];
      TeamPlan plan;
      plan.hash = stable_hash(team.name);
      plan.first_territory = static_cast<std::uint32_t>(territories_.size());
      plan.territories = static_cast<std::uint32_t>(team.territories());
      plan.track_open = team.attrition.annual_rate > 0.0 &&
                        team.attrition.open_opportunities == LeaverOpportunities::lost;
      for (const Departure& departure : team.departures)
        plan.track_open |= departure.open_opportunities == LeaverOpportunities::lost;
      // A sweep of the team's territories stops at its next departure, which may pick any.
      departure_day_.push_back(team.departures.empty() ? std::numeric_limits<double>::infinity()
                                                       : week_start(team.departures.front().week));
      for (int slot = 0; slot < team.territories(); ++slot) {
        Territory territory;
        territory.team = t;
        territory.slot = static_cast<std::uint32_t>(slot);
        territory.rep_index = static_cast<std::uint32_t>(first_rep[t] + slot);
        territory.active = slot < team.headcount;  // a hire's territory waits for its week
        territories_.push_back(std::move(territory));
      }
      teams_.push_back(std::move(plan));
      const std::vector<double>& season = team.seasonality.prospecting;
      peak_prospecting_.push_back(season.empty() ? 1.0
                                                 : *std::max_element(season.begin(), season.end()));
    }
    for (std::uint32_t s = 0; s < model_.sources.size(); ++s) {
      const LeadSource& source = model_.sources[s];
      // Prefixed so that a source and a team of the same name never share streams.
      const std::uint64_t hash = stable_hash("source:" + source.name);
      source_hashes_.push_back(hash);
      source_delays_.emplace_back(source.delay_days);
      source_streams_.emplace_back(keys_, EntityKey{hash, 0}, Purpose::source_arrivals);
      source_points_.push_back(0);
      // Built once: a Poisson distribution computes exp(-mean) when it is made.
      referral_counts_.emplace_back(source.kind == LeadSourceKind::referral ? source.per_win : 1.0);
      if (source.kind == LeadSourceKind::referral)
        teams_[source.team].referral_sources.push_back(s);
    }
    active_by_team_.resize(model_.teams.size());
  }

  // --- dispatch -------------------------------------------------------------------------------

  /// Fetches into the cache what the event will touch. Almost every win reads an opportunity
  /// that has not been touched for days of simulated time, a miss to memory; when a bucket
  /// begins, it says which ones are coming.
  void prefetch(const Event& event) const {
    switch (event.kind) {
      case EventKind::opportunity_start:
      case EventKind::win:
      case EventKind::stage_end:
        if (event.target < opportunities_.size())
          __builtin_prefetch(&opportunities_[event.target]);
        break;
      case EventKind::prospect:
        __builtin_prefetch(&territories_[event.target]);
        break;
      default:
        break;
    }
  }

  void dispatch(const Event& event) {
    now_ = event.time;
    switch (event.kind) {
      case EventKind::prospect:
        if (event.generation == territories_[event.target].prospect_epoch)
          prospect(event.target);
        break;
      case EventKind::source_candidate:
        on_source_candidate(event.target);
        break;
      case EventKind::opportunity_start:
        if (current(event)) {
          ++out_.events;
          Opportunity opportunity = opportunities_[event.target];
          start_path(opportunity, event.target);
        }
        break;
      case EventKind::win:
        if (current(event))
          on_win(event.target);
        break;
      case EventKind::stage_end:
        if constexpr (Traced) {
          if (current(event))
            on_traced_stage_end(event.target);
        }
        break;
      case EventKind::hire:
        if (!territories_[event.target].closed) {
          ++out_.events;
          start_rep(event.target, now_, true);
        }
        break;
      case EventKind::leave:
        if (!territories_[event.target].closed) {
          ++out_.events;
          on_leave(event.target);
        }
        break;
      case EventKind::departure:
        ++out_.events;
        on_departure(event.target);
        break;
      case EventKind::week_end:
      case EventKind::quarter_end:
        ++out_.events;
        on_week_end(static_cast<int>(event.target));
        break;
    }
  }

  bool current(const Event& event) const {
    const Opportunity& opportunity = opportunities_[event.target];
    return opportunity.alive && opportunity.generation == event.generation;
  }

  // --- reps -----------------------------------------------------------------------------------

  EntityKey rep_key(const Territory& territory) const {
    return {teams_[territory.team].hash,
            (static_cast<std::uint64_t>(territory.slot) << 32) | territory.generation};
  }

  static double skill_multiplier(RandomStream& stream, double cv) {
    if (cv <= 0.0)
      return 1.0;
    // Lognormal with mean 1 and the given coefficient of variation.
    const double sigma2 = std::log1p(cv * cv);
    return boost::random::lognormal_distribution<double>(-0.5 * sigma2, std::sqrt(sigma2))(stream);
  }

  void start_rep(std::uint32_t index, double t, bool new_hire) {
    Territory& territory = territories_[index];
    const Team& team = model_.teams[territory.team];
    territory.active = true;
    territory.started = true;
    if (new_hire) {
      ++territory.generation;
      territory.hired_at = t;
      trace_rep(TraceEvent::hire, territory);
    }
    RandomStream traits(keys_, rep_key(territory), Purpose::rep_traits);
    territory.prospecting = skill_multiplier(traits, team.skill.prospecting_cv);
    territory.win = skill_multiplier(traits, team.skill.win_cv);
    territory.deal_size = skill_multiplier(traits, team.skill.deal_size_cv);
    active_by_team_[territory.team].push_back({index, territory.slot});

    // Chunks are keyed by territory, not by rep, so a replacement keeps the territory's
    // points; a faster rep needs more chunks, which start from day 0 like the others.
    const auto needed = static_cast<std::size_t>(std::ceil(
        team.prospects_per_week * territory.prospecting * peak_prospecting_[territory.team]));
    territory.leads.grow(needed, keys_, teams_[territory.team].hash, territory.slot, now_);

    if (team.attrition.annual_rate > 0.0) {
      RandomStream tenure(keys_, rep_key(territory), Purpose::tenure);
      const double years =
          boost::random::exponential_distribution<double>(team.attrition.annual_rate)(tenure);
      territory.next_change = t + years * DAYS_PER_YEAR;
      queue_.schedule(territory.next_change, EventKind::leave, index);
    } else {
      territory.next_change = std::numeric_limits<double>::infinity();
    }
    prospect(index);
  }

  void on_leave(std::uint32_t index) {
    Territory& territory = territories_[index];
    const Team& team = model_.teams[territory.team];
    territory.active = false;
    trace_rep(TraceEvent::leave, territory);
    std::erase_if(active_by_team_[territory.team],
                  [index](const ActiveRep& rep) { return rep.territory == index; });
    if (team.attrition.open_opportunities == LeaverOpportunities::lost)
      drop_open(territory);
    territory.next_change = now_ + team.attrition.vacancy_weeks * DAYS_PER_WEEK;
    queue_.schedule(territory.next_change, EventKind::hire, index);
    prospect(index);  // points while vacant are drawn and thinned out, keeping the streams
  }

  /// The day measured week `week` (counted from 1) begins.
  double week_start(int week) const {
    return (model_.calendar.warmup_weeks + week - 1) * DAYS_PER_WEEK;
  }

  /// A team's next planned departure: it picks reps among the territories a rep has held and
  /// that are still open (a vacancy after attrition included), closes them for good, and moves
  /// the team's sweeps on to the departure after it.
  void on_departure(std::uint32_t team_index) {
    const Team& team = model_.teams[team_index];
    TeamPlan& plan = teams_[team_index];
    const std::size_t d = plan.next_departure++;
    const Departure& departure = team.departures[d];
    departure_day_[team_index] = plan.next_departure < team.departures.size()
                                     ? week_start(team.departures[plan.next_departure].week)
                                     : std::numeric_limits<double>::infinity();
    std::vector<std::uint32_t> candidates;
    for (std::uint32_t i = plan.first_territory; i < plan.first_territory + plan.territories; ++i) {
      if (territories_[i].started && !territories_[i].closed)
        candidates.push_back(i);
    }
    const std::size_t count =
        std::min(candidates.size(), static_cast<std::size_t>(departure.count));
    if (departure.who == Leaver::top) {
      const std::size_t quarters = out_.bookings.size();
      auto booked = [&](std::uint32_t i) {
        const std::uint32_t rep = territories_[i].rep_index;
        double sum = 0.0;
        for (std::size_t q = 0; q < quarters; ++q)
          sum += out_.rep_bookings[rep * quarters + q];
        return sum;
      };
      std::stable_sort(candidates.begin(), candidates.end(),
                       [&](std::uint32_t a, std::uint32_t b) { return booked(a) > booked(b); });
    } else {
      // A partial Fisher-Yates shuffle on the departure's own stream.
      RandomStream stream(keys_, EntityKey{plan.hash, d}, Purpose::departures);
      for (std::size_t k = 0; k < count; ++k) {
        const std::size_t pick =
            k + static_cast<std::size_t>(stream.uniform01() *
                                         static_cast<double>(candidates.size() - k));
        std::swap(candidates[k], candidates[std::min(pick, candidates.size() - 1)]);
      }
    }
    for (std::size_t k = 0; k < count; ++k)
      close_territory(candidates[k], departure.open_opportunities);
  }

  void close_territory(std::uint32_t index, LeaverOpportunities open_opportunities) {
    Territory& territory = territories_[index];
    territory.closed = true;
    territory.next_change = std::numeric_limits<double>::infinity();
    ++territory.prospect_epoch;  // its pending sweep is stale: it prospects no more
    if (!territory.active)
      return;  // vacant after attrition: its replacement will not come
    territory.active = false;
    trace_rep(TraceEvent::leave, territory);
    std::erase_if(active_by_team_[territory.team],
                  [index](const ActiveRep& rep) { return rep.territory == index; });
    if (open_opportunities == LeaverOpportunities::lost)
      drop_open(territory);
  }

  /// The territory's prospecting rate at `t`, leads per week.
  double lead_rate(const Territory& territory, double t) const {
    if (!territory.active)
      return 0.0;
    const Team& team = model_.teams[territory.team];
    const double rate = engine::lead_rate(team, territory.prospecting, territory.hired_at, t);
    if (team.seasonality.prospecting.empty())
      return rate;
    return rate * seasonal(team.seasonality.prospecting, calendar_quarter(t));
  }

  /// The quarter of the calendar's cycle that day `t` falls in: 0 for the first measured
  /// quarter, negative in the warm-up.
  int calendar_quarter(double t) const {
    return static_cast<int>(std::floor((t - timeline_.measured_start) * timeline_.per_quarter_day));
  }

  // --- lead arrivals --------------------------------------------------------------------------

  /// How far ahead of the clock a territory's points are taken, at most. Nothing but a change
  /// of its rep changes what becomes of them, so they can be taken in one sweep up to the next
  /// change rather than one event each (a queue operation and a cold territory a point); the
  /// bound keeps the opportunities remembered ahead few. A quarter: each sweep ends in a loop
  /// exit per chunk that a predictor misses, and wakes a cold territory, so longer sweeps save
  /// both, until the opportunities remembered ahead outgrow the cache (cachegrind, a company
  /// replication, 4 / 8 / 13 / 26 / 91 weeks: 1.68 / 1.61 / 1.57 / 1.58 / 1.69 M
  /// mispredictions and 446 / 405 / 392 / 501 / 1063 k last-level misses).
  static constexpr double SWEEP_DAYS = 13 * DAYS_PER_WEEK;

  /// Takes the territory's points from now on: up to the next change of rep (or SWEEP_DAYS
  /// ahead) in one sweep, chunk by chunk, each at its own time; with a trace, only those due
  /// now, so that the trace sees every lead in time order. Schedules the next sweep.
  void prospect(std::uint32_t index) {
    Territory& territory = territories_[index];
    const std::uint32_t epoch = ++territory.prospect_epoch;
    const double clock = now_;
    if constexpr (Traced) {
      double next = std::numeric_limits<double>::infinity();
      for (std::uint32_t c = 0; c < territory.leads.chunks(); ++c) {
        while (territory.leads.next(c) <= clock)
          take_point(index, c);
        next = std::min(next, territory.leads.next(c));
      }
      now_ = clock;
      if (next <= end_)
        queue_.schedule(next, EventKind::prospect, index, epoch);
    } else {
      const double horizon = std::min(
          {clock + SWEEP_DAYS, territory.next_change, departure_day_[territory.team], end_});
      for (std::uint32_t c = 0; c < territory.leads.chunks(); ++c) {
        while (territory.leads.next(c) < horizon)
          take_point(index, c);
      }
      now_ = clock;
      // At a change of rep, on_leave or start_rep sweeps on.
      if (horizon < territory.next_change && horizon < end_)
        queue_.schedule(horizon, EventKind::prospect, index, epoch);
    }
  }

  /// The chunk's pending point, at its own time: a lead if its level is below the rate then.
  void take_point(std::uint32_t index, std::uint32_t chunk_number) {
    Territory& territory = territories_[index];
    const LeadProcess::Point point = territory.leads.take(chunk_number);
    now_ = point.day;
    ++out_.lead_points;
    if (point.level < lead_rate(territory, now_)) {
      ++out_.events;
      const EntityKey key{teams_[territory.team].hash,
                          (static_cast<std::uint64_t>(territory.slot) << 40) |
                              (static_cast<std::uint64_t>(chunk_number) << 32) | point.index};
      Opportunity opportunity = intake(index, key, PROSPECTING);
      start_path(opportunity, NO_SLOT);
    }
  }

  void schedule_source_point(std::uint32_t source) {
    // A seasonal source draws points at its peak rate and keeps each with the season's share.
    const LeadSource& lead_source = model_.sources[source];
    const double peak =
        lead_source.seasonality.empty()
            ? 1.0
            : *std::max_element(lead_source.seasonality.begin(), lead_source.seasonality.end());
    const double gap_weeks = boost::random::exponential_distribution<double>(
        lead_source.leads_per_week * peak)(source_streams_[source]);
    queue_.schedule(now_ + gap_weeks * DAYS_PER_WEEK, EventKind::source_candidate, source);
  }

  void on_source_candidate(std::uint32_t source) {
    const std::uint32_t point = source_points_[source]++;
    ++out_.lead_points;
    const std::vector<ActiveRep>& active = active_by_team_[model_.sources[source].team];
    bool kept = true;
    if (const std::vector<double>& season = model_.sources[source].seasonality; !season.empty()) {
      const double peak = *std::max_element(season.begin(), season.end());
      kept = source_streams_[source].uniform01() * peak < seasonal(season, calendar_quarter(now_));
    }
    if (kept && !active.empty()) {
      ++out_.events;
      const EntityKey key{source_hashes_[source], point};
      // Rendezvous hashing: the lead goes to the active rep with the highest score of
      // (lead, territory). Adding a rep moves only the leads that now score highest with it,
      // and a vacancy moves only the vacant territory's leads: every other assignment, and so
      // every other rep's results, stay as they were (common random numbers).
      std::uint32_t chosen = active.front().territory;
      std::uint64_t best = 0;
      const std::uint64_t lead = mix64(key.hi, key.lo);
      for (const ActiveRep& candidate : active) {
        const std::uint64_t score = mix64(lead, candidate.slot);
        if (score >= best) {
          best = score;
          chosen = candidate.territory;
        }
      }
      Opportunity opportunity = intake(chosen, key, static_cast<int>(source));
      start_path(opportunity, NO_SLOT);
    }
    schedule_source_point(source);
  }

  void on_win_referrals(const Opportunity& won) {
    // Copies: remember() may grow opportunities_ and move `won` (a heap-use-after-free that
    // AddressSanitizer found).
    const std::uint32_t territory = won.territory;
    const EntityKey won_key = won.key;
    for (const std::uint32_t s : teams_[territories_[territory].team].referral_sources) {
      RandomStream stream(keys_, won_key, Purpose::referrals,
                          static_cast<std::uint32_t>(source_hashes_[s]));
      ++out_.referral_streams;
      const int count = referral_counts_[s](stream);
      const Sampler& delay = source_delays_[s];
      for (int j = 0; j < count; ++j) {
        const EntityKey key{mix64(source_hashes_[s], won_key.hi),
                            mix64(won_key.lo, static_cast<std::uint64_t>(j))};
        const std::uint32_t id = remember(intake(territory, key, static_cast<int>(s)));
        queue_.schedule(now_ + delay(stream), EventKind::opportunity_start, id,
                        opportunities_[id].generation);
      }
    }
  }

  // --- opportunities --------------------------------------------------------------------------

  static constexpr std::uint32_t NO_SLOT = 0xffffffff;

  /// TraceRecord::source of a rep's own prospect.
  static constexpr int PROSPECTING = -1;

  /// A new opportunity of the territory's rep, with its customer kind and deal size drawn; it
  /// has no slot yet. `source`: the index of the lead source it came from, or PROSPECTING
  /// (kept for traces only: it draws nothing).
  Opportunity intake(std::uint32_t territory_index, EntityKey key, int source) {
    const Territory& territory = territories_[territory_index];
    const std::size_t segment_index = model_.teams[territory.team].segment;
    const Segment& segment = model_.segments[segment_index];
    const SegmentPlan& plan = segments_[segment_index];

    Opportunity opportunity;
    opportunity.key = key;
    opportunity.territory = territory_index;
    opportunity.segment = static_cast<std::uint16_t>(segment_index);
    opportunity.alive = true;
    opportunity.serial = static_cast<std::uint32_t>(++created_);
    if constexpr (Traced) {
      if (traced_source_.size() <= opportunity.serial)
        traced_source_.resize(opportunity.serial + 1, PROSPECTING);
      traced_source_[opportunity.serial] = static_cast<std::int32_t>(source);
    } else {
      (void)source;
    }
    ++out_.segments[segment_index].opportunities;

    RandomStream intake(keys_, key, Purpose::intake);
    const double kind_draw = intake.uniform01();
    const double amount = plan.deal_size(intake) * territory.deal_size;
    opportunity.amount_fixed = static_cast<std::int64_t>(amount * AMOUNT_SCALE + 0.5);
    // Existing customers advance with a_i^k (SegmentPlan::advance). A rep's win
    // skill multiplies the first stage's advance only, so that raising any stage probability
    // never turns a win into a loss (common random numbers stay monotone), and the overall
    // rate is p(first) x skill.
    opportunity.existing = kind_draw < segment.existing_share;
    opportunity.first_advance_factor = territory.win;
    if (const std::vector<double>& win = model_.teams[territory.team].seasonality.win; !win.empty())
      opportunity.first_advance_factor *= seasonal(win, calendar_quarter(now_));
    return opportunity;
  }

  bool tracked(const Opportunity& opportunity) const {
    return teams_[territories_[opportunity.territory].team].track_open;
  }

  /// Gives the opportunity a slot (and a place in its territory's open list where leavers'
  /// opportunities are lost); returns the slot.
  std::uint32_t remember(const Opportunity& opportunity) {
    std::uint32_t id;
    if (free_.empty()) {
      id = static_cast<std::uint32_t>(opportunities_.size());
      opportunities_.emplace_back();
      steps_.resize(steps_.size() + steps_per_opportunity_);
    } else {
      id = free_.back();
      free_.pop_back();
    }
    const std::uint32_t generation = opportunities_[id].generation + 1;
    opportunities_[id] = opportunity;
    opportunities_[id].generation = generation;
    if (tracked(opportunity)) {
      Territory& owner = territories_[opportunity.territory];
      opportunities_[id].open_position = static_cast<std::uint32_t>(owner.open.size());
      owner.open.push_back(id);
      if (!Traced && owner.open.size() >= owner.prune_at)
        prune_open(owner);
    }
    return id;
  }

  void forget(std::uint32_t id) {
    Opportunity& opportunity = opportunities_[id];
    opportunity.alive = false;
    if (tracked(opportunity)) {
      Territory& owner = territories_[opportunity.territory];
      const std::uint32_t moved = owner.open.back();
      owner.open[opportunity.open_position] = moved;
      opportunities_[moved].open_position = opportunity.open_position;
      owner.open.pop_back();
    }
    free_.push_back(id);
  }

  /// Forgets the territory's opportunities whose paths are over (lost, stalled; wins forget
  /// themselves), so that its open list stays as long as its rep's open funnel. Called when
  /// the list has doubled since the last pruning.
  void prune_open(Territory& territory) {
    for (std::size_t i = 0; i < territory.open.size();) {
      const std::uint32_t id = territory.open[i];
      const Opportunity& opportunity = opportunities_[id];
      if (opportunity.stage != PENDING && opportunity.outcome != Outcome::win &&
          opportunity.end <= now_) {
        forget(id);  // moves the last entry to i
      } else {
        ++i;
      }
    }
    territory.prune_at = std::max<std::size_t>(16, 2 * territory.open.size());
  }

  /// The opportunity enters its first stage now, and its whole path is drawn: each stage's
  /// outcome, the rep's call and the duration, from the stage's own stream, exactly as if each
  /// stage end were an event. `slot` is its slot if it has one (a referral), else NO_SLOT.
  void start_path(Opportunity& opportunity, std::uint32_t slot) {
    const SegmentPlan& plan = segments_[opportunity.segment];
    FunnelLedger& ledger = ledgers_[opportunity.segment];
    SegmentResult& result = out_.segments[opportunity.segment];
    opportunity.stage = 0;
    const int quarter = timeline_.quarter_of(now_);
    if (quarter >= 0)
      ++result.leads[quarter];
    trace_opportunity(TraceEvent::lead, opportunity);

    int entered_week = timeline_.week_after(now_);
    const std::int64_t amount = opportunity.amount_fixed;
    const PathEnd path = draw_path(
        plan, timeline_, keys_,
        PathStart{opportunity.key, opportunity.existing, opportunity.first_advance_factor, now_},
        path_.data(), [&](std::uint16_t stage, const PathStep& step, double left) {
          const int left_week = timeline_.week_after(left);
          ledger.observe(stage, amount, step.call, call_week_[step.close_quarter], entered_week,
                         left_week, 1);
          entered_week = left_week;
        });
    opportunity.last_stage = path.last_stage;
    opportunity.outcome = path.outcome;
    opportunity.end = path.end;
    // Every stage entered is an entry, every stage left before the end an event, and a path
    // that ends before the end resolves its lead.
    const bool resolved = path.outcome != Outcome::open;
    result.stage_entries += path.last_stage + 1u;
    out_.events += path.last_stage + static_cast<unsigned>(resolved);
    out_.leads_resolved += static_cast<unsigned>(resolved);

    const bool keep_path = Traced || tracked(opportunity);
    if (!keep_path && opportunity.outcome != Outcome::win) {
      if (slot != NO_SLOT)
        forget(slot);
      return;
    }
    if (slot == NO_SLOT) {
      slot = remember(opportunity);
    } else {
      opportunities_[slot] = opportunity;  // a copy of the slot's, generation and list place too
    }
    const Opportunity& kept = opportunities_[slot];
    if (keep_path) {
      std::copy_n(path_.begin(), kept.last_stage + 1u,
                  steps_.begin() + static_cast<std::ptrdiff_t>(slot * steps_per_opportunity_));
    }
    if constexpr (Traced) {
      // Each stage end at its time, for the trace and the snapshots.
      for (std::uint16_t stage = 0; stage <= kept.last_stage; ++stage) {
        const double left = stage < kept.last_stage ? step_of(slot, stage + 1).entered : kept.end;
        if (left <= end_ && !(stage == kept.last_stage && kept.outcome == Outcome::win))
          queue_.schedule(left, EventKind::stage_end, slot, kept.generation);
      }
    }
    if (kept.outcome == Outcome::win)
      queue_.schedule(kept.end, EventKind::win, slot, kept.generation);
  }

  PathStep& step_of(std::uint32_t slot, std::size_t stage) {
    return steps_[slot * steps_per_opportunity_ + stage];
  }

  /// Adds (sign 1) or takes back (-1) what the week ends see of the opportunity in `stage`
  /// in weeks first ... last - 1.
  void observe(const Opportunity& opportunity, const PathStep& step, std::uint16_t stage, int first,
               int last, std::int64_t sign) {
    ledgers_[opportunity.segment].observe(stage, opportunity.amount_fixed, step.call,
                                          call_week_[step.close_quarter], first, last, sign);
  }

  void on_win(std::uint32_t id) {
    const Opportunity& opportunity = opportunities_[id];
    trace_opportunity(TraceEvent::win, opportunity);
    const int quarter = timeline_.quarter_of(now_);
    if (quarter >= 0) {
      const auto q = static_cast<std::size_t>(quarter);
      SegmentResult& segment = out_.segments[opportunity.segment];
      const double amount = opportunity.amount();
      segment.bookings[q] += amount;
      ++segment.wins[q];
      out_.bookings[q] += amount;
      ++out_.wins[q];
      const std::uint32_t rep = territories_[opportunity.territory].rep_index;
      out_.rep_bookings[rep * out_.bookings.size() + q] += amount;
      ledgers_[opportunity.segment].book(amount);
    }
    on_win_referrals(opportunity);
    // Not `opportunity`: the referrals above may have grown opportunities_ and moved it
    // (AddressSanitizer: heap-use-after-free).
    forget(id);
  }

  /// With a trace: the opportunity leaves its current stage now, to the next or lost.
  void on_traced_stage_end(std::uint32_t id) {
    Opportunity& opportunity = opportunities_[id];
    if (opportunity.stage < opportunity.last_stage) {
      trace_opportunity(TraceEvent::advance, opportunity);
      ++opportunity.stage;
      return;
    }
    trace_opportunity(opportunity.outcome == Outcome::stall ? TraceEvent::stall : TraceEvent::loss,
                      opportunity);
    forget(id);
  }

  /// The territory's rep leaves and the team loses its open opportunities: each one's path
  /// from now on is taken back out of the week ends, and its win, if one was ahead, cancelled.
  void drop_open(Territory& territory) {
    while (!territory.open.empty()) {
      const std::uint32_t id = territory.open.back();
      Opportunity& opportunity = opportunities_[id];
      if (opportunity.stage != PENDING && opportunity.end < now_) {
        forget(id);  // its path was over (a win's event has forgotten it already)
        continue;
      }
      if (opportunity.stage != PENDING) {
        // Take back the rest of its path: the weeks ahead, and the stage entries and ends
        // that will not happen (they were counted when the path was drawn).
        for (std::uint16_t stage = 0; stage <= opportunity.last_stage; ++stage) {
          const PathStep& step = step_of(id, stage);
          const double left =
              stage < opportunity.last_stage ? step_of(id, stage + 1).entered : opportunity.end;
          if (step.entered > now_)
            --out_.segments[opportunity.segment].stage_entries;
          if (left > now_ && left <= end_)
            --out_.events;
          observe(opportunity, step, stage, timeline_.week_after(std::max(step.entered, now_)),
                  timeline_.week_after(left), -1);
        }
        if (opportunity.end <= end_)
          --out_.leads_resolved;  // counted with its path; counted again as dropped below
      }
      trace_opportunity(TraceEvent::dropped, opportunity);
      ++out_.leads_resolved;
      forget(id);
    }
    territory.prune_at = 16;
  }

  // --- trace ----------------------------------------------------------------------------------

  void trace_opportunity(TraceEvent event, const Opportunity& opportunity) const {
    if constexpr (!Traced)
      return;
    trace_->record(
        TraceRecord{now_, event, static_cast<int>(territories_[opportunity.territory].rep_index),
                    opportunity.serial, opportunity.segment,
                    opportunity.stage == PENDING ? -1 : opportunity.stage, opportunity.amount(),
                    opportunity.serial < traced_source_.size() ? traced_source_[opportunity.serial]
                                                               : PROSPECTING,
                    opportunity.existing});
  }

  void trace_rep(TraceEvent event, const Territory& territory) const {
    if constexpr (!Traced)
      return;
    trace_->record(
        TraceRecord{now_, event, static_cast<int>(territory.rep_index), 0, -1, -1, 0.0, -1, false});
  }

  // --- calendar -------------------------------------------------------------------------------

  void on_week_end(int week) {
    for (FunnelLedger& ledger : ledgers_)
      ledger.close_week(week);
    const int measured = week - model_.calendar.warmup_weeks - 1;
    if (measured < 0)
      return;
    for (std::size_t s = 0; s < ledgers_.size(); ++s) {
      const FunnelLedger& ledger = ledgers_[s];
      SegmentResult& result = out_.segments[s];
      const std::size_t stages = ledger.stages();
      for (std::size_t i = 0; i < stages; ++i) {
        result.funnel_count[measured * stages + i] = ledger.open_count(i);
        result.funnel_amount[measured * stages + i] = ledger.open_amount(i);
      }
      result.realized[measured] = ledger.realized_this_quarter();
      // The reps' calls: the amounts of open opportunities called committed or possible
      // that would close by the end of the week's quarter.
      result.calls_committed[measured] = ledger.committed();
      result.calls_possible[measured] = ledger.possible();
    }
    if constexpr (Traced) {
      if (trace_->wants_snapshots())
        snapshot_open(measured);
    }
    if ((measured + 1) % model_.calendar.weeks_per_quarter == 0) {
      for (FunnelLedger& ledger : ledgers_)
        ledger.close_quarter();
    }
  }

  /// With a trace that asks for them: every open opportunity at a measured week's end.
  void snapshot_open(int measured) {
    std::vector<OpenOpportunity> open;
    for (std::uint32_t id = 0; id < opportunities_.size(); ++id) {
      const Opportunity& o = opportunities_[id];
      if (!o.alive || o.stage == PENDING)
        continue;
      const PathStep& step = step_of(id, o.stage);
      open.push_back({o.serial, static_cast<int>(territories_[o.territory].rep_index), o.segment,
                      o.stage, o.amount(), step.entered, step.call});
    }
    trace_->snapshot(measured, now_, open);
  }

  const Model& model_;
  const RoundKeys keys_;  ///< (seed, replication): every stream's key
  const Timeline timeline_;
  ReplicationResult& out_;
  TraceObserver* const trace_;
  std::uint64_t created_ = 0;  ///< opportunities created so far: the next one's serial - 1
  /// With a trace: [serial] -> the lead source each opportunity came from (PROSPECTING).
  std::vector<std::int32_t> traced_source_;

  double now_ = 0.0;
  double end_ = 0.0;            ///< timeline_.end
  std::vector<int> call_week_;  ///< [quarter]: the first week whose calls count deals due then

  EventQueue& queue_;
  std::vector<SegmentPlan> segments_;  ///< [segment]: constants
  std::vector<FunnelLedger> ledgers_;  ///< [segment]: what the week ends observe
  std::vector<TeamPlan> teams_;
  /// Per team: the day of its next planned departure (infinite if none), where sweeps stop.
  std::vector<double> departure_day_;
  /// Per team: its largest prospecting multiplier (1 without seasonality), for its chunks.
  std::vector<double> peak_prospecting_;
  std::vector<Territory> territories_;
  /// The active reps of each team, with their slots beside them: a marketing lead scores
  /// every one, and reading the slot from each Territory cost a cache miss a rep.
  std::vector<std::vector<ActiveRep>> active_by_team_;
  std::vector<std::uint64_t> source_hashes_;
  std::vector<RandomStream> source_streams_;
  std::vector<Sampler> source_delays_;
  std::vector<std::uint32_t> source_points_;
  std::vector<PoissonSampler> referral_counts_;  ///< [source]
  std::vector<Opportunity>& opportunities_;      ///< slots, recycled through free_
  std::vector<std::uint32_t>& free_;
  /// Remembered opportunities' paths: steps_per_opportunity_ (the most stages of a segment)
  /// per slot, written where a path may be cut (leavers' teams) or is traced.
  std::size_t steps_per_opportunity_ = 0;
  std::vector<PathStep>& steps_;
  std::vector<PathStep> path_;  ///< the path being drawn
};

/// Runs a replication in this thread's workspace (its own one if a replication on this thread
/// holds that already: a nested one).
template <bool Traced>
void run_in_workspace(const Model& model, std::uint64_t seed, std::uint64_t replication,
                      ReplicationResult& out, TraceObserver* trace) {
  thread_local Workspace kept;
  if (kept.in_use) {
    Workspace own;
    Replication<Traced>(model, seed, replication, out, trace, own).run();
    return;
  }
  struct Hold {
    explicit Hold(Workspace& workspace) : held(workspace) { held.in_use = true; }
    ~Hold() { held.in_use = false; }
    Workspace& held;
  } hold(kept);
  Replication<Traced>(model, seed, replication, out, trace, kept).run();
}

}  // namespace

/// simulate_replication with a trace observer (replication_traced.cpp).
void simulate_traced_replication(const Model& model, std::uint64_t seed, std::uint64_t replication,
                                 ReplicationResult& out, TraceObserver& trace);

}  // namespace funnelsim::sim
