#include "funnelsim/results/output_path.hpp"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <random>
#include <system_error>
#include <utility>

namespace funnelsim::analysis {
namespace fs = std::filesystem;

namespace {

std::string system_text(int error) {
  return std::error_code(error, std::generic_category()).message();
}

[[noreturn]] void fail_system(const std::string& where, const std::string& what, int error) {
  throw std::runtime_error(where + ": " + what + ": " + system_text(error));
}

fs::path directory_of(const fs::path& target) {
  return target.has_parent_path() ? target.parent_path() : fs::path(".");
}

/// What is wrong with an existing entry of type `mode` as an output, or empty for a regular
/// file.
std::string not_a_regular_file(mode_t mode) {
  const std::string only = "; funnelsim writes only regular files";
  if (S_ISLNK(mode)) {
    return "is a symbolic link; funnelsim does not write through links: name the file itself, "
           "or remove the link";
  }
  if (S_ISDIR(mode))
    return "is a directory";
  if (S_ISFIFO(mode))
    return "is a FIFO (named pipe), not a regular file" + only;
  if (S_ISCHR(mode))
    return "is a character device, not a regular file" + only;
  if (S_ISBLK(mode))
    return "is a block device, not a regular file" + only;
  if (S_ISSOCK(mode))
    return "is a socket, not a regular file" + only;
  if (!S_ISREG(mode))
    return "is not a regular file" + only;
  return "";
}

/// Refuses an existing entry `status` (lstat'ed) at `where` as an output.
void check_existing(const struct stat& status, const std::string& where, bool force,
                    const std::vector<FileIdentity>& inputs) {
  const std::string wrong = not_a_regular_file(status.st_mode);
  if (!wrong.empty())
    throw OutputError(where + ": " + wrong);
  for (const FileIdentity& input : inputs) {
    if (input.device == static_cast<std::uint64_t>(status.st_dev) &&
        input.inode == static_cast<std::uint64_t>(status.st_ino)) {
      throw OutputError(
          where + ": is " +
          (input.path == where ? std::string("also") : "the same file as '" + input.path + "',") +
          " an input of this command; write the output to another file");
    }
  }
  if (!force)
    throw OutputError(where + ": exists; use --force to replace it");
}

/// Refuses a target whose directory is missing or not a directory, or whose name is empty.
void check_directory_of(const fs::path& target, const std::string& where) {
  const std::string name = target.filename().string();
  if (name.empty() || name == "." || name == "..")
    throw OutputError(where + ": names a directory, not a file");
  const fs::path directory = directory_of(target);
  struct stat status {};
  if (::stat(directory.c_str(), &status) != 0) {
    const int error = errno;
    if (error == ENOENT)
      throw OutputError(where + ": directory '" + directory.string() + "' does not exist");
    throw OutputError(where + ": cannot reach directory '" + directory.string() +
                      "': " + system_text(error));
  }
  if (!S_ISDIR(status.st_mode))
    throw OutputError(where + ": '" + directory.string() + "' is not a directory");
}

/// 16 hexadecimal digits nobody can predict.
std::string random_suffix() {
  std::uint64_t bits = 0;
  if (::getrandom(&bits, sizeof bits, 0) != static_cast<ssize_t>(sizeof bits)) {
    std::random_device device;
    bits = (static_cast<std::uint64_t>(device()) << 32) ^ device();
  }
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(bits));
  return text;
}

/// `.<name>.tmp-<random>`, or `.funnelsim.tmp-<random>` where that would be too long a name.
std::string temporary_name_for(const std::string& name) {
  std::string temporary = "." + name + ".tmp-" + random_suffix();
  if (temporary.size() > NAME_MAX)
    temporary = ".funnelsim.tmp-" + random_suffix();
  return temporary;
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
    if (fd_ >= 0)
      ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

}  // namespace

std::vector<FileIdentity> identify_inputs(const std::vector<fs::path>& paths) {
  std::vector<FileIdentity> identities;
  for (const fs::path& path : paths) {
    struct stat status {};
    if (!path.empty() && ::stat(path.c_str(), &status) == 0) {
      identities.push_back({static_cast<std::uint64_t>(status.st_dev),
                            static_cast<std::uint64_t>(status.st_ino), path.string()});
    }
  }
  return identities;
}

void check_output_path(const fs::path& target, bool force,
                       const std::vector<FileIdentity>& inputs) {
  const std::string where = target.string();
  check_directory_of(target, where);
  struct stat status {};
  if (::lstat(target.c_str(), &status) == 0) {
    check_existing(status, where, force, inputs);
    return;
  }
  const int error = errno;
  if (error != ENOENT)
    throw OutputError(where + ": cannot check it: " + system_text(error));
}

namespace {

/// Refuses an existing `directory` (lstat'ed as `status`) as an export directory.
void check_existing_directory(const struct stat& status, const std::string& where, bool force,
                              const std::vector<std::string>& names) {
  if (S_ISLNK(status.st_mode)) {
    throw OutputError(where + ": " + not_a_regular_file(status.st_mode) +
                      " (to a directory or not)");
  }
  if (!S_ISDIR(status.st_mode))
    throw OutputError(where + ": exists and is not a directory");
  if (!force) {
    std::string listed;
    for (const std::string& name : names)
      listed += (listed.empty() ? "" : " and ") + name;
    throw OutputError(where + ": exists; use --force to replace its " + listed +
                      " (nothing else in it is touched)");
  }
}

}  // namespace

void check_output_directory(const fs::path& directory, bool force,
                            const std::vector<std::string>& names,
                            const std::vector<FileIdentity>& inputs) {
  const std::string where = directory.string();
  // "out/" names the directory "out".
  const fs::path named = directory.has_filename() ? directory : directory.parent_path();
  if (named.empty() || named.filename() == "." || named.filename() == "..") {
    // ".", "..", "/": directories that exist; refused without --force below.
    struct stat status {};
    if (::lstat(directory.c_str(), &status) != 0)
      throw OutputError(where + ": cannot check it: " + system_text(errno));
    check_existing_directory(status, where, force, names);
  } else {
    check_directory_of(named, where);
    struct stat status {};
    if (::lstat(named.c_str(), &status) != 0) {
      const int error = errno;
      if (error == ENOENT)
        return;  // a new directory
      throw OutputError(where + ": cannot check it: " + system_text(error));
    }
    check_existing_directory(status, where, force, names);
  }
  for (const std::string& name : names)
    check_output_path(directory / name, true, inputs);
}

bool make_output_directory(const fs::path& directory, bool force) {
  const std::string where = directory.string();
  if (::mkdir(directory.c_str(), 0777) == 0)
    return true;
  const int error = errno;
  if (error != EEXIST)
    fail_system(where, "cannot create the directory", error);
  struct stat status {};
  const fs::path named = directory.has_filename() ? directory : directory.parent_path();
  if (::lstat(named.empty() ? directory.c_str() : named.c_str(), &status) != 0)
    fail_system(where, "cannot check it", errno);
  check_existing_directory(status, where, force, {});
  return false;
}

class OutputFile::Impl {
 public:
  Impl(fs::path target, bool force, std::vector<FileIdentity> inputs);
  ~Impl();
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  std::FILE* stream();
  void commit();

