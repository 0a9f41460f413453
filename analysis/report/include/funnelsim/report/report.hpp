#pragma once
/// The HTML report of a results file: one self-contained page (styles, data, and the Vega,
/// Vega-Lite and vega-embed scripts inlined) that opens offline in any browser and prints
/// on A4. Amounts are in 万 (10,000 RMB).

#include <string>

#include "funnelsim/results/results_file.hpp"

namespace funnelsim::analysis {

/// What the report states that the file does not hold.
struct ReportOptions {
  std::string source_name;   ///< the results file as the user named it
  std::string generated_on;  ///< the report's date, such as "2026-11-27"
};

/// The report of every variant of `reader` against "baseline" (or the first variant when
/// none is so named): bookings and P(quota met) per variant, P(bookings >= x) per variant,
/// each quarter's P(quota met) and bookings against its quota share, paired differences, cost
/// and return, bookings per team and per segment, the reps' attainment per team, the funnel by
/// week and forecast error by week of quarter, each chart with a one-line reading. A subset
/// font for 万 and 亿 is embedded (analysis/report/fonts). Sections whose data the file lacks (a
/// single variant, no forecasts) say so. A pure function of its inputs; throws ResultsError for a
/// damaged file.
std::string render_report(const ResultsReader& reader, const ReportOptions& options);

/// The class of every chart container (`<div class="chart" id="chart-...">`): each must hold
/// a drawing (an <svg> element) once the page's scripts ran.
inline constexpr const char* REPORT_CHART_CLASS = "chart";

}  // namespace funnelsim::analysis
