// The compose check kinds: compose-valid, compose-service, compose-depends,
// compose-volumes. Each reads compose projects through RunContext::project,
// so that five checks on the same files load them once.
#include <re2/re2.h>

#include <algorithm>
#include <cstring>
#include <map>

#include "base/text.h"
#include "checks/kinds.h"
#include "compose/model.h"

namespace smokehook {
namespace {

// A project's variables for interpolation: `env_file` (a path or a list of them, in place of the
// project's .env) and `environment` (a mapping of names to strings), from `holder`.
bool read_variables(CheckReader& r, const Node& holder, ProjectSpec* spec) {
  if (const Node* files = holder.find("env_file")) {
    std::vector<const Node*> items;
    if (files->is_scalar())
      items.push_back(files);
    else if (files->is_seq()) {
      for (const Node& f : files->items) items.push_back(&f);
    } else {
      return r.fail(*files, "'env_file' must be a path or a list of paths");
    }
    for (const Node* f : items) {
      if (!f->is_scalar() || f->text.empty())
        return r.fail(*f, "'env_file' must list paths (relative to the repository root)");
      spec->env_files.push_back(normalize_path(f->text));
    }
  }
  if (const Node* env = holder.find("environment")) {
    if (!env->is_map())
      return r.fail(*env, "'environment' must be a mapping of variable names to values");
    for (const auto& e : env->entries) {
      if (!e.value.is_scalar()) {
        return r.fail(e.value.is_null() ? holder : e.value,
                      "'environment." + e.key + "' must be a string (write '' for an empty value)");
      }
      spec->environment.emplace_back(e.key, e.value.text);
    }
  }
  return true;
}

bool read_project_list(CheckReader& r, std::vector<ProjectSpec>* out) {
  const Node& node = r.node();
  const Node* projects = node.find("projects");
  if (projects) {
    for (const char* key : {"files", "profiles", "env_file", "environment"}) {
      if (node.find(key))
        return r.fail(
            *projects,
            "use either 'projects' or 'files'/'profiles'/'env_file'/'environment', not both");
    }
    if (!projects->is_seq() || projects->items.empty())
      return r.fail(*projects, "'projects' must be a list of {files, profiles}");
    static const std::vector<std::string> item_keys = {"files", "profiles", "env_file",
                                                       "environment"};
    for (const Node& item : projects->items) {
      if (!item.is_map())
        return r.fail(item, "each project must be a mapping with 'files' (and 'profiles')");
      for (const auto& e : item.entries) {
        if (std::find(item_keys.begin(), item_keys.end(), e.key) == item_keys.end()) {
          std::string msg = "unknown key '" + e.key + "' in a project";
          if (auto near = closest_match(e.key, item_keys))
            msg += " (did you mean '" + *near + "'?)";
          return r.fail(e.value, msg);
        }
      }
      ProjectSpec spec;
      if (!read_variables(r, item, &spec)) return false;
      const Node* files = item.find("files");
      if (!files) return r.fail(item, "missing key 'files'");
      for (const Node* list : {files, item.find("profiles")}) {
        if (!list) continue;
        std::vector<std::string>& dest = list == files ? spec.files : spec.profiles;
        if (list->is_scalar())
          dest.push_back(list->text);
        else if (list->is_seq()) {
          for (const Node& f : list->items) {
            if (!f.is_scalar()) return r.fail(f, "expected a string");
            dest.push_back(f.text);
          }
        } else {
          return r.fail(*list, "expected a string or a list of strings");
        }
      }
      if (spec.files.empty()) return r.fail(*files, "'files' must name at least one compose file");
      out->push_back(std::move(spec));
    }
    return true;
  }
  ProjectSpec spec;
  if (!r.strings("files", &spec.files, true) || !r.strings("profiles", &spec.profiles, false) ||
      !read_variables(r, node, &spec))
    return false;
  out->push_back(std::move(spec));
  return true;
}

class ComposeCheck : public Check {
 public:
  std::vector<ProjectSpec> projects;

  Triggers triggers(RunContext& ctx) const override {
    Triggers t;
    auto add = [&](const std::string& p) {
      if (std::find(t.paths.begin(), t.paths.end(), p) == t.paths.end()) t.paths.push_back(p);
    };
    for (const auto& spec : projects) {
      for (const auto& f : spec.files) add(f);
      // The variables' files: the check's env_file, else the project's .env.
      if (spec.env_files.empty()) add(join_path(dirname(spec.files[0]), ".env"));
      for (const auto& f : spec.env_files) add(f);
    }
    if (ctx.discover_inputs(projects)) {
      for (const auto& spec : projects)
        for (const auto& in : ctx.project(spec).inputs) add(in);
    }
    return t;
  }

