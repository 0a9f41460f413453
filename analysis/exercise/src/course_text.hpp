#pragma once
// How the class kit's kinds print their numbers: shared by the handouts, the marking and the
// JSON, so that all three show a given the same way.

#include <cmath>
#include <string>

#include "funnelsim/exercise/exercise.hpp"
#include "funnelsim/stats/text_format.hpp"

namespace funnelsim::analysis::exercise::course {

/// An amount with a fixed number of decimals: "320", "41.6".
inline std::string amount(double value, int decimals) {
  return format_text("%.*f", decimals, value);
}

/// A share as a percentage, to 0.1 point where it has one: "70%", "22.5%".
inline std::string percent(double share) {
  const double points = std::round(share * 1000.0) / 10.0;
  return points == std::round(points) ? format_text("%.0f%%", points)
                                      : format_text("%.1f%%", points);
}

/// English or the course's Simplified Chinese.
inline const char* says(Language language, const char* english, const char* chinese) {
  return language == Language::zh ? chinese : english;
}

/// "revenue_" + the stage's name in lower case with anything but letters and digits as '_'.
inline std::string answer_key(const std::string& prefix, const std::string& stage_name) {
  std::string key = prefix;
  for (const char c : stage_name) {
    const bool word = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    key += word ? c : (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : '_';
  }
  return key;
}

}  // namespace funnelsim::analysis::exercise::course
