#pragma once
/// Writing a command's output files without ever destroying what a user has: the one writer
/// every output of every funnelsim command goes through (results files, reports, handouts,
/// traces, CRM exports). docs/threat-model.md ("Outputs") states its guarantees.
///
/// An output is a regular file or a new name in an existing directory; anything else at the
/// name (a symbolic link, a directory, a FIFO, a device, a socket) is refused, and so is an
/// existing file without `force` and a file that is one of the command's own inputs under any
/// name (the same device and inode). The new file is written to a temporary file in the
/// target's directory that no one else can name (an unnamed O_TMPFILE inode, or where the file
/// system lacks O_TMPFILE a file created with O_CREAT | O_EXCL | O_NOFOLLOW under an
/// unpredictable name) and published in one step (linkat, or renameat onto an existing
/// regular file after checking it again without following links).

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "funnelsim/error.hpp"

namespace funnelsim::analysis {

/// An output path that funnelsim refuses to write (exit code 2): the message starts with the
/// path and says what is wrong, "out.html: is a symbolic link; ...".
class OutputError : public Error {
 public:
  explicit OutputError(const std::string& message) : Error(ErrorKind::output, message) {}
};

/// The device and inode of a file: one of a command's inputs, recognised under any name.
struct FileIdentity {
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
  std::string path;  ///< as the user named it, for messages
};

/// The identities of those of `paths` that exist (symbolic links followed: an input is read
/// through them). Missing inputs are left out: reading them fails with its own message.
std::vector<FileIdentity> identify_inputs(const std::vector<std::filesystem::path>& paths);

/// Checks, before a command does its work, that it may write `target`: its directory exists,
/// and the name is new, or with `force` an existing regular file that is none of `inputs`.
/// Throws OutputError naming the path otherwise. Nothing is created.
void check_output_path(const std::filesystem::path& target, bool force,
                       const std::vector<FileIdentity>& inputs = {});

/// Checks a directory a command writes the files `names` into (run --crm-export): a new name
/// in an existing directory, or with `force` an existing directory (not a link to one) whose
/// `names` are new or regular files that are none of `inputs`. Nothing else in it is touched.
void check_output_directory(const std::filesystem::path& directory, bool force,
                            const std::vector<std::string>& names,
                            const std::vector<FileIdentity>& inputs = {});

/// Creates `directory` (one level, mode 0777 less the umask) if it does not exist; returns
/// whether it did. Refuses as check_output_directory() does.
bool make_output_directory(const std::filesystem::path& directory, bool force);

/// One output file being written. The constructor checks the target (as check_output_path())
/// and creates the temporary file in its directory, so an unwritable directory fails before
/// the work; commit() publishes it in one step; without commit() nothing is left behind (an
/// unnamed temporary file vanishes with its descriptor, a named one is unlinked) and an
/// existing target is untouched. Refusals throw OutputError; system failures throw
/// std::runtime_error naming the target and the system's reason.
class OutputFile {
 public:
  OutputFile(std::filesystem::path target, bool force, std::vector<FileIdentity> inputs = {});
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  /// The temporary file's descriptor (read-write).
  int descriptor() const;
  /// A path that opens the temporary file, for libraries that open by name (HDF5):
  /// /proc/self/fd/<N> where /proc is mounted, otherwise the named temporary file.
  const std::filesystem::path& path() const;
  /// Whether path() is /proc/self/fd/<N> (a magic link: open it without resolving it).
  bool through_proc() const;
  /// Whether the temporary file has no name in the directory (O_TMPFILE).
  bool anonymous() const;
  /// The named temporary file, empty when anonymous().
  const std::filesystem::path& temporary_name() const;

  /// A stdio stream writing the temporary file, owned by this object; commit() flushes and
  /// closes it.
  std::FILE* stream();
  /// Appends `content` (through stream()).
  void write(std::string_view content);

  /// Flushes, syncs the data to disk, checks the target again without following links and
  /// publishes the file under the target's name, then syncs the directory. Throws
  /// OutputError when the target became something it may not replace (or, without force,
  /// appeared), std::runtime_error when the data cannot be written.
  void commit();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

/// Writes `content` to `target` through an OutputFile.
void write_output_file(const std::filesystem::path& target, std::string_view content, bool force,
                       const std::vector<FileIdentity>& inputs = {});

}  // namespace funnelsim::analysis
