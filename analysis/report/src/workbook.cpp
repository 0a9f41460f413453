// The .xlsx workbook of `funnelsim export` (export.hpp), written with libxlsxwriter.

#include <fcntl.h>
#include <stdlib.h>  // mkdtemp
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "funnelsim/report/compare.hpp"
#include "funnelsim/report/export.hpp"
#include "funnelsim/report/summary.hpp"
#include "funnelsim/stats/text_format.hpp"

namespace funnelsim::analysis {
namespace {

namespace fs = std::filesystem;

/// The columns of a sheet (LXW_COL_MAX).
constexpr std::size_t WORKBOOK_MAX_COLUMNS = 16'384;

/// The document's creation date, fixed (2000-01-01T00:00:00Z) so that two exports of one file
/// are byte-identical, as two runs of one scenario and seed are; libxlsxwriter would stamp the
/// current time otherwise.
constexpr std::time_t WORKBOOK_CREATED = 946'684'800;

std::string system_reason(int error) {
  return std::error_code(error, std::generic_category()).message();
}

/// A private directory for libxlsxwriter, which writes its workbook (and, in constant-memory
/// mode, each sheet's rows) to files by name: created by mkdtemp (mode 0700, a name no one
/// can predict) under the system's temporary directory, and removed with everything in it.
class ScratchDirectory {
 public:
  ScratchDirectory() {
    std::error_code error;
    const fs::path base = fs::temp_directory_path(error);
    if (error) {
      throw std::runtime_error("cannot find a temporary directory for the workbook: " +
                               error.message());
    }
    std::string pattern = (base / "funnelsim-export-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("cannot create a scratch directory for the workbook in " +
                               base.string() + ": " + system_reason(errno));
    }
    path_ = pattern;
  }
  ~ScratchDirectory() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  ScratchDirectory(const ScratchDirectory&) = delete;
  ScratchDirectory& operator=(const ScratchDirectory&) = delete;

  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

/// The bytes of a file the scratch directory holds, opened without following links.
std::string read_bytes(const fs::path& path) {
  const int descriptor = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (descriptor < 0) {
    throw std::runtime_error("cannot read the workbook back: " + system_reason(errno));
  }
  std::string bytes;
  char buffer[1 << 16];
  for (;;) {
    const ssize_t got = ::read(descriptor, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got < 0) {
      const int error = errno;
      ::close(descriptor);
      throw std::runtime_error("cannot read the workbook back: " + system_reason(error));
    }
    if (got == 0) {
      break;
    }
    bytes.append(buffer, static_cast<std::size_t>(got));
  }
  ::close(descriptor);
  return bytes;
}

void check(lxw_error error, const char* what) {
  if (error != LXW_NO_ERROR) {
    throw std::runtime_error(std::string("cannot write the workbook (") + what +
                             "): " + lxw_strerror(error));
  }
}

/// The formats of the cells.
struct Formats {
  lxw_format* header = nullptr;  ///< bold
  lxw_format* amount = nullptr;  ///< 万, one decimal
  lxw_format* share = nullptr;   ///< a fraction shown in %, one decimal
  lxw_format* count = nullptr;   ///< a whole number
  lxw_format* factor = nullptr;  ///< two decimals
};

/// Writing one sheet row by row (constant-memory mode writes each row once, in order).
class Sheet {
 public:
  Sheet(lxw_workbook* book, const char* name) : sheet_(workbook_add_worksheet(book, name)) {
    if (sheet_ == nullptr) {
      throw std::runtime_error(std::string("cannot add the sheet ") + name + " to the workbook");
    }
  }

