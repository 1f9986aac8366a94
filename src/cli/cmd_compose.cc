// `smokehook compose`: the merged, interpolated model, like `docker compose config`, with its options.
#include <re2/re2.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "git/disk_source.h"
#include "cli/commands.h"
#include "compose/model.h"
#include "compose/project.h"
#include "compose/raw.h"
#include "compose/dotenv.h"
#include "base/json_text.h"
#include "base/text.h"
#include "cli/workspace.h"

extern char** environ;

namespace smokehook {
namespace {

using json = nlohmann::ordered_json;

// A key written plain only when every YAML reader takes it for a string: YAML 1.1 readers take
// `yes`, `on`, `n`, `~` for booleans and null, and a leading digit or sign may make a number.
bool plain_key(const std::string& k) {
  static const RE2 kPlain("[A-Za-z_][A-Za-z0-9_./-]*");
  static const RE2 kSpecial("(?i)y|n|yes|no|true|false|on|off|null");
  return RE2::FullMatch(k, kPlain) && !RE2::FullMatch(k, kSpecial);
}

void emit_yaml(YAML::Emitter& e, const json& j) {
  if (j.is_object()) {
    e << YAML::BeginMap;
    for (auto it = j.begin(); it != j.end(); ++it) {
      e << YAML::Key;
      if (plain_key(it.key())) e << it.key();
      else e << YAML::DoubleQuoted << it.key();
      e << YAML::Value;
      emit_yaml(e, it.value());
    }
    e << YAML::EndMap;
  } else if (j.is_array()) {
    e << YAML::BeginSeq;
    for (const auto& item : j) emit_yaml(e, item);
    e << YAML::EndSeq;
  } else if (j.is_string()) {
    e << YAML::DoubleQuoted << j.get<std::string>();
  } else if (j.is_null()) {
    e << YAML::Null;
  } else {
    e << j.dump();
  }
}

// As compose normalizes a project name: lower case, only [a-z0-9_-], no leading '_' or '-'.
std::string normalize_project_name(std::string_view s) {
  std::string out;
  for (char c : s) {
    char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (std::isdigit(static_cast<unsigned char>(l)) || (l >= 'a' && l <= 'z') || l == '_' || l == '-') out += l;
  }
  size_t start = out.find_first_not_of("_-");
  return start == std::string::npos ? "" : out.substr(start);
}

std::string absolute(const std::string& cwd, const std::string& path) {
  return normalize_path(!path.empty() && path[0] == '/' ? path : join_path(cwd, path));
}

// The variables a project is interpolated with: the process environment, then the env files (the
// project's .env, or --env-file), and the project name as COMPOSE_PROJECT_NAME once it is known.
struct Variables {
  EnvVars files;
  std::string project_name;
  mutable bool name_asked = false;

