#include <algorithm>
#include <limits>
#include <optional>
#include <set>
#include <utility>

#include "funnelsim/results/results_fields.hpp"
#include "funnelsim/results/results_file.hpp"
#include "funnelsim/results/results_values.hpp"
#include "hdf5_attribute.hpp"
#include "hdf5_handle.hpp"

namespace funnelsim::analysis {

using hdf5::check;

namespace {

herr_t collect_name(hid_t, const char* name, const H5L_info_t*, void* names) {
  static_cast<std::vector<std::string>*>(names)->emplace_back(name);
  return 0;
}

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) {
    text += (text.empty() ? "" : ", ") + name;
  }
  return text.empty() ? "none" : text;
}

}  // namespace

class ResultsReader::Impl {
 public:
  explicit Impl(const std::filesystem::path& path);

  const FileMetadata& metadata() const { return metadata_; }
  /// The file and, within it, "variants/baseline": where a variant's errors are.
  ErrorLocation variant_where(const std::string& variant) const {
    return {where_.file, 0, 0, "variants/" + variant};
  }
  /// The file and, within it, "variants/baseline/bookings": where a dataset's errors are.
  ErrorLocation dataset_where(const std::string& variant, const std::string& dataset) const {
    return {where_.file, 0, 0, "variants/" + variant + "/" + dataset};
  }
  std::vector<std::string> members(const std::string& group_path) const;
  hid_t file() const { return file_.get(); }
  /// Whether the file has a link at `path` (its parent groups must exist).
  bool exists(const std::string& path) const {
    return H5Lexists(file_.get(), path.c_str(), H5P_DEFAULT) > 0;
  }
  hdf5::Dataset open_dataset(const std::string& variant, const std::string& dataset) const;
  /// A numeric dataset of rank `rank` (any rank if negative), converted to double; its dims
  /// go to `shape`. With `rows`, only rows [first, first + count) of the first dimension are
  /// read, and shape[0] is count.
  std::vector<double> read_numeric(
      const std::string& variant, const std::string& dataset, int rank, std::vector<hsize_t>& shape,
      std::optional<std::pair<std::size_t, std::size_t>> rows = std::nullopt) const;
  DatasetInfo dataset_info(const std::string& variant, const std::string& dataset) const;

 private:
  void read_metadata();
  /// The shape RESULTS.md gives `dataset` under these root attributes (ANY where the root
  /// does not say), or none for a dataset it does not describe.
  std::optional<std::vector<std::size_t>> layout_shape(const std::string& dataset) const;
  /// Fails, naming the dataset, if `shape` is not its documented shape: a damaged or
  /// hand-edited file must not lead a caller to index past the data.
  void check_shape(const ErrorLocation& context, const std::string& dataset,
                   const std::vector<hsize_t>& shape) const;
  std::size_t read_count(const std::string& name) const;

  ErrorLocation where_;           ///< the file, as its errors name it
  std::uintmax_t file_size_ = 0;  ///< bytes on disk: no dataset's storage lies beyond
  hdf5::File file_;
  FileMetadata metadata_;
  /// Datasets whose storage was checked: the file is open read-only, so once is enough
  /// (merge reads each dataset in many slabs).
  mutable std::set<std::string> checked_;
};

