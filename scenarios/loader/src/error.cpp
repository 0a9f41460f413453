#include "funnelsim/scenarios/error.hpp"

#include <utility>

namespace funnelsim::scenarios {
namespace {

std::string describe(const std::string& file, int line, int column, const std::string& key_path,
                     const std::string& message) {
  std::string text = file;
  if (line > 0) {
    text += ':' + std::to_string(line);
    if (column > 0) {
      text += ':' + std::to_string(column);
    }
  }
  text += ": ";
  if (!key_path.empty()) {
    text += key_path + ": ";
  }
  return text + message;
}

}  // namespace

InputError::InputError(std::string file, int line, int column, std::string key_path,
                       std::string message)
    : std::runtime_error(describe(file, line, column, key_path, message)),
      file_(std::move(file)),
      line_(line),
      column_(column),
      key_path_(std::move(key_path)),
      message_(std::move(message)) {}

}  // namespace funnelsim::scenarios
