#include "funnelsim/scenarios/snapshot.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "names.hpp"
#include "yaml_reader.hpp"

namespace funnelsim::scenarios {
namespace {

using analysis::Snapshot;
using analysis::SnapshotCalls;
using analysis::SnapshotGapLadder;
using analysis::SnapshotReceipts;
using analysis::SnapshotStage;
using analysis::SnapshotWeights;
using detail::Field;
using detail::Range;

constexpr int MAX_COUNT = 10000000;
constexpr std::size_t MAX_STAGES = 100;

// Numeric domains (scenarios/README.md, "Snapshot keys"): bounds under which the forecast's
// arithmetic stays finite and its tables small.
/// Amounts (万): quota, realized, stage amounts, calls, receipts, average deal. 100 stages of
/// them sum to at most 1e14, and divided by the least average deal or probability, 1e29.
constexpr double MAX_AMOUNT = 1e12;
/// The least average deal (`average_deal`, `gap_ladder.p4`), a divisor.
constexpr double MIN_AVERAGE_DEAL = 1e-6;
/// The least win probability, a divisor (Little's law, the new opportunities needed).
constexpr double MIN_PROBABILITY = 1e-6;
/// Weeks in a quarter and weeks per stage: the forecast prints a line for every week that
/// today's funnel takes to close, stages x weeks_per_stage (at most 100 x 52).
constexpr double MAX_WEEKS = 52.0;

const Range amount_range{0.0, MAX_AMOUNT};
const Range average_deal_range{MIN_AVERAGE_DEAL, MAX_AMOUNT};
const Range probability_range{MIN_PROBABILITY, 1.0};

std::vector<SnapshotStage> read_stages(const Field& field) {
  detail::NameList names("stage");
  std::vector<SnapshotStage> stages;
  std::optional<Field> previous_probability;
  std::optional<Field> previous_item;
  for (const Field& item : field.named_items(MAX_STAGES)) {
    item.check_keys({"name", "win_probability", "count", "amount"}, "a stage");
    SnapshotStage stage;
    stage.name = names.add(item);
    const Field probability = item.at("win_probability");
    stage.win_probability = probability.number(probability_range);
    if (previous_probability) {
      detail::check_win_probability_order(stages.back().name, stages.back().win_probability,
                                          *previous_probability, stage.name, stage.win_probability,
                                          probability);
    }
    previous_probability = probability;
    stage.count = item.at("count").integer(0, MAX_COUNT);
    if (const auto amount = item.get("amount")) {
      stage.amount = amount->number(amount_range);
    }
    if (!stages.empty() && stage.amount.has_value() != stages.front().amount.has_value()) {
      item.fail("give 'amount' for every stage or for none: '" + stage.name + "' has " +
                (stage.amount ? "one" : "none") + ", '" + stages.front().name + "' has " +
                (stages.front().amount ? "one" : "none"));
    }
    stages.push_back(std::move(stage));
  }
  return stages;
}

SnapshotCalls read_calls(const Field& field) {
  field.check_keys({"committed", "possible"}, "calls");
  SnapshotCalls calls;
  calls.committed = field.at("committed").number(amount_range);
  calls.possible = field.at("possible").number(amount_range);
  return calls;
}

SnapshotWeights read_weights(const Field& field) {
  field.check_keys({"committed", "possible", "unforecast_per_week"}, "weights");
  SnapshotWeights weights;
  if (const auto alpha = field.get("committed")) {
    weights.committed = alpha->number(Range::fraction());
  }
  if (const auto beta = field.get("possible")) {
    weights.possible = beta->number(Range::fraction());
  }
  if (const auto gamma = field.get("unforecast_per_week")) {
    weights.unforecast_per_week = gamma->number(Range::fraction());
  }
  return weights;
}

SnapshotReceipts read_receipts(const Field& field) {
  field.check_keys({"paid_within_year", "quarter_share", "software_share", "won_receipts"},
                   "receipts");
  SnapshotReceipts receipts;
  if (const auto paid = field.get("paid_within_year")) {
    receipts.paid_within_year = paid->number(Range::fraction());
  }
  if (const auto share = field.get("quarter_share")) {
    receipts.quarter_share = share->number(Range::fraction());
  }
  if (const auto software = field.get("software_share")) {
    receipts.software_share = software->number(Range::fraction());
  }
  if (const auto won = field.get("won_receipts")) {
    receipts.won_receipts = won->number(amount_range);
  }
  return receipts;
}

SnapshotGapLadder read_gap_ladder(const Field& field) {
  field.check_keys({"p1", "p2", "p3", "p4"}, "gap_ladder");
  SnapshotGapLadder ladder;
  if (const auto p1 = field.get("p1")) {
    ladder.p1 = p1->number(Range::fraction());
  }
  if (const auto p2 = field.get("p2")) {
    ladder.p2 = p2->number(Range::fraction());
  }
  if (const auto p3 = field.get("p3")) {
    ladder.p3 = p3->number(probability_range);
  }
  if (const auto p4 = field.get("p4")) {
    ladder.p4 = p4->number(average_deal_range);
  }
  return ladder;
}

Snapshot read_snapshot(const Field& root) {
  if (!root.node().IsMap()) {
    root.fail("the top level must be a mapping, got " + root.describe());
  }
  root.check_keys({"quota", "realized", "weeks_remaining", "weeks_in_quarter", "average_deal",
                   "weeks_per_stage", "new_opportunity_win_probability", "stages", "calls",
                   "weights", "receipts", "gap_ladder"});
  Snapshot snapshot;
  snapshot.quota = root.at("quota").number({0.0, MAX_AMOUNT, true, false});
  snapshot.realized = root.at("realized").number(amount_range);
  if (const auto weeks = root.get("weeks_in_quarter")) {
    snapshot.weeks_in_quarter = weeks->number({0.0, MAX_WEEKS, true, false});
  }
  const Field weeks_remaining = root.at("weeks_remaining");
  snapshot.weeks_remaining = weeks_remaining.number(Range::non_negative());
  if (snapshot.weeks_remaining > snapshot.weeks_in_quarter) {
    weeks_remaining.fail("must be <= weeks_in_quarter (" +
                         detail::format_number(snapshot.weeks_in_quarter) + "), got " +
                         weeks_remaining.describe());
  }
  if (const auto deal = root.get("average_deal")) {
    snapshot.average_deal = deal->number(average_deal_range);
  }
  if (const auto weeks = root.get("weeks_per_stage")) {
    snapshot.weeks_per_stage = weeks->number({0.0, MAX_WEEKS, true, false});
  }
  if (const auto probability = root.get("new_opportunity_win_probability")) {
    snapshot.new_opportunity_win_probability = probability->number(probability_range);
  }
  // Each model needs only its own inputs: without stages, the commit model and the run rate
  // (and the gap ladder, with an average deal or gap_ladder.p4) still apply.
  const std::optional<Field> stages_field = root.get("stages");
  if (stages_field)
    snapshot.stages = read_stages(*stages_field);
  if (stages_field && !snapshot.average_deal) {
    const Field& stages = *stages_field;
    // The playbook's "unit output" (§4a): funnel amount ÷ funnel count, when amounts are given.
    if (!snapshot.stages.front().amount) {
      root.renamed("average_deal")
          .fail("missing required key 'average_deal' (needed when the stages have no 'amount')");
    }
    long long total_count = 0;
    double total_amount = 0.0;
    for (const SnapshotStage& stage : snapshot.stages) {
      total_count += stage.count;
      total_amount += *stage.amount;
    }
    if (total_count == 0 || total_amount == 0.0) {
      stages.fail("cannot derive the average deal from a funnel with no " +
                  std::string(total_count == 0 ? "opportunities" : "amount") +
                  ": set 'average_deal'");
    }
    if (const double derived = total_amount / static_cast<double>(total_count);
        derived < MIN_AVERAGE_DEAL) {
      stages.fail("the average deal derived from the funnel, " + detail::format_number(derived) +
                  ", is below " + detail::format_number(MIN_AVERAGE_DEAL) + ": set 'average_deal'");
    }
  }
  if (const auto calls = root.get("calls")) {
    snapshot.calls = read_calls(*calls);
  }
  if (const auto weights = root.get("weights")) {
    snapshot.weights = read_weights(*weights);
  }
  if (const auto receipts = root.get("receipts")) {
    snapshot.receipts = read_receipts(*receipts);
  }
  if (const auto ladder = root.get("gap_ladder")) {
    snapshot.gap_ladder = read_gap_ladder(*ladder);
  }
  return snapshot;
}

}  // namespace

Snapshot load_snapshot_text(const std::string& text, const std::string& source_name) {
  const YAML::Node root = detail::parse_document(text, source_name, "snapshot");
  const detail::Origin origin{source_name, source_name};
  try {
    return read_snapshot(Field(origin, root, ""));
  } catch (const YAML::Exception& error) {
    // The readers check types before converting, so this is a safety net, not a path.
    throw detail::error_at(origin, error.mark, "", error.msg);
  }
}

Snapshot load_snapshot_file(const std::string& path) {
  return load_snapshot_text(detail::read_text_file(path), path);
}

}  // namespace funnelsim::scenarios