 protected:
  // The project, or a failed result. When the project's validity check runs in
  // this run, the result names it and leaves the errors to it; otherwise (no
  // such check, or it was skipped, left out by --only or not affected) the
  // errors are this check's own findings: they are shown somewhere, always.
  const Project* valid_project(RunContext& ctx, const ProjectSpec& spec,
                               CheckResult* result) const {
    const Project& p = ctx.project(spec);
    if (p.valid()) return &p;
    result->status = CheckStatus::Fail;
    auto it = ctx.validity_check_ids.find(project_key(spec));
    bool elsewhere = it != ctx.validity_check_ids.end() && it->second != id;
    std::string who = elsewhere ? "see check " + it->second : p.errors.front().to_string();
    result->message = "the compose project " + describe_project(spec) + " is invalid (" + who + ")";
    if (!elsewhere) result->findings = p.errors;
    return nullptr;
  }

  static Finding missing_service(const ProjectSpec& spec, const std::string& name) {
    return Finding{spec.files.front(), 0, 0,
                   "service '" + name + "' is not defined in " + describe_project(spec)};
  }

  static const Entry* service_entry(const Project& p, const std::string& name) {
    const Node* services = p.model.find("services");
    return services ? services->find_entry(name) : nullptr;
  }

  // A selector that selects nothing checks nothing: it fails its check, named
  // with the key it came from ("services: 'worker*' matches no service of ...").
  static Finding selects_nothing(const ProjectSpec& spec, const std::string& key,
                                 const std::string& glob, size_t defined, size_t enabled,
                                 const std::string& besides = "") {
    std::string msg = key + ": '" + glob + "' matches ";
    if (defined == 0)
      msg += "no service of " + describe_project(spec);
    else if (enabled == 0) {
      msg += "no enabled service of " + describe_project(spec) + " (" + std::to_string(defined) +
             " defined, none enabled)";
    } else {
      msg += "no enabled service of " + describe_project(spec) + besides;
    }
    return Finding{spec.files.front(), 0, 0, msg};
  }

  // How many services `glob` matches: defined, and enabled (by the project's profiles).
  static std::pair<size_t, size_t> count_matches(const Project& p, const std::string& glob) {
    size_t defined = 0, enabled = 0;
    for (const auto& name : p.service_names()) {
      if (!name_matches(glob, name)) continue;
      ++defined;
      enabled += p.enabled(*p.service(name));
    }
    return {defined, enabled};
  }
};

// ---- compose-valid -------------------------------------------------------

class ComposeValid : public ComposeCheck {
 public:
  std::vector<std::string> require_enabled;

  std::vector<ProjectSpec> validates() const override { return projects; }

  CheckResult run(RunContext& ctx) const override {
    CheckResult r;
    const ProjectSpec& spec = projects.front();
    const Project& p = ctx.project(spec);
    if (!p.valid()) {
      r.status = CheckStatus::Fail;
      r.findings = p.errors;
      r.message = describe_project(spec) + ": " + std::to_string(p.errors.size()) + " error" +
                  (p.errors.size() == 1 ? "" : "s");
      r.message_sums_up = true;
      return r;
    }
    for (const auto& name : require_enabled) {
      const Node* svc = p.service(name);
      if (!svc)
        r.findings.push_back(missing_service(spec, name));
      else if (!p.enabled(*svc))
        r.findings.push_back(
            svc->at("service '" + name + "' is not enabled by " + describe_project(spec)));
    }
    if (!r.findings.empty()) {
      r.status = CheckStatus::Fail;
      r.message = "require_enabled: " + r.findings.front().message;
    } else {
      r.message = describe_project(spec) + " is valid (" +
                  std::to_string(p.enabled_services().size()) + " enabled services)";
    }
    return r;
  }
};

// ---- compose-service -----------------------------------------------------

// Whether the words run Python module `module`: "-m module" or "-mmodule", the
// module's file ("server/db_migrate.py"), also inside "sh -c '...'".
bool runs_module(const std::vector<std::string>& words, const std::string& module, int depth = 0) {
  std::string file = module;
  std::replace(file.begin(), file.end(), '.', '/');
  file += ".py";
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (w == "-m" && i + 1 < words.size() && words[i + 1] == module) return true;
    if (w == "-m" + module) return true;
    if (w == file || ends_with(w, "/" + file)) return true;
    if (depth < 3 && w.find_first_of(" \t;&|") != std::string::npos) {
      std::string spaced = w;
      for (const char* sep : {"&&", "||", ";", "|", "&"}) {
        for (size_t pos = 0; (pos = spaced.find(sep, pos)) != std::string::npos;
             pos += 2 + std::strlen(sep))
          spaced.replace(pos, std::strlen(sep), std::string(" ") + sep + " ");
      }
      if (runs_module(shell_split(spaced), module, depth + 1)) return true;
    }
  }
  return false;
}

std::string join_words(const std::vector<std::string>& words) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) out += (i ? " " : "") + words[i];
  return out;
}

