#pragma once
// The look of the HTML report (analysis/report: `funnelsim report`), for the CRM pages: the
// fit report of calibrate and the diagnosis.

namespace funnelsim::analysis::crm {

inline constexpr const char* HTML_STYLE = R"css(
:root { color-scheme: light; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans CJK SC", sans-serif;
  margin: 0 auto; padding: 1rem; max-width: 60rem; color: #222; }
h1 { font-size: 1.5rem; margin: 0.5rem 0; }
h2 { font-size: 1.2rem; border-bottom: 1px solid #ddd; padding-bottom: 0.2rem; margin-top: 2rem; }
.subtitle { color: #555; margin-top: 0; }
table { border-collapse: collapse; font-size: 0.9rem; margin: 0.5rem 0; }
th, td { border-bottom: 1px solid #e5e5e5; padding: 0.2rem 0.6rem; text-align: right;
  vertical-align: top; }
th:first-child, td:first-child, .text { text-align: left; }
td:first-child { white-space: nowrap; }
th { color: #555; font-weight: normal; }
@media print { @page { size: A4; margin: 14mm; } body { max-width: none; padding: 0; font-size: 10pt; } }
)css";

}  // namespace funnelsim::analysis::crm