  fs::path target_;
  std::string where_;
  std::string name_;
  bool force_;
  std::vector<FileIdentity> inputs_;
  Descriptor directory_;
  Descriptor file_;
  fs::path path_;
  fs::path temporary_name_;  ///< empty when anonymous
  bool anonymous_ = false;
  bool through_proc_ = false;
  std::FILE* stream_ = nullptr;
  bool committed_ = false;

 private:
  void open_temporary(const fs::path& directory);
  bool link_new();
  void replace_existing();
  void close_stream();
  bool temporary_is_ours() const;
};

OutputFile::Impl::Impl(fs::path target, bool force, std::vector<FileIdentity> inputs)
    : target_(std::move(target)),
      where_(target_.string()),
      name_(target_.filename().string()),
      force_(force),
      inputs_(std::move(inputs)) {
  check_output_path(target_, force_, inputs_);
  open_temporary(directory_of(target_));
}

void OutputFile::Impl::open_temporary(const fs::path& directory) {
  directory_ = Descriptor(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!directory_.valid())
    fail_system(where_, "cannot open directory '" + directory.string() + "'", errno);
  // An O_TMPFILE inode has no name until commit links it into the directory: nobody can
  // plant anything in its way, and a process killed at any moment (SIGKILL included) leaves
  // nothing behind. It is reached through the magic link /proc/self/fd/N.
  file_ = Descriptor(::open(directory.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0666));
  if (file_.valid()) {
    path_ = "/proc/self/fd/" + std::to_string(file_.get());
    struct stat status {};
    if (::stat(path_.c_str(), &status) == 0) {
      anonymous_ = true;
      through_proc_ = true;
      return;
    }
    file_.reset();  // no /proc to link it by: a named file instead
  } else if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL && errno != ENOENT) {
    fail_system(where_, "cannot create a file in directory '" + directory.string() + "'", errno);
  }
  // File systems without O_TMPFILE (some network and FUSE file systems): a new file under a
  // name nobody can guess, created exclusively and never through a link.
  int error = EEXIST;
  for (int attempt = 0; attempt < 100 && error == EEXIST; ++attempt) {
    const std::string name = temporary_name_for(name_);
    file_ = Descriptor(::openat(directory_.get(), name.c_str(),
                                O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666));
    if (file_.valid()) {
      temporary_name_ = name;
      break;
    }
    error = errno;
  }
  if (!file_.valid())
    fail_system(where_, "cannot create a temporary file in '" + directory.string() + "'", error);
  path_ = "/proc/self/fd/" + std::to_string(file_.get());
  struct stat status {};
  through_proc_ = ::stat(path_.c_str(), &status) == 0;
  if (!through_proc_)
    path_ = directory / temporary_name_;
}

