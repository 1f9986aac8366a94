#include "checks/init_config.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <map>
#include <set>

#include "base/text.h"
#include "checks/check.h"
#include "checks/config.h"
#include "checks/init_discover.h"
#include "checks/init_usage.h"
#include "compose/dotenv.h"
#include "compose/model.h"
#include "compose/project.h"

namespace smokehook {
namespace {

using namespace init_detail;

// A check as lines (indented below "  - "), with comments above it.
struct CheckText {
  std::vector<std::string> comments;  // above the check
  std::vector<std::string> lines;     // "id: x", "kind: y", ...
};

// What the configuration is made of, in order: section headings, checks written live, suggestions
// (commented out). A live check that fails when init runs it is written commented out too, with
// why.
struct Block {
  enum Kind { Heading, Live, Suggestion } kind = Heading;
  std::string heading;  // Heading: the lines, as written
  std::string id;       // checks
  CheckText check;
  std::string left_out;  // a Live check that fails as the repository stands: the first finding
};

struct Variant {
  ProjectSpec spec;
  const Project* project = nullptr;
  std::string name;  // "" for the base, else the overlay's name
};

// One compose project's checks: what the steps of Writer::project share.
struct Plan {
  const Found* found = nullptr;
  std::string P;        // id prefix
  std::string section;  // "Compose project deploy/"
  ProjectSpec base_spec;
  const Project* base = nullptr;
  std::vector<std::string> profiles;  // the base's
  // the base with every profile, then each overlay with every profile of its own
  std::vector<Variant> variants;
};

class Writer {
 public:
  Writer(const FileSource& source, const FileSource* fallback, const VariableLookup& environment,
         std::vector<Found> found)
      : found_(std::move(found)) {
    ctx_.source = &source;
    ctx_.fallback = fallback;
    ctx_.environment = environment;
    ctx_.cache = &cache_;
    usages_ =
        find_compose_usages(source, [this](const std::string& dir) { return default_files(dir); });
  }

  // The dispatcher: each step writes one kind of check for the project (docs/init.md has the
  // table).
  void project(const Found& f) {
    Plan plan;
    if (!plan_project(f, &plan)) return;
    heading(plan);
    base_and_overlays(plan);
    compose_file_default(plan);
    profile_checks(plan);
    ordering(plan);
    volumes(plan);
  }

  // The ways the repository runs docker compose (usages) that no project's checks cover yet.
  void usages();
  // Runs every live check as `smokehook --all` will; one that fails is left out (commented, with
  // why).
  void verify();
  std::string render() const;

  std::vector<std::string> notes;     // for stderr
  std::vector<std::string> left_out;  // for the summary: "ID: why", "FILE: why"
  std::vector<std::string> left_out_files;
  size_t projects = 0;
  size_t checks() const {
    size_t n = 0;
    for (const auto& b : blocks_) n += b.kind == Block::Live && b.left_out.empty();
    return n;
  }

 private:
  // ---- loading ----
  const Project& load(const ProjectSpec& spec) {
    std::string key = describe_project(spec);
    for (const auto& e : spec.env_files) key += " env_file " + e;
    for (const auto& [k, v] : spec.environment) key += " env " + k + "=" + v;
    auto it = loaded_.find(key);
    if (it == loaded_.end()) it = loaded_.emplace(key, load_project(spec, ctx_)).first;
    return it->second;
  }

  // `spec` as the repository gives it its variables: as it is when it loads so; else with the first
  // env file of the repository's that makes it load (an --env-file the repository passes with these
  // files, then one beside the first file, examples first: `.env.example`, `defaults.env`, ...).
  // Unchanged when none does: its check then fails, and is left out with the reason.
  ProjectSpec settle(ProjectSpec spec) {
    if (!spec.env_files.empty() || load(spec).valid()) return spec;
    for (const auto& candidate : env_candidates(spec.files)) {
      ProjectSpec with = spec;
      with.env_files = {candidate};
      if (load(with).valid()) return with;
    }
    return spec;
  }

  std::vector<std::string> env_candidates(const std::vector<std::string>& files) const {
    std::vector<std::string> out;
    auto add = [&](const std::string& path) {
      if (std::find(out.begin(), out.end(), path) == out.end()) out.push_back(path);
    };
    for (const auto& u : usages_) {
      if (u.files == files)
        for (const auto& e : u.env_files) add(e);
    }
    for (const auto& u : usages_) {
      if (std::find(u.files.begin(), u.files.end(), files.front()) != u.files.end())
        for (const auto& e : u.env_files) add(e);
    }
    std::string dir = dirname(files.front());
    std::vector<std::string> examples, others;
    for (const auto& path : ctx_.source->paths()) {
      if (dirname(path) == dir && env_file_name(basename(path)))
        (example_env_name(basename(path)) ? examples : others).push_back(path);
    }
    for (const auto& p : examples) add(p);
    for (const auto& p : others) add(p);
    return out;
  }

