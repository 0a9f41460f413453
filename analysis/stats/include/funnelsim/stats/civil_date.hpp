#pragma once
/// The civil calendar (proleptic Gregorian) counted in days since 1970-01-01: the one
/// conversion that the CRM history's reader and funnelsim's CRM export share. Howard Hinnant's
/// algorithms (http://howardhinnant.github.io/date_algorithms.html), exact for every day an
/// int64 holds.

#include <cstdint>
#include <string>

namespace funnelsim::analysis {

/// Days since 1970-01-01 of the day `year`-`month`-`day` (month 1..12, day 1..31; a day past
/// its month's end counts on into the next).
std::int64_t days_from_civil(std::int64_t year, int month, int day);

/// yyyy-mm-dd of the day that holds `days_since_epoch` (days since 1970-01-01, fractional: the
/// fraction is the time of day).
std::string iso_date(double days_since_epoch);

}  // namespace funnelsim::analysis