bool OutputFile::Impl::temporary_is_ours() const {
  struct stat ours {};
  struct stat named {};
  return ::fstat(file_.get(), &ours) == 0 &&
         ::fstatat(directory_.get(), temporary_name_.c_str(), &named, AT_SYMLINK_NOFOLLOW) == 0 &&
         ours.st_dev == named.st_dev && ours.st_ino == named.st_ino;
}

OutputFile::Impl::~Impl() {
  if (stream_ != nullptr)
    std::fclose(stream_);
  if (!committed_ && !anonymous_ && file_.valid() && temporary_is_ours())
    ::unlinkat(directory_.get(), temporary_name_.c_str(), 0);
}

std::FILE* OutputFile::Impl::stream() {
  if (stream_ == nullptr) {
    const int copy = ::dup(file_.get());
    if (copy < 0)
      fail_system(where_, "cannot write it", errno);
    stream_ = ::fdopen(copy, "w");
    if (stream_ == nullptr) {
      const int error = errno;
      ::close(copy);
      fail_system(where_, "cannot write it", error);
    }
  }
  return stream_;
}

void OutputFile::Impl::close_stream() {
  if (stream_ == nullptr)
    return;
  std::FILE* stream = std::exchange(stream_, nullptr);
  errno = 0;
  const bool failed = std::fflush(stream) != 0 || std::ferror(stream) != 0;
  const int error = errno != 0 ? errno : EIO;
  const bool closed = std::fclose(stream) == 0;
  if (failed || !closed)
    fail_system(where_, "cannot write it", failed ? error : errno);
}

