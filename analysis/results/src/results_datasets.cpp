#include "results_datasets.hpp"

#include <algorithm>
#include <utility>

#include "hdf5_attribute.hpp"

namespace funnelsim::analysis {

using hdf5::check;

namespace {

// Chunks of about 512 KiB: large enough for deflate to work well and for h5py to read a
// column quickly, small enough that the chunk cache (one chunk per dataset) stays modest.
constexpr std::size_t CHUNK_TARGET_BYTES = 512 * 1024;
constexpr std::size_t CHUNK_MAX_ROWS = 512;
constexpr unsigned DEFLATE_LEVEL = 1;

void describe(hid_t dataset, const DatasetDescription& description, const std::string& where) {
  hdf5::write_string_attribute(dataset, "units", description.units, where);
  hdf5::write_string_attribute(dataset, "description", description.description, where);
  hdf5::write_strings_attribute(dataset, "dims", description.dims, where);
}

std::size_t chunk_rows(std::size_t row_bytes, std::size_t planned_rows) {
  const std::size_t by_size =
      std::clamp<std::size_t>(CHUNK_TARGET_BYTES / row_bytes, 1, CHUNK_MAX_ROWS);
  return std::min(by_size, std::max<std::size_t>(planned_rows, 1));
}

DatasetDescription description_of(const OutputField& field) {
  return {std::string(field.units), std::string(field.description), dim_names(field.dims)};
}

std::vector<hsize_t> dims_of(const OutputField& field, const DimSizes& sizes) {
  const std::vector<std::size_t> shape = shape_of(field.dims, sizes);
  return {shape.begin() + (field.per_replication() ? 1 : 0), shape.end()};
}

}  // namespace

hdf5::Dataset create_fixed_dataset(hid_t group, const std::string& name, const OutputField& field,
                                   const DimSizes& sizes, const std::string& where) {
  const hdf5::Datatype string_type = hdf5::utf8_string_type();
  const hid_t file_type = field.type == StoredType::string  ? string_type.get()
                          : field.type == StoredType::int64 ? H5T_STD_I64LE
                                                            : H5T_IEEE_F64LE;
  return create_fixed_dataset(group, name, file_type, dims_of(field, sizes), description_of(field),
                              where);
}

ReplicationDataset::ReplicationDataset(hid_t group, const std::string& name,
                                       const OutputField& field, const DimSizes& sizes,
                                       std::size_t planned_rows, std::string where)
    : ReplicationDataset(
          group, name, field.type == StoredType::int64 ? H5T_STD_I64LE : H5T_IEEE_F64LE,
          field.type == StoredType::int64 ? H5T_NATIVE_INT64 : H5T_NATIVE_DOUBLE,
          dims_of(field, sizes), planned_rows, description_of(field), std::move(where)) {}

hdf5::Dataset create_fixed_dataset(hid_t group, const std::string& name, hid_t file_type,
                                   const std::vector<hsize_t>& dims,
                                   const DatasetDescription& description,
                                   const std::string& where) {
  const std::string context = "cannot create dataset '" + name + "'";
  hdf5::Dataspace space(
      check(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), where, context));
  const hdf5::PropertyList creation = hdf5::creation_properties(H5P_DATASET_CREATE, where);
  hdf5::Dataset dataset(check(H5Dcreate2(group, name.c_str(), file_type, space.get(), H5P_DEFAULT,
                                         creation.get(), H5P_DEFAULT),
                              where, context));
  describe(dataset.get(), description, where + ": " + name);
  return dataset;
}

ReplicationDataset::ReplicationDataset(hid_t group, const std::string& name, hid_t file_type,
                                       hid_t memory_type, std::vector<hsize_t> inner_dims,
                                       std::size_t planned_rows,
                                       const DatasetDescription& description, std::string where)
    : memory_type_(memory_type), inner_dims_(std::move(inner_dims)), where_(std::move(where)) {
  for (const hsize_t dim : inner_dims_) {
    row_size_ *= dim;
  }
  const std::string context = "cannot create dataset '" + name + "'";
  const std::vector<hsize_t> initial = dims(0);
  std::vector<hsize_t> maximum = initial;
  maximum[0] = H5S_UNLIMITED;
  std::vector<hsize_t> chunk = dims(chunk_rows(row_size_ * H5Tget_size(file_type), planned_rows));
  for (hsize_t& dim : chunk) {
    dim = std::max<hsize_t>(dim, 1);
  }
  const int rank = static_cast<int>(initial.size());
  hdf5::Dataspace space(
      check(H5Screate_simple(rank, initial.data(), maximum.data()), where_, context));

  const hdf5::PropertyList creation = hdf5::creation_properties(H5P_DATASET_CREATE, where_);
  check(H5Pset_chunk(creation.get(), rank, chunk.data()), where_, context);
  check(H5Pset_shuffle(creation.get()), where_, context);
  check(H5Pset_deflate(creation.get(), DEFLATE_LEVEL), where_, context);

  // A cache that holds two whole chunks: the one being filled and the next, which a batch
  // can reach before the first is complete. Batches smaller than a chunk are then compressed
  // once, when the chunk is complete, rather than re-read and re-compressed at every batch.
  // No more than two: rows arrive in order and are never rewritten, and w0 = 1 evicts (writes)
  // completed chunks first, so a larger cache only keeps finished chunks in memory until the
  // file closes, and memory grows with the replication count (a 1 MiB floor per dataset made
  // the branch's peak RSS 32 MB at 1000 replications, 50 MB at 10,000).
  std::size_t chunk_bytes = H5Tget_size(file_type);
  for (const hsize_t dim : chunk) {
    chunk_bytes *= dim;
  }
  const hdf5::PropertyList access(check(H5Pcreate(H5P_DATASET_ACCESS), where_, context));
  check(H5Pset_chunk_cache(access.get(), 521, 2 * chunk_bytes, 1.0), where_, context);

  dataset_ = hdf5::Dataset(check(H5Dcreate2(group, name.c_str(), file_type, space.get(),
                                            H5P_DEFAULT, creation.get(), access.get()),
                                 where_, context));
  where_ += ": " + name;
  describe(dataset_.get(), description, where_);
}

std::vector<hsize_t> ReplicationDataset::dims(std::size_t rows) const {
  std::vector<hsize_t> result{rows};
  result.insert(result.end(), inner_dims_.begin(), inner_dims_.end());
  return result;
}

void ReplicationDataset::write_rows(std::size_t first_row, std::size_t count, const void* values) {
  if (count == 0) {
    return;
  }
  if (first_row + count > rows_) {
    resize(first_row + count);
  }
  const std::vector<hsize_t> start = [&] {
    std::vector<hsize_t> origin(inner_dims_.size() + 1, 0);
    origin[0] = first_row;
    return origin;
  }();
  const std::vector<hsize_t> block = dims(count);
  const int rank = static_cast<int>(block.size());
  hdf5::Dataspace file_space(check(H5Dget_space(dataset_.get()), where_, "bad dataspace"));
  check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr, block.data(),
                            nullptr),
        where_, "cannot select rows");
  hdf5::Dataspace memory_space(
      check(H5Screate_simple(rank, block.data(), nullptr), where_, "cannot create dataspace"));
  check(H5Dwrite(dataset_.get(), memory_type_, memory_space.get(), file_space.get(), H5P_DEFAULT,
                 values),
        where_, "cannot write rows");
}

void ReplicationDataset::resize(std::size_t rows) {
  const std::vector<hsize_t> extent = dims(rows);
  check(H5Dset_extent(dataset_.get(), extent.data()), where_, "cannot resize");
  rows_ = rows;
}

}  // namespace funnelsim::analysis
