// 'funnelsim plan': the planning questions, each a subcommand of its own.
#include <CLI/CLI.hpp>
#include <vector>

#include "commands.hpp"

namespace funnelsim::cli {

Command add_plan_command(CLI::App& app) {
  CLI::App* plan = app.add_subcommand(
      "plan",
      "Answer planning questions: headcount, prospecting standard, standard funnel, team mix");
  plan->require_subcommand(1);
  const std::vector<Command> questions = {
      add_plan_headcount_command(*plan),
      add_plan_prospecting_command(*plan),
      add_plan_funnel_command(*plan),
      add_plan_mix_command(*plan),
  };
  return {plan, [questions] {
            for (const Command& question : questions) {
              if (question.parser->parsed())
                return question.run();
            }
            return static_cast<int>(BAD_INPUT);
          }};
}

}  // namespace funnelsim::cli
