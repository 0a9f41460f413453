#pragma once
/// CSV cells: the one writer of CSV fields that every command's CSV uses (compare --csv,
/// summary --csv, the per-replication export), and the byte-order mark that --bom prefixes.

#include <string>
#include <string_view>

namespace funnelsim::analysis {

/// The UTF-8 byte-order mark (EF BB BF). A spreadsheet that opens a CSV file without it reads
/// the bytes as the system's legacy code page and garbles 万; with it, as UTF-8.
inline constexpr std::string_view UTF8_BOM = "\xEF\xBB\xBF";

/// A text field: as it is, or quoted (quotes doubled) when it holds a comma, a quote or a line
/// break (RFC 4180).
///
/// A text that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with a
/// single quote `'` first (OWASP's advice against CSV formula injection): a spreadsheet would
/// otherwise run a trainee named `=HYPERLINK(...)` or a variant named `@SUM(...)` as a formula;
/// with the quote it shows the text. A text that is wholly a plain decimal number (`-12.5`,
/// `+3`, `-1e3`) is left as it is: a spreadsheet reads it as that number, and runs nothing.
/// A text that already starts with quotes in front of such a text gets one more quote, so that a
/// reader of the project's own CSV files gets every text back exactly with csv_text_value().
std::string csv_text(std::string_view value);

/// The text csv_text() was given, from the field as it reads after RFC 4180 unquoting: the
/// single quote csv_text() put in front of a formula-like text is taken off again.
std::string csv_text_value(std::string_view field);

/// A number field: the shortest text that reads back as the same double; empty for NaN
/// (undefined), "inf" and "-inf" for infinities.
std::string csv_number(double value);

}  // namespace funnelsim::analysis