ResultsReader::Impl::Impl(const std::filesystem::path& path) : where_{path.string(), 0, 0, {}} {
  hdf5::silence_errors();
  std::error_code error;
  if (!std::filesystem::exists(path, error)) {
    throw ResultsError::at(where_, "no such file");
  }
  if (!std::filesystem::is_regular_file(path, error)) {
    throw ResultsError::at(where_, "not a regular file");
  }
  file_size_ = std::filesystem::file_size(path, error);
  if (error) {
    throw ResultsError::at(where_, "cannot read its size: " + error.message());
  }
  if (H5Fis_hdf5(path.c_str()) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    throw ResultsError::at(where_, "not an HDF5 file");
  }
  // HDF5 1.10 locks files it opens and, by default, refuses to open them on file systems
  // without flock() (some NFS mounts); reading needs no lock there.
  const hdf5::PropertyList access(check(H5Pcreate(H5P_FILE_ACCESS), where_, "HDF5 failure"));
  check(H5Pset_file_locking(access.get(), true, true), where_, "HDF5 failure");
  file_ = hdf5::File(H5Fopen(path.c_str(), H5F_ACC_RDONLY, access.get()));
  if (!file_.valid()) {
    hdf5::fail(where_, "cannot open (truncated or damaged HDF5 file?)");
  }
  // Before anything is opened by path: an external link would open another file.
  hdf5::check_links(file_.get(), where_);
  read_metadata();
}

void ResultsReader::Impl::read_metadata() {
  const hid_t root = file_.get();
  if (!hdf5::has_attribute(root, "filetype", where_)) {
    throw ResultsError::at(where_, "not a funnelsim results file (no 'filetype' attribute)");
  }
  metadata_.filetype = hdf5::read_string_attribute(root, "filetype", where_);
  if (metadata_.filetype != RESULTS_FILETYPE) {
    throw ResultsError::at(where_, "not a funnelsim results file (filetype is '" +
                                       metadata_.filetype + "', expected '" +
                                       std::string(RESULTS_FILETYPE) + "')");
  }
  metadata_.layout_version = hdf5::read_int64_attribute(root, "layout_version", where_);
  if (metadata_.layout_version > RESULTS_LAYOUT_VERSION) {
    throw ResultsError::at(where_, "layout_version " + std::to_string(metadata_.layout_version) +
                                       " is newer than this funnelsim reads (" +
                                       std::to_string(RESULTS_LAYOUT_VERSION) +
                                       "); use a newer funnelsim");
  }
  if (metadata_.layout_version < 1) {
    throw ResultsError::at(where_,
                           "unknown layout_version " + std::to_string(metadata_.layout_version));
  }
  metadata_.funnelsim_version = hdf5::read_string_attribute(root, "funnelsim_version", where_);
  metadata_.scenario_yaml = hdf5::read_string_attribute(root, "scenario", where_);
  metadata_.scenario_name = hdf5::read_string_attribute(root, "scenario_name", where_);
  metadata_.seed = hdf5::read_uint64_attribute(root, "seed", where_);
  metadata_.replications = read_count("replications");
  metadata_.replications_planned = read_count("replications_planned");
  metadata_.first_replication = read_count("first_replication");
  const std::int64_t complete = hdf5::read_int64_attribute(root, "complete", where_);
  metadata_.complete = complete != 0;
  // The counts size every dataset a reader expects: bounded and consistent with each other
  // before any dataset is checked against them.
  if (metadata_.replications_planned > MAX_REPLICATIONS) {
    throw ResultsError::at(where_, "attribute 'replications_planned' is " +
                                       std::to_string(metadata_.replications_planned) +
                                       ", more than a run makes (" +
                                       std::to_string(MAX_REPLICATIONS) + ")");
  }
  if (metadata_.replications > metadata_.replications_planned) {
    throw ResultsError::at(where_, "attribute 'replications' (" +
                                       std::to_string(metadata_.replications) +
                                       ") is more than 'replications_planned' (" +
                                       std::to_string(metadata_.replications_planned) + ")");
  }
  if (metadata_.first_replication >
      static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max()) -
          metadata_.replications_planned) {
    throw ResultsError::at(
        where_, "attributes 'first_replication' (" + std::to_string(metadata_.first_replication) +
                    ") and 'replications_planned' overflow a replication number");
  }
  if ((complete != 0 && complete != 1) ||
      metadata_.complete != (metadata_.replications == metadata_.replications_planned)) {
    throw ResultsError::at(
        where_, "attribute 'complete' (" + std::to_string(complete) + ") does not match " +
                    std::to_string(metadata_.replications) + " of " +
                    std::to_string(metadata_.replications_planned) + " replications stored");
  }
  // Bounded so that quarters x weeks and the arrays sized by them stay in range.
  constexpr std::size_t CALENDAR_LIMIT = 1 << 15;
  const auto calendar_count = [&](const std::string& name) {
    const std::size_t value = read_count(name);
    if (value > CALENDAR_LIMIT) {
      throw ResultsError::at(where_, "attribute '" + name + "' is " + std::to_string(value) +
                                         ", more than a results file can hold (" +
                                         std::to_string(CALENDAR_LIMIT) + ")");
    }
    return static_cast<int>(value);
  };
  metadata_.quarters = calendar_count("quarters");
  metadata_.weeks_per_quarter = calendar_count("weeks_per_quarter");
  metadata_.warmup_weeks = calendar_count("warmup_weeks");
  if (metadata_.quarters < 1 || metadata_.weeks_per_quarter < 1) {
    throw ResultsError::at(where_,
                           "attributes 'quarters' and 'weeks_per_quarter' must be >= 1, got " +
                               std::to_string(metadata_.quarters) + " and " +
                               std::to_string(metadata_.weeks_per_quarter));
  }
  if (check(H5Lexists(root, "variants", H5P_DEFAULT), where_, "cannot look up 'variants'") <= 0) {
    throw ResultsError::at(where_, "missing group 'variants'");
  }
}

