// libFuzzer target: any bytes given to the scenario loader either load or throw InputError.
// Anything else (a crash, a sanitizer report, another exception, a hang) is a bug.

#include <cstddef>
#include <cstdint>
#include <string>

#include "funnelsim/scenarios/error.hpp"
#include "funnelsim/scenarios/variants.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    // The set loader reads the baseline, the variants and the sweep: the whole format.
    funnelsim::scenarios::load_scenario_set_text(text, "fuzz.yaml", {});
  } catch (const funnelsim::scenarios::InputError&) {
    // The expected way to refuse bad input.
  }
  return 0;
}
