#include "checks/init_config.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <map>
#include <set>

#include "compose/model.h"
#include "checks/check.h"
#include "compose/project.h"
#include "compose/dotenv.h"
#include "base/text.h"

namespace smokehook {
namespace {

// The names docker compose looks for, in its order of preference.
const char* const kBaseNames[] = {"compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"};

int base_rank(std::string_view name) {
  for (int i = 0; i < 4; ++i)
    if (name == kBaseNames[i]) return i;
  return -1;
}

std::string_view stem_of(std::string_view name) { return starts_with(name, "docker-") ? "docker-compose" : "compose"; }

// "compose.prod.yaml" -> "prod", "docker-compose.override.yml" -> "override"; "" for any other name.
std::string overlay_name(std::string_view name) {
  for (std::string_view stem : {"docker-compose.", "compose."}) {
    if (!starts_with(name, stem)) continue;
    std::string_view rest = name.substr(stem.size());
    for (std::string_view ext : {".yaml", ".yml"})
      if (rest.size() > ext.size() && ends_with(rest, ext)) return std::string(rest.substr(0, rest.size() - ext.size()));
  }
  return "";
}

// A check id's part from a name: letters, digits, '.', '-', '_' kept; '/' becomes '.'; anything else '-'.
std::string slug(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_') out += c;
    else out += c == '/' ? '.' : '-';
  }
  return out.empty() ? "-" : out;
}

// A folder as the start of check ids: "deploy/eu" -> "deploy.eu."; a hidden folder's dot is dropped
// (".devcontainer" -> "devcontainer."), so that an id never starts with '.' nor holds "..".
std::string folder_prefix(std::string_view dir) {
  if (dir.empty()) return "";
  std::string out;
  for (size_t start = 0; start <= dir.size();) {
    size_t end = std::min(dir.find('/', start), dir.size());
    std::string_view part = dir.substr(start, end - start);
    while (!part.empty() && part.front() == '.') part.remove_prefix(1);
    if (!part.empty()) out += slug(part) + ".";
    start = end + 1;
  }
  return out;
}

// A YAML scalar: plain when it reads back as the same string, else double-quoted.
std::string q(std::string_view s) {
  static const std::set<std::string> words = {"true", "false", "yes", "no", "on", "off", "null", "y", "n"};
  std::string lower;
  for (char c : s) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  bool plain = !s.empty() && (std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_' || s[0] == '/') &&
               !words.count(lower);
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '/' || c == '-')) plain = false;
  if (plain) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\', out += c;
    else if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (static_cast<unsigned char>(c) < 0x20) {
      static const char hex[] = "0123456789abcdef";
      out += "\\x";
      out += hex[(c >> 4) & 0xf];
      out += hex[c & 0xf];
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// A block value (a title, a section): plain also with spaces, '+', ',' and parentheses inside.
std::string text_value(std::string_view s) {
  bool plain = !s.empty() && std::isalpha(static_cast<unsigned char>(s[0])) && s.back() != ' ';
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || std::strchr("_./- +,()", c))) plain = false;
  return plain ? std::string(s) : q(s);
}

std::string flow(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + q(items[i]);
  return out + "]";
}

std::string words_list(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i];
  return out;
}

// A compose project as a folder holds it: its base file and the overlays beside it.
struct Found {
  std::string dir;                    // "" at the repository root
  std::string base;                   // repository path
  std::vector<std::string> overlays;  // repository paths, sorted
  std::string prefix;                 // of its check ids: "" at the root, else "folder." (+ stem. for a second base)
  bool standalone = false;            // a compose.NAME.yaml in a folder with no base: a project if valid alone
};