std::size_t ResultsReader::Impl::read_count(const std::string& name) const {
  const std::int64_t value = hdf5::read_int64_attribute(file_.get(), name, where_);
  if (value < 0) {
    throw ResultsError::at(where_,
                           "attribute '" + name + "' must be >= 0, got " + std::to_string(value));
  }
  return static_cast<std::size_t>(value);
}

std::optional<std::vector<std::size_t>> ResultsReader::Impl::layout_shape(
    const std::string& dataset) const {
  DimSizes sizes;
  sizes.replications = metadata_.replications;
  sizes.quarters = static_cast<std::size_t>(metadata_.quarters);
  sizes.weeks_per_quarter = static_cast<std::size_t>(metadata_.weeks_per_quarter);
  const std::size_t slash = dataset.rfind('/');
  const std::string name = slash == std::string::npos ? dataset : dataset.substr(slash + 1);
  const std::string group = slash == std::string::npos ? "" : dataset.substr(0, slash);
  const auto shape_in = [&](const auto& fields) -> std::optional<std::vector<std::size_t>> {
    for (const OutputField& field : fields) {
      if (field.name == name)
        return shape_of(field.dims, sizes);
    }
    return std::nullopt;
  };
  if (group.empty()) {
    return shape_in(VARIANT_FIELDS);
  }
  if (group == "forecast") {
    // Whatever series the run's hook declared: each [replication, quarter, week].
    return shape_of(dims_of(sim::Extent::quarter_week), sizes);
  }
  if (group.starts_with("segments/")) {
    return shape_in(segment_fields());
  }
  return std::nullopt;
}

void ResultsReader::Impl::check_shape(const ErrorLocation& context, const std::string& dataset,
                                      const std::vector<hsize_t>& shape) const {
  const std::optional<std::vector<std::size_t>> expected = layout_shape(dataset);
  if (!expected) {
    return;
  }
  const auto text = [](const auto& dims) {
    std::string result;
    for (const auto dim : dims) {
      result += (result.empty() ? "" : " x ") +
                (dim == DimSizes::ANY ? std::string("any") : std::to_string(dim));
    }
    return "[" + result + "]";
  };
  bool matches = expected->size() == shape.size();
  for (std::size_t i = 0; matches && i < shape.size(); ++i) {
    matches = (*expected)[i] == DimSizes::ANY || (*expected)[i] == shape[i];
  }
  if (!matches) {
    throw ResultsError::at(context, "shape " + text(shape) + " does not match the file's " +
                                        std::to_string(metadata_.replications) +
                                        " replications and calendar, " + "expected " +
                                        text(*expected));
  }
}

