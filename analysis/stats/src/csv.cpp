#include "funnelsim/stats/csv.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace funnelsim::analysis {
namespace {

/// Whether `text` is wholly a plain decimal number: [+-]digits[.digits][(e|E)[+-]digits].
bool plain_number(std::string_view text) {
  std::size_t i = 0;
  const auto digits = [&] {
    const std::size_t from = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      ++i;
    }
    return i - from;
  };
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
    ++i;
  }
  std::size_t mantissa = digits();
  if (i < text.size() && text[i] == '.') {
    ++i;
    mantissa += digits();
  }
  if (mantissa == 0) {
    return false;
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
      ++i;
    }
    if (digits() == 0) {
      return false;
    }
  }
  return i == text.size();
}

/// Whether a spreadsheet would take `text` for a formula (OWASP: CSV injection).
bool formula_like(std::string_view text) {
  return !text.empty() && std::string_view("=+-@\t\r").find(text[0]) != std::string_view::npos &&
         !plain_number(text);
}

/// Whether csv_text puts a ' in front of `text`: a formula-like text, and also one that already
/// has quotes in front of a formula-like text, so that csv_text_value can tell them apart.
bool needs_quote_prefix(std::string_view text) {
  const std::size_t quotes = std::min(text.find_first_not_of('\''), text.size());
  return formula_like(text.substr(quotes));
}

}  // namespace

std::string csv_text(std::string_view value) {
  const std::string cell =
      needs_quote_prefix(value) ? "'" + std::string(value) : std::string(value);
  if (cell.find_first_of(",\"\r\n") == std::string::npos) {
    return cell;
  }
  std::string text = "\"";
  for (const char c : cell) {
    text += c == '"' ? std::string("\"\"") : std::string(1, c);
  }
  return text + "\"";
}

std::string csv_text_value(std::string_view field) {
  if (!field.empty() && field[0] == '\'' && needs_quote_prefix(field)) {
    return std::string(field.substr(1));
  }
  return std::string(field);
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
