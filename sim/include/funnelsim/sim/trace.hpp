#pragma once
/// An observer of one replication's events, for a person to read what happened (an event
/// trace) or for tests. The engine calls it synchronously; it must not throw.

#include <cstdint>
#include <span>

namespace funnelsim::sim {

enum class TraceEvent : std::uint8_t {
  lead,     ///< an opportunity enters its first stage
  advance,  ///< it leaves a stage for the next
  win,      ///< it leaves the last stage won
  loss,     ///< it leaves a stage lost
  stall,    ///< it sat longer than the stage allows: lost
  dropped,  ///< its rep left and the team loses leavers' opportunities
  hire,     ///< a territory gets a new rep
  leave,    ///< a rep leaves
};

const char* to_string(TraceEvent event);

struct TraceRecord {
  double time = 0.0;  ///< days since the start, warm-up included
  TraceEvent event = TraceEvent::lead;
  int rep = 0;                    ///< index in the flat rep order of the results
  std::uint64_t opportunity = 0;  ///< numbered 1, 2, ... in order of creation; 0 for rep events
  int segment = -1;               ///< -1 for rep events
  int stage = -1;                 ///< the stage left (or entered, for a lead); -1 for rep events
  double amount = 0.0;            ///< 万
  /// Where the opportunity came from: the index of its lead source in Model::sources, or -1
  /// for the rep's own prospecting (and for rep events).
  int source = -1;
  bool existing = false;  ///< with an existing customer (Segment::existing_share)
};

/// An open opportunity as a CRM holds it at a weekly snapshot.
struct OpenOpportunity {
  std::uint64_t opportunity = 0;  ///< as in TraceRecord
  int rep = 0;
  int segment = 0;
  int stage = 0;
  double amount = 0.0;         ///< 万
  double stage_entered = 0.0;  ///< day it entered its current stage
  int call = 0;                ///< the rep's call: 0 not forecast, 1 possible, 2 committed
};

class TraceObserver {
 public:
  virtual ~TraceObserver() = default;
  virtual void record(const TraceRecord& record) = 0;
  /// At each measured week's end (week 0-based, time in days): every open opportunity, in no
  /// particular order. Called only for observers that ask for it, since it visits them all.
  virtual bool wants_snapshots() const { return false; }
  virtual void snapshot(int /*measured_week*/, double /*time*/,
                        std::span<const OpenOpportunity> /*open*/) {}
};

}  // namespace funnelsim::sim