std::vector<std::string> ResultsReader::Impl::members(const std::string& group_path) const {
  const hdf5::Group group(H5Gopen2(file_.get(), group_path.c_str(), H5P_DEFAULT));
  if (!group.valid()) {
    hdf5::fail(where_, "no group '" + group_path + "'");
  }
  std::vector<std::string> names;
  if (H5Literate(group.get(), H5_INDEX_CRT_ORDER, H5_ITER_INC, nullptr, collect_name, &names) < 0) {
    // Files written by other tools may not track creation order.
    names.clear();
    check(H5Literate(group.get(), H5_INDEX_NAME, H5_ITER_INC, nullptr, collect_name, &names),
          where_, "cannot list '" + group_path + "'");
  }
  return names;
}

hdf5::Dataset ResultsReader::Impl::open_dataset(const std::string& variant,
                                                const std::string& dataset) const {
  const std::string variant_path = "variants/" + variant;
  if (variant.empty() || variant.find('/') != std::string::npos ||
      H5Lexists(file_.get(), variant_path.c_str(), H5P_DEFAULT) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    throw ResultsError::at(
        where_, "no variant '" + variant + "' (variants: " + joined(members("variants")) + ")");
  }
  const std::string path = variant_path + "/" + dataset;
  hdf5::Dataset opened(H5Dopen2(file_.get(), path.c_str(), H5P_DEFAULT));
  if (!opened.valid()) {
    H5Eclear2(H5E_DEFAULT);
    throw ResultsError::at(where_, "no dataset '" + dataset + "' in variant '" + variant + "'");
  }
  // Every read goes through here: elements are read as double or as string pointers.
  if (!checked_.contains(path)) {
    hdf5::check_dataset_storage(opened.get(), file_size_, sizeof(double),
                                dataset_where(variant, dataset));
    checked_.insert(path);
  }
  return opened;
}

std::vector<double> ResultsReader::Impl::read_numeric(
    const std::string& variant, const std::string& dataset, int rank, std::vector<hsize_t>& shape,
    std::optional<std::pair<std::size_t, std::size_t>> rows) const {
  const ErrorLocation context = dataset_where(variant, dataset);
  const hdf5::Dataset opened = open_dataset(variant, dataset);
  const hdf5::Datatype type(check(H5Dget_type(opened.get()), context, "bad type"));
  const H5T_class_t type_class = H5Tget_class(type.get());
  if (type_class != H5T_INTEGER && type_class != H5T_FLOAT) {
    throw ResultsError::at(context, "not numeric");
  }
  const hdf5::Dataspace space(check(H5Dget_space(opened.get()), context, "bad dataspace"));
  const int found_rank = H5Sget_simple_extent_ndims(space.get());
  if (found_rank < 0 || (rank >= 0 && found_rank != rank)) {
    throw ResultsError::at(context, "has " + std::to_string(found_rank) + " dimensions, expected " +
                                        std::to_string(rank));
  }
  shape.assign(static_cast<std::size_t>(found_rank), 0);
  check(H5Sget_simple_extent_dims(space.get(), shape.data(), nullptr), context, "bad dataspace");
  check_shape(context, dataset, shape);
  // open_dataset checked that the whole dataset fits RESULTS_DATASET_LIMIT_BYTES as double.
  hdf5::Dataspace memory_space;
  if (rows) {
    const auto [first, count] = *rows;
    if (shape.empty() || first > shape[0] || count > shape[0] - first) {
      throw ResultsError::at(
          context, "has no rows " + std::to_string(first) + " to " + std::to_string(first + count));
    }
    std::vector<hsize_t> start(shape.size(), 0);
    start[0] = first;
    shape[0] = count;
    check(H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start.data(), nullptr, shape.data(),
                              nullptr),
          context, "cannot select rows");
    memory_space = hdf5::Dataspace(
        check(H5Screate_simple(found_rank, shape.data(), nullptr), context, "bad dataspace"));
  }
  std::size_t count = 1;
  for (const hsize_t dim : shape) {
    count *= dim;
  }
  std::vector<double> values(count);
  if (count > 0) {
    const hid_t file_space = rows ? space.get() : H5S_ALL;
    const hid_t in_memory = rows ? memory_space.get() : H5S_ALL;
    check(
        H5Dread(opened.get(), H5T_NATIVE_DOUBLE, in_memory, file_space, H5P_DEFAULT, values.data()),
        context, "cannot read");
  }
  return values;
}

