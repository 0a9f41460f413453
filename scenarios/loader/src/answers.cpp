#include "funnelsim/scenarios/answers.hpp"

#include <cmath>
#include <map>

#include "suggest.hpp"
#include "yaml_reader.hpp"

namespace funnelsim::scenarios {
namespace {

using detail::Field;

std::string location_of(const std::string& source_name, const YAML::Mark& mark) {
  return source_name + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

Answer read_answer(const std::string& key, const Field& value, const AnswerSpec& spec,
                   const std::string& source_name) {
  Answer answer;
  answer.key = key;
  answer.location = location_of(source_name, value.node().Mark());
  if (!value.node().IsScalar()) {
    value.fail("must be " + std::string(spec.choices.empty() ? "a number" : "one word") + ", got " +
               value.describe());
  }
  answer.text = value.node().Scalar();
  if (spec.choices.empty()) {
    answer.number = value.number();
    return answer;
  }
  for (const std::string& choice : spec.choices) {
    if (choice == answer.text) {
      return answer;
    }
  }
  std::string message =
      "must be one of " + detail::join(spec.choices) + ", got '" + answer.text + "'";
  if (const std::string best = detail::closest(answer.text, spec.choices); !best.empty()) {
    message += "; did you mean '" + best + "'?";
  }
  value.fail(message);
}

/// Reads the answers; with `unreadable`, an answer that cannot be read goes there instead of
/// failing the whole file.
std::vector<Answer> read_answers(const detail::Origin& origin, const Field& root,
                                 const AnswerSpec& spec, const std::string& source_name,
                                 std::vector<UnreadableAnswer>* unreadable = nullptr) {
  if (!root.node().IsMap()) {
    root.fail("the top level must be a mapping, got " + root.describe());
  }
  Field answers = root;
  if (!spec.section.empty()) {
    root.check_keys({spec.section});
    answers = root.at(spec.section);
    if (!answers.node().IsMap()) {
      answers.fail("must be a mapping of " + spec.what + " to answer, got " + answers.describe());
    }
  }
  const std::string prefix = spec.section.empty() ? "" : spec.section + ".";
  std::map<std::string, std::string> seen;  // key -> where it was first given
  std::vector<Answer> result;
  for (const auto& entry : answers.node()) {
    const std::string name = entry.first.IsScalar() ? entry.first.Scalar() : std::string();
    const Field value(origin, entry.second, prefix + name);
    try {
      if (!entry.first.IsScalar()) {
        Field(origin, entry.first, answers.key_path())
            .fail("keys must be " + spec.what + " names, got " +
                  Field(origin, entry.first, "").describe());
      }
      const Field key(origin, entry.first, prefix + name);
      bool known = false;
      for (const std::string& candidate : spec.keys) {
        known = known || candidate == name;
      }
      if (!known) {
        key.fail("unknown " + spec.what + " '" + name + "'" +
                 detail::suggestion(name, spec.keys, spec.what + "s in this exercise"));
      }
      const std::string where = location_of(source_name, entry.first.Mark());
      if (const auto [first, added] = seen.emplace(name, where); !added) {
        if (unreadable == nullptr) {
          key.fail("duplicate " + spec.what + " '" + name + "'");
        }
        // Given twice: neither counts. The first one, if it was read, becomes unreadable too.
        for (auto answer = result.begin(); answer != result.end(); ++answer) {
          if (answer->key == name) {
            unreadable->push_back({name, answer->text, answer->location,
                                   "duplicate " + spec.what + " '" + name + "' (again at " + where +
                                       "); neither counts"});
            result.erase(answer);
            break;
          }
        }
        key.fail("duplicate " + spec.what + " '" + name + "' (first at " + first->second +
                 "); neither counts");
      }
      if (entry.second.IsNull()) {
        continue;  // left blank, as in the handout's template: unanswered
      }
      result.push_back(read_answer(name, value, spec, source_name));
    } catch (const InputError& error) {
      if (unreadable == nullptr) {
        throw;
      }
      const bool scalar = entry.second.IsScalar();
      unreadable->push_back(
          {name, scalar ? entry.second.Scalar() : value.describe(),
           source_name + ":" + std::to_string(error.line()) + ":" + std::to_string(error.column()),
           error.message()});
    }
  }
  return result;
}

}  // namespace

std::vector<Answer> load_answers_text(const std::string& text, const std::string& source_name,
                                      const AnswerSpec& spec) {
  const YAML::Node root = detail::parse_document(text, source_name, "answers");
  const detail::Origin origin{source_name, source_name};
  try {
    return read_answers(origin, Field(origin, root, ""), spec, source_name);
  } catch (const YAML::Exception& error) {
    throw detail::error_at(origin, error.mark, "", error.msg);
  }
}

std::vector<Answer> load_answers_file(const std::string& path, const AnswerSpec& spec) {
  return load_answers_text(detail::read_text_file(path), path, spec);
}

ReadableAnswers load_readable_answers_text(const std::string& text, const std::string& source_name,
                                           const AnswerSpec& spec) {
  const YAML::Node root = detail::parse_document(text, source_name, "answers");
  const detail::Origin origin{source_name, source_name};
  ReadableAnswers read;
  try {
    read.answers =
        read_answers(origin, Field(origin, root, ""), spec, source_name, &read.unreadable);
  } catch (const YAML::Exception& error) {
    throw detail::error_at(origin, error.mark, "", error.msg);
  }
  return read;
}

ReadableAnswers load_readable_answers_file(const std::string& path, const AnswerSpec& spec) {
  return load_readable_answers_text(detail::read_text_file(path), path, spec);
}

}  // namespace funnelsim::scenarios