std::vector<Found> discover(const FileSource& source) {
  std::map<std::string, std::vector<std::string>> bases, overlays;  // folder -> paths
  for (const auto& path : source.paths()) {
    std::string_view name = basename(path);
    if (base_rank(name) >= 0) bases[dirname(path)].push_back(path);
    else if (!overlay_name(name).empty()) overlays[dirname(path)].push_back(path);
  }
  std::vector<Found> out;
  // A folder of compose.NAME.yaml files and no base (one file per variant, each run with -f): each is a
  // project of its own when it is valid alone; make_init_config decides.
  for (auto& [dir, files] : overlays) {
    if (bases.count(dir)) continue;
    for (const auto& o : files) {
      Found f;
      f.dir = dir;
      f.base = o;
      f.prefix = folder_prefix(dir) + slug(overlay_name(basename(o))) + ".";
      f.standalone = true;
      out.push_back(std::move(f));
    }
  }
  for (auto& [dir, files] : bases) {
    std::sort(files.begin(), files.end(),
              [](const std::string& a, const std::string& b) { return base_rank(basename(a)) < base_rank(basename(b)); });
    std::string prefix = folder_prefix(dir);
    size_t first = out.size();
    for (size_t i = 0; i < files.size(); ++i) {
      Found f;
      f.dir = dir;
      f.base = files[i];
      // docker compose reads the first name; another base beside it is a project of its own.
      f.prefix = prefix + (i == 0 ? "" : slug(basename(files[i])) + ".");
      out.push_back(std::move(f));
    }
    // An overlay goes with the base of its own stem (compose / docker-compose), else the first.
    for (const auto& o : overlays[dir]) {
      Found* owner = &out[first];
      for (size_t i = first; i < out.size(); ++i)
        if (stem_of(basename(out[i].base)) == stem_of(basename(o))) {
          owner = &out[i];
          break;
        }
      owner->overlays.push_back(o);
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const Found& a, const Found& b) { return a.dir < b.dir; });
  return out;
}

// Why a compose file is not a project by itself ("" when it is): an error, no service, or a service
// with neither an image nor a build (a fragment merged onto something else).
std::string not_alone(const Project& p) {
  // Invalid alone, it is a project (invalid now, the hint says what to give) only when nothing but
  // variables are missing: any other error may be what its base or its deployment supplies (a
  // stack.env a platform writes), and a guess that fails is worse than a file left out and said.
  static const RE2 required("required variable [A-Za-z_][A-Za-z0-9_]* is missing a value");
  for (const auto& e : p.errors)
    if (!RE2::PartialMatch(e.message, required)) return e.to_string();
  if (!p.valid()) return "";
  std::vector<std::string> names = p.service_names();
  if (names.empty()) return "no service";
  for (const auto& name : names)
    if (!p.service(name)->find("image") && !p.service(name)->find("build"))
      return "service " + name + " has neither an image nor a build";
  return "";
}

// The profiles the services of a model declare, in order of first appearance.
std::vector<std::string> declared_profiles(const Project& p) {
  std::vector<std::string> out;
  if (const Node* services = p.model.find("services"))
    for (const auto& e : services->entries)
      if (const Node* profiles = e.value.find("profiles"); profiles && profiles->is_seq())
        for (const Node& item : profiles->items)
          if (item.is_scalar() && std::find(out.begin(), out.end(), item.text) == out.end()) out.push_back(item.text);
  return out;
}

std::vector<std::string> services_in_profile(const Project& p, const std::string& profile) {
  std::vector<std::string> out;
  if (const Node* services = p.model.find("services"))
    for (const auto& e : services->entries)
      if (const Node* profiles = e.value.find("profiles"); profiles && profiles->is_seq())
        for (const Node& item : profiles->items)
          if (item.text == profile) {
            out.push_back(e.key);
            break;
          }
  return out;
}

// Enabled services that depend on `target` with condition service_completed_successfully.
std::vector<std::string> waiting_for(const Project& p, const std::string& target) {
  std::vector<std::string> out;
  for (const auto& name : p.enabled_services())
    for (const Dependency& d : dependencies(*p.service(name)))
      if (d.service == target && d.condition == "service_completed_successfully") {
        out.push_back(name);
        break;
      }
  return out;
}

