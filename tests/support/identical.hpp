#pragma once
// Bit-for-bit comparison of two replications' results, for the reproducibility tests.

#include <string>
#include <vector>

#include "funnelsim/sim/results.hpp"

namespace funnelsim::testing {

/// The names of the fields in which two replications differ; empty when identical. Doubles are
/// compared with ==: reproducibility means the same bits, not the same value within a tolerance.
inline std::vector<std::string> differences(const sim::ReplicationResult& a,
                                            const sim::ReplicationResult& b) {
  std::vector<std::string> differ;
  const auto compare = [&differ](const auto& x, const auto& y, const std::string& name) {
    if (!(x == y))
      differ.push_back(name);
  };
  compare(a.bookings, b.bookings, "bookings");
  compare(a.wins, b.wins, "wins");
  compare(a.rep_bookings, b.rep_bookings, "rep_bookings");
  compare(a.derived, b.derived, "derived");
  compare(a.events, b.events, "events");
  compare(a.leads_resolved, b.leads_resolved, "leads_resolved");
  compare(a.lead_points, b.lead_points, "lead_points");
  compare(a.referral_streams, b.referral_streams, "referral_streams");
  if (a.segments.size() != b.segments.size()) {
    differ.push_back("segments");
    return differ;
  }
  for (std::size_t s = 0; s < a.segments.size(); ++s) {
    const sim::SegmentResult& x = a.segments[s];
    const sim::SegmentResult& y = b.segments[s];
    const std::string segment = "segments[" + std::to_string(s) + "].";
    compare(x.bookings, y.bookings, segment + "bookings");
    compare(x.wins, y.wins, segment + "wins");
    compare(x.leads, y.leads, segment + "leads");
    compare(x.funnel_count, y.funnel_count, segment + "funnel_count");
    compare(x.funnel_amount, y.funnel_amount, segment + "funnel_amount");
    compare(x.realized, y.realized, segment + "realized");
    compare(x.calls_committed, y.calls_committed, segment + "calls_committed");
    compare(x.calls_possible, y.calls_possible, segment + "calls_possible");
    compare(x.opportunities, y.opportunities, segment + "opportunities");
    compare(x.stage_entries, y.stage_entries, segment + "stage_entries");
  }
  return differ;
}

inline bool identical(const sim::ReplicationResult& a, const sim::ReplicationResult& b) {
  return differences(a, b).empty();
}

}  // namespace funnelsim::testing