  std::optional<std::string> get(std::string_view name) const {
    if (name == "COMPOSE_PROJECT_NAME" && !project_name.empty()) {
      name_asked = true;
      return project_name;
    }
    if (const char* v = std::getenv(std::string(name).c_str())) return std::string(v);
    for (auto it = files.rbegin(); it != files.rend(); ++it)
      if (it->first == name) return it->second;
    if (name == "COMPOSE_PROJECT_NAME") name_asked = true;
    return std::nullopt;
  }
  VariableLookup lookup() const {
    return [this](std::string_view name) { return get(name); };
  }
  // Every variable, sorted: what `config --environment` prints.
  std::map<std::string, std::string> all() const {
    std::map<std::string, std::string> out;
    for (const auto& [k, v] : files) out[k] = v;
    for (char** e = environ; e && *e; ++e) {
      std::string_view kv(*e);
      size_t eq = kv.find('=');
      if (eq != std::string_view::npos) out[std::string(kv.substr(0, eq))] = std::string(kv.substr(eq + 1));
    }
    if (!project_name.empty()) out["COMPOSE_PROJECT_NAME"] = project_name;
    return out;
  }
};

// Reads KEY=VALUE lines into `into`; false, with a message, when the file is unreadable or malformed.
bool read_env_file(const DiskSource& disk, const std::string& path, bool required, EnvVars* into, std::string* err) {
  std::string text, read_err;
  ReadStatus st = disk.read(path, &text, &read_err);
  if (st == ReadStatus::NotFound) {
    if (required) *err = "couldn't find env file: " + path;
    return !required;
  }
  if (st != ReadStatus::Ok) {
    *err = path + ": " + read_err;
    return false;
  }
  Finding bad;
  EnvVars vars;
  if (!parse_dotenv(text, path, process_environment(), &vars, &bad)) {
    *err = bad.to_string();
    return false;
  }
  into->insert(into->end(), vars.begin(), vars.end());
  return true;
}

// docker compose's file search: the first of compose.yaml, compose.yml, docker-compose.yml,
// docker-compose.yaml in `dir` or the nearest parent, and the first override file beside it.
std::vector<std::string> find_compose_files(const DiskSource& disk, std::string dir) {
  static const char* const names[] = {"compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"};
  static const char* const overrides[] = {"compose.override.yml", "compose.override.yaml",
                                          "docker-compose.override.yml", "docker-compose.override.yaml"};
  for (;;) {
    for (const char* name : names) {
      std::string candidate = join_path(dir, name);
      if (!disk.exists(candidate)) continue;
      std::vector<std::string> files = {candidate};
      for (const char* o : overrides)
        if (disk.exists(join_path(dir, o))) {
          files.push_back(join_path(dir, o));
          break;
        }
      return files;
    }
    if (dir == "/" || dir.empty()) return {};
    std::string parent = dirname(dir);
    dir = parent.empty() ? "/" : parent;
  }
}

std::vector<std::string> split_list(const std::string& text, const std::string& separator) {
  std::vector<std::string> out;
  for (size_t start = 0; !text.empty() && start <= text.size();) {
    size_t end = text.find(separator, start);
    if (end == std::string::npos) end = text.size();
    if (end > start) out.push_back(text.substr(start, end - start));
    start = end + separator.size();
  }
  return out;
}

// The services SERVICE... names and every service they depend on, transitively.
bool select_services(const Project& p, const std::vector<std::string>& wanted, std::set<std::string>* out,
                     std::string* err) {
  std::vector<std::string> todo(wanted.rbegin(), wanted.rend());
  while (!todo.empty()) {
    std::string name = todo.back();
    todo.pop_back();
    if (out->count(name)) continue;
    const Node* svc = p.service(name);
    if (!svc || !p.enabled(*svc)) {
      *err = "no such service: " + name;
      return false;
    }
    out->insert(name);
    for (const Dependency& d : dependencies(*svc)) {
      const Node* dep = p.service(d.service);
      if (dep && p.enabled(*dep)) todo.push_back(d.service);
    }
  }
  return true;
}

// Services, dependencies first (ties by name): the order `config --services` walks them in.
std::vector<std::string> dependency_order(const json& services) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  std::function<void(const std::string&)> visit = [&](const std::string& name) {
    if (!seen.insert(name).second || !services.contains(name)) return;
    const json& svc = services[name];
    if (auto deps = svc.find("depends_on"); deps != svc.end())
      for (auto it = deps->begin(); it != deps->end(); ++it) visit(it.key());
    out.push_back(name);
  };
  for (auto it = services.begin(); it != services.end(); ++it) visit(it.key());
  return out;
}

// ${NAME...} and $NAME in one value, as `config --variables` lists them.
struct Variable {
  bool required = false;
  std::string default_value, presence_value;
};

void extract_variables(const std::string& s, std::map<std::string, Variable>* out) {
  auto name_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    if (s[i] != '$') continue;
    char next = s[i + 1];
    if (next == '$') {
      ++i;
      continue;
    }
    if (std::isalpha(static_cast<unsigned char>(next)) || next == '_') {
      size_t end = i + 1;
      while (end < s.size() && name_char(s[end])) ++end;
      (*out)[s.substr(i + 1, end - i - 1)] = Variable{};
      i = end - 1;
      continue;
    }
    if (next != '{') continue;
    int depth = 0;
    size_t close = std::string::npos;
    for (size_t k = i + 1; k < s.size(); ++k) {
      if (s[k] == '{') ++depth;
      else if (s[k] == '}' && --depth == 0) {
        close = k;
        break;
      }
    }
    if (close == std::string::npos) return;
    std::string val = s.substr(i + 2, close - i - 2);
    size_t n = 0;
    while (n < val.size() && name_char(val[n])) ++n;
    if (n == 0 || !(std::isalpha(static_cast<unsigned char>(val[0])) || val[0] == '_')) {
      i = close;
      continue;
    }
    Variable v;
    std::string rest = val.substr(n);
    if (starts_with(rest, ":?") || starts_with(rest, "?")) v.required = true;
    else if (starts_with(rest, ":-")) v.default_value = rest.substr(2);
    else if (starts_with(rest, "-")) v.default_value = rest.substr(1);
    else if (starts_with(rest, ":+")) v.presence_value = rest.substr(2);
    else if (starts_with(rest, "+")) v.presence_value = rest.substr(1);
    (*out)[val.substr(0, n)] = v;
    if (!v.default_value.empty()) extract_variables(v.default_value, out);
    if (!v.presence_value.empty()) extract_variables(v.presence_value, out);
    i = close;
  }
}

