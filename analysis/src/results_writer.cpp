#include <unistd.h>

#include <optional>
#include <system_error>

#include "funnelsim/analysis/results_file.hpp"
#include "hdf5_attribute.hpp"
#include "hdf5_handle.hpp"
#include "variant_sink.hpp"

namespace funnelsim::analysis {

using hdf5::check;

class ResultsWriter::Impl {
 public:
  Impl(std::filesystem::path target, RunMetadata metadata, bool overwrite);
  ~Impl();
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  sim::ResultSink& add_variant(const std::string& name, const sim::Model& model,
                               const std::string& resolved_yaml);
  void commit(std::size_t replications_done);
  void set_root_attribute(const std::string& name, double value);
  const std::filesystem::path& temporary_path() const { return temporary_; }

 private:
  void create_file();
  void write_calendar(const sim::Calendar& calendar);
  void close_file();

  std::filesystem::path target_;
  std::filesystem::path temporary_;
  std::string where_;  ///< the target, as messages name it
  RunMetadata metadata_;
  std::optional<sim::Calendar> calendar_;
  bool committed_ = false;
  // Declared in closing order reversed: sinks (and their datasets) close before the file.
  hdf5::File file_;
  hdf5::Group variants_group_;
  std::vector<std::unique_ptr<VariantSink>> variants_;
};

ResultsWriter::Impl::Impl(std::filesystem::path target, RunMetadata metadata, bool overwrite)
    : target_(std::move(target)), where_(target_.string()), metadata_(std::move(metadata)) {
  hdf5::silence_errors();
  const std::filesystem::path directory =
      target_.has_parent_path() ? target_.parent_path() : std::filesystem::path(".");
  std::error_code error;
  if (!std::filesystem::is_directory(directory, error)) {
    throw ResultsError(where_ + ": directory '" + directory.string() + "' does not exist");
  }
  if (std::filesystem::is_directory(target_, error)) {
    throw ResultsError(where_ + " is a directory");
  }
  if (std::filesystem::exists(target_, error) && !overwrite) {
    throw ResultsError(where_ + " exists; use --force to replace it");
  }
  temporary_ = directory / ("." + target_.filename().string() + ".tmp-" +
                            std::to_string(static_cast<long long>(::getpid())));

  try {
    create_file();
  } catch (...) {
    close_file();
    std::error_code ignored;
    std::filesystem::remove(temporary_, ignored);
    throw;
  }
}

void ResultsWriter::Impl::create_file() {
  const hdf5::PropertyList creation = hdf5::creation_properties(H5P_FILE_CREATE, where_);
  const hdf5::PropertyList access(check(H5Pcreate(H5P_FILE_ACCESS), where_, "HDF5 failure"));
  // The 1.8 format: readable by any HDF5 since 1.8, and it stores attributes larger than
  // 64 KiB (long scenario texts) densely instead of failing.
  check(H5Pset_libver_bounds(access.get(), H5F_LIBVER_V18, H5F_LIBVER_V18), where_, "HDF5 failure");
  file_ = hdf5::File(H5Fcreate(temporary_.c_str(), H5F_ACC_TRUNC, creation.get(), access.get()));
  if (!file_.valid()) {
    hdf5::fail(where_, "cannot create temporary file '" + temporary_.string() +
                           "' (is the directory writable?)");
  }

  const hid_t root = file_.get();
  hdf5::write_string_attribute(root, "filetype", RESULTS_FILETYPE, where_);
  hdf5::write_int64_attribute(root, "layout_version", RESULTS_LAYOUT_VERSION, where_);
  hdf5::write_string_attribute(root, "funnelsim_version", FUNNELSIM_VERSION, where_);
  hdf5::write_string_attribute(root, "scenario", metadata_.scenario_yaml, where_);
  hdf5::write_string_attribute(root, "scenario_name", metadata_.scenario_name, where_);
  hdf5::write_uint64_attribute(root, "seed", metadata_.seed, where_);
  hdf5::write_int64_attribute(root, "replications_planned",
                              static_cast<std::int64_t>(metadata_.replications_planned), where_);
  hdf5::write_int64_attribute(root, "first_replication",
                              static_cast<std::int64_t>(metadata_.first_replication), where_);

  // Creation order is tracked so that readers list variants in the order they were written.
  const hdf5::PropertyList group_creation = hdf5::creation_properties(H5P_GROUP_CREATE, where_);
  check(H5Pset_link_creation_order(group_creation.get(),
                                   H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
        where_, "HDF5 failure");
  variants_group_ = hdf5::Group(
      check(H5Gcreate2(root, "variants", H5P_DEFAULT, group_creation.get(), H5P_DEFAULT), where_,
            "cannot create group 'variants'"));
}

ResultsWriter::Impl::~Impl() {
  if (!committed_) {
    close_file();
    std::error_code ignored;
    std::filesystem::remove(temporary_, ignored);
  }
}

void ResultsWriter::Impl::close_file() {
  variants_.clear();
  variants_group_.reset();
  file_.reset();
}

sim::ResultSink& ResultsWriter::Impl::add_variant(const std::string& name, const sim::Model& model,
                                                  const std::string& resolved_yaml) {
  hdf5::silence_errors();
  if (committed_) {
    throw ResultsError(where_ + ": add_variant after commit");
  }
  for (const auto& variant : variants_) {
    if (variant->name() == name) {
      throw ResultsError(where_ + ": variant '" + name + "' added twice");
    }
  }
  const sim::Calendar& calendar = model.calendar;
  if (!calendar_) {
    write_calendar(calendar);
  } else if (calendar.quarters != calendar_->quarters ||
             calendar.weeks_per_quarter != calendar_->weeks_per_quarter ||
             calendar.warmup_weeks != calendar_->warmup_weeks) {
    throw ResultsError(where_ + ": variant '" + name +
                       "' has a different calendar from the first variant's");
  }
  variants_.push_back(std::make_unique<VariantSink>(variants_group_.get(), name, model,
                                                    resolved_yaml, metadata_.first_replication,
                                                    metadata_.replications_planned, where_));
  return *variants_.back();
}

void ResultsWriter::Impl::write_calendar(const sim::Calendar& calendar) {
  const hid_t root = file_.get();
  hdf5::write_int64_attribute(root, "quarters", calendar.quarters, where_);
  hdf5::write_int64_attribute(root, "weeks_per_quarter", calendar.weeks_per_quarter, where_);
  hdf5::write_int64_attribute(root, "warmup_weeks", calendar.warmup_weeks, where_);
  calendar_ = calendar;
}

void ResultsWriter::Impl::set_root_attribute(const std::string& name, double value) {
  hdf5::silence_errors();
  if (committed_) {
    throw ResultsError(where_ + ": attribute '" + name + "' set after commit");
  }
  const double values[] = {value};
  hdf5::write_doubles_attribute(file_.get(), name, values, where_);
}

void ResultsWriter::Impl::commit(std::size_t replications_done) {
  hdf5::silence_errors();
  if (committed_) {
    throw ResultsError(where_ + ": committed twice");
  }
  if (variants_.empty()) {
    throw ResultsError(where_ + ": nothing to commit (no variant was added)");
  }
  for (const auto& variant : variants_) {
    if (variant->stored() < replications_done) {
      throw ResultsError(where_ + ": variant '" + variant->name() + "' stored " +
                         std::to_string(variant->stored()) + " replications, fewer than the " +
                         std::to_string(replications_done) + " committed");
    }
    variant->truncate(replications_done);
  }
  const hid_t root = file_.get();
  hdf5::write_int64_attribute(root, "replications", static_cast<std::int64_t>(replications_done),
                              where_);
  const bool complete = replications_done >= metadata_.replications_planned;
  hdf5::write_int64_attribute(root, "complete", complete ? 1 : 0, where_);

  variants_.clear();
  variants_group_.reset();
  check(H5Fflush(file_.get(), H5F_SCOPE_GLOBAL), where_, "cannot flush");
  check(file_.close(), where_, "cannot close");
  std::error_code error;
  std::filesystem::rename(temporary_, target_, error);
  if (error) {
    throw ResultsError(where_ + ": cannot rename '" + temporary_.string() +
                       "' onto it: " + error.message());
  }
  committed_ = true;
}

ResultsWriter::ResultsWriter(std::filesystem::path target, RunMetadata metadata, bool overwrite)
    : impl_(std::make_unique<Impl>(std::move(target), std::move(metadata), overwrite)) {}

ResultsWriter::~ResultsWriter() = default;

sim::ResultSink& ResultsWriter::add_variant(const std::string& name, const sim::Model& model,
                                            const std::string& resolved_yaml) {
  return impl_->add_variant(name, model, resolved_yaml);
}

void ResultsWriter::commit(std::size_t replications_done) {
  impl_->commit(replications_done);
}

void ResultsWriter::set_root_attribute(const std::string& name, double value) {
  impl_->set_root_attribute(name, value);
}

const std::filesystem::path& ResultsWriter::temporary_path() const {
  return impl_->temporary_path();
}

}  // namespace funnelsim::analysis