// The one-shot services of a model: those some enabled service waits for to complete.
std::vector<std::string> one_shot_targets(const Project& p) {
  std::vector<std::string> out;
  for (const auto& name : p.enabled_services())
    for (const Dependency& d : dependencies(*p.service(name)))
      if (d.condition == "service_completed_successfully" &&
          std::find(out.begin(), out.end(), d.service) == out.end())
        out.push_back(d.service);
  return out;
}

// A check as lines (indented below "  - "), written or commented out.
struct CheckText {
  std::vector<std::string> comments;  // above the check
  std::vector<std::string> lines;     // "id: x", "kind: y", ...
};

struct Variant {
  ProjectSpec spec;
  const Project* project = nullptr;
  std::string name;  // "" for the base, else the overlay's name
};

class Writer {
 public:
  Writer(const FileSource& source, const FileSource* fallback, const VariableLookup& environment) {
    ctx_.source = &source;
    ctx_.fallback = fallback;
    ctx_.environment = environment;
    ctx_.cache = &cache_;
  }

  const Project& load(const ProjectSpec& spec) {
    std::string key = describe_project(spec);
    auto it = loaded_.find(key);
    if (it == loaded_.end()) it = loaded_.emplace(key, load_project(spec, ctx_)).first;
    return it->second;
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

  std::string unique_id(const std::string& wanted) {
    std::string id = wanted;
    for (int n = 2; !ids_.insert(id).second; ++n) id = wanted + "-" + std::to_string(n);
    return id;
  }

  void project(const Found& f, InitConfig* result);

  std::string out;
  std::vector<std::string> notes;
  std::vector<std::string> left_out;  // compose.NAME.yaml files with no base beside them, invalid alone
  size_t checks = 0;

 private:
  void write(const CheckText& c, bool commented) {
    out += "\n";
    for (const auto& line : c.comments) out += "  # " + line + "\n";
    for (size_t i = 0; i < c.lines.size(); ++i)
      out += std::string(commented ? "  # " : "  ") + (i == 0 ? "- " : "  ") + c.lines[i] + "\n";
    if (!commented) ++checks;
  }

  // files/profiles keys of one project, or a projects: list of several.
  static void project_keys(const std::vector<ProjectSpec>& specs, std::vector<std::string>* lines) {
    if (specs.size() == 1) {
      lines->push_back("files: " + flow(specs[0].files));
      if (!specs[0].profiles.empty()) lines->push_back("profiles: " + flow(specs[0].profiles));
      return;
    }
    lines->push_back("projects:");
    for (const auto& s : specs) {
      lines->push_back("  - files: " + flow(s.files));
      if (!s.profiles.empty()) lines->push_back("    profiles: " + flow(s.profiles));
    }
  }

  // A hint for a check whose projects need variables nothing here sets (${VAR:?}); only there: a check
  // whose files interpolate without them needs no hint.
  void variables_hint(const std::vector<ProjectSpec>& specs, std::vector<std::string>* lines) {
    static const RE2 required("required variable ([A-Za-z_][A-Za-z0-9_]*) is missing a value");
    std::vector<std::string> vars;
    for (const auto& spec : specs)
      for (const auto& e : load(spec).errors) {
        std::string var;
        if (RE2::PartialMatch(e.message, required, &var) && std::find(vars.begin(), vars.end(), var) == vars.end())
          vars.push_back(var);
      }
    if (vars.empty()) return;
    std::string env;
    for (const auto& v : vars) env += (env.empty() ? "" : ", ") + v + ": ...";
    lines->push_back("# the compose files require " + words_list(vars) + ", which nothing here sets: the check fails");
    lines->push_back("# until " + std::string(vars.size() == 1 ? "it is" : "they are") +
                     " given here (environment), or in files of KEY=VALUE lines (as docker");
    lines->push_back("# compose --env-file): env_file: [" + (example_env_.empty() ? "path/to/prod.env" : example_env_) + "]");
    lines->push_back("# environment: {" + env + "}");
  }

  void note_invalid(const std::string& id, const ProjectSpec& spec, const Project& p) {
    if (p.valid()) return;
    notes.push_back("check " + id + ": " + describe_project(spec) + " is invalid now (" + p.errors.front().to_string() +
                    (p.errors.size() > 1 ? ", and " + std::to_string(p.errors.size() - 1) + " more" : "") +
                    "); the check is written and fails until that is fixed");
  }

  void valid_check(const std::string& id, const std::string& title, const std::string& section, const ProjectSpec& spec,
                   const std::vector<std::string>& require_enabled, const std::string& comment) {
    CheckText c;
    if (!comment.empty()) c.comments.push_back(comment);
    c.lines = {"id: " + id, "kind: compose-valid", "section: " + text_value(section), "title: " + text_value(title)};
    project_keys({spec}, &c.lines);
    if (!require_enabled.empty()) c.lines.push_back("require_enabled: " + flow(require_enabled));
    variables_hint({spec}, &c.lines);
    write(c, false);
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

  ComposeContext ctx_;
  ComposeCache cache_;
  std::map<std::string, Project> loaded_;
  std::set<std::string> ids_;
  std::string example_env_;  // the current project's .env.example (or .sample, .dist, .template) when it has no .env
};

void Writer::project(const Found& f, InitConfig* result) {
  const std::string& P = f.prefix;
  std::string section = "Compose project " + (f.dir.empty() || f.standalone ? f.base : f.dir + "/");
  ProjectSpec base_spec;
  base_spec.files = {f.base};
  const Project& base = load(base_spec);
  if (std::string why = f.standalone ? not_alone(base) : ""; !why.empty()) {
    // An overlay whose base cannot be known (none beside it): not guessed, said.
    left_out.push_back(f.base);
    notes.push_back(f.base + " is left out: it is not a project alone (" + why +
                    ") and no compose.yaml or docker-compose.yml beside it says what it merges onto");
    return;
  }
  ++result->projects;
  std::vector<std::string> profiles = declared_profiles(base);

  // Load everything first: variables the files require are hinted in every check of the project.
  std::vector<Variant> variants;  // base with all its profiles, then each overlay with all of its own
  variants.push_back(Variant{base_spec, nullptr, ""});
  variants.back().spec.profiles = profiles;
  for (const auto& o : f.overlays) {
    ProjectSpec s;
    s.files = {f.base, o};
    const Project& merged = load(s);
    note_invalid(P + "compose." + slug(overlay_name(basename(o))), s, merged);
    s.profiles = declared_profiles(merged);
    variants.push_back(Variant{s, nullptr, overlay_name(basename(o))});
  }
  note_invalid(P + "compose.base", base_spec, base);
  for (auto& v : variants) v.project = &load(v.spec);
  for (const auto& p : profiles) {
    ProjectSpec s = base_spec;
    s.profiles = {p};
    note_invalid(P + "compose.profile." + slug(p), s, load(s));
  }

  out += "\n  # ==== " + section + " ====\n";
  out += "  # " + std::string(f.overlays.empty() ? "no overlay" : "overlays: ");
  for (size_t i = 0; i < f.overlays.size(); ++i) out += (i ? ", " : "") + std::string(basename(f.overlays[i]));
  out += profiles.empty() ? "; no profile\n" : "; profiles: " + words_list(profiles) + "\n";
  // No .env (git-ignored, a local file) but an example of one: the values a CI job would copy in.
  example_env_.clear();
  std::string dotenv = join_path(f.dir, ".env");
  if (!ctx_.source->exists(dotenv) && !(ctx_.fallback && ctx_.fallback->exists(dotenv)))
    for (const char* name : {".env.example", ".env.sample", ".env.dist", ".env.template"})
      if (ctx_.source->exists(join_path(f.dir, name))) {
        example_env_ = join_path(f.dir, name);
        out += "  # no " + dotenv + " here, but " + example_env_ + ": to interpolate with its values (as after\n";
        out += "  # `cp " + example_env_ + " " + dotenv + "`), add `env_file: [" + example_env_ + "]` beside `files` below\n";
        break;
      }

  valid_check(unique_id(P + "compose.base"), f.base + " valid", section, base_spec, {},
              "docker compose -f " + f.base + " config");
  for (const auto& o : f.overlays) {
    ProjectSpec s;
    s.files = {f.base, o};
    std::string name = overlay_name(basename(o));
    valid_check(unique_id(P + "compose." + slug(name)), f.base + " + " + std::string(basename(o)) + " valid", section, s,
                {}, name == "override" ? "what `docker compose` reads by default in " + (f.dir.empty() ? "the root" : f.dir + "/")
                                       : "the " + name + " overlay merged onto the base");
  }
  // COMPOSE_FILE in the project's .env: the files `docker compose` reads there by default.
  if (std::vector<std::string> files = compose_file_variable(f.dir); !files.empty()) {
    bool known = files == base_spec.files;
    for (const auto& o : f.overlays) known = known || files == std::vector<std::string>{f.base, o};
    if (!known) {
      ProjectSpec s;
      s.files = files;
      note_invalid(P + "compose.default", s, load(s));
      std::string title;
      for (const auto& file : files) title += (title.empty() ? "" : " + ") + file;
      valid_check(unique_id(P + "compose.default"), title + " valid", section, s, {},
                  "COMPOSE_FILE in " + join_path(f.dir, ".env") + ": what `docker compose` reads there by default");
    }
  }
  for (const auto& p : profiles) {
    ProjectSpec s = base_spec;
    s.profiles = {p};
    valid_check(unique_id(P + "compose.profile." + slug(p)), f.base + " with profile " + p + " valid", section, s,
                services_in_profile(base, p), "the profile's services must stay defined and enabled by it");
  }
  for (size_t i = 1; i < variants.size(); ++i) {
    const Variant& v = variants[i];
    if (v.spec.profiles.empty()) continue;
    if (valid_profile_sets(v).size() > 1) {  // profiles not meant to be on together: no such check
      notes.push_back(f.base + " + " + std::string(basename(v.spec.files[1])) + ": profiles " +
                      words_list(v.spec.profiles) + " are not valid together; no check with all of them");
      continue;
    }
    valid_check(unique_id(P + "compose." + slug(v.name) + ".profiles"),
                f.base + " + " + std::string(basename(v.spec.files[1])) + " with profile" +
                    (v.spec.profiles.size() == 1 ? " " : "s ") + words_list(v.spec.profiles) + " valid",
                section, v.spec,
                {}, "the overlay with every profile active");
  }

  // The migration pattern: services that wait for a one-shot service to complete, per target.
  // Each variant with every profile on, or with one profile at a time where they conflict.
  std::vector<Variant> waits;
  for (const auto& v : variants)
    for (auto& w : valid_profile_sets(v)) waits.push_back(std::move(w));
  std::vector<std::string> targets;
  for (const auto& v : waits)
    for (const auto& t : one_shot_targets(*v.project))
      if (std::find(targets.begin(), targets.end(), t) == targets.end()) targets.push_back(t);
  for (const auto& target : targets) {
    // Variants that agree on who waits share one check; an overlay that changes the list gets its own.
    std::vector<std::pair<std::vector<std::string>, std::vector<const Variant*>>> groups;
    for (const auto& v : waits) {
      std::vector<std::string> waiting = waiting_for(*v.project, target);
      if (waiting.empty()) continue;
      auto g = std::find_if(groups.begin(), groups.end(), [&](const auto& x) { return x.first == waiting; });
      if (g == groups.end()) groups.emplace_back(waiting, std::vector<const Variant*>{&v});
      else g->second.push_back(&v);
    }
    for (size_t gi = 0; gi < groups.size(); ++gi) {
      const auto& [waiting, members] = groups[gi];
      std::vector<ProjectSpec> specs;
      for (const Variant* v : members) specs.push_back(v->spec);
      std::string id = P + slug(target) + ".ordering" + (gi == 0 ? "" : "." + slug(members.front()->name));
      CheckText c;
      c.comments.push_back(words_list(waiting) + " start only once " + target + " has completed successfully");
      c.lines = {"id: " + unique_id(id), "kind: compose-depends", "section: " + text_value(section),
                 "title: " + text_value("Services wait for " + target + " to complete (" + f.base + ")")};
      project_keys(specs, &c.lines);
      c.lines.push_back("services: " + flow(waiting));
      c.lines.push_back("depend_on: " + q(target));
      c.lines.push_back("condition: service_completed_successfully");
      variables_hint(specs, &c.lines);
      write(c, false);
    }
    // Suggested, not asserted: that the one-shot service stays, and what it runs.
    if (const Node* svc = variants.front().project->service(target)) {
      CheckText c;
      c.comments.push_back(target + " is a one-shot service (others wait for it to complete). To keep it, and what it");
      c.comments.push_back("runs, uncomment (command_runs_module: a Python module its command runs, -m NAME):");
      c.lines = {"id: " + unique_id(P + slug(target) + ".service"), "kind: compose-service", "section: " + text_value(section),
                 "title: " + text_value(target + " service defined in " + f.base), "files: " + flow({f.base}),
                 "service: " + q(target)};
      std::vector<std::string> words = command_words(*svc, "entrypoint");
      for (auto& w : command_words(*svc, "command")) words.push_back(std::move(w));
      for (size_t i = 0; i + 1 < words.size(); ++i)
        if (words[i] == "-m") {
          c.lines.push_back("command_runs_module: " + q(words[i + 1]));
          break;
        }
      write(c, true);
    }
  }

  // Named volumes: shared ones may be a mistake; replicas each with their own may want to stay so.
  const Project& wide = *variants.front().project;
  std::map<std::string, std::vector<std::string>> users;  // named volume -> services mounting it
  std::vector<std::string> volume_order;
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> by_build;  // image/build -> (service, volume)
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
    if (const Node* b = svc.find("build")) origin = "build:" + (b->is_scalar() ? b->text : b->find("context") ? b->find("context")->text : "");
    else if (const Node* i = svc.find("image")) origin = "image:" + i->text;
    if (!first_volume.empty() && !origin.empty()) by_build[origin].emplace_back(name, first_volume);
  }
  ProjectSpec wide_spec = variants.front().spec;
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
    CheckText c;
    c.comments.push_back(words_list(names) + " run the same " + (starts_with(origin, "build") ? "build" : "image") +
                         " and each mount a named volume of their own. To keep it so, uncomment:");
    c.lines = {"id: " + unique_id(P + "volumes." + slug(names.front())), "kind: compose-volumes",
               "section: " + text_value(section), "title: " + text_value(words_list(names) + " each have their own volume")};
    project_keys({wide_spec}, &c.lines);
    c.lines.push_back("mounts:");
    for (const auto& [svc, vol] : group) c.lines.push_back("  " + q(svc) + ": " + q(vol));
    c.lines.push_back("distinct_among: " + q(glob_for(names)));
    write(c, true);
  }
  for (const auto& volume : volume_order) {
    const auto& names = users[volume];
    if (names.size() < 2) continue;
    CheckText c;
    c.comments.push_back(words_list(names) + " all mount the named volume " + volume + ". If each should have its own");
    c.comments.push_back("(state per shard or per replica), give each one and uncomment (it fails until then):");
    c.lines = {"id: " + unique_id(P + "volumes." + slug(volume)), "kind: compose-volumes", "section: " + text_value(section),
               "title: " + text_value(words_list(names) + " do not share a named volume")};
    project_keys({wide_spec}, &c.lines);
    c.lines.push_back("distinct_among: " + q(glob_for(names)));
    write(c, true);
  }
}

