#include "funnelsim/results/results_values.hpp"

#include "funnelsim/results/results_fields.hpp"
#include "funnelsim/sim/results.hpp"
#include "funnelsim/utf8.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <optional>
#include <vector>

namespace funnelsim::analysis {

namespace {

/// How a dataset's values are checked.
enum class Kind {
  AMOUNT,    ///< finite, |value| <= RESULTS_AMOUNT_LIMIT
  FORECAST,  ///< an amount, or NaN: "no figure that week"
  COUNT,     ///< whole, in [0, RESULTS_COUNT_LIMIT]
  QUOTA,     ///< an amount > 0
};

/// A dataset of the layout (analysis/RESULTS.md), its dimensions outermost first.
struct Layout {
  std::string name;
  Kind kind;
  std::vector<std::string_view> dims;
};

/// Rows of a slab: about 8 MiB of doubles, at least one row.
constexpr std::size_t SLAB_CELLS = std::size_t{1} << 20;
/// Rows of the first slab of a dataset by replication, before its row size is known.
constexpr std::size_t FIRST_SLAB_ROWS = 64;

std::string number_text(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

/// Whether `error` says that `dataset` is not in the variant: a dataset added within layout 1
/// (cost, forecasts, ...) is absent from older files, which the commands read without it. The
/// reader's message leaves the file to the error's location, so it starts with what is wrong.
bool is_missing(const ResultsError& error, const std::string& dataset) {
  return error.message().starts_with("no dataset '" + dataset + "' in variant '");
}

class ValueChecker {
 public:
  ValueChecker(const ResultsReader& reader, const std::string& where)
      : reader_(reader), where_(where) {}

  void check_variant(const std::string& variant);

 private:
  /// The file and, within it, "variants/baseline/bookings".
  ErrorLocation context(const std::string& variant, const std::string& dataset) const {
    return {where_, 0, 0, "variants/" + variant + "/" + dataset};
  }
  /// "replication 3, rep 2, quarter 1" for cell `index` of a slab whose first row is `first`.
  std::string cell(const Layout& layout, const std::vector<std::size_t>& shape, std::size_t first,
                   std::size_t index) const;
  void check_value(const std::string& variant, const Layout& layout, double value,
                   const std::function<std::string()>& where_in) const;
  /// Checks a dataset in slabs of rows; false if the file has no such dataset.
  bool check_dataset(const std::string& variant, const Layout& layout);
  void check_attainment(const std::string& variant, const std::vector<double>& quota);

  const ResultsReader& reader_;
  const std::string& where_;
};

std::string ValueChecker::cell(const Layout& layout, const std::vector<std::size_t>& shape,
                               std::size_t first, std::size_t index) const {
  std::vector<std::size_t> position(shape.size(), 0);
  for (std::size_t d = shape.size(); d-- > 0;) {
    position[d] = shape[d] == 0 ? 0 : index % shape[d];
    index = shape[d] == 0 ? 0 : index / shape[d];
  }
  std::string text;
  for (std::size_t d = 0; d < shape.size() && d < layout.dims.size(); ++d) {
    const std::size_t number = layout.dims[d] == "replication"
                                   ? reader_.metadata().first_replication + first + position[d]
                                   : (d == 0 ? first : 0) + position[d] + 1;
    text += (text.empty() ? "" : ", ") + std::string(layout.dims[d]) + " " + std::to_string(number);
  }
  return text;
}

void ValueChecker::check_value(const std::string& variant, const Layout& layout, double value,
                               const std::function<std::string()>& where_in) const {
  if (std::isnan(value) && layout.kind == Kind::FORECAST) {
    return;
  }
  if (!std::isfinite(value)) {
    throw_not_finite(context(variant, layout.name), value, where_in());
  }
  const auto refuse = [&](const std::string& rule) {
    throw ResultsError::at(context(variant, layout.name), number_text(value) + " at " + where_in() +
                                                              " is out of range (" + rule + ")");
  };
  switch (layout.kind) {
    case Kind::COUNT:
      if (value < 0.0 || value > RESULTS_COUNT_LIMIT || value != std::floor(value)) {
        refuse("counts are whole numbers in [0, " + number_text(RESULTS_COUNT_LIMIT) + "]");
      }
      break;
    case Kind::QUOTA:
      if (!(value > 0.0) || value > RESULTS_AMOUNT_LIMIT) {
        refuse("a quota is > 0 and at most " + number_text(RESULTS_AMOUNT_LIMIT));
      }
      break;
    default:
      if (std::abs(value) > RESULTS_AMOUNT_LIMIT) {
        refuse("amounts are at most " + number_text(RESULTS_AMOUNT_LIMIT) + " in absolute value");
      }
  }
}

bool ValueChecker::check_dataset(const std::string& variant, const Layout& layout) {
  const bool by_replication = layout.dims.front() == "replication";
  const std::size_t rows = reader_.metadata().replications;
  if (!by_replication) {
    // quota [quarter], rep_quota [rep, quarter]: small, read whole.
    Array array;
    try {
      array = reader_.read_array(variant, layout.name);
    } catch (const ResultsError& error) {
      if (is_missing(error, layout.name)) {
        return false;
      }
      throw;
    }
    for (std::size_t i = 0; i < array.values.size(); ++i) {
      check_value(variant, layout, array.values[i],
                  [&] { return cell(layout, array.shape, 0, i); });
    }
    return true;
  }
  // A first slab of a few rows: their size sets the other slabs. rows.
  std::size_t slab_rows = FIRST_SLAB_ROWS;
  for (std::size_t first = 0; first < rows;) {
    const std::size_t count = std::min(slab_rows, rows - first);
    Array slab;
    try {
      slab = reader_.read_rows(variant, layout.name, first, count);
    } catch (const ResultsError& error) {
      if (first == 0 && is_missing(error, layout.name)) {
        return false;
      }
      throw;
    }
    for (std::size_t i = 0; i < slab.values.size(); ++i) {
      check_value(variant, layout, slab.values[i],
                  [&] { return cell(layout, slab.shape, first, i); });
    }
    slab_rows =
        std::max<std::size_t>(1, SLAB_CELLS / std::max<std::size_t>(1, slab.values.size() / count));
    first += count;
  }
  return true;
}

void ValueChecker::check_attainment(const std::string& variant, const std::vector<double>& quota) {
  const Layout layout{"attainment", Kind::AMOUNT, {"replication", "quarter"}};
  const std::size_t rows = reader_.metadata().replications;
  const std::size_t quarters = quota.size();
  const std::size_t slab_rows =
      std::max<std::size_t>(1, SLAB_CELLS / std::max<std::size_t>(1, quarters));
  for (std::size_t first = 0; first < rows; first += slab_rows) {
    const std::size_t count = std::min(slab_rows, rows - first);
    Array attainment;
    try {
      attainment = reader_.read_rows(variant, "attainment", first, count);
    } catch (const ResultsError& error) {
      if (first == 0 && is_missing(error, "attainment")) {
        return;
      }
      throw;
    }
    const Array bookings = reader_.read_rows(variant, "bookings", first, count);
    for (std::size_t i = 0; i < attainment.values.size(); ++i) {
      const double value = attainment.values[i];
      const auto where_in = [&] { return cell(layout, attainment.shape, first, i); };
      if (!std::isfinite(value)) {
        throw_not_finite(context(variant, "attainment"), value, where_in());
      }
      // The writer divides the same doubles (variant_sink.cpp): equal, up to a rounding
      // margin for a file another tool rewrote.
      const double expected = bookings.values[i] / quota[i % quarters];
      if (!(value == expected || std::abs(value - expected) <= 1e-12 * std::abs(expected))) {
        throw ResultsError::at(context(variant, "attainment"),
                               number_text(value) + " at " + where_in() +
                                   " is not bookings / quota (" + number_text(bookings.values[i]) +
                                   " / " + number_text(quota[i % quarters]) + " = " +
                                   number_text(expected) + ")");
      }
    }
  }
}

/// What a field's values may be, from its entry in the table of output fields: amounts in 万
/// (a quota, moreover, > 0), counts in deals or opportunities, and forecasts; attainment (a
/// ratio) and names are checked on their own.
Kind kind_of(std::string_view name, std::string_view units) {
  if (name == "quota")
    return Kind::QUOTA;
  return units == "万" ? Kind::AMOUNT : Kind::COUNT;
}

/// "replication, quarter" -> {"replication", "quarter"}: the dimensions of a table entry.
std::vector<std::string_view> dims_of(std::string_view dims) {
  std::vector<std::string_view> names;
  while (!dims.empty()) {
    const std::size_t comma = dims.find(", ");
    names.push_back(dims.substr(0, comma));
    dims = comma == std::string_view::npos ? std::string_view() : dims.substr(comma + 2);
  }
  return names;
}

/// The dimensions of a segment series of `extent`, as a results file stores them.
std::vector<std::string_view> dims_of(sim::Extent extent) {
  switch (extent) {
    case sim::Extent::quarter:
      return {"replication", "quarter"};
    case sim::Extent::week:
      return {"replication", "week"};
    case sim::Extent::week_stage:
      return {"replication", "week", "stage"};
    case sim::Extent::quarter_week:
      return {"replication", "quarter", "week"};
    case sim::Extent::rep_quarter:
      return {"replication", "rep", "quarter"};
  }
  return {};
}

void ValueChecker::check_variant(const std::string& variant) {
  // Every numeric field of the table of output fields (results_fields.hpp), and every series
  // the forecast code declares.
  for (const OutputField& field : VARIANT_FIELDS) {
    if (field.type == StoredType::string || field.name == "attainment")
      continue;
    const bool present = check_dataset(
        variant, {std::string(field.name), kind_of(field.name, field.units), dims_of(field.dims)});
    if (present && field.name == "quota")
      check_attainment(variant, reader_.read_vector(variant, "quota"));
  }
  // Whatever forecast series the file holds (the forecast code declares them; the results
  // library reads any): each is checked as a forecast of the bookings, week by week.
  for (const std::string& series : reader_.forecast_series(variant)) {
    if (const std::string problem = results_name_problem(series); !problem.empty()) {
      throw ResultsError::at(context(variant, "forecast/" + printable_name(series)),
                             "series name " + problem);
    }
    check_dataset(variant,
                  {"forecast/" + series, Kind::FORECAST, {"replication", "quarter", "week"}});
  }
  try {
    for (const std::string& team : reader_.read_strings(variant, "rep_team")) {
      if (const std::string problem = results_name_problem(team); !problem.empty()) {
        throw ResultsError::at(context(variant, "rep_team"),
                               "team name '" + printable_name(team) + "' " + problem);
      }
    }
  } catch (const ResultsError& error) {
    if (!is_missing(error, "rep_team")) {
      throw;
    }
  }
  std::vector<std::string> segments;
  try {
    segments = reader_.segments(variant);
  } catch (const ResultsError& error) {
    if (!error.message().starts_with("no group 'variants/" + variant + "/segments'")) {
      throw;
    }
  }
  for (const std::string& segment : segments) {
    if (const std::string problem = results_name_problem(segment); !problem.empty()) {
      throw ResultsError::at(context(variant, "segments/" + printable_name(segment)),
                             "segment name " + problem);
    }
    const std::string group = "segments/" + segment + "/";
    for (const sim::SegmentSeries& series : sim::SEGMENT_SERIES) {
      check_dataset(variant,
                    {group + std::string(series.info.name),
                     kind_of(series.info.name, series.info.units), dims_of(series.info.extent)});
    }
  }
}

}  // namespace

std::string results_name_problem(std::string_view name) {
  if (name.empty()) {
    return "must not be empty";
  }
  if (name.size() > RESULTS_NAME_LIMIT_BYTES) {
    return "is " + std::to_string(name.size()) + " bytes, more than " +
           std::to_string(RESULTS_NAME_LIMIT_BYTES);
  }
  for (std::size_t offset = 0; offset < name.size();) {
    const auto byte = static_cast<unsigned char>(name[offset]);
    char code[8];
    std::snprintf(code, sizeof code, "0x%02x", byte);
    if (byte < 0x20 || byte == 0x7F) {
      return std::string("holds a control character (") + code + ")";
    }
    const std::size_t length = utf8_sequence_length(name, offset);
    if (length == 0) {
      return std::string("is not UTF-8 (byte ") + code + ")";
    }
    offset += length;
  }
  return "";
}

std::string printable_name(std::string_view name) {
  constexpr std::size_t SHOWN_BYTES = 60;
  std::string text;
  for (std::size_t i = 0; i < name.size() && i < SHOWN_BYTES; ++i) {
    const auto byte = static_cast<unsigned char>(name[i]);
    if (byte < 0x20 || byte >= 0x7F || byte == '\\') {
      char code[8];
      std::snprintf(code, sizeof code, "\\x%02x", byte);
      text += code;
    } else {
      text += name[i];
    }
  }
  return name.size() > SHOWN_BYTES ? text + "..." : text;
}

void throw_not_finite(const ErrorLocation& context, double value, const std::string& cell) {
  throw ResultsError::at(context, "not a finite number: " + number_text(value) + " at " + cell);
}

std::string replication_quarter_cell(std::size_t replication, std::size_t quarter) {
  return "replication " + std::to_string(replication) + ", quarter " + std::to_string(quarter + 1);
}

void check_results_values(const ResultsReader& reader, const std::string& where) {
  const ErrorLocation file{where, 0, 0, {}};
  const std::string& scenario_name = reader.metadata().scenario_name;
  if (const std::string problem = results_name_problem(scenario_name); !problem.empty()) {
    throw ResultsError::at(
        file, "attribute 'scenario_name' ('" + printable_name(scenario_name) + "') " + problem);
  }
  ValueChecker checker(reader, where);
  for (const std::string& variant : reader.variants()) {
    if (const std::string problem = results_name_problem(variant); !problem.empty()) {
      throw ResultsError::at({where, 0, 0, "variants/" + printable_name(variant)},
                             "variant name " + problem);
    }
    checker.check_variant(variant);
  }
}

}  // namespace funnelsim::analysis
