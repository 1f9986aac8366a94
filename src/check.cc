#include "check.h"

#include <algorithm>

#include "change_set.h"
#include "text.h"

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

RunContext::RunContext(const FileSource& source, const FileSource* fallback, VariableLookup environment)
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
  if (it != projects_.end()) return *it->second;
  auto p = std::make_unique<Project>(load_project(spec, compose_context()));
  for (const auto& w : p->warnings) {
    std::string text = "warning: " + w.to_string();
    if (std::find(warnings.begin(), warnings.end(), text) == warnings.end()) warnings.push_back(text);
  }
  return *projects_.emplace(key, std::move(p)).first->second;
}

bool RunContext::discover_inputs(const std::vector<ProjectSpec>& projects) {
  if (!changes || full_scan) return true;
  for (const auto& spec : projects) {
    for (const auto& file : spec.files) {
      auto it = texts_.find(file);
      if (it == texts_.end()) {
        std::string text, err;
        if (source_.read(file, &text, &err) != ReadStatus::Ok) text.clear();
        it = texts_.emplace(file, std::move(text)).first;
      }
      const std::string& text = it->second;
      if (text.find("include") != std::string::npos || text.find("extends") != std::string::npos) return true;
      for (const auto& changed : changes->changed) {
        std::string_view name = basename(changed);
        if (!name.empty() && text.find(name) != std::string::npos) return true;
      }
    }
  }
  return false;
}

std::string project_key(const ProjectSpec& spec) {
  std::string key;
  for (const auto& f : spec.files) key += f + '\n';
  key += '\0';
  for (const auto& p : spec.profiles) key += p + '\n';
  return key;
}

std::string describe_project(const ProjectSpec& spec) {
  std::string out;
  for (size_t i = 0; i < spec.files.size(); ++i) out += (i ? " + " : "") + spec.files[i];
  if (!spec.profiles.empty()) {
    out += " (profile" + std::string(spec.profiles.size() > 1 ? "s " : " ");
    for (size_t i = 0; i < spec.profiles.size(); ++i) out += (i ? ", " : "") + spec.profiles[i];
    out += ")";
  }
  return out;
}

}  // namespace smokehook
