#include "checks/check.h"

#include <algorithm>
#include <string_view>

#include "base/text.h"
#include "git/change_set.h"

namespace smokehook {

const char* status_name(CheckStatus s) {
  switch (s) {
    case CheckStatus::Pass:
      return "pass";
    case CheckStatus::Fail:
      return "fail";
    case CheckStatus::Skip:
      return "skip";
  }
  return "?";
}

std::vector<std::string> Triggers::describe() const {
  std::vector<std::string> out = paths;
  for (const auto& g : globs.globs()) out.push_back(g.pattern());
  return out;
}

RunContext::RunContext(const FileSource& source, const FileSource* fallback,
                       VariableLookup environment)
    : source_(source), fallback_(fallback), environment_(std::move(environment)) {}

ComposeContext RunContext::compose_context() const {
  ComposeContext c;
  c.source = &source_;
  c.fallback = fallback_;
  c.environment = environment_;
  c.cache = &compose_cache_;
  return c;
}

const Project& RunContext::project(const ProjectSpec& spec) {
  std::string key = project_key(spec);
  auto it = projects_.find(key);
  if (it == projects_.end())
    it = projects_.emplace(key, std::make_unique<Project>(load_project(spec, compose_context())))
             .first;
  if (collect_warnings) collect(*it->second);
  return *it->second;
}

// Each warning once per run: an unset variable is one warning wherever it is used and whichever
// projects load the file (as docker compose prints it; the first place is named), anything else
// once per place.
void RunContext::collect(const Project& p) {
  if (!warned_.insert(&p).second) return;
  for (const auto& w : p.warnings) {
    bool per_variable = w.message.find("\" variable is not set") != std::string::npos;
    if (warning_keys_.insert(per_variable ? w.message : w.to_string()).second)
      warnings.push_back("warning: " + w.to_string());
  }
}

namespace {

// Whether an env_file or label_file of this compose text may name its file
// through a variable or an alias ("${STAGE}.env", "*files"): then the text
// does not show which files the project reads. Looks at each such key's
// block: the rest of its line and the lines below it indented deeper
// (comments and all: a false yes only costs a load).
bool file_key_not_literal(std::string_view text) {
  constexpr auto npos = std::string_view::npos;
  for (std::string_view key : {"env_file", "label_file"}) {
    // A key found inside an earlier key's block lies in that block: the search resumes after it,
    // so each byte is looked at a bounded number of times, whatever the file.
    for (size_t at = text.find(key); at != npos;) {
      size_t line = text.rfind('\n', at);
      line = line == npos ? 0 : line + 1;
      size_t indent = text.find_first_not_of(' ', line) - line;
      size_t end = text.find('\n', at);
      while (end != npos) {
        size_t next = end + 1, first = text.find_first_not_of(' ', next);
        if (first == npos) {
          end = npos;
        } else if (text[first] == '\n' || text[first] == '\r' || text[first] == '#' ||
                   first - next > indent) {
          end = text.find('\n', next);
          continue;
        }
        break;
      }
      if (text.substr(at, end == npos ? npos : end - at).find_first_of("$*") != npos) return true;
      at = end == npos ? npos : text.find(key, end);
    }
  }
  return false;
}

}  // namespace

bool RunContext::discover_inputs(const std::vector<ProjectSpec>& projects) {
  if (!changes || full_scan) return true;
  for (const auto& spec : projects) {
    for (const auto& file : spec.files) {
      auto [it, fresh] = needs_loading_.emplace(file, false);
      if (fresh) {
        std::string text, err;
        if (source_.read(file, &text, &err) != ReadStatus::Ok) text.clear();
        bool needs = text.find("include") != std::string::npos ||
                     text.find("extends") != std::string::npos || file_key_not_literal(text);
        for (const auto& changed : changes->changed) {
          std::string_view name = basename(changed);
          needs = needs || (!name.empty() && text.find(name) != std::string::npos);
        }
        it->second = needs;
      }
      if (it->second) return true;
    }
  }
  return false;
}

std::string project_key(const ProjectSpec& spec) {
  std::string key;
  for (const auto& f : spec.files) key += f + '\n';
  key += '\0';
  for (const auto& p : spec.profiles) key += p + '\n';
  if (!spec.env_files.empty() || !spec.environment.empty()) {  // the variables change the model
    key += '\0';
    for (const auto& f : spec.env_files) key += f + '\n';
    key += '\0';
    for (const auto& [k, v] : spec.environment) key += k + '=' + v + '\n';
  }
  return key;
}

}  // namespace smokehook
