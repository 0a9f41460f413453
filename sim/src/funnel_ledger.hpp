#pragma once
/// What a segment's week ends observe of its funnel: open opportunities and their amounts by
/// stage, the amounts the reps call committed or possible for the week's quarter, and the
/// bookings of the quarter so far. An opportunity's path is added when it is drawn, as
/// differences over the weeks it spends in each stage (and taken back if its rep leaves and
/// the team loses it); each week end sums its week's differences into the running totals. So
/// only wins, not stage ends, need events.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "opportunity_path.hpp"

namespace funnelsim::sim::engine {

class FunnelLedger {
 public:
  /// Weeks 0 ... weeks - 1 of differences: the run's weeks and one beyond (week_after's
  /// total + 1, for stays that last past the end).
  FunnelLedger(std::size_t stages, std::size_t weeks)
      : count_change_(weeks * stages, 0),
        amount_change_(weeks * stages, 0),
        call_change_(3 * weeks, 0),
        weeks_(weeks),
        open_count_(stages, 0),
        open_amount_(stages, 0) {}

  /// Adds (sign 1) or takes back (-1) an opportunity of fixed-point amount `amount_fixed` in
  /// `stage` in weeks first ... last - 1 (week_after of its entry and its exit): its count and
  /// amount, and its amount in the rep's `call`, from week `due` (the first week whose calls
  /// count deals due in its close quarter) on. Without a branch on the data: a stay that no
  /// week end sees (first == last) adds and takes back in the same week, and a NOT_FORECAST
  /// call changes a scratch row that no week end reads; whether either is the case is a coin
  /// toss that a predictor loses.
  void observe(std::size_t stage, std::int64_t amount_fixed, std::uint8_t call, int due, int first,
               int last, std::int64_t sign) {
    if (first > last)
      return;  // only a take-back of a stay that ended before the drop
    const std::size_t stages = open_count_.size();
    const std::int64_t amount = sign * amount_fixed;
    count_change_[first * stages + stage] += sign;
    count_change_[last * stages + stage] -= sign;
    amount_change_[first * stages + stage] += amount;
    amount_change_[last * stages + stage] -= amount;
    // Selects, not std::max and std::min: g++ compiled those to branches here, mispredicted
    // (cachegrind) about one stage entry in ten.
    int from = first > due ? first : due;
    from = from < last ? from : last;
    std::int64_t* const calls = call_change_.data() + call * weeks_;
    calls[from] += amount;
    calls[last] -= amount;
  }

  /// Brings the totals to the end of `week`: adds its differences.
  void close_week(int week) {
    const std::size_t stages = open_count_.size();
    for (std::size_t i = 0; i < stages; ++i) {
      open_count_[i] += count_change_[week * stages + i];
      open_amount_[i] += amount_change_[week * stages + i];
    }
    committed_ += call_change_[COMMITTED * weeks_ + week];
    possible_ += call_change_[POSSIBLE * weeks_ + week];
  }

  /// A win booked in a measured quarter (万).
  void book(double amount) { realized_this_quarter_ += amount; }
  void close_quarter() { realized_this_quarter_ = 0.0; }

  std::size_t stages() const { return open_count_.size(); }
  /// At the last week end closed: open opportunities in stage i, and their amount (万).
  std::int64_t open_count(std::size_t i) const { return open_count_[i]; }
  double open_amount(std::size_t i) const {
    return static_cast<double>(open_amount_[i]) / AMOUNT_SCALE;
  }
  /// 万 called committed, or possible, that would close by the end of the week's quarter.
  double committed() const { return static_cast<double>(committed_) / AMOUNT_SCALE; }
  double possible() const { return static_cast<double>(possible_) / AMOUNT_SCALE; }
  double realized_this_quarter() const { return realized_this_quarter_; }  ///< 万

 private:
  /// Week w's open count of stage i is the sum of count_change_[v][i] over weeks v <= w
  /// (likewise amounts, fixed point). Index [week][stage].
  std::vector<std::int64_t> count_change_;
  std::vector<std::int64_t> amount_change_;
  /// [call x weeks + week], call NOT_FORECAST (a scratch row, never read), POSSIBLE, COMMITTED.
  std::vector<std::int64_t> call_change_;
  std::size_t weeks_ = 0;
  /// The sums up to the last week end closed.
  std::vector<std::int64_t> open_count_;
  std::vector<std::int64_t> open_amount_;
  std::int64_t committed_ = 0;
  std::int64_t possible_ = 0;
  double realized_this_quarter_ = 0.0;
};

}  // namespace funnelsim::sim::engine
