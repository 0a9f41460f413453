#pragma once
// Internal: the group /variants/<name> of a results file and the sink that appends that
// variant's replications to it.

#include <hdf5.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "funnelsim/results/results_file.hpp"
#include "funnelsim/sim/model.hpp"
#include "funnelsim/sim/results.hpp"
#include "funnelsim/sim/runner.hpp"
#include "hdf5_handle.hpp"
#include "results_datasets.hpp"

namespace funnelsim::analysis {

class VariantSink final : public sim::ResultSink {
 public:
  /// Creates /variants/<name> under `variants_group` with every dataset of `model`
  /// (results_fields.hpp) and one forecast/<series> dataset per series of `derived`, the
  /// series a ReplicationHook fills in each replication's `derived`, in that order.
  VariantSink(hid_t variants_group, const std::string& name, const sim::Model& model,
              const std::string& resolved_yaml, std::span<const sim::SeriesInfo> derived,
              std::size_t first_replication, std::size_t planned_replications,
              const std::string& where, const SweepPoint& sweep = {});
  ~VariantSink() override;
  VariantSink(const VariantSink&) = delete;
  VariantSink& operator=(const VariantSink&) = delete;

  /// Appends replications `first`, `first + 1`, ...; they must follow the last one stored.
  void consume(std::size_t first, std::span<const sim::ReplicationResult> results) override;

  const std::string& name() const { return name_; }
  /// Replications stored so far.
  std::size_t stored() const { return stored_; }
  /// Cuts every replication dataset to `replications` rows.
  void truncate(std::size_t replications);

 private:
  void check_shape(std::size_t replication, const sim::ReplicationResult& result) const;
  void write_batch(std::size_t first_row, std::span<const sim::ReplicationResult> results);
  /// Writes the batch's VARIANT_FIELDS[field] from the reused buffer for T.
  template <typename T>
  void write(std::size_t field, std::size_t first_row, std::size_t count,
             const std::vector<T>& rows);
  /// Concatenates one field (of each replication, or of its segment `segment`) over the
  /// batch, in replication order, into the reused buffer for T.
  template <typename T, typename Record>
  const std::vector<T>& gather(std::span<const sim::ReplicationResult> results,
                               std::vector<T> Record::*field, std::size_t segment = 0);
  /// The cost [replication][quarter] of each replication of the batch, 万, in the reused
  /// buffer for doubles.
  const std::vector<double>& gather_cost(std::span<const sim::ReplicationResult> results);
  /// Derived series `series` of the batch, NaN where a replication has none.
  const double* gather_derived(std::span<const sim::ReplicationResult> results, std::size_t series);

  std::string name_;
  std::string where_;
  sim::ResultShape shape_;
  std::vector<double> quota_;  ///< 万 per measured quarter
  /// Per quarter: Σ_teams seats (Team::seat_quarters) × cost_per_rep_per_quarter, 万.
  std::vector<double> fixed_cost_;
  std::vector<double> rep_commission_rate_;  ///< [rep], the rep's team's commission_rate
  std::vector<sim::SeriesInfo> derived_series_;
  std::size_t first_replication_;
  std::size_t stored_ = 0;

  hdf5::Group group_;
  /// VARIANT_FIELDS' replication datasets, by position in it (empty for the others).
  std::vector<std::optional<ReplicationDataset>> variant_datasets_;
  std::vector<std::vector<ReplicationDataset>> segments_;  ///< [segment][SEGMENT_SERIES]
  std::vector<ReplicationDataset> derived_;  ///< forecast/<series>, derived_series_ order

  // Reused between batches so that memory stays at one batch.
  std::vector<double> double_rows_;
  std::vector<std::int64_t> integer_rows_;
};

}  // namespace funnelsim::analysis
