#include <cmath>
#include <cstddef>

#include "readers.hpp"

namespace funnelsim::scenarios::detail {
namespace {

constexpr double SHARE_TOLERANCE = 1e-6;
constexpr std::size_t QUARTERS_PER_YEAR = 4;

std::vector<double> cycle(const std::vector<double>& entries, const sim::Calendar& calendar) {
  std::vector<double> per_quarter;
  for (int quarter = 0; quarter < calendar.quarters; ++quarter) {
    per_quarter.push_back(entries[static_cast<std::size_t>(quarter) % entries.size()]);
  }
  return per_quarter;
}

std::vector<double> read_annual(const Field& field, const sim::Calendar& calendar) {
  const double annual = field.at("annual").number(positive_amount_range());
  std::vector<double> shares(QUARTERS_PER_YEAR, 1.0 / QUARTERS_PER_YEAR);
  if (const auto shares_field = field.get("quarter_shares")) {
    const std::vector<Field> items = shares_field->items();
    if (items.size() != QUARTERS_PER_YEAR) {
      shares_field->fail("must have 4 entries, one per quarter of the year, got " +
                         std::to_string(items.size()));
    }
    double total = 0.0;
    for (std::size_t q = 0; q < QUARTERS_PER_YEAR; ++q) {
      shares[q] = items[q].number(Range::non_negative());
      total += shares[q];
    }
    if (std::abs(total - 1.0) > SHARE_TOLERANCE) {
      shares_field->fail("shares must sum to 1, got " + format_number(total));
    }
  }
  std::vector<double> per_quarter;
  for (const double share : shares) {
    per_quarter.push_back(annual * share);
  }
  return cycle(per_quarter, calendar);
}

std::vector<double> read_per_quarter(const Field& field, const sim::Calendar& calendar) {
  std::vector<double> entries;
  for (const Field& item : field.non_empty_items()) {
    entries.push_back(item.number(positive_amount_range()));
  }
  return cycle(entries, calendar);
}

std::vector<double> sum_of_teams(const std::vector<sim::Team>& teams,
                                 const sim::Calendar& calendar) {
  std::vector<double> per_quarter(static_cast<std::size_t>(calendar.quarters), 0.0);
  for (const sim::Team& team : teams) {
    for (std::size_t q = 0; q < per_quarter.size(); ++q) {
      // Hires carry a quota from their week on, leavers up to theirs.
      per_quarter[q] += team.seat_quarters(static_cast<int>(q), calendar.weeks_per_quarter) *
                        team.quota_per_quarter[q];
    }
  }
  return per_quarter;
}

}  // namespace

std::vector<double> read_quota(const std::optional<Field>& field, const Field& root,
                               const std::vector<sim::Team>& teams, const sim::Calendar& calendar) {
  std::vector<double> quota;
  if (field) {
    field->check_keys({"annual", "quarter_shares", "per_quarter"}, "quota");
    if (field->has("per_quarter")) {
      if (field->has("annual") || field->has("quarter_shares")) {
        field->fail("give 'annual' (with 'quarter_shares') or 'per_quarter', not both");
      }
      quota = read_per_quarter(field->at("per_quarter"), calendar);
    } else {
      quota = read_annual(*field, calendar);
    }
  } else {
    quota = sum_of_teams(teams, calendar);
  }
  // Attainment is bookings / quota: a quarter without a quota has no attainment.
  for (std::size_t q = 0; q < quota.size(); ++q) {
    if (!(quota[q] > 0.0)) {
      (field ? *field : root.renamed("quota"))
          .fail("no quota for quarter " + std::to_string(q + 1) +
                ": set quota.annual or teams' quota_per_quarter");
    }
  }
  return quota;
}

}  // namespace funnelsim::scenarios::detail