class ComposeService : public ComposeCheck {
 public:
  std::string service;
  std::string module;
  std::shared_ptr<const Regex> command_re;

  CheckResult run(RunContext& ctx) const override {
    CheckResult r;
    for (const auto& spec : projects) {
      const Project* p = valid_project(ctx, spec, &r);
      if (!p) return r;
      const Node* svc = p->service(service);
      if (!svc) {
        r.findings.push_back(missing_service(spec, service));
        continue;
      }
      if (module.empty() && !command_re) continue;
      std::vector<std::string> words = command_words(*svc, "entrypoint");
      for (auto& w : command_words(*svc, "command")) words.push_back(std::move(w));
      const Node* cmd = svc->find("command");
      const Node& where = cmd ? *cmd : *svc;
      if (!module.empty() && !runs_module(words, module)) {
        r.findings.push_back(where.at("service '" + service + "' command '" + join_words(words) +
                                      "' does not run the module " + module));
      }
      if (command_re && !command_re->search(join_words(words))) {
        r.findings.push_back(where.at("service '" + service + "' command '" + join_words(words) +
                                      "' does not match /" + command_re->pattern() + "/"));
      }
    }
    if (!r.findings.empty()) {
      r.status = CheckStatus::Fail;
      r.message = r.findings.front().message;
    } else {
      r.message =
          "service '" + service + "' is defined" + (module.empty() ? "" : " and runs " + module);
    }
    return r;
  }
};

// ---- compose-depends -----------------------------------------------------

class ComposeDepends : public ComposeCheck {
 public:
  std::vector<std::string> services;  // names or globs
  std::string depend_on;
  std::string condition;  // empty: any

  CheckResult run(RunContext& ctx) const override {
    CheckResult r;
    size_t checked = 0;
    for (const auto& spec : projects) {
      const Project* p = valid_project(ctx, spec, &r);
      if (!p) return r;
      std::vector<std::string> targets;
      for (const auto& pattern : services) {
        if (!has_wildcard(pattern)) {
          const Node* svc = p->service(pattern);
          if (!svc)
            r.findings.push_back(missing_service(spec, pattern));
          else if (!p->enabled(*svc)) {
            r.findings.push_back(
                svc->at("service '" + pattern + "' is not enabled in " + describe_project(spec)));
          } else {
            targets.push_back(pattern);
          }
          continue;
        }
        size_t found = 0;
        for (const auto& name : p->enabled_services()) {
          if (!name_matches(pattern, name) || name == depend_on) continue;
          ++found;
          if (std::find(targets.begin(), targets.end(), name) == targets.end())
            targets.push_back(name);
        }
        if (found == 0) {
          auto [defined, enabled] = count_matches(*p, pattern);
          r.findings.push_back(selects_nothing(spec, "services", pattern, defined, enabled,
                                               " besides '" + depend_on + "' itself"));
        }
      }
      for (const auto& name : targets) {
        ++checked;
        const Entry* entry = service_entry(*p, name);
        const Node& svc = entry->value;
        const Dependency* found = nullptr;
        std::vector<Dependency> deps = dependencies(svc);
        for (const auto& d : deps)
          if (d.service == depend_on) found = &d;
        std::string where = " (" + describe_project(spec) + ")";
        if (!found) {
          const Node* deps_node = svc.find("depends_on");
          Finding f = deps_node ? deps_node->at("") : entry->at(*p->model.find("services"), "");
          f.message = "service '" + name + "' does not depend on '" + depend_on + "'" + where;
          r.findings.push_back(std::move(f));
        } else if (!condition.empty() && found->condition != condition) {
          r.findings.push_back(found->condition_at(
              "service '" + name + "' depends on '" + depend_on + "' with condition " +
              found->condition + ", not " + condition + where));
        }
      }
    }
    if (!r.findings.empty()) {
      r.status = CheckStatus::Fail;
      r.message = r.findings.front().message;
    } else {
      r.message = std::to_string(checked) + " service dependencies on '" + depend_on + "' verified";
    }
    return r;
  }
};

// ---- compose-volumes -----------------------------------------------------

class ComposeVolumes : public ComposeCheck {
 public:
  std::vector<std::pair<std::string, std::string>> required;  // service -> named volume
  std::string distinct_among;  // glob over service names; empty: none

