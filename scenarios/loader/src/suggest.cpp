#include "suggest.hpp"

#include <algorithm>

namespace funnelsim::scenarios::detail {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  const std::size_t rows = a.size() + 1;
  const std::size_t columns = b.size() + 1;
  std::vector<std::size_t> d(rows * columns);
  auto at = [&](std::size_t i, std::size_t j) -> std::size_t& { return d[i * columns + j]; };
  for (std::size_t i = 0; i < rows; ++i) {
    at(i, 0) = i;
  }
  for (std::size_t j = 0; j < columns; ++j) {
    at(0, j) = j;
  }
  for (std::size_t i = 1; i < rows; ++i) {
    for (std::size_t j = 1; j < columns; ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      at(i, j) = std::min({at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        at(i, j) = std::min(at(i, j), at(i - 2, j - 2) + 1);
      }
    }
  }
  return at(rows - 1, columns - 1);
}

std::string closest(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = 0;
  for (const std::string& candidate : candidates) {
    // A third of the longer word, and never the whole word: catches "smal",
    // "prospect_per_week" and "gama", but does not offer "a" for "z" or "dist" for "cv".
    const std::size_t limit = std::max<std::size_t>(1, std::max(word.size(), candidate.size()) / 3);
    // The distance is at least the difference in length: skip hopeless candidates before
    // the quadratic table (a key of a million characters would need gigabytes).
    const std::size_t length_difference = word.size() > candidate.size()
                                              ? word.size() - candidate.size()
                                              : candidate.size() - word.size();
    if (length_difference > limit) {
      continue;
    }
    const std::size_t distance = edit_distance(word, candidate);
    const bool likely = distance <= limit && distance < std::min(word.size(), candidate.size());
    if (likely && (best.empty() || distance < best_distance)) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

std::string suggestion(std::string_view word, const std::vector<std::string>& candidates,
                       std::string_view label) {
  if (const std::string best = closest(word, candidates); !best.empty()) {
    return "; did you mean '" + best + "'?";
  }
  if (candidates.empty()) {
    return "";
  }
  return "; " + std::string(label) + ": " + join(candidates);
}

std::string join(const std::vector<std::string>& words) {
  std::string text;
  for (const std::string& word : words) {
    if (!text.empty()) {
      text += ", ";
    }
    text += word;
  }
  return text;
}

}  // namespace funnelsim::scenarios::detail
