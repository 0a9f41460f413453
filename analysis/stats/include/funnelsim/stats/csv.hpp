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
std::string csv_text(std::string_view value);

/// A number field: the shortest text that reads back as the same double; empty for NaN
/// (undefined), "inf" and "-inf" for infinities.
std::string csv_number(double value);

}  // namespace funnelsim::analysis