DatasetInfo ResultsReader::Impl::dataset_info(const std::string& variant,
                                              const std::string& dataset) const {
  const ErrorLocation context = dataset_where(variant, dataset);
  const hdf5::Dataset opened = open_dataset(variant, dataset);
  const hdf5::Dataspace space(check(H5Dget_space(opened.get()), context, "bad dataspace"));
  const int rank = check(H5Sget_simple_extent_ndims(space.get()), context, "bad dataspace");
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank), 0);
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  DatasetInfo info;
  info.shape.assign(dims.begin(), dims.end());
  info.units = hdf5::read_string_attribute(opened.get(), "units", context);
  info.description = hdf5::read_string_attribute(opened.get(), "description", context);
  info.dims = hdf5::read_strings_attribute(opened.get(), "dims", context);
  return info;
}

ResultsReader::ResultsReader(const std::filesystem::path& path)
    : impl_(std::make_unique<Impl>(path)) {
  check_results_values(*this, path.string());  // names and values, once (results_values.hpp)
}

ResultsReader::~ResultsReader() = default;

const FileMetadata& ResultsReader::metadata() const {
  return impl_->metadata();
}

std::vector<std::string> ResultsReader::variants() const {
  hdf5::silence_errors();
  return impl_->members("variants");
}

std::vector<std::string> ResultsReader::segments(const std::string& variant) const {
  hdf5::silence_errors();
  impl_->open_dataset(variant, "bookings");  // names the variant clearly if it is missing
  return impl_->members("variants/" + variant + "/segments");
}

std::vector<std::string> ResultsReader::forecast_series(const std::string& variant) const {
  hdf5::silence_errors();
  impl_->open_dataset(variant, "bookings");  // names the variant clearly if it is missing
  const std::string group = "variants/" + variant + "/forecast";
  if (!impl_->exists(group))
    return {};
  return impl_->members(group);
}

bool ResultsReader::has_dataset(const std::string& variant, const std::string& dataset) const {
  hdf5::silence_errors();
  impl_->open_dataset(variant, "bookings");  // names the variant clearly if it is missing
  // H5Lexists needs every group on the way to exist.
  std::string path = "variants/" + variant;
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = dataset.find('/', start);
    path += "/" + dataset.substr(start, slash == std::string::npos ? slash : slash - start);
    if (!impl_->exists(path)) {
      H5Eclear2(H5E_DEFAULT);
      return false;
    }
    if (slash == std::string::npos)
      return true;
    start = slash + 1;
  }
}

