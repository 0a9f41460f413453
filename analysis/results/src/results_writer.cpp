#include <sys/stat.h>

#include <cstdio>
#include <optional>
#include <utility>

#include "funnelsim/results/output_path.hpp"
#include "funnelsim/results/results_file.hpp"
#include "hdf5_attribute.hpp"
#include "hdf5_handle.hpp"
#include "variant_sink.hpp"

namespace funnelsim::analysis {

using hdf5::check;

class ResultsWriter::Impl {
 public:
  Impl(std::filesystem::path target, RunMetadata metadata, bool overwrite,
       std::vector<FileIdentity> inputs);
  ~Impl();
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  sim::ResultSink& add_variant(const std::string& name, const sim::Model& model,
                               const std::string& resolved_yaml,
                               std::span<const sim::SeriesInfo> derived, const SweepPoint& sweep);
  void commit(std::size_t replications_done);
  void set_root_attribute(const std::string& name, double value);
  const std::filesystem::path& temporary_path() const { return temporary_; }
  bool anonymous() const { return output_->anonymous(); }

 private:
  void create_file();
  void write_calendar(const sim::Calendar& calendar);
  void close_file();

  std::filesystem::path target_;
  std::filesystem::path temporary_;  ///< the path HDF5 writes through
  std::string where_;                ///< the target, as messages name it
  RunMetadata metadata_;
  std::optional<sim::Calendar> calendar_;
  bool committed_ = false;
  // The temporary file and its publication (output_path.hpp): an unnamed inode (O_TMPFILE)
  // that vanishes with the process, or, where the file system lacks O_TMPFILE, a file named
  // `.<target>.tmp-<random>`.
  std::unique_ptr<OutputFile> output_;
  // Declared in closing order reversed: sinks (and their datasets) close before the file.
  hdf5::File file_;
  hdf5::Group variants_group_;
  std::vector<std::unique_ptr<VariantSink>> variants_;
};

ResultsWriter::Impl::Impl(std::filesystem::path target, RunMetadata metadata, bool overwrite,
                          std::vector<FileIdentity> inputs)
    : target_(std::move(target)), where_(target_.string()), metadata_(std::move(metadata)) {
  hdf5::silence_errors();
  // Checks the target (a regular file or a new name, none of the inputs) and creates the
  // temporary file now: an unwritable directory fails before a long run rather than at its end.
  try {
    output_ = std::make_unique<OutputFile>(target_, overwrite, std::move(inputs));
  } catch (const OutputError&) {
    throw;
  } catch (const std::runtime_error& error) {
    throw ResultsError(error.what());
  }
  temporary_ = output_->path();
  try {
    create_file();
  } catch (...) {
    close_file();
    throw;
  }
}

void ResultsWriter::Impl::create_file() {
  const hdf5::PropertyList creation = hdf5::creation_properties(H5P_FILE_CREATE, where_);
  const hdf5::PropertyList access(check(H5Pcreate(H5P_FILE_ACCESS), where_, "HDF5 failure"));
  // The 1.8 format: readable by any HDF5 since 1.8, and it stores attributes larger than
  // 64 KiB (long scenario texts) densely instead of failing.
  check(H5Pset_libver_bounds(access.get(), H5F_LIBVER_V18, H5F_LIBVER_V18), where_, "HDF5 failure");
  // HDF5 1.10 locks the file it creates; on file systems without flock() (some NFS mounts)
  // it would refuse to create it at all. Nobody else can open an unnamed inode anyway.
  check(H5Pset_file_locking(access.get(), true, true), where_, "HDF5 failure");
  // HDF5's default (sec2) driver resolves a symbolic link to the real path of the file it
  // opens, which fails for /proc/self/fd/N of an unnamed inode ("can't retrieve real path");
  // the stdio driver opens the path as given.
  const bool through_proc = output_->through_proc();
  if (through_proc) {
    check(H5Pset_fapl_stdio(access.get()), where_, "HDF5 failure");
  }
  file_ = hdf5::File(H5Fcreate(temporary_.c_str(), H5F_ACC_TRUNC, creation.get(), access.get()));
  if (!file_.valid()) {
    hdf5::fail(where_, through_proc ? std::string("cannot create the temporary HDF5 file")
                                    : "cannot create temporary file '" + temporary_.string() + "'");
  }
  // HDF5 reopened the path: check that it writes to our inode, not to some other file.
  void* handle = nullptr;
  check(H5Fget_vfd_handle(file_.get(), H5P_DEFAULT, &handle), where_, "HDF5 failure");
  const int hdf5_fd = handle == nullptr ? -1
                      : through_proc    ? ::fileno(*static_cast<std::FILE**>(handle))
                                        : *static_cast<int*>(handle);
  struct stat ours {};
  struct stat hdf5s {};
  if (hdf5_fd < 0 || ::fstat(output_->descriptor(), &ours) != 0 || ::fstat(hdf5_fd, &hdf5s) != 0 ||
      ours.st_ino != hdf5s.st_ino || ours.st_dev != hdf5s.st_dev) {
    throw ResultsError(where_ + ": HDF5 did not open the temporary file '" + temporary_.string() +
                       "'");
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
  close_file();  // before the OutputFile discards the temporary file
}

void ResultsWriter::Impl::close_file() {
  variants_.clear();
  variants_group_.reset();
  file_.reset();
}

sim::ResultSink& ResultsWriter::Impl::add_variant(const std::string& name, const sim::Model& model,
                                                  const std::string& resolved_yaml,
                                                  std::span<const sim::SeriesInfo> derived,
                                                  const SweepPoint& sweep) {
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
  variants_.push_back(std::make_unique<VariantSink>(
      variants_group_.get(), name, model, resolved_yaml, derived, metadata_.first_replication,
      metadata_.replications_planned, where_, sweep));
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
  // The file's data is synced before it is named, the target checked again (never through a
  // link) and replaced in one step, and the directory synced (OutputFile::commit).
  try {
    output_->commit();
  } catch (const OutputError&) {
    throw;
  } catch (const std::runtime_error& error) {
    throw ResultsError(error.what());
  }
  committed_ = true;
}

ResultsWriter::ResultsWriter(std::filesystem::path target, RunMetadata metadata, bool overwrite,
                             const std::vector<std::filesystem::path>& inputs)
    : impl_(std::make_unique<Impl>(std::move(target), std::move(metadata), overwrite,
                                   identify_inputs(inputs))) {}

ResultsWriter::~ResultsWriter() = default;

sim::ResultSink& ResultsWriter::add_variant(const std::string& name, const sim::Model& model,
                                            const std::string& resolved_yaml,
                                            std::span<const sim::SeriesInfo> derived,
                                            const SweepPoint& sweep) {
  return impl_->add_variant(name, model, resolved_yaml, derived, sweep);
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

bool ResultsWriter::temporary_is_anonymous() const {
  return impl_->anonymous();
}

}  // namespace funnelsim::analysis
