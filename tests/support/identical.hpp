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
    for (const sim::SegmentSeries& series : sim::SEGMENT_SERIES) {
      const std::string name = segment + std::string(series.info.name);
      if (series.amounts) {
        compare(x.*series.amounts, y.*series.amounts, name);
      } else {
        compare(x.*series.counts, y.*series.counts, name);
      }
    }
    compare(x.opportunities, y.opportunities, segment + "opportunities");
    compare(x.stage_entries, y.stage_entries, segment + "stage_entries");
  }
  return differ;
}

inline bool identical(const sim::ReplicationResult& a, const sim::ReplicationResult& b) {
  return differences(a, b).empty();
}

}  // namespace funnelsim::testing