  // What `docker compose` reads without -f in `dir`: its first base and the override beside it.
  std::vector<std::string> default_files(const std::string& dir) const {
    for (const auto& f : found_) {
      if (f.dir != dir || f.standalone) continue;
      std::vector<std::string> files = {f.base};
      for (const auto& o : f.overlays)
        if (overlay_name(basename(o)) == "override") files.push_back(o);
      return files;
    }
    return {};
  }

  bool run_alone(const std::string& path) const {
    for (const auto& u : usages_)
      if (u.files == std::vector<std::string>{path}) return true;
    return false;
  }

  // Whether the repository runs `path` merged onto another file (not first in a chain).
  bool merged_in_usage(const std::string& path) const {
    for (const auto& u : usages_)
      if (std::find(u.files.begin() + 1, u.files.end(), path) != u.files.end()) return true;
    return false;
  }

  const ComposeUsage* usage_of(const ProjectSpec& spec) const {
    for (const auto& u : usages_)
      if (u.files == spec.files && u.env_files == spec.env_files && u.profiles == spec.profiles)
        return &u;
    return nullptr;
  }

  // ---- the steps of project() ----
  bool plan_project(const Found& f, Plan* plan);
  void heading(const Plan& plan);
  void base_and_overlays(const Plan& plan);
  void compose_file_default(const Plan& plan);
  void profile_checks(const Plan& plan);
  void ordering(const Plan& plan);
  void volumes(const Plan& plan);

  // ---- writing ----
  std::string unique_id(const std::string& wanted) {
    std::string id = wanted;
    for (int n = 2; !ids_.insert(id).second; ++n) id = wanted + "-" + std::to_string(n);
    return id;
  }

  // Titles are unique: a second check with the same title says which one it is.
  std::string unique_title(const std::string& wanted, const std::string& id) {
    if (titles_.insert(wanted).second) return wanted;
    std::string title = wanted + " (" + id + ")";
    titles_.insert(title);
    return title;
  }

  void add_heading(std::string text) {
    Block b;
    b.heading = std::move(text);
    blocks_.push_back(std::move(b));
  }

  // `lines` start with the id, kind, section and title lines (in that order).
  void add_check(CheckText c, bool live) {
    Block b;
    b.kind = live ? Block::Live : Block::Suggestion;
    b.id = c.lines[0].substr(4);
    b.check = std::move(c);
    blocks_.push_back(std::move(b));
  }

  CheckText check_head(const std::string& wanted_id, const std::string& kind,
                       const std::string& section, const std::string& title) {
    CheckText c;
    std::string id = unique_id(wanted_id);
    c.lines = {"id: " + id, "kind: " + kind, "section: " + text_value(section),
               "title: " + text_value(unique_title(title, id))};
    return c;
  }

  // files/profiles (and env_file, environment) of one project, or a projects: list of several.
  static void project_keys(const std::vector<ProjectSpec>& specs, std::vector<std::string>* lines) {
    auto keys = [&](const ProjectSpec& s, const std::string& first, const std::string& rest) {
      lines->push_back(first + "files: " + flow(s.files));
      if (!s.profiles.empty()) lines->push_back(rest + "profiles: " + flow(s.profiles));
      if (!s.env_files.empty()) lines->push_back(rest + "env_file: " + flow(s.env_files));
      if (!s.environment.empty()) {
        std::string env;
        for (const auto& [k, v] : s.environment)
          env += (env.empty() ? "" : ", ") + q(k) + ": " + q(v);
        lines->push_back(rest + "environment: {" + env + "}");
      }
    };
    if (specs.size() == 1) return keys(specs[0], "", "");
    lines->push_back("projects:");
    for (const auto& s : specs) keys(s, "  - ", "    ");
  }

  // A hint for a check whose projects need variables nothing here sets (${VAR:?}); only there: a
  // check whose files interpolate without them needs no hint.
  void variables_hint(const std::vector<ProjectSpec>& specs, const std::string& example_env,
                      std::vector<std::string>* lines) {
    static const RE2 required("required variable ([A-Za-z_][A-Za-z0-9_]*) is missing a value");
    std::vector<std::string> vars;
    for (const auto& spec : specs) {
      for (const auto& e : load(spec).errors) {
        std::string var;
        if (RE2::PartialMatch(e.message, required, &var) &&
            std::find(vars.begin(), vars.end(), var) == vars.end())
          vars.push_back(var);
      }
    }
    if (vars.empty()) return;
    std::string env;
    for (const auto& v : vars) env += (env.empty() ? "" : ", ") + v + ": ...";
    lines->push_back("# the compose files require " + words_list(vars) +
                     ", which nothing here sets: the check fails");
    lines->push_back("# until " + std::string(vars.size() == 1 ? "it is" : "they are") +
                     " given here (environment), or in files of KEY=VALUE lines (as docker");
    lines->push_back("# compose --env-file): env_file: [" +
                     (example_env.empty() ? "path/to/prod.env" : example_env) + "]");
    lines->push_back("# environment: {" + env + "}");
  }

