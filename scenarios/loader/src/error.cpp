#include "funnelsim/scenarios/error.hpp"

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

// Copies, not moves: the arguments of one call are evaluated in no fixed order.
InputError::InputError(std::string file, int line, int column, std::string key_path,
                       std::string message)
    : Error(ErrorKind::input, describe(file, line, column, key_path, message), message,
            ErrorLocation{file, line, column, key_path}) {}

}  // namespace funnelsim::scenarios