void extract_variables(const Node& n, std::map<std::string, Variable>* out) {
  if (n.is_scalar()) extract_variables(n.text, out);
  for (const Node& item : n.items) extract_variables(item, out);
  for (const auto& e : n.entries) extract_variables(e.value, out);
}

// Go's tabwriter as docker's tables use it: cells padded to the widest plus 3, at least 20.
std::string table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width;
  for (const auto& r : rows)
    for (size_t c = 0; c + 1 < r.size(); ++c) {
      if (width.size() <= c) width.resize(c + 1, 0);
      width[c] = std::max(width[c], r[c].size() + 3);
    }
  std::string out;
  for (const auto& r : rows) {
    for (size_t c = 0; c < r.size(); ++c) {
      out += r[c];
      if (c + 1 < r.size()) out += std::string(std::max<size_t>(width[c], 20) - r[c].size(), ' ');
    }
    out += "\n";
  }
  return out;
}

}  // namespace

int cmd_compose(const Options& o) {
  if (!o.compose_needs_engine.empty())
    return usage_error("compose: " + o.compose_needs_engine +
                       " needs a registry and a Docker engine to read image digests; smokehook reads files only");
  if (!o.compose_hash.empty())
    return usage_error("compose: --hash is not supported (the hash is docker compose's own encoding of a service)");
  const std::string cwd = current_dir();
  DiskSource disk(cwd, nullptr);
  std::string project_dir = o.compose_project_directory.empty() ? "" : absolute(cwd, o.compose_project_directory);

  // The variables: --env-file, else the .env of the project folder (docker compose reads it before
  // it looks for the compose files: the folder named, the first -f file's, else this one).
  Variables vars;
  std::string env_dir = !project_dir.empty()            ? project_dir
                        : !o.compose_files.empty() ? dirname(absolute(cwd, o.compose_files.front()))
                                                       : cwd;
  std::string err;
  if (!o.compose_env_files.empty()) {
    for (const auto& f : o.compose_env_files)
      if (!read_env_file(disk, absolute(cwd, f), true, &vars.files, &err)) {
        std::cerr << err << "\n";
        return 1;
      }
  } else if (!read_env_file(disk, join_path(env_dir, ".env"), false, &vars.files, &err)) {
    std::cerr << err << "\n";
    return 1;
  }

  ProjectSpec spec;
  for (const auto& f : o.compose_files) spec.files.push_back(absolute(cwd, f));
  if (spec.files.empty())
    if (auto compose_file = vars.get("COMPOSE_FILE")) {
      std::string separator = vars.get("COMPOSE_PATH_SEPARATOR").value_or("");
      for (const auto& f : split_list(*compose_file, separator.empty() ? ":" : separator))
        spec.files.push_back(absolute(cwd, f));
    }
  if (spec.files.empty()) spec.files = find_compose_files(disk, project_dir.empty() ? cwd : project_dir);
  if (spec.files.empty()) {
    std::cerr << "no configuration file provided: not found\n";
    return 1;
  }
  if (project_dir.empty()) project_dir = dirname(spec.files.front());
  if (project_dir.empty()) project_dir = "/";
  for (auto& f : spec.files)  // messages name the files below this folder as relative paths
    if (starts_with(f, cwd + "/")) f = f.substr(cwd.size() + 1);
  for (const auto& f : o.compose_env_files) spec.env_files.push_back(absolute(cwd, f));  // in place of .env
  spec.profiles = o.compose_profiles;
  if (spec.profiles.empty())
    if (auto v = vars.get("COMPOSE_PROFILES"))
      for (auto& s : split(*v, ','))
        if (!trim(s).empty()) spec.profiles.emplace_back(trim(s));
  if (spec.profiles.empty()) spec.profiles.push_back("");  // none active: not the loader's own lookup

  // The project name: -p, else COMPOSE_PROJECT_NAME, else the files' `name`, else the folder's.
  if (!o.compose_project_name.empty()) {
    if (normalize_project_name(o.compose_project_name) != o.compose_project_name) {
      std::cerr << "invalid project name \"" << o.compose_project_name
                << "\": must consist only of lowercase alphanumeric characters, hyphens, and underscores as well as "
                   "start with a letter or number\n";
      return 1;
    }
    vars.project_name = o.compose_project_name;
  } else if (auto v = vars.get("COMPOSE_PROJECT_NAME"); v && !v->empty()) {
    vars.project_name = *v;
  }
  bool named = !vars.project_name.empty();
  if (!named) vars.project_name = normalize_project_name(basename(project_dir));

  ComposeContext ctx;
  ctx.source = &disk;
  ctx.fallback = nullptr;
  if (!o.compose_project_directory.empty()) ctx.project_dir = project_dir;
  ctx.no_consistency = o.compose_no_consistency;
  ctx.no_normalize = o.compose_no_normalize;
  // --no-interpolate prints the loader's model, unchecked, and so lists its services (docker compose
  // loads the typed project, uninterpolated, for the other listings); --variables reads that model.
  const std::string& listing = o.compose_listing;
  ctx.no_interpolate = o.compose_no_interpolate || listing == "variables";
  bool raw = (o.compose_no_interpolate && (listing.empty() || listing == "services")) || listing == "variables";
  ctx.model_only = raw;
  ctx.no_env_files = !listing.empty() && listing != "environment";
  ctx.environment = vars.lookup();
  vars.name_asked = false;
  Project p = load_project(spec, ctx);
  if (!named && p.valid())
    if (const Node* name = p.model.find("name"); name && name->is_scalar())
      if (std::string n = o.compose_no_normalize ? name->text : normalize_project_name(name->text);
          !n.empty() && n != vars.project_name) {
        vars.project_name = n;
        if (vars.name_asked && !o.compose_no_normalize) p = load_project(spec, ctx);  // ${COMPOSE_PROJECT_NAME} reads the name
      }
  std::set<std::string> printed;  // each warning once, as it is one mistake
  for (const auto& w : p.warnings) {
    // An unset variable is one warning wherever it is used, as docker compose prints it; the first
    // place is named.
    bool per_variable = w.message.find("\" variable is not set") != std::string::npos;
    if (printed.insert(per_variable ? w.message : w.to_string()).second)
      std::cerr << "smokehook: warning: " << w.to_string() << "\n";
  }
  if (!p.valid()) {
    std::set<std::string> seen;
    for (const auto& e : p.errors)
      if (seen.insert(e.to_string()).second) std::cerr << e.to_string() << "\n";
    return 1;
  }

  std::set<std::string> only;  // the loader's model has every service: SERVICE... selects none
  if (!raw && !o.compose_services.empty() && !select_services(p, o.compose_services, &only, &err)) {
    std::cerr << err << "\n";
    return 1;
  }
  if (o.compose_quiet) return 0;  // valid: nothing to print
  ModelOptions mo;
  mo.directory = o.compose_no_path_resolution ? "" : project_dir;
  mo.lookup = vars.lookup();
  mo.only = only.empty() ? nullptr : &only;
  mo.normalize = !o.compose_no_normalize;
  mo.yaml = o.compose_listing.empty() && o.compose_format != "json";
  json model;
  if (raw) {
    RawModelOptions ro;
    ro.name = vars.project_name;
    ro.directory = mo.directory;
    // compose-go's loader model sees no variable but the project's name (its environment is not
    // passed on): `- VAR` entries and build args without a value stay unresolved.
    ro.lookup = [&vars](std::string_view k) -> std::optional<std::string> {
      if (k == "COMPOSE_PROJECT_NAME") return vars.project_name;
      return std::nullopt;
    };
    ro.normalize = mo.normalize;
    ro.yaml = mo.yaml;
    model = raw_project_json(p, ro);
  } else {
    model = project_json(p, vars.project_name, mo);
  }

  std::string out;
  auto keys_of = [&](const char* section) {
    std::vector<std::string> names;
    if (auto s = model.find(section); s != model.end())
      for (auto it = s->begin(); it != s->end(); ++it) names.push_back(it.key());
    return names;
  };
  auto lines = [&](const std::vector<std::string>& names) {
    for (const auto& n : names) out += n + "\n";
  };
  if (listing == "services") {
    lines(dependency_order(model["services"]));
  } else if (listing == "volumes" || listing == "networks" || listing == "models") {
    if (listing == "models") {
      std::set<std::string> used;  // models the enabled services use
      for (const auto& [name, svc] : model["services"].items()) {
        (void)name;
        if (auto m = svc.find("models"); m != svc.end())
          for (auto it = m->begin(); it != m->end(); ++it) used.insert(it.key());
      }
      if (const Node* models = p.model.find("models"))  // docker compose prints each one's `model`
        for (const auto& e : models->entries)
          if (const Node* m = e.value.find("model"); m && used.count(e.key) && !scalar_string(*m).empty())
            out += scalar_string(*m) + "\n";
    } else {
      lines(keys_of(listing.c_str()));
    }
  } else if (listing == "profiles") {
    std::set<std::string> profiles;
    if (const Node* services = p.model.find("services"))
      for (const auto& e : services->entries)
        if (const Node* ps = e.value.find("profiles"))
          for (const Node& pr : ps->items) profiles.insert(pr.text);
    lines(std::vector<std::string>(profiles.begin(), profiles.end()));
  } else if (listing == "images") {
    for (const auto& [name, svc] : model["services"].items()) {
      std::string image = svc.value("image", "");
      out += (image.empty() ? vars.project_name + "-" + name : image) + "\n";
    }
    // The model escapes '$' as "$$"; image names are printed as they are.
    std::string unescaped;
    for (size_t i = 0; i < out.size(); ++i) {
      unescaped += out[i];
      if (out[i] == '$' && i + 1 < out.size() && out[i + 1] == '$') ++i;
    }
    out = unescaped;
  } else if (listing == "environment") {
    auto all = vars.all();
    if (!all.count("PWD")) all["PWD"] = cwd;
    for (const auto& [k, v] : all) out += k + "=" + v + "\n";
  } else if (listing == "variables") {
    std::map<std::string, Variable> found;
    std::vector<std::string> files = spec.files;  // and the files they extend or include
    for (const auto& f : p.inputs)
      if ((ends_with(f, ".yaml") || ends_with(f, ".yml")) && std::find(files.begin(), files.end(), f) == files.end())
        files.push_back(f);
    for (const auto& f : files) {
      std::string text;
      std::vector<Node> docs;
      Finding bad;
      if (disk.read(f, &text, &err) == ReadStatus::Ok && parse_yaml(text, f, &docs, &bad))
        for (const Node& d : docs)
          for (const auto& e : d.entries)  // normalized, the name is the project's by then, not the file's
            if (e.key != "name" || o.compose_no_normalize) extract_variables(e.value, &found);
    }
    std::vector<std::vector<std::string>> rows = {{"NAME", "REQUIRED", "DEFAULT VALUE", "ALTERNATE VALUE"}};
    for (const auto& [name, v] : found)
      rows.push_back({name, v.required ? "true" : "false", v.default_value, v.presence_value});
    out = table(rows);
  } else if (o.compose_format == "json") {
    if (o.compose_output.empty() && listing.empty()) {  // written as it is made: see write_json
      write_json(std::cout, model, 2);
      std::cout << "\n";
      return 0;
    }
    append_json(&out, model, 2);  // what model.dump(2) writes, without its per-byte UTF-8 decoding
    out += "\n";
  } else {
    YAML::Emitter e;
    emit_yaml(e, model);
    out = std::string(e.c_str()) + "\n";
  }
  if (!o.compose_output.empty() && listing.empty()) {
    std::ofstream file(o.compose_output, std::ios::binary | std::ios::trunc);
    if (!(file << out)) {
      std::cerr << "open " << o.compose_output << ": cannot write\n";
      return 1;
    }
    return 0;
  }
  std::cout << out;
  return 0;
}

}  // namespace smokehook