/// Names the temporary file as the target where no entry has that name; false (errno EEXIST)
/// where one has.
bool OutputFile::Impl::link_new() {
  if (anonymous_) {
    return ::linkat(AT_FDCWD, path_.c_str(), directory_.get(), name_.c_str(), AT_SYMLINK_FOLLOW) ==
           0;
  }
  if (::linkat(directory_.get(), temporary_name_.c_str(), directory_.get(), name_.c_str(), 0) ==
      0) {
    ::unlinkat(directory_.get(), temporary_name_.c_str(), 0);
    return true;
  }
  if (errno == EEXIST)
    return false;
  // File systems without hard links: a rename that never replaces.
  if (::renameat2(directory_.get(), temporary_name_.c_str(), directory_.get(), name_.c_str(),
                  RENAME_NOREPLACE) == 0) {
    return true;
  }
  if (errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
    return false;
  // Nor renameat2: a plain rename where nothing has the name (checked without following).
  struct stat status {};
  if (::fstatat(directory_.get(), name_.c_str(), &status, AT_SYMLINK_NOFOLLOW) == 0) {
    errno = EEXIST;
    return false;
  }
  return ::renameat(directory_.get(), temporary_name_.c_str(), directory_.get(), name_.c_str()) ==
         0;
}

/// Replaces the existing regular file at the target (checked again, without following links,
/// just before) by the temporary file, in one rename.
void OutputFile::Impl::replace_existing() {
  std::string temporary = temporary_name_.string();
  if (anonymous_) {
    // A name for the inode beside the target, then a rename onto it: only a process killed
    // between these two calls (microseconds) leaves the temporary name behind. linkat never
    // follows a link at the new name: a planted one makes it fail with EEXIST.
    int error = EEXIST;
    for (int attempt = 0; attempt < 100 && error == EEXIST; ++attempt) {
      temporary = temporary_name_for(name_);
      if (::linkat(AT_FDCWD, path_.c_str(), directory_.get(), temporary.c_str(),
                   AT_SYMLINK_FOLLOW) == 0) {
        error = 0;
        break;
      }
      error = errno;
    }
    if (error != 0)
      fail_system(where_, "cannot create a temporary name beside it", error);
  }
  if (::renameat(directory_.get(), temporary.c_str(), directory_.get(), name_.c_str()) != 0) {
    const int error = errno;
    if (anonymous_)
      ::unlinkat(directory_.get(), temporary.c_str(), 0);
    fail_system(where_, "cannot rename the new file onto it", error);
  }
}

void OutputFile::Impl::commit() {
  if (committed_)
    throw std::logic_error(where_ + ": committed twice");
  close_stream();
  // The data must be on disk before the name is: after a power cut the target is the old file
  // or the whole new one, never an empty or partial new one.
  if (::fsync(file_.get()) != 0)
    fail_system(where_, "cannot write it to disk", errno);
  for (int attempt = 0;; ++attempt) {
    if (link_new())
      break;
    if (errno != EEXIST)
      fail_system(where_, "cannot create it", errno);
    // Something has the name now: check it again, never following a link, then replace it.
    struct stat status {};
    if (::fstatat(directory_.get(), name_.c_str(), &status, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno == ENOENT && attempt < 10)
        continue;  // removed meanwhile: link again
      fail_system(where_, "cannot check it", errno);
    }
    check_existing(status, where_, force_, inputs_);
    replace_existing();
    break;
  }
  committed_ = true;
  file_.reset();
  // The new name is durable once the directory is; failing that, the new file is complete.
  ::fsync(directory_.get());
}

OutputFile::OutputFile(fs::path target, bool force, std::vector<FileIdentity> inputs)
    : impl_(std::make_unique<Impl>(std::move(target), force, std::move(inputs))) {}

OutputFile::~OutputFile() = default;

int OutputFile::descriptor() const {
  return impl_->file_.get();
}

const fs::path& OutputFile::path() const {
  return impl_->path_;
}

bool OutputFile::through_proc() const {
  return impl_->through_proc_;
}

bool OutputFile::anonymous() const {
  return impl_->anonymous_;
}

const fs::path& OutputFile::temporary_name() const {
  return impl_->temporary_name_;
}

std::FILE* OutputFile::stream() {
  return impl_->stream();
}

void OutputFile::write(std::string_view content) {
  std::FILE* file = stream();
  if (std::fwrite(content.data(), 1, content.size(), file) != content.size())
    fail_system(impl_->where_, "cannot write it", errno);
}

void OutputFile::commit() {
  impl_->commit();
}

void write_output_file(const fs::path& target, std::string_view content, bool force,
                       const std::vector<FileIdentity>& inputs) {
  OutputFile file(target, force, inputs);
  file.write(content);
  file.commit();
}

}  // namespace funnelsim::analysis
