#include "output_file.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "commands.hpp"

namespace funnelsim::cli {

namespace fs = std::filesystem;

void check_output_target(const std::string& target, bool force) {
  if (!force && fs::exists(target))
    throw UsageError(target + ": exists; pass --force to overwrite it");
}

void write_atomically(const std::string& target_name, const std::string& content) {
  const fs::path target(target_name);
  const fs::path temporary = target.parent_path() / ("." + target.filename().string() + ".tmp-" +
                                                     std::to_string(getpid()));
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << content;
    out.close();
    if (!out) {
      std::error_code ignored;
      fs::remove(temporary, ignored);
      throw std::runtime_error(target.string() + ": cannot write " + temporary.string());
    }
  }
  std::error_code error;
  fs::rename(temporary, target, error);
  if (error) {
    fs::remove(temporary, error);
    throw std::runtime_error(target.string() + ": cannot rename the new file onto it");
  }
}

}  // namespace funnelsim::cli
