#pragma once
// Suggestions for misspelt keys and names ("did you mean 'small'?").

#include <string>
#include <string_view>
#include <vector>

namespace funnelsim::scenarios::detail {

/// Edit distance counting insertions, deletions, substitutions and adjacent transpositions
/// (optimal string alignment), the common typing mistakes.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `word`, or "" when none is close enough to be a likely typo.
std::string closest(std::string_view word, const std::vector<std::string>& candidates);

/// "; did you mean 'x'?" when a candidate is close, otherwise "; <label>: a, b, c"
/// (or "" when there are no candidates).
std::string suggestion(std::string_view word, const std::vector<std::string>& candidates,
                       std::string_view label);

/// "a, b, c"
std::string join(const std::vector<std::string>& words);

}  // namespace funnelsim::scenarios::detail
