#pragma once
// Internal: the datasets of a results file, each created with its units, description and
// dimension names (RESULTS.md), and the chunked ones that grow by replication.

#include <hdf5.h>

#include <cstddef>
#include <string>
#include <vector>

#include "funnelsim/results/results_fields.hpp"
#include "hdf5_handle.hpp"

namespace funnelsim::analysis {

/// The self-description every dataset carries as attributes.
struct DatasetDescription {
  std::string units;  ///< "万", "deals", "opportunities", "1" for ratios, "" for names
  std::string description;
  std::vector<std::string> dims;  ///< one name per dimension, outermost first
};

/// Creates a dataset of fixed shape `dims`, described by `description`.
hdf5::Dataset create_fixed_dataset(hid_t group, const std::string& name, hid_t file_type,
                                   const std::vector<hsize_t>& dims,
                                   const DatasetDescription& description, const std::string& where);

/// Creates the dataset of fixed shape that `field` describes, its dimensions sized by `sizes`.
hdf5::Dataset create_fixed_dataset(hid_t group, const std::string& name, const OutputField& field,
                                   const DimSizes& sizes, const std::string& where);

/// A chunked, compressed dataset [replication, inner...] whose first dimension is unlimited:
/// it grows as batches of replications are written and can be cut when a run stops early.
class ReplicationDataset {
 public:
  /// `file_type` is the stored type, `memory_type` the type of the buffers passed to
  /// write_rows(); `planned_rows` only sizes the chunks.
  ReplicationDataset(hid_t group, const std::string& name, hid_t file_type, hid_t memory_type,
                     std::vector<hsize_t> inner_dims, std::size_t planned_rows,
                     const DatasetDescription& description, std::string where);
  /// The replication dataset that `field` describes, its other dimensions sized by `sizes`;
  /// write_rows() takes doubles or int64 as the field is stored.
  ReplicationDataset(hid_t group, const std::string& name, const OutputField& field,
                     const DimSizes& sizes, std::size_t planned_rows, std::string where);

  /// Values in one row (one replication).
  std::size_t row_size() const { return row_size_; }
  /// Writes `count` rows starting at `first_row` from `values` (count × row_size() elements),
  /// growing the dataset if needed.
  void write_rows(std::size_t first_row, std::size_t count, const void* values);
  /// Sets the number of rows, discarding rows beyond it.
  void resize(std::size_t rows);

 private:
  std::vector<hsize_t> dims(std::size_t rows) const;

  hdf5::Dataset dataset_;
  hid_t memory_type_;
  std::vector<hsize_t> inner_dims_;
  std::size_t row_size_ = 1;
  std::size_t rows_ = 0;
  std::string where_;
};

}  // namespace funnelsim::analysis
