#pragma once
/// An opportunity history read from a CRM: funnelsim's own CRM export (`run --crm-export`,
/// analysis/RESULTS.md) or the two tables a mainstream CRM exports (an opportunity table and an
/// opportunity-history table, one row per stage change). Columns are found by name, written any
/// way a CRM writes them (`opportunity_id`, `Opportunity ID`, `OpportunityId` are one name), with
/// the mainstream CRMs' names built in (StageName, OwnerId, CreatedDate, ...) and a column map
/// for others. Every bad row is an Error of kind input naming `file:line:column: column: what`.
///
/// What is refused rather than guessed: a path that is not a regular file; a table with no
/// header or no rows; two header columns that would both be read as one canonical column (a
/// --map names the one meant); fields that are not UTF-8 or hold control characters (a tab
/// aside); yes/no columns other than true/false, 1/0, yes/no, y/n, t/f; dates that are no day
/// of a year 1900..2200; amounts outside [0, 1e9] 万 (sums over millions of rows must stay
/// finite and exact to the 万); probabilities outside [0, 100].
///
/// Times are days since 1970-01-01, fractional: a date alone is its day's start; funnelsim's
/// `*_day` columns give the exact time.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace funnelsim::analysis::crm {

enum class Outcome { open, won, lost, stalled, dropped };

/// One stay of an opportunity in a stage.
struct Stay {
  std::string stage;
  double entered = 0.0;
  std::optional<double> left;         ///< empty while it is in the stage
  std::string category;               ///< commit, best_case, pipeline or empty
  std::optional<double> probability;  ///< the CRM's probability of the stage, in [0, 1]
};

struct Opportunity {
  std::string id;
  std::string world;  ///< variant:replication of funnelsim's export; empty otherwise
  std::string rep;    ///< the owner (qualified by world when a history holds several)
  std::string team;
  std::string segment;
  std::string source;  ///< "prospecting" (the rep's own) or a lead source's name
  bool existing = false;
  double created = 0.0;
  double amount = 0.0;  ///< 万, in [0, 1e9]
  std::optional<double> closed;
  Outcome outcome = Outcome::open;
  std::vector<Stay> stays;  ///< in order; the last one is open unless the outcome is closed
};

struct History {
  std::vector<Opportunity> opportunities;
  /// The first measured day of funnelsim's export (its day 0), when the history is one.
  std::optional<double> origin;
  double end = 0.0;  ///< the last time the history shows: open stays are censored here
  std::vector<std::string> worlds;  ///< funnelsim's variant:replication values, sorted
  bool whole_days = false;          ///< every time is a date alone: durations are known to a day
  bool has_segments = false;  ///< a segment column: else every opportunity is in segment "all"
  std::string opportunities_file;
  std::string history_file;
};

/// Where the two tables are, and the user's column map (canonical name -> their column).
struct HistorySource {
  std::string opportunities_file;
  std::string history_file;
  std::map<std::string, std::string> column_map;
};

/// The two files of a folder in the CRM export's shape: DIR/opportunities.csv and
/// DIR/stage_history.csv.
HistorySource history_folder(const std::string& folder);

/// Parses a `--map COLUMN=NAME` entry into `source`; throws a usage Error when malformed, when
/// COLUMN is not one of the canonical columns, when COLUMN is mapped already, or when NAME is
/// already mapped to another canonical column of the same table.
void add_column_map(HistorySource& source, const std::string& entry);

/// The canonical columns a map may name, for messages and help.
std::string canonical_columns();

/// Reads both tables. Throws funnelsim::Error (kind input) on the first bad row.
History read_history(const HistorySource& source);

/// Reads from text (the tests); file names are used in messages only.
History parse_history(const std::string& opportunities_text, const std::string& history_text,
                      const HistorySource& source);

/// Days since 1970-01-01 of an ISO date `yyyy-mm-dd` of a year 1900..2200, with an optional
/// time (`Thh:mm[:ss[.fff]]`, `Z` or an offset ignored); nullopt when it is not one.
std::optional<double> parse_iso_time(const std::string& text);
/// Why parse_iso_time reads no time from `text` (its shape, or which field is out of range:
/// "no such day: 2026-02 has 28 days"); empty when it reads one.
std::string iso_time_problem(const std::string& text);

/// The opportunities of one variant:replication world of funnelsim's export.
History select_world(const History& history, const std::string& world);

const char* outcome_name(Outcome outcome);

/// Funnel stages of `segment` in funnel order: by the order in which stays follow one another.
std::vector<std::string> stage_order(const History& history, const std::string& segment);
/// A CRM's name as a scenario may write it (no whitespace, '.', '=', '/', '\\' or control
/// characters: each becomes '-'): the names calibrate writes, and how a scenario's stages,
/// segments and teams are matched to the history's.
std::string scenario_name(const std::string& name);

/// Days a request may reach beyond the history's ends: a CRM records no export date, and its
/// first and last weeks may be quiet.
inline constexpr double SPAN_GRACE_DAYS = 7.0;
/// Refuses (a usage Error) a period [from, to) of days that starts more than
/// SPAN_GRACE_DAYS before the history's first opportunity or ends more than that after the
/// history's last change: `what` names the request in the message ("--as-of 2026-02-22").
void check_within_history(const History& history, double from, double to, const std::string& what);

/// Checks the world a request names (`--world`): empty is the history's only world (or none,
/// for a CRM's own history); a name must be one of the history's. Throws a usage Error that
/// lists the choices.
void check_world(const History& history, const std::string& world);
/// The history's segment a request names (`--segment`): empty is its only segment. A history
/// without a segment column is one segment whatever is named (the name is then the scenario's).
/// Throws a usage Error that lists the choices.
std::string select_segment(const History& history, const std::string& segment);

/// Segments in order of first appearance.
std::vector<std::string> segments(const History& history);

}  // namespace funnelsim::analysis::crm