  // A compose-valid check of `spec`; `require_enabled` the services a profile must keep.
  void valid_check(const std::string& id, const std::string& title, const std::string& section,
                   const ProjectSpec& spec, const std::vector<std::string>& require_enabled,
                   const std::string& comment) {
    CheckText c = check_head(id, "compose-valid", section, title);
    if (!comment.empty()) c.comments.push_back(comment);
    if (!spec.env_files.empty() && !usage_of(spec)) {
      c.comments.push_back("with " + words_list(spec.env_files) +
                           ", the repository's values for its variables: " +
                           std::string(spec.files.size() == 1 ? "the file does" : "the files do") +
                           " not load without them");
    }
    project_keys({spec}, &c.lines);
    if (!require_enabled.empty()) c.lines.push_back("require_enabled: " + flow(require_enabled));
    variables_hint({spec}, example_env_, &c.lines);
    add_check(std::move(c), true);
    written_.push_back(spec);
    for (const auto& p : spec.profiles)
      if (!require_enabled.empty()) covered_[p].push_back(require_enabled);
  }

  bool written(const ProjectSpec& spec) const {
    return std::find(written_.begin(), written_.end(), spec) != written_.end();
  }

  // Whether a check already keeps `services` in `profile` (a profile check whose require_enabled
  // holds them all).
  bool covered(const std::string& profile, const std::vector<std::string>& services) const {
    auto it = covered_.find(profile);
    if (it == covered_.end()) return false;
    for (const auto& kept : it->second) {
      if (std::all_of(services.begin(), services.end(), [&](const std::string& s) {
            return std::find(kept.begin(), kept.end(), s) != kept.end();
          }))
        return true;
    }
    return false;
  }

  // A profile check for each profile `spec` declares whose services no check keeps yet.
  void profiles_of(const std::string& id_stem, const std::string& title_stem,
                   const std::string& section, const ProjectSpec& spec) {
    const Project& p = load(spec);
    if (!p.valid()) return;  // its validity check is left out; so would each of these be
    for (const auto& profile : declared_profiles(p)) {
      std::vector<std::string> services = services_in_profile(p, profile);
      if (services.empty() || covered(profile, services)) continue;
      ProjectSpec s = spec;
      s.profiles = {profile};
      valid_check(id_stem + ".profile." + slug(profile),
                  title_stem + " with profile " + profile + " valid", section, s, services,
                  "the profile's services must stay defined and enabled by it");
    }
  }

  // What `v` stands for in checks that want every service of a project: `v` itself (its files with
  // every profile) when that project is valid, or when its files are not valid even without
  // profiles; else profiles that cannot be active together (two services with one container_name,
  // say): the files without profiles, and with each profile that is valid alone, one at a time.
  std::vector<Variant> valid_profile_sets(const Variant& v) {
    if (v.spec.profiles.size() < 2 || v.project->valid()) return {v};
    ProjectSpec none = v.spec;
    none.profiles.clear();
    if (!load(none).valid()) return {v};
    std::vector<Variant> sets = {Variant{none, &load(none), v.name}};
    for (const auto& p : v.spec.profiles) {
      ProjectSpec one = none;
      one.profiles = {p};
      if (const Project& alone = load(one); alone.valid())
        sets.push_back(Variant{one, &alone, v.name.empty() ? p : v.name + "." + p});
    }
    return sets;
  }

  // The files COMPOSE_FILE names in `dir`'s .env (split on COMPOSE_PATH_SEPARATOR, default ':'), as
  // repository paths; empty when it is unset, or names a file the source does not have.
  std::vector<std::string> compose_file_variable(const std::string& dir) const {
    std::string text, err, path = join_path(dir, ".env");
    ReadStatus st = ctx_.source->read(path, &text, &err);
    if (st == ReadStatus::NotFound && ctx_.fallback) st = ctx_.fallback->read(path, &text, &err);
    EnvVars vars;
    Finding bad;
    if (st != ReadStatus::Ok || !parse_dotenv(text, path, ctx_.environment, &vars, &bad)) return {};
    std::string value, separator = ":";
    for (const auto& [k, v] : vars) {
      if (k == "COMPOSE_FILE") value = v;
      if (k == "COMPOSE_PATH_SEPARATOR" && !v.empty()) separator = v;
    }
    std::vector<std::string> files;
    for (size_t start = 0; !value.empty() && start <= value.size();) {
      size_t end = value.find(separator, start);
      if (end == std::string::npos) end = value.size();
      std::string file = value.substr(start, end - start);
      if (!file.empty()) {
        if (file[0] == '/') return {};
        files.push_back(normalize_path(join_path(dir, file)));
        if (!ctx_.source->exists(files.back())) return {};
      }
      start = end + separator.size();
    }
    return files;
  }