const char kHeader[] =
    "# smokehook configuration, written by `smokehook init` from this repository's compose files.\n"
    "# Each check passed when it was written; edit, remove or add checks (README.md, \"Configuration\").\n"
    "# Commented-out checks are suggestions: what the files suggest but do not say; uncomment what is true.\n"
    "# `smokehook list` shows what triggers each check; `smokehook --all` runs them all;\n"
    "# `smokehook init --default` writes the original production smoke suite instead.\n"
    "#\n"
    "# Compose checks name a project as `files` (+ `profiles`), or several as `projects: [{files, profiles}]`.\n"
    "# Variables for interpolation, as a deployment gives them: `env_file: [path]` (read in place of the\n"
    "# project's .env, as docker compose --env-file) and `environment: {NAME: value}` (where the process\n"
    "# environment does not set NAME), beside `files`.\n";

const char kGates[] =
    "\n  # ==== Text gates (examples: uncomment and adapt) ====\n"
    "  # - id: no-debug-settings\n"
    "  #   kind: forbid                 # no selected file contains the word (or `pattern`: a regex)\n"
    "  #   word: DEBUG_TOOLBAR\n"
    "  #   paths: [\"*.py\"]\n"
    "  #   except: [\"tests/\"]\n"
    "  # - id: wiring.metrics\n"
    "  #   kind: require                # the file exists and contains every pattern and literal\n"
    "  #   path: app/main.py\n"
    "  #   patterns: ['\\bregister_metrics\\s*\\(']\n";

}  // namespace