SweepPoint ResultsReader::sweep_point(const std::string& variant) const {
  hdf5::silence_errors();
  impl_->open_dataset(variant, "bookings");  // names the variant clearly if it is missing
  const std::string path = "variants/" + variant;
  const hdf5::Group group(H5Gopen2(impl_->file(), path.c_str(), H5P_DEFAULT));
  const ErrorLocation where = impl_->variant_where(variant);
  const bool has_keys = hdf5::has_attribute(group.get(), "sweep_keys", where);
  if (has_keys != hdf5::has_attribute(group.get(), "sweep_values", where)) {
    throw ResultsError::at(where,
                           "has one of the attributes 'sweep_keys' and 'sweep_values' without the "
                           "other");
  }
  SweepPoint point;
  if (!has_keys)
    return point;
  point.keys = hdf5::read_strings_attribute(group.get(), "sweep_keys", where);
  point.values = hdf5::read_strings_attribute(group.get(), "sweep_values", where);
  if (point.keys.empty() || point.keys.size() != point.values.size()) {
    throw ResultsError::at(where,
                           "attributes 'sweep_keys' and 'sweep_values' must hold as many strings, "
                           "at least one; got " +
                               std::to_string(point.keys.size()) + " and " +
                               std::to_string(point.values.size()));
  }
  // Printed by compare and the report: the rule of names, for a key path part by part (each
  // part a name or key of the scenario) and for a value (part of the variant's name).
  const auto check = [&](const std::string& text, const char* attribute) {
    if (const std::string problem = results_name_problem(text); !problem.empty()) {
      throw ResultsError::at(where, "attribute '" + std::string(attribute) + "': '" +
                                        printable_name(text) + "' " + problem);
    }
  };
  for (const std::string& key : point.keys) {
    for (std::size_t start = 0;;) {
      const std::size_t dot = key.find('.', start);
      check(key.substr(start, dot == std::string::npos ? dot : dot - start), "sweep_keys");
      if (dot == std::string::npos)
        break;
      start = dot + 1;
    }
  }
  for (const std::string& value : point.values)
    check(value, "sweep_values");
  return point;
}

std::vector<std::string> ResultsReader::stage_names(const std::string& variant,
                                                    const std::string& segment) const {
  hdf5::silence_errors();
  if (!has_dataset(variant, "segments/" + segment))
    throw ResultsError::at(impl_->dataset_where(variant, "segments/" + segment), "no such segment");
  const std::string path = "variants/" + variant + "/segments/" + segment;
  const hdf5::Group group(H5Gopen2(impl_->file(), path.c_str(), H5P_DEFAULT));
  return hdf5::read_strings_attribute(group.get(), "stages",
                                      impl_->dataset_where(variant, "segments/" + segment));
}

DatasetInfo ResultsReader::dataset_info(const std::string& variant,
                                        const std::string& dataset) const {
  hdf5::silence_errors();
  return impl_->dataset_info(variant, dataset);
}

Matrix ResultsReader::read_matrix(const std::string& variant, const std::string& dataset) const {
  hdf5::silence_errors();
  std::vector<hsize_t> shape;
  Matrix matrix;
  matrix.values = impl_->read_numeric(variant, dataset, 2, shape);
  matrix.rows = shape[0];
  matrix.cols = shape[1];
  return matrix;
}

Array ResultsReader::read_array(const std::string& variant, const std::string& dataset) const {
  hdf5::silence_errors();
  std::vector<hsize_t> shape;
  Array array;
  array.values = impl_->read_numeric(variant, dataset, -1, shape);
  array.shape.assign(shape.begin(), shape.end());
  return array;
}

Array ResultsReader::read_rows(const std::string& variant, const std::string& dataset,
                               std::size_t first, std::size_t count) const {
  hdf5::silence_errors();
  std::vector<hsize_t> shape;
  Array array;
  array.values = impl_->read_numeric(variant, dataset, -1, shape, std::pair{first, count});
  array.shape.assign(shape.begin(), shape.end());
  return array;
}

std::vector<double> ResultsReader::read_vector(const std::string& variant,
                                               const std::string& dataset) const {
  hdf5::silence_errors();
  std::vector<hsize_t> shape;
  return impl_->read_numeric(variant, dataset, 1, shape);
}

std::vector<std::string> ResultsReader::read_strings(const std::string& variant,
                                                     const std::string& dataset) const {
  hdf5::silence_errors();
  const hdf5::Dataset opened = impl_->open_dataset(variant, dataset);
  return hdf5::read_strings_dataset(opened.get(), impl_->dataset_where(variant, dataset));
}

}  // namespace funnelsim::analysis