  CheckResult run(RunContext& ctx) const override {
    CheckResult r;
    for (const auto& spec : projects) {
      const Project* p = valid_project(ctx, spec, &r);
      if (!p) return r;
      for (const auto& [name, volume] : required) {
        const Node* svc = p->service(name);
        if (!svc) {
          Finding f = missing_service(spec, name);
          f.message = "mounts: " + f.message;
          r.findings.push_back(std::move(f));
          continue;
        }
        if (!p->enabled(*svc)) {
          r.findings.push_back(svc->at("mounts: service '" + name + "' is not enabled in " +
                                       describe_project(spec)));
          continue;
        }
        bool mounted = false;
        for (const Mount& m : mounts(*svc))
          if (m.type == "volume" && m.source == volume) mounted = true;
        if (!mounted) {
          const Node* vols = svc->find("volumes");
          r.findings.push_back(
              (vols ? *vols : *svc)
                  .at("service '" + name + "' does not mount the named volume '" + volume + "'"));
        }
      }
      if (distinct_among.empty()) continue;
      auto [defined, enabled] = count_matches(*p, distinct_among);
      if (enabled < 2) {  // one service shares a volume with no one: nothing would be compared
        Finding f = selects_nothing(spec, "distinct_among", distinct_among, defined, enabled);
        if (enabled == 1)
          f.message = "distinct_among: '" + distinct_among +
                      "' matches only one enabled service of " + describe_project(spec) +
                      ": there is nothing to compare";
        r.findings.push_back(std::move(f));
        continue;
      }
      std::map<std::string, std::string> owner;  // volume -> first service mounting it
      for (const auto& name : p->enabled_services()) {
        if (!name_matches(distinct_among, name)) continue;
        for (const Mount& m : mounts(*p->service(name))) {
          if (m.type != "volume" || m.source.empty()) continue;
          auto [it, inserted] = owner.emplace(m.source, name);
          if (!inserted && it->second != name) {
            r.findings.push_back(m.node->at("named volume '" + m.source + "' is mounted by both '" +
                                            it->second + "' and '" + name + "'"));
          }
        }
      }
    }
    if (!r.findings.empty()) {
      r.status = CheckStatus::Fail;
      r.message = r.findings.front().message;
    } else {
      r.message = "every volume is where it should be";
    }
    return r;
  }
};

}  // namespace

std::unique_ptr<Check> make_compose_valid(CheckReader& r) {
  auto c = std::make_unique<ComposeValid>();
  ProjectSpec spec;
  if (!r.strings("files", &spec.files, true) || !r.strings("profiles", &spec.profiles, false) ||
      !r.strings("require_enabled", &c->require_enabled, false) ||
      !read_variables(r, r.node(), &spec))
    return nullptr;
  c->projects.push_back(std::move(spec));
  return c;
}

std::unique_ptr<Check> make_compose_service(CheckReader& r) {
  auto c = std::make_unique<ComposeService>();
  if (!read_project_list(r, &c->projects) || !r.string("service", &c->service, true) ||
      !r.string("command_runs_module", &c->module, false) ||
      !r.regex("command_matches", &c->command_re, false))
    return nullptr;
  return c;
}

std::unique_ptr<Check> make_compose_depends(CheckReader& r) {
  auto c = std::make_unique<ComposeDepends>();
  if (!read_project_list(r, &c->projects) || !r.strings("services", &c->services, true) ||
      !r.string("depend_on", &c->depend_on, true) || !r.string("condition", &c->condition, false))
    return nullptr;
  static const std::vector<std::string> conditions = {"service_started", "service_healthy",
                                                      "service_completed_successfully"};
  if (!c->condition.empty() &&
      std::find(conditions.begin(), conditions.end(), c->condition) == conditions.end()) {
    std::string msg = "unknown condition '" + c->condition + "'";
    if (auto near = closest_match(c->condition, conditions))
      msg += " (did you mean '" + *near + "'?)";
    r.fail(*r.node().find("condition"), msg);
    return nullptr;
  }
  return c;
}

std::unique_ptr<Check> make_compose_volumes(CheckReader& r) {
  auto c = std::make_unique<ComposeVolumes>();
  if (!read_project_list(r, &c->projects) || !r.string_map("mounts", &c->required, false) ||
      !r.string("distinct_among", &c->distinct_among, false))
    return nullptr;
  if (c->required.empty() && c->distinct_among.empty()) {
    r.fail(r.node(), "a compose-volumes check needs 'mounts' or 'distinct_among'");
    return nullptr;
  }
  return c;
}

}  // namespace smokehook
