#pragma once
// Writing a command's text output (a report, a handout) through the one output writer
// (funnelsim/results/output_path.hpp): never half a file, never through a link, never onto
// anything but a regular file or a new name, never onto one of the command's inputs.

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace funnelsim::cli {

/// Refuses (analysis::OutputError, exit code 2) a `target` that exists without `force`, that
/// is not a regular file (a link, a directory, a FIFO, a device), that is one of `inputs`
/// under any name, or whose directory is missing. Call it before doing the work.
void check_output_target(const std::string& target, bool force,
                         const std::vector<std::string>& inputs = {});

/// Refuses (a usage Error, exit code 2) one file named by two of a command's outputs, each
/// given as {option, path}: it would hold only the last one written. Two names are one file
/// when their directories are one (same device and inode, whatever the spelling: `x`, `./x`, a
/// path through a link to the folder) and their last parts are equal. Every directory must
/// exist (check_output_target checks that first); the files need not.
void check_distinct_outputs(const std::vector<std::pair<std::string, std::string>>& outputs);

/// Writes `content` to an unnamed (or unpredictably named) temporary file in the target's
/// directory and publishes it in one step, after checking the target again: a reader sees
/// the old file or the whole new one, never half. Throws analysis::OutputError as
/// check_output_target() does, std::runtime_error naming the file when it cannot be written.
void write_atomically(const std::string& target, const std::string& content, bool force,
                      const std::vector<std::string>& inputs = {});

/// The same for an output too large to hold whole (a CSV of every replication): `produce`
/// hands the content, piece by piece, to the writer it is given, which appends it to the
/// temporary file; the file is published when `produce` returns, and not at all when it
/// throws.
void write_atomically(
    const std::string& target, bool force, const std::vector<std::string>& inputs,
    const std::function<void(const std::function<void(std::string_view)>&)>& produce);

}  // namespace funnelsim::cli
