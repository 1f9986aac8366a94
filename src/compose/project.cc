#include "compose/project.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>

#include "base/text.h"
#include "compose/dotenv.h"
#include "compose/go_values.h"
#include "compose/merge.h"
#include "compose/model.h"
#include "compose/schema.h"

#include "compose/loader.h"

namespace smokehook {

VariableLookup process_environment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  };
}

const Node* Project::service(const std::string& name) const {
  const Node* services = model.find("services");
  return services ? services->find(name) : nullptr;
}

bool Project::enabled(const Node& svc) const {
  const Node* profiles = svc.find("profiles");
  if (!profiles || !profiles->is_seq() || profiles->items.empty()) return true;
  for (const Node& p : profiles->items) {
    for (const auto& active : active_profiles)
      if (active == "*" || active == p.text) return true;
  }
  return false;
}

std::vector<std::string> Project::service_names() const {
  std::vector<std::string> out;
  if (const Node* services = model.find("services"))
    for (const auto& e : services->entries) out.push_back(e.key);
  return out;
}

std::vector<std::string> Project::enabled_services() const {
  std::vector<std::string> out;
  if (const Node* services = model.find("services")) {
    for (const auto& e : services->entries)
      if (enabled(e.value)) out.push_back(e.key);
  }
  return out;
}

namespace {

// The variables a project's files see before any .env: the process environment, then the
// check's own `environment`.
VariableLookup outer_environment(const ComposeContext& ctx, const ProjectSpec& spec) {
  if (spec.environment.empty()) return ctx.environment;
  return [env = ctx.environment,
          own = spec.environment](std::string_view name) -> std::optional<std::string> {
    if (env)
      if (auto v = env(name)) return v;
    for (const auto& [k, v] : own)
      if (k == name) return v;
    return std::nullopt;
  };
}

}  // namespace

std::vector<std::string> loading_key(const ProjectSpec& spec) {
  if (spec.env_files.empty() && spec.environment.empty()) return spec.files;
  std::vector<std::string> key = spec.files;
  key.emplace_back(std::string(1, '\0') + "env_file");  // no path holds a NUL
  for (const auto& f : spec.env_files) key.push_back(f);
  key.emplace_back(std::string(1, '\0') + "environment");
  for (const auto& [k, v] : spec.environment) key.push_back(k + '=' + v);
  return key;
}

Project load_project(const ProjectSpec& spec, const ComposeContext& ctx) {
  LoadedFiles state;
  if (spec.files.empty()) {
    state.project.errors.push_back(Finding{"", 0, 0, "no compose file given"});
    return std::move(state.project);
  }
  VariableLookup environment = outer_environment(ctx, spec);
  if (ctx.cache) {
    // Projects naming the same files and variables (a profile each, say) load them once.
    std::vector<std::string> key = loading_key(spec);
    const LoadedFiles* loaded = ctx.cache->loaded(key);
    if (!loaded) {
      LoadedFiles fresh;
      Loader(ctx, &fresh, environment).load(spec);
      loaded = &ctx.cache->put_loaded(key, std::move(fresh));
    }
    state = *loaded;
  } else {
    Loader(ctx, &state, environment).load(spec);
  }
  Loader(ctx, &state, environment).apply_profiles(spec);
  return std::move(state.project);
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