InitConfig make_init_config(const FileSource& source, const FileSource* fallback, const VariableLookup& environment) {
  InitConfig result;
  std::vector<Found> found = discover(source);
  Writer w(source, fallback, environment);
  for (const auto& f : found) w.project(f, &result);
  std::string text = kHeader;
  std::string left_out;
  if (!w.left_out.empty()) {
    left_out = "#\n# Left out: compose files with no compose.yaml or docker-compose.yml beside them to merge onto, and not\n"
               "# valid alone. To check one, name it after the file it merges onto (files: [base, overlay]):\n";
    for (const auto& path : w.left_out) left_out += "#   " + path + "\n";
  }
  if (result.projects == 0) {
    text += left_out;
    text +=
        "#\n"
        "# No compose " + std::string(w.left_out.empty() ? "file" : "project") +
        " was found (compose.yaml, compose.yml, docker-compose.yaml, docker-compose.yml, in any\n"
        "# folder), so there is no check yet. To add some, replace `checks: []` with `checks:` and a list, e.g.\n"
        "# (kinds: compose-valid, compose-service, compose-depends, compose-volumes, forbid, require, http):\n"
        "#\n"
        "# checks:\n"
        "#   - id: compose.base\n"
        "#     kind: compose-valid\n"
        "#     files: [compose.yaml]\n"
        "#   - id: no-debug-settings\n"
        "#     kind: forbid               # no selected file contains the word (or `pattern`: a regex)\n"
        "#     word: DEBUG_TOOLBAR\n"
        "#     paths: [\"*.py\"]\n"
        "#     except: [\"tests/\"]\n";
    text += "version: 1\nchecks: []\n";
  } else {
    text += left_out;
    text += "version: 1\nchecks:";
    text += w.out;
    text += kGates;
  }
  result.text = std::move(text);
  result.notes = std::move(w.notes);
  result.checks = w.checks;
  return result;
}

}  // namespace smokehook