  void text(std::string_view value, lxw_format* format = nullptr) {
    const std::string copy(value);
    check(worksheet_write_string(sheet_, row_, column_++, copy.c_str(), format), "a text cell");
  }
  /// An undefined number (NaN) is an empty cell; an infinite one the text "inf" or "-inf".
  void number(double value, lxw_format* format) {
    if (std::isnan(value)) {
      ++column_;
    } else if (std::isinf(value)) {
      text(value > 0 ? "inf" : "-inf");
    } else {
      check(worksheet_write_number(sheet_, row_, column_++, value, format), "a number cell");
    }
  }
  void next_row() {
    ++row_;
    column_ = 0;
  }
  void skip_row() { next_row(); }
  /// Column widths (in characters) from the first column on.
  void widths(const std::vector<double>& widths) {
    for (std::size_t c = 0; c < widths.size(); ++c) {
      const auto column = static_cast<lxw_col_t>(c);
      check(worksheet_set_column(sheet_, column, column, widths[c], nullptr), "column widths");
    }
  }
  /// Keeps the rows above the next one in view while scrolling.
  void freeze_above() { worksheet_freeze_panes(sheet_, row_, 0); }

 private:
  lxw_worksheet* sheet_;
  lxw_row_t row_ = 0;
  lxw_col_t column_ = 0;
};

// ---- Summary

void summary_sheet(lxw_workbook* book, const Formats& formats, const ResultsReader& reader,
                   const std::string& variant) {
  const Summary summary = summarize(reader, variant);
  const FileMetadata& metadata = reader.metadata();
  Sheet sheet(book, "Summary");
  sheet.widths({14, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 16, 16, 14, 14, 14});
  sheet.text("Scenario", formats.header);
  sheet.text(metadata.scenario_name);
  sheet.next_row();
  sheet.text("Variant", formats.header);
  sheet.text(summary.variant);
  sheet.next_row();
  sheet.text("Seed", formats.header);
  sheet.text(std::to_string(metadata.seed));  // as text: a double would round a large seed
  sheet.next_row();
  sheet.text("Replications", formats.header);
  sheet.number(static_cast<double>(summary.replications), formats.count);
  if (!metadata.complete) {
    sheet.text(format_text("INCOMPLETE: stopped after %zu of %zu replications",
                           metadata.replications, metadata.replications_planned));
  }
  sheet.next_row();
  sheet.text("Quarters", formats.header);
  sheet.text(format_text("%zu of %d weeks after a warm-up of %d weeks", summary.quarters.size(),
                         metadata.weeks_per_quarter, metadata.warmup_weeks));
  sheet.next_row();
  sheet.text("Units", formats.header);
  sheet.text(
      "amounts in 万 (10,000 RMB); percentiles by Hyndman-Fan type 7; P(quota met) with its 95% "
      "Wilson interval; numbers unrounded, shown rounded");
  sheet.next_row();
  sheet.skip_row();

  // The columns of summary_fields(), in its order, after the period.
  sheet.text("period", formats.header);
  for (const char* label :
       {"quota (万)", "mean (万)", "sd (万)", "s.e. (万)", "P5 (万)", "P25 (万)", "P50 (万)",
        "P75 (万)", "P95 (万)", "mean wins", "mean attainment", "quota met (count)", "P(quota met)",
        "95% low", "95% high"}) {
    sheet.text(label, formats.header);
  }
  sheet.freeze_above();
  sheet.next_row();
  std::vector<const PeriodSummary*> periods;
  for (const PeriodSummary& quarter : summary.quarters) {
    periods.push_back(&quarter);
  }
  periods.push_back(&summary.whole_run);
  for (const PeriodSummary* period : periods) {
    sheet.text(period->label);
    const std::vector<double> values = summary_values(*period);
    for (std::size_t f = 0; f < values.size(); ++f) {
      const std::string& field = summary_fields()[f];
      lxw_format* format = field == "mean_wins"         ? formats.factor
                           : field == "quota_met_count" ? formats.count
                           : field == "mean_attainment" || field.starts_with("quota_met")
                               ? formats.share
                               : formats.amount;
      sheet.number(values[f], format);
    }
    sheet.next_row();
  }
}

// ---- Variants

void variants_sheet(lxw_workbook* book, const Formats& formats, const ResultsReader& reader,
                    const std::string& variant) {
  CompareQuestion question;
  question.baseline = variant;
  const Comparison comparison = compare_variants(reader, question);
  Sheet sheet(book, "Variants");
  sheet.widths({20, 11, 11, 11, 11, 11, 13, 11, 11, 11, 11, 11, 13, 11, 11, 9, 11, 11, 14});
  sheet.text(
      format_text("Bookings (万) over the %s, every variant against %s, paired by "
                  "replication (%zu replications each, common random numbers)",
                  comparison.period == "year" ? "year" : "whole run", comparison.baseline.c_str(),
                  comparison.replications));
  sheet.next_row();
  sheet.text(
      "95% intervals: Wilson for P(quota met); mean ± 1.96 s.e. of the paired differences for "
      "the differences. VRF: variance-reduction factor of pairing. Return: extra bookings per "
      "万 of extra cost.");
  sheet.next_row();
  if (!comparison.has_cost) {
    sheet.text(
        "No costs in this file (teams set no cost_per_rep_per_quarter or "
        "commission_rate): costs are 0.");
  }
  sheet.next_row();
  sheet.text("variant", formats.header);
  for (const char* label :
       {"quota (万)", "mean (万)", "P10 (万)", "P50 (万)", "P90 (万)", "P(quota met)", "95% low",
        "95% high", "Δ mean (万)", "95% low", "95% high", "Δ P(quota met)", "95% low", "95% high",
        "VRF", "cost (万)", "extra cost (万)", "return (万/万)"}) {
    sheet.text(label, formats.header);
  }
  sheet.freeze_above();
  sheet.next_row();
  for (const VariantComparison& row : comparison.variants) {
    sheet.text(row.variant);
    for (const double amount : {row.quota, row.mean, row.p10, row.p50, row.p90}) {
      sheet.number(amount, formats.amount);
    }
    for (const double share :
         {row.quota_met, row.quota_met_interval.lower, row.quota_met_interval.upper}) {
      sheet.number(share, formats.share);
    }
    for (const double amount :
         {row.difference.mean, row.difference.interval.lower, row.difference.interval.upper}) {
      sheet.number(amount, formats.amount);
    }
    for (const double share :
         {row.quota_met_difference.mean, row.quota_met_difference.interval.lower,
          row.quota_met_difference.interval.upper}) {
      sheet.number(share, formats.share);
    }
    sheet.number(row.variance_reduction, formats.factor);
    sheet.number(row.cost, formats.amount);
    sheet.number(row.extra_cost, formats.amount);
    sheet.number(row.return_per_cost, formats.factor);
    sheet.next_row();
  }
}

// ---- Teams

void teams_sheet(lxw_workbook* book, const Formats& formats, const ResultsReader& reader,
                 const ReplicationTable& table) {
  const std::vector<TeamBookings> teams = team_bookings(reader, table.variant);
  Sheet sheet(book, "Teams");
  std::vector<double> widths{20, 8};
  widths.resize(2 + table.periods.size(), 11);
  sheet.widths(widths);
  sheet.text(
      format_text("Mean bookings (万) of each team, the sum over its reps, variant %s, "
                  "over %zu replications",
                  table.variant.c_str(), table.replications));
  sheet.next_row();
  if (teams.empty()) {
    sheet.text("No per-rep data in this file (datasets rep_bookings and rep_team).");
    return;
  }
  sheet.skip_row();
  sheet.text("team", formats.header);
  sheet.text("reps", formats.header);
  for (const std::string& period : table.periods) {
    sheet.text(period, formats.header);
  }
  sheet.freeze_above();
  sheet.next_row();
  for (const TeamBookings& team : teams) {
    sheet.text(team.team);
    sheet.number(static_cast<double>(team.reps), formats.count);
    for (const double mean : team.mean) {
      sheet.number(mean, formats.amount);
    }
    sheet.next_row();
  }
}

// ---- Replications

void replications_sheet(lxw_workbook* book, const Formats& formats, const ResultsReader& reader,
                        const ReplicationTable& table) {
  Sheet sheet(book, "Replications");
  const std::vector<std::string> columns = replication_columns(table);
  sheet.widths(std::vector<double>(columns.size(), 12));
  for (const std::string& column : columns) {
    sheet.text(column, formats.header);
  }
  sheet.freeze_above();
  sheet.next_row();
  for_each_replication(reader, table, [&](const ReplicationRow& row) {
    sheet.number(static_cast<double>(row.replication), formats.count);
    for (const double amount : row.bookings) {
      sheet.number(amount, formats.amount);
    }
    for (const int met : row.quota_met) {
      sheet.number(met, formats.count);
    }
    for (const double amount : row.cost) {
      sheet.number(amount, formats.amount);
    }
    sheet.next_row();
  });
}

/// Frees a workbook that was not closed (an exception while filling it).
struct WorkbookGuard {
  lxw_workbook* book;
  ~WorkbookGuard() {
    if (book != nullptr) {
      lxw_workbook_free(book);
    }
  }
};

}  // namespace

std::string export_workbook(const ResultsReader& reader, const std::string& variant) {
  const ReplicationTable table = replication_table(reader, variant);
  if (table.replications > WORKBOOK_MAX_REPLICATIONS) {
    throw Error(ErrorKind::usage,
                format_text("a workbook's sheet holds at most %zu replications and variant "
                            "'%s' has %zu: export them to a .csv file instead",
                            WORKBOOK_MAX_REPLICATIONS, variant.c_str(), table.replications));
  }
  if (replication_columns(table).size() > WORKBOOK_MAX_COLUMNS) {
    throw Error(ErrorKind::usage,
                format_text("a workbook's sheet holds at most %zu columns, too few for %zu "
                            "quarters: export them to a .csv file instead",
                            WORKBOOK_MAX_COLUMNS, table.periods.size() - 1));
  }

  const ScratchDirectory scratch;
  const fs::path file = scratch.path() / "workbook.xlsx";
  std::string tmpdir = scratch.path().string();
  lxw_workbook_options options{};
  options.constant_memory = LXW_TRUE;
  options.tmpdir = tmpdir.data();
  WorkbookGuard guard{workbook_new_opt(file.c_str(), &options)};
  if (guard.book == nullptr) {
    throw std::runtime_error("cannot create the workbook");
  }
  lxw_doc_properties properties{};
  std::string title = "funnelsim export: " + reader.metadata().scenario_name;
  std::string generator = "funnelsim";
  properties.title = title.data();
  properties.comments = generator.data();
  properties.created = WORKBOOK_CREATED;
  check(workbook_set_properties(guard.book, &properties), "its properties");

  Formats formats;
  formats.header = workbook_add_format(guard.book);
  format_set_bold(formats.header);
  formats.amount = workbook_add_format(guard.book);
  format_set_num_format(formats.amount, "#,##0.0");
  formats.share = workbook_add_format(guard.book);
  format_set_num_format(formats.share, "0.0%");
  formats.count = workbook_add_format(guard.book);
  format_set_num_format(formats.count, "0");
  formats.factor = workbook_add_format(guard.book);
  format_set_num_format(formats.factor, "0.00");

  summary_sheet(guard.book, formats, reader, variant);
  variants_sheet(guard.book, formats, reader, variant);
  teams_sheet(guard.book, formats, reader, table);
  replications_sheet(guard.book, formats, reader, table);

  lxw_workbook* book = guard.book;
  guard.book = nullptr;  // workbook_close frees it, whatever it returns
  check(workbook_close(book), "the file");
  return read_bytes(file);
}

}  // namespace funnelsim::analysis
