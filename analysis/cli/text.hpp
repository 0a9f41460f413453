#pragma once
// Small text helpers shared by the commands' printing: printf into a string, JSON literals.

#include <cstdio>
#include <string>

#include "funnelsim/stats/json.hpp"

namespace funnelsim::cli {

/// printf-style formatting into a std::string (at most 511 characters).
template <class... Values>
std::string format(const char* pattern, Values... values) {
  char text[512];
  std::snprintf(text, sizeof text, pattern, values...);
  return text;
}

// JSON literals: the one writer (funnelsim/stats/json.hpp).
using analysis::json_number;
using analysis::json_string;

}  // namespace funnelsim::cli
