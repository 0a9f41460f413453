#pragma once
// Writing a command's text output (a report, a handout) without ever leaving half a file.

#include <string>

namespace funnelsim::cli {

/// Refuses (UsageError, exit code 2) when `target` exists and `force` is not set: nothing a
/// user already has is overwritten by surprise. Call it before doing the work.
void check_output_target(const std::string& target, bool force);

/// Writes `content` to a temporary file beside `target` and renames it onto `target`: a reader
/// sees the old file or the whole new one, never half. Throws std::runtime_error naming the
/// file when it cannot be written (the temporary file is removed).
void write_atomically(const std::string& target, const std::string& content);

}  // namespace funnelsim::cli
