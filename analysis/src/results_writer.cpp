#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <system_error>
#include <utility>

#include "funnelsim/analysis/results_file.hpp"
#include "hdf5_attribute.hpp"
#include "hdf5_handle.hpp"
#include "variant_sink.hpp"

namespace funnelsim::analysis {

using hdf5::check;

namespace {

std::string system_error_text(int error) {
  return std::error_code(error, std::generic_category()).message();
}

// A file descriptor closed on destruction.
class Descriptor {
 public:
  Descriptor() = default;
  explicit Descriptor(int fd) : fd_(fd) {}
  ~Descriptor() { reset(); }
  Descriptor(Descriptor&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Descriptor& operator=(Descriptor&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  void reset() {
    if (fd_ >= 0) {
      ::close(fd_);
    }
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

}  // namespace

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
  bool anonymous() const { return anonymous_; }

 private:
  void open_temporary(const std::filesystem::path& directory);
  void create_file();
  void write_calendar(const sim::Calendar& calendar);
  void close_file();
  void discard_temporary();
  void publish();
  [[noreturn]] void fail_system(const std::string& what, int error) const;

  std::filesystem::path target_;
  std::filesystem::path temporary_;  ///< the path HDF5 writes through
  std::string where_;                ///< the target, as messages name it
  RunMetadata metadata_;
  bool overwrite_;
  std::optional<sim::Calendar> calendar_;
  bool committed_ = false;
  // The directory of the target, for linkat, renameat and its fsync.
  Descriptor directory_;
  // The temporary file: an unnamed inode (O_TMPFILE) that vanishes with the process, or,
  // where the file system lacks O_TMPFILE, the named file `.<target>.tmp-<pid>`.
  Descriptor temporary_fd_;
  bool anonymous_ = false;
  // Declared in closing order reversed: sinks (and their datasets) close before the file.
  hdf5::File file_;
  hdf5::Group variants_group_;
  std::vector<std::unique_ptr<VariantSink>> variants_;
};

ResultsWriter::Impl::Impl(std::filesystem::path target, RunMetadata metadata, bool overwrite)
    : target_(std::move(target)),
      where_(target_.string()),
      metadata_(std::move(metadata)),
      overwrite_(overwrite) {
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
  // Creating the temporary file now checks that the directory is writable before a long run
  // rather than at its end.
  open_temporary(directory);
  try {
    create_file();
  } catch (...) {
    discard_temporary();
    throw;
  }
}

void ResultsWriter::Impl::fail_system(const std::string& what, int error) const {
  throw ResultsError(where_ + ": " + what + ": " + system_error_text(error));
}

void ResultsWriter::Impl::open_temporary(const std::filesystem::path& directory) {
  directory_ = Descriptor(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!directory_.valid()) {
    fail_system("cannot open directory '" + directory.string() + "'", errno);
  }
  // An O_TMPFILE inode has no name until commit links it into the directory, so a process
  // killed at any moment before (SIGKILL included) leaves nothing behind. HDF5 opens files by
  // name: it reaches the inode through the magic link /proc/self/fd/N.
  temporary_fd_ = Descriptor(::open(directory.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0666));
  if (temporary_fd_.valid()) {
    temporary_ = "/proc/self/fd/" + std::to_string(temporary_fd_.get());
    struct stat link_status {};
    if (::stat(temporary_.c_str(), &link_status) == 0) {
      anonymous_ = true;
      return;
    }
    temporary_fd_.reset();  // no /proc: fall back to a named file
  } else if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL && errno != ENOENT) {
    fail_system("cannot create a file in directory '" + directory.string() + "'", errno);
  }
  // File systems without O_TMPFILE (some network and FUSE file systems): a named file beside
  // the target, which a SIGKILL leaves behind.
  temporary_ = directory / ("." + target_.filename().string() + ".tmp-" +
                            std::to_string(static_cast<long long>(::getpid())));
  temporary_fd_ =
      Descriptor(::open(temporary_.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666));
  if (!temporary_fd_.valid()) {
    fail_system("cannot create temporary file '" + temporary_.string() + "'", errno);
  }
}

void ResultsWriter::Impl::discard_temporary() {
  close_file();
  if (!anonymous_ && temporary_fd_.valid()) {
    ::unlink(temporary_.c_str());
  }
  temporary_fd_.reset();  // an anonymous inode is freed here
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
  if (anonymous_) {
    check(H5Pset_fapl_stdio(access.get()), where_, "HDF5 failure");
  }
  file_ = hdf5::File(H5Fcreate(temporary_.c_str(), H5F_ACC_TRUNC, creation.get(), access.get()));
  if (!file_.valid()) {
    hdf5::fail(where_, anonymous_ ? std::string("cannot create the temporary HDF5 file")
                                  : "cannot create temporary file '" + temporary_.string() + "'");
  }
  // HDF5 reopened the path: check that it writes to our inode, not to some other file.
  void* handle = nullptr;
  check(H5Fget_vfd_handle(file_.get(), H5P_DEFAULT, &handle), where_, "HDF5 failure");
  const int hdf5_fd = handle == nullptr ? -1
                      : anonymous_      ? ::fileno(*static_cast<std::FILE**>(handle))
                                        : *static_cast<int*>(handle);
  struct stat ours {};
  struct stat hdf5s {};
  if (hdf5_fd < 0 || ::fstat(temporary_fd_.get(), &ours) != 0 || ::fstat(hdf5_fd, &hdf5s) != 0 ||
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
  if (!committed_) {
    discard_temporary();
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
  // The data must be on disk before the name is: after a power cut the target is then the
  // old file or the whole new one, never an empty or partial new one.
  if (::fsync(temporary_fd_.get()) != 0) {
    fail_system("cannot write the results to disk", errno);
  }
  publish();
  committed_ = true;
  temporary_fd_.reset();
  // The rename is durable once the directory is; failing that, the new file is complete.
  ::fsync(directory_.get());
}

void ResultsWriter::Impl::publish() {
  const std::string name = target_.filename().string();
  if (!anonymous_) {
    if (!overwrite_ &&
        ::faccessat(directory_.get(), name.c_str(), F_OK, AT_SYMLINK_NOFOLLOW) == 0) {
      throw ResultsError(where_ + " exists; use --force to replace it");
    }
    if (::renameat(AT_FDCWD, temporary_.c_str(), directory_.get(), name.c_str()) != 0) {
      fail_system("cannot rename '" + temporary_.string() + "' onto it", errno);
    }
    return;
  }
  // Naming the inode as the target is atomic and leaves nothing else behind; it works when
  // the target does not exist yet.
  if (::linkat(AT_FDCWD, temporary_.c_str(), directory_.get(), name.c_str(), AT_SYMLINK_FOLLOW) ==
      0) {
    return;
  }
  if (errno != EEXIST) {
    fail_system("cannot create it", errno);
  }
  if (!overwrite_) {
    throw ResultsError(where_ + " exists; use --force to replace it");
  }
  // Replacing a file: link a temporary name, then rename it onto the target. Only a process
  // killed between these two calls (microseconds) leaves the temporary name behind.
  const std::string temporary_name =
      "." + name + ".tmp-" + std::to_string(static_cast<long long>(::getpid()));
  if (::linkat(AT_FDCWD, temporary_.c_str(), directory_.get(), temporary_name.c_str(),
               AT_SYMLINK_FOLLOW) != 0) {
    fail_system("cannot create '" + temporary_name + "' beside it", errno);
  }
  if (::renameat(directory_.get(), temporary_name.c_str(), directory_.get(), name.c_str()) != 0) {
    const int error = errno;
    ::unlinkat(directory_.get(), temporary_name.c_str(), 0);
    fail_system("cannot rename '" + temporary_name + "' onto it", error);
  }
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

bool ResultsWriter::temporary_is_anonymous() const {
  return impl_->anonymous();
}

}  // namespace funnelsim::analysis
