#include "funnelsim/stats/csv.hpp"

#include <charconv>
#include <cmath>

namespace funnelsim::analysis {

std::string csv_text(std::string_view value) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) {
    return std::string(value);
  }
  std::string text = "\"";
  for (const char c : value) {
    text += c == '"' ? std::string("\"\"") : std::string(1, c);
  }
  return text + "\"";
}

std::string csv_number(double value) {
  if (std::isnan(value)) {
    return "";
  }
  if (std::isinf(value)) {
    return value > 0 ? "inf" : "-inf";
  }
  char text[64];
  const auto result = std::to_chars(text, text + sizeof text, value);
  return std::string(text, result.ptr);
}

}  // namespace funnelsim::analysis
