#pragma once
// What the CRM tests share: a history source read from text, and the message of an Error.

#include <string>

#include "funnelsim/crm/history.hpp"
#include "funnelsim/error.hpp"

namespace funnelsim::testing {

/// A source whose file names (a mainstream CRM's) appear in messages only.
inline analysis::crm::HistorySource text_source() {
  analysis::crm::HistorySource source;
  source.opportunities_file = "Opportunity.csv";
  source.history_file = "OpportunityHistory.csv";
  return source;
}

/// The message of the funnelsim::Error that `f` throws; empty when it throws none.
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& error) {
    return error.what();
  }
  return "";
}

}  // namespace funnelsim::testing
