#include "results_errors.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "funnelsim/scenarios/error.hpp"
#include "funnelsim/scenarios/variants.hpp"

namespace funnelsim::cli {
namespace {

// Written by the signal handler, which may only make async-signal-safe calls.
std::array<char, 1024> crash_message{};
std::size_t crash_message_length = 0;

extern "C" void on_library_crash(int) {
  // write() may fail; nothing better can be done in a handler that must exit now.
  [[maybe_unused]] const ssize_t written =
      ::write(STDERR_FILENO, crash_message.data(), crash_message_length);
  ::_exit(BAD_INPUT);
}

}  // namespace

ResultsCrashGuard::ResultsCrashGuard(const std::string& path) {
  const std::string message =
      "funnelsim: " + path + ": damaged results file (the HDF5 library crashed reading it)\n";
  crash_message_length = std::min(message.size(), crash_message.size());
  std::memcpy(crash_message.data(), message.data(), crash_message_length);
  // Its own stack, so that a stack overflow in the library is caught too.
  static std::array<char, 64 * 1024> alternate_stack;
  stack_t stack{};
  stack.ss_sp = alternate_stack.data();
  stack.ss_size = alternate_stack.size();
  ::sigaltstack(&stack, nullptr);
  struct sigaction action {};
  action.sa_handler = on_library_crash;
  action.sa_flags = SA_ONSTACK | SA_RESETHAND;
  sigemptyset(&action.sa_mask);
  for (const int signal : SIGNALS) {
    ::sigaction(signal, &action, nullptr);
  }
}

ResultsCrashGuard::~ResultsCrashGuard() {
  for (const int signal : SIGNALS) {
    ::signal(signal, SIG_DFL);
  }
}

std::vector<analysis::VariantModel> shard_scenario_models(const std::string& scenario_yaml,
                                                          const std::string& where) {
  scenarios::ScenarioSet scenario;
  try {
    scenario = scenarios::load_scenario_set_text(scenario_yaml, where + ": scenario");
  } catch (const scenarios::InputError& error) {
    throw analysis::ResultsError::at({where, 0, 0, {}},
                                     std::string("its scenario does not load: ") + error.what());
  }
  std::vector<analysis::VariantModel> models;
  for (scenarios::ScenarioVariant& variant : scenario.variants)
    models.push_back({variant.name,
                      std::move(variant.scenario.model),
                      {std::move(variant.sweep_keys), std::move(variant.sweep_values)}});
  return models;
}

}  // namespace funnelsim::cli