  std::vector<Found> found_;
  std::vector<ComposeUsage> usages_;
  ComposeContext ctx_;
  ComposeCache cache_;
  std::map<std::string, Project> loaded_;
  std::set<std::string> ids_, titles_;
  std::vector<Block> blocks_;
  std::vector<ProjectSpec> written_;  // specs of the validity checks written
  // profile -> services a check keeps
  std::map<std::string, std::vector<std::vector<std::string>>> covered_;
  std::string example_env_;  // the current project's .env.example (or .sample, .dist, .template)
                             // when it has no .env
};

// Loads the project's files; false (and the file said to be left out) for a compose.NAME.yaml with
// no base beside it that is not a project alone.
bool Writer::plan_project(const Found& f, Plan* plan) {
  plan->found = &f;
  plan->P = f.prefix;
  plan->section = "Compose project " + (f.dir.empty() || f.standalone ? f.base : f.dir + "/");
  ProjectSpec alone;
  alone.files = {f.base};
  plan->base_spec = settle(alone);
  plan->base = &load(plan->base_spec);
  // A fragment: not a project alone. A compose.yaml the repository only ever merges onto another
  // file (ci/basic/compose.yaml in COMPOSE_FILE=compose.yaml:ci/base.yaml:ci/basic/compose.yaml) is
  // checked in those chains (usages()), not alone.
  if (!f.standalone && f.overlays.empty() && merged_in_usage(f.base) && !run_alone(f.base) &&
      !not_alone(*plan->base).empty())
    return false;
  if (std::string why = f.standalone ? not_alone(*plan->base) : ""; !why.empty()) {
    // An overlay whose base cannot be known (none beside it): not guessed. When the repository runs
    // it merged onto something, that chain is checked (usages()), and when it runs it alone, that
    // check is written (and left out if it fails, saying why); otherwise it is left out, and said.
    if (!merged_in_usage(f.base) && !run_alone(f.base)) {
      left_out_files.push_back(f.base);
      left_out.push_back(
          f.base + ": not a project alone (" + why +
          "), and nothing here says what it merges onto (no compose.yaml or docker-compose.yml "
          "beside it, no `docker compose -f BASE -f " +
          f.base + "` in scripts, CI or docs)");
    }
    return false;
  }
  ++projects;
  plan->profiles = declared_profiles(*plan->base);
  plan->variants.push_back(Variant{plan->base_spec, nullptr, ""});
  plan->variants.back().spec.profiles = plan->profiles;
  for (const auto& o : f.overlays) {
    ProjectSpec s;
    s.files = {f.base, o};
    s = settle(s);
    s.profiles = declared_profiles(load(s));
    plan->variants.push_back(Variant{s, nullptr, overlay_name(basename(o))});
  }
  for (auto& v : plan->variants) v.project = &load(v.spec);
  return true;
}

void Writer::heading(const Plan& plan) {
  const Found& f = *plan.found;
  std::string text = "\n  # ==== " + plan.section + " ====\n";
  text += "  # " + std::string(f.overlays.empty() ? "no overlay" : "overlays: ");
  for (size_t i = 0; i < f.overlays.size(); ++i)
    text += (i ? ", " : "") + std::string(basename(f.overlays[i]));
  text +=
      plan.profiles.empty() ? "; no profile\n" : "; profiles: " + words_list(plan.profiles) + "\n";
  // No .env (git-ignored, a local file) but an example of one: the values a CI job would copy in.
  example_env_.clear();
  std::string dotenv = join_path(f.dir, ".env");
  if (!ctx_.source->exists(dotenv) && !(ctx_.fallback && ctx_.fallback->exists(dotenv))) {
    for (const char* name : {".env.example", ".env.sample", ".env.dist", ".env.template"}) {
      if (ctx_.source->exists(join_path(f.dir, name))) {
        example_env_ = join_path(f.dir, name);
        if (!plan.base_spec.env_files.empty()) break;  // the checks use it already
        text += "  # no " + dotenv + " here, but " + example_env_ +
                ": to interpolate with its values (as after\n";
        text += "  # `cp " + example_env_ + " " + dotenv + "`), add `env_file: [" + example_env_ +
                "]` beside `files` below\n";
        break;
      }
    }
  }
  add_heading(std::move(text));
}

// The base alone; each overlay merged onto it; an overlay alone too when it loads alone or the
// repository runs it alone (`docker compose -f docker-compose.dev.yml up` in package.json).
void Writer::base_and_overlays(const Plan& plan) {
  const Found& f = *plan.found;
  valid_check(plan.P + "compose.base", f.base + " valid", plan.section, plan.base_spec, {},
              "docker compose -f " + f.base + " config");
  for (size_t i = 0; i < f.overlays.size(); ++i) {
    const std::string& o = f.overlays[i];
    std::string name = overlay_name(basename(o));
    ProjectSpec merged = plan.variants[i + 1].spec;
    merged.profiles.clear();
    valid_check(plan.P + "compose." + slug(name),
                f.base + " + " + std::string(basename(o)) + " valid", plan.section, merged, {},
                name == "override" ? "what `docker compose` reads by default in " +
                                         (f.dir.empty() ? "the root" : f.dir + "/")
                                   : "the " + name + " overlay merged onto the base");
    ProjectSpec alone;
    alone.files = {o};
    alone = settle(alone);
    bool runs = run_alone(o);
    if (!runs && !(load(alone).valid() && not_alone(load(alone)).empty())) continue;
    valid_check(plan.P + "compose." + slug(name) + ".alone", o + " alone valid", plan.section,
                alone, {},
                runs ? "the repository runs it alone (" +
                           (usage_of(alone) ? usage_of(alone)->where : o) + ")"
                     : "it loads alone too: docker compose -f " + o + " config");
  }
}

// COMPOSE_FILE in the project's .env: the files `docker compose` reads there by default.
void Writer::compose_file_default(const Plan& plan) {
  const Found& f = *plan.found;
  std::vector<std::string> files = compose_file_variable(f.dir);
  if (files.empty()) return;
  ProjectSpec s;
  s.files = files;
  s = settle(s);
  if (written(s)) return;
  std::string title;
  for (const auto& file : files) title += (title.empty() ? "" : " + ") + file;
  valid_check(plan.P + "compose.default", title + " valid", plan.section, s, {},
              "COMPOSE_FILE in " + join_path(f.dir, ".env") +
                  ": what `docker compose` reads there by default");
  profiles_of(plan.P + "compose.default", title, plan.section, s);
}

// Every profile declared, in the base or in an overlay only, keeps its services (require_enabled);
// then each overlay with every profile active.
void Writer::profile_checks(const Plan& plan) {
  const Found& f = *plan.found;
  for (const auto& p : plan.profiles) {
    ProjectSpec s = plan.base_spec;
    s.profiles = {p};
    valid_check(plan.P + "compose.profile." + slug(p), f.base + " with profile " + p + " valid",
                plan.section, s, services_in_profile(*plan.base, p),
                "the profile's services must stay defined and enabled by it");
  }
  for (size_t i = 1; i < plan.variants.size(); ++i) {
    const Variant& v = plan.variants[i];
    ProjectSpec merged = v.spec;
    merged.profiles.clear();
    profiles_of(plan.P + "compose." + slug(v.name),
                f.base + " + " + std::string(basename(v.spec.files[1])), plan.section, merged);
  }
  for (size_t i = 1; i < plan.variants.size(); ++i) {
    const Variant& v = plan.variants[i];
    if (v.spec.profiles.empty()) continue;
    if (valid_profile_sets(v).size() > 1) {  // profiles not meant to be on together: no such check
      notes.push_back(f.base + " + " + std::string(basename(v.spec.files[1])) + ": profiles " +
                      words_list(v.spec.profiles) +
                      " are not valid together; no check with all of them");
      continue;
    }
    valid_check(plan.P + "compose." + slug(v.name) + ".profiles",
                f.base + " + " + std::string(basename(v.spec.files[1])) + " with profile" +
                    (v.spec.profiles.size() == 1 ? " " : "s ") + words_list(v.spec.profiles) +
                    " valid",
                plan.section, v.spec, {}, "the overlay with every profile active");
  }
}

// The migration pattern: services that wait for a one-shot service to complete, per target. Each
// variant with every profile on, or with one profile at a time where they conflict.
void Writer::ordering(const Plan& plan) {
  const Found& f = *plan.found;
  std::vector<Variant> waits;
  for (const auto& v : plan.variants)
    for (auto& w : valid_profile_sets(v)) waits.push_back(std::move(w));
  std::vector<std::string> targets;
  for (const auto& v : waits) {
    for (const auto& t : one_shot_targets(*v.project))
      if (std::find(targets.begin(), targets.end(), t) == targets.end()) targets.push_back(t);
  }
  for (const auto& target : targets) {
    // Variants that agree on who waits share one check; an overlay that changes the list gets its
    // own.
    std::vector<std::pair<std::vector<std::string>, std::vector<const Variant*>>> groups;
    for (const auto& v : waits) {
      std::vector<std::string> waiting = waiting_for(*v.project, target);
      if (waiting.empty()) continue;
      auto g = std::find_if(groups.begin(), groups.end(),
                            [&](const auto& x) { return x.first == waiting; });
      if (g == groups.end())
        groups.emplace_back(waiting, std::vector<const Variant*>{&v});
      else
        g->second.push_back(&v);
    }
    for (size_t gi = 0; gi < groups.size(); ++gi) {
      const auto& [waiting, members] = groups[gi];
      std::vector<ProjectSpec> specs;
      for (const Variant* v : members) specs.push_back(v->spec);
      std::string variant = members.front()->name;
      std::string id = plan.P + slug(target) + ".ordering" + (gi == 0 ? "" : "." + slug(variant));
      std::string title = "Services wait for " + target + " to complete (" + f.base +
                          (gi == 0 || variant.empty() ? "" : ", " + variant) + ")";
      CheckText c = check_head(id, "compose-depends", plan.section, title);
      c.comments.push_back(words_list(waiting) + " start only once " + target +
                           " has completed successfully");
      project_keys(specs, &c.lines);
      c.lines.push_back("services: " + flow(waiting));
      c.lines.push_back("depend_on: " + q(target));
      c.lines.push_back("condition: service_completed_successfully");
      variables_hint(specs, example_env_, &c.lines);
      add_check(std::move(c), true);
    }
    // Suggested, not asserted: that the one-shot service stays, and what it runs.
    if (const Node* svc = plan.variants.front().project->service(target)) {
      CheckText c = check_head(plan.P + slug(target) + ".service", "compose-service", plan.section,
                               target + " service defined in " + f.base);
      c.comments.push_back(
          target +
          " is a one-shot service (others wait for it to complete). To keep it, and what it");
      c.comments.push_back(
          "runs, uncomment (command_runs_module: a Python module its command runs, -m NAME):");
      c.lines.push_back("files: " + flow({f.base}));
      c.lines.push_back("service: " + q(target));
      std::vector<std::string> words = command_words(*svc, "entrypoint");
      for (auto& w : command_words(*svc, "command")) words.push_back(std::move(w));
      for (size_t i = 0; i + 1 < words.size(); ++i) {
        if (words[i] == "-m") {
          c.lines.push_back("command_runs_module: " + q(words[i + 1]));
          break;
        }
      }
      add_check(std::move(c), false);
    }
  }
}

// Named volumes: shared ones may be a mistake; replicas each with their own may want to stay so.
void Writer::volumes(const Plan& plan) {
  const Project& wide = *plan.variants.front().project;
  std::map<std::string, std::vector<std::string>> users;  // named volume -> services mounting it
  std::vector<std::string> volume_order;
  // image/build -> (service, volume)
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> by_build;
  for (const auto& name : wide.enabled_services()) {
    const Node& svc = *wide.service(name);
    std::string first_volume;
    for (const Mount& m : mounts(svc)) {
      if (m.type != "volume" || m.source.empty()) continue;
      auto& u = users[m.source];
      if (u.empty()) volume_order.push_back(m.source);
      if (std::find(u.begin(), u.end(), name) == u.end()) u.push_back(name);
      if (first_volume.empty()) first_volume = m.source;
    }
    std::string origin;
    if (const Node* b = svc.find("build"))
      origin = "build:" + (b->is_scalar()       ? b->text
                           : b->find("context") ? b->find("context")->text
                                                : "");
    else if (const Node* i = svc.find("image"))
      origin = "image:" + i->text;
    if (!first_volume.empty() && !origin.empty()) by_build[origin].emplace_back(name, first_volume);
  }
  ProjectSpec wide_spec = plan.variants.front().spec;
  auto glob_for = [&](const std::vector<std::string>& names) {
    std::string prefix = names.front();
    for (const auto& n : names)
      while (!starts_with(n, prefix)) prefix.pop_back();
    size_t matched = 0;
    for (const auto& n : wide.service_names()) matched += starts_with(n, prefix) ? 1 : 0;
    if (!prefix.empty() && matched == names.size()) return prefix + "*";
    std::string brace;
    for (const auto& n : names) brace += (brace.empty() ? "" : ",") + n;
    return "{" + brace + "}";
  };
  for (const auto& [origin, group] : by_build) {
    if (group.size() < 2) continue;
    std::set<std::string> distinct;
    std::vector<std::string> names;
    for (const auto& [svc, vol] : group) distinct.insert(vol), names.push_back(svc);
    if (distinct.size() != group.size()) continue;  // they share one: the suggestion below
    CheckText c = check_head(plan.P + "volumes." + slug(names.front()), "compose-volumes",
                             plan.section, words_list(names) + " each have their own volume");
    c.comments.push_back(words_list(names) + " run the same " +
                         (starts_with(origin, "build") ? "build" : "image") +
                         " and each mount a named volume of their own. To keep it so, uncomment:");
    project_keys({wide_spec}, &c.lines);
    c.lines.push_back("mounts:");
    for (const auto& [svc, vol] : group) c.lines.push_back("  " + q(svc) + ": " + q(vol));
    c.lines.push_back("distinct_among: " + q(glob_for(names)));
    add_check(std::move(c), false);
  }
  for (const auto& volume : volume_order) {
    const auto& names = users[volume];
    if (names.size() < 2) continue;
    CheckText c = check_head(plan.P + "volumes." + slug(volume), "compose-volumes", plan.section,
                             words_list(names) + " do not share a named volume");
    c.comments.push_back(words_list(names) + " all mount the named volume " + volume +
                         ". If each should have its own");
    c.comments.push_back(
        "(state per shard or per replica), give each one and uncomment (it fails until then):");
    project_keys({wide_spec}, &c.lines);
    c.lines.push_back("distinct_among: " + q(glob_for(names)));
    add_check(std::move(c), false);
  }
}

void Writer::usages() {
  const std::string section = "Compose files as the repository runs them";
  bool headed = false;
  example_env_.clear();
  for (const auto& u : usages_) {
    ProjectSpec spec;
    spec.files = u.files;
    spec.profiles = u.profiles;
    spec.env_files = u.env_files;
    spec.environment = u.environment;
    spec = settle(spec);
    if (written(spec)) continue;
    if (!headed) {
      add_heading("\n  # ==== " + section +
                  " ====\n"
                  "  # each as a script, Makefile, package.json, CI workflow or doc of the "
                  "repository runs docker compose\n");
      headed = true;
    }
    // The id: the project of the first file, then the other files' names ("compose.mariadb.redis").
    const Found* owner = nullptr;
    for (const auto& f : found_)
      if (!f.standalone && f.base == u.files.front()) owner = &f;
    std::string id = owner ? owner->prefix + "compose"
                           : folder_prefix(dirname(u.files.front())) +
                                 slug(short_name(u.files.front())) + ".compose";
    for (size_t i = 1; i < u.files.size(); ++i) id += "." + slug(short_name(u.files[i]));
    std::string stem = id;
    if (u.files.size() == 1) id += ".base";
    if (u.profiles.size() == 1) id += ".profile." + slug(u.profiles[0]);
    if (u.profiles.size() > 1) id += ".profiles";
    for (const auto& e : u.env_files) id += ".env." + slug(short_name(e));
    std::string title;
    for (const auto& file : u.files) title += (title.empty() ? "" : " + ") + file;
    if (!u.profiles.empty())
      title += std::string(" with profile") + (u.profiles.size() == 1 ? " " : "s ") +
               words_list(u.profiles);
    if (!spec.env_files.empty()) title += " with " + words_list(spec.env_files);
    std::string command = "docker compose";
    if (u.from_variable) {
      command = "COMPOSE_FILE=";
      for (size_t i = 0; i < u.files.size(); ++i) command += (i ? ":" : "") + u.files[i];
      for (size_t i = 0; i < u.env_files.size(); ++i)
        command += (i ? "," : " COMPOSE_ENV_FILES=") + u.env_files[i];
      command += " docker compose";
    }
    for (size_t i = 0; i < u.files.size() && !u.from_variable; ++i) command += " -f " + u.files[i];
    for (size_t i = 0; i < u.env_files.size() && !u.from_variable; ++i)
      command += " --env-file " + u.env_files[i];
    for (const auto& p : u.profiles) command += " --profile " + p;
    valid_check(id, title + " valid", section, spec, {}, "`" + command + "` (" + u.where + ")");
    ProjectSpec plain = spec;
    plain.profiles.clear();
    for (const auto& e : u.env_files) stem += ".env." + slug(short_name(e));
    profiles_of(stem, title, section, plain);
  }
}

void Writer::verify() {
  std::string text = "version: 1\nchecks:\n";
  for (const auto& b : blocks_) {
    if (b.kind != Block::Live) continue;
    for (size_t i = 0; i < b.check.lines.size(); ++i)
      text += std::string(i == 0 ? "  - " : "    ") + b.check.lines[i] + "\n";
  }
  if (checks() == 0) return;
  Config config;
  Finding err;
  if (!parse_config(text, ".smokehook.yml", &config, &err)) {
    notes.push_back("the configuration written does not parse (" + err.to_string() +
                    "); please report this");
    return;
  }
  RunContext run(*ctx_.source, ctx_.fallback, ctx_.environment);
  for (const auto& check : config.checks) {
    CheckResult r = check->run(run);
    if (r.status != CheckStatus::Fail) continue;
    std::string why = r.findings.empty() ? r.message : r.findings.front().to_string();
    if (r.findings.size() > 1) why += ", and " + std::to_string(r.findings.size() - 1) + " more";
    for (auto& b : blocks_) {
      if (b.kind == Block::Live && b.id == check->id) {
        b.left_out = why;
        left_out.push_back(b.id + ": fails as the repository stands (" + why + ")");
      }
    }
  }
}

std::string Writer::render() const {
  std::string out;
  for (const auto& b : blocks_) {
    if (b.kind == Block::Heading) {
      out += b.heading;
      continue;
    }
    bool commented = b.kind == Block::Suggestion || !b.left_out.empty();
    out += "\n";
    if (!b.left_out.empty()) {
      out +=
          "  # LEFT OUT: this check fails on the repository as it stands, so init did not make it "
          "live:\n";
      out += "  #   " + b.left_out + "\n";
      out +=
          "  # uncomment it once that is fixed (or with the variables it needs, see env_file / "
          "environment)\n";
    }
    for (const auto& line : b.check.comments) out += "  # " + line + "\n";
    for (size_t i = 0; i < b.check.lines.size(); ++i)
      out +=
          std::string(commented ? "  # " : "  ") + (i == 0 ? "- " : "  ") + b.check.lines[i] + "\n";
  }
  return out;
}

const char kHeader[] =
    "# smokehook configuration, written by `smokehook init` from this repository's compose files "
    "and from\n"
    "# how its scripts, CI workflows and docs run docker compose.\n"
    "# Each live check passed when it was written; edit, remove or add checks (README.md, "
    "\"Configuration\").\n"
    "# Commented-out checks are suggestions (what the files suggest but do not say: uncomment what "
    "is true)\n"
    "# or checks left out because they fail on the repository as it stands (marked LEFT OUT, with "
    "why).\n"
    "# `smokehook list` shows what triggers each check; `smokehook --all` runs them all;\n"
    "# `smokehook init --default` writes the original production smoke suite instead.\n"
    "#\n"
    "# Compose checks name a project as `files` (+ `profiles`), or several as `projects: [{files, "
    "profiles}]`.\n"
    "# Variables for interpolation, as a deployment gives them: `env_file: [path]` (read in place "
    "of the\n"
    "# project's .env, as docker compose --env-file) and `environment: {NAME: value}` (where the "
    "process\n"
    "# environment does not set NAME), beside `files`.\n";

const char kGates[] =
    "\n  # ==== Text gates (examples: uncomment and adapt) ====\n"
    "  # - id: no-debug-settings\n"
    "  #   kind: forbid                 # no selected file contains the word (or `pattern`: a "
    "regex)\n"
    "  #   word: DEBUG_TOOLBAR\n"
    "  #   paths: [\"*.py\"]\n"
    "  #   except: [\"tests/\"]\n"
    "  # - id: wiring.metrics\n"
    "  #   kind: require                # the file exists and contains every pattern and literal\n"
    "  #   path: app/main.py\n"
    "  #   patterns: ['\\bregister_metrics\\s*\\(']\n";

}  // namespace

InitConfig make_init_config(const FileSource& source, const FileSource* fallback,
                            const VariableLookup& environment) {
  InitConfig result;
  std::vector<Found> found = discover(source);
  Writer w(source, fallback, environment, found);
  for (const auto& f : found) w.project(f);
  w.usages();
  w.verify();
  std::string text = kHeader;
  std::string left_out;
  if (!w.left_out_files.empty()) {
    left_out =
        "#\n# Left out: compose files with no compose.yaml or docker-compose.yml beside them to "
        "merge onto, not\n"
        "# valid alone, and run with no base in the repository's scripts, CI or docs. To check "
        "one, name it\n"
        "# after the file it merges onto (files: [base, overlay]):\n";
    for (const auto& path : w.left_out_files) left_out += "#   " + path + "\n";
  }
  std::string body = w.render();
  result.projects = w.projects;
  if (body.empty()) {
    text += left_out;
    text +=
        "#\n"
        "# No compose " +
        std::string(w.left_out_files.empty() ? "file" : "project") +
        " was found (compose.yaml, compose.yml, docker-compose.yaml, docker-compose.yml, in any\n"
        "# folder), so there is no check yet. To add some, replace `checks: []` with `checks:` and "
        "a list, e.g.\n"
        "# (kinds: compose-valid, compose-service, compose-depends, compose-volumes, forbid, "
        "require, http):\n"
        "#\n"
        "# checks:\n"
        "#   - id: compose.base\n"
        "#     kind: compose-valid\n"
        "#     files: [compose.yaml]\n"
        "#   - id: no-debug-settings\n"
        "#     kind: forbid               # no selected file contains the word (or `pattern`: a "
        "regex)\n"
        "#     word: DEBUG_TOOLBAR\n"
        "#     paths: [\"*.py\"]\n"
        "#     except: [\"tests/\"]\n";
    text += "version: 1\nchecks: []\n";
  } else {
    text += left_out;
    text += w.checks() ? "version: 1\nchecks:"
                       : "version: 1\nchecks: []  # every check below is commented out: to "
                         "uncomment one, remove the []\n";
    text += body;
    text += kGates;
  }
  result.text = std::move(text);
  result.notes = std::move(w.notes);
  result.left_out = std::move(w.left_out);
  result.checks = w.checks();
  return result;
}

}  // namespace smokehook
