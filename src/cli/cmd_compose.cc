// `smokehook compose`: the merged, interpolated model, like `docker compose config`, with its
// options.
#include <re2/re2.h>
#include <yaml-cpp/yaml.h>

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "base/json_text.h"
#include "base/text.h"
#include "cli/commands.h"
#include "cli/workspace.h"
#include "compose/dotenv.h"
#include "compose/model.h"
#include "compose/project.h"
#include "compose/raw.h"
#include "git/disk_source.h"

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
      if (plain_key(it.key()))
        e << it.key();
      else
        e << YAML::DoubleQuoted << it.key();
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
    if (std::isdigit(static_cast<unsigned char>(l)) || (l >= 'a' && l <= 'z') || l == '_' ||
        l == '-')
      out += l;
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
      if (eq != std::string_view::npos)
        out[std::string(kv.substr(0, eq))] = std::string(kv.substr(eq + 1));
    }
    if (!project_name.empty()) out["COMPOSE_PROJECT_NAME"] = project_name;
    return out;
  }
};

// docker compose's file search: the first of compose.yaml, compose.yml, docker-compose.yml,
// docker-compose.yaml in `dir` or the nearest parent, and the first override file beside it.
std::vector<std::string> find_compose_files(const DiskSource& disk, std::string dir) {
  static const char* const names[] = {"compose.yaml", "compose.yml", "docker-compose.yml",
                                      "docker-compose.yaml"};
  static const char* const overrides[] = {"compose.override.yml", "compose.override.yaml",
                                          "docker-compose.override.yml",
                                          "docker-compose.override.yaml"};
  for (;;) {
    for (const char* name : names) {
      std::string candidate = join_path(dir, name);
      if (!disk.exists(candidate)) continue;
      std::vector<std::string> files = {candidate};
      for (const char* o : overrides) {
        if (disk.exists(join_path(dir, o))) {
          files.push_back(join_path(dir, o));
          break;
        }
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
bool select_services(const Project& p, const std::vector<std::string>& wanted,
                     std::set<std::string>* out, std::string* err) {
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
      if (s[k] == '{')
        ++depth;
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
    if (starts_with(rest, ":?") || starts_with(rest, "?"))
      v.required = true;
    else if (starts_with(rest, ":-"))
      v.default_value = rest.substr(2);
    else if (starts_with(rest, "-"))
      v.default_value = rest.substr(1);
    else if (starts_with(rest, ":+"))
      v.presence_value = rest.substr(2);
    else if (starts_with(rest, "+"))
      v.presence_value = rest.substr(1);
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
  for (const auto& r : rows) {
    for (size_t c = 0; c + 1 < r.size(); ++c) {
      if (width.size() <= c) width.resize(c + 1, 0);
      width[c] = std::max(width[c], r[c].size() + 3);
    }
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

// The files `--env-file` names, read once: any file the process can read, as docker compose opens
// it (a regular file, a link to one, /dev/null, a pipe such as <(...)), where a FileSource reads
// only regular files and a link as its target's name. The loader then reads them from here: a pipe
// gives its bytes once.
class EnvFileSource : public FileSource {
 public:
  explicit EnvFileSource(const FileSource& disk) : disk_(disk) {}

  // Reads `path` (absolute) for good; NotFound when it does not exist.
  ReadStatus pin(const std::string& path, std::string* err) {
    std::string text;
    if (::access(path.c_str(), F_OK) != 0 && errno == ENOENT) return ReadStatus::NotFound;
    if (!read_whole_file(path, &text, err)) return ReadStatus::Error;
    pinned_[path] = std::move(text);
    return ReadStatus::Ok;
  }
  const std::string& text(const std::string& path) const { return pinned_.at(path); }

  ReadStatus read(std::string_view path, std::string* content, std::string* err) const override {
    auto it = pinned_.find(std::string(path));
    if (it == pinned_.end()) return disk_.read(path, content, err);
    *content = it->second;
    return ReadStatus::Ok;
  }
  bool exists(std::string_view path) const override {
    return pinned_.count(std::string(path)) || disk_.exists(path);
  }
  std::optional<uint64_t> size(std::string_view path) const override {
    auto it = pinned_.find(std::string(path));
    return it == pinned_.end() ? disk_.size(path) : std::optional<uint64_t>(it->second.size());
  }
  const std::vector<std::string>& paths() const override { return disk_.paths(); }
  std::string name() const override { return disk_.name(); }

 private:
  const FileSource& disk_;
  std::map<std::string, std::string> pinned_;
};

// One run of `smokehook compose`, in the order docker compose's `config` takes its steps: the
// variables, the files, the project's name, the project loaded, then what to print. cmd_compose
// hands each step its turn, as ninja's ManifestParser::Parse hands each token to the function that
// reads it; each step prints its own error and says whether to go on.
class ComposeCommand {
 public:
  explicit ComposeCommand(const Options& o)
      : o_(o), cwd_(current_dir()), disk_(cwd_, nullptr), source_(disk_) {}

  int refuse_engine_options() const;
  bool read_variables();
  bool find_files();
  bool name_project();
  bool load();
  int print();

 private:
  bool read_env_file(const std::string& path, bool required);
  json model() const;
  std::string list_models(const json& model) const;
  std::string list_profiles() const;
  std::string list_images(const json& model) const;
  std::string list_environment() const;
  std::string list_variables() const;
  std::string render(const json& model) const;

  const Options& o_;
  const std::string cwd_;
  DiskSource disk_;
  EnvFileSource source_;  // the disk, and the --env-file files read once
  std::string project_dir_;
  Variables vars_;
  ProjectSpec spec_;
  bool named_ = false;  // the name came from -p or COMPOSE_PROJECT_NAME, not from the files
  ComposeContext ctx_;
  Project project_;
  std::set<std::string> only_;  // SERVICE...: those and what they depend on
  bool raw_ = false;            // the loader's model, as --no-interpolate and --variables read it
};

int ComposeCommand::refuse_engine_options() const {
  if (!o_.compose_needs_engine.empty()) {
    return usage_error(
        "compose: " + o_.compose_needs_engine +
        " needs a registry and a Docker engine to read image digests; smokehook reads files only");
  }
  if (!o_.compose_hash.empty())
    return usage_error(
        "compose: --hash is not supported (the hash is docker compose's own encoding of a "
        "service)");
  return 0;
}

// KEY=VALUE lines into the variables; false, with a message, when the file is unreadable or
// malformed. `required`: a file --env-file names (the project's .env may be absent).
bool ComposeCommand::read_env_file(const std::string& path, bool required) {
  std::string text, err;
  ReadStatus st = required ? source_.pin(path, &err) : disk_.read(path, &text, &err);
  if (st == ReadStatus::Ok && required) text = source_.text(path);
  if (st == ReadStatus::NotFound) {
    if (required) std::cerr << "couldn't find env file: " << path << "\n";
    return !required;
  }
  if (st != ReadStatus::Ok) {
    std::cerr << path << ": " << err << "\n";
    return false;
  }
  Finding bad;
  EnvVars vars;
  if (!parse_dotenv(text, path, process_environment(), &vars, &bad)) {
    std::cerr << bad.to_string() << "\n";
    return false;
  }
  vars_.files.insert(vars_.files.end(), vars.begin(), vars.end());
  return true;
}

// --env-file, else the .env of the project folder (docker compose reads it before it looks for the
// compose files: the folder named, the first -f file's, else this one).
bool ComposeCommand::read_variables() {
  if (!o_.compose_project_directory.empty())
    project_dir_ = absolute(cwd_, o_.compose_project_directory);
  if (!o_.compose_env_files.empty()) {
    for (const auto& f : o_.compose_env_files)
      if (!read_env_file(absolute(cwd_, f), true)) return false;
    return true;
  }
  std::string env_dir = !project_dir_.empty() ? project_dir_
                        : !o_.compose_files.empty()
                            ? dirname(absolute(cwd_, o_.compose_files.front()))
                            : cwd_;
  return read_env_file(join_path(env_dir, ".env"), false);
}

// -f, else COMPOSE_FILE, else docker compose's file search; then the profiles.
bool ComposeCommand::find_files() {
  for (const auto& f : o_.compose_files) spec_.files.push_back(absolute(cwd_, f));
  if (spec_.files.empty()) {
    if (auto compose_file = vars_.get("COMPOSE_FILE")) {
      std::string separator = vars_.get("COMPOSE_PATH_SEPARATOR").value_or("");
      for (const auto& f : split_list(*compose_file, separator.empty() ? ":" : separator))
        spec_.files.push_back(absolute(cwd_, f));
    }
  }
  if (spec_.files.empty())
    spec_.files = find_compose_files(disk_, project_dir_.empty() ? cwd_ : project_dir_);
  if (spec_.files.empty()) {
    std::cerr << "no configuration file provided: not found\n";
    return false;
  }
  if (project_dir_.empty()) project_dir_ = dirname(spec_.files.front());
  if (project_dir_.empty()) project_dir_ = "/";
  for (auto& f : spec_.files)  // messages name the files below this folder as relative paths
    if (starts_with(f, cwd_ + "/")) f = f.substr(cwd_.size() + 1);
  for (const auto& f : o_.compose_env_files)
    spec_.env_files.push_back(absolute(cwd_, f));  // in place of .env
  spec_.profiles = o_.compose_profiles;
  if (spec_.profiles.empty()) {
    if (auto v = vars_.get("COMPOSE_PROFILES")) {
      for (auto& s : split(*v, ','))
        if (!trim(s).empty()) spec_.profiles.emplace_back(trim(s));
    }
  }
  if (spec_.profiles.empty())
    spec_.profiles.push_back("");  // none active: not the loader's own lookup
  return true;
}

// -p, else COMPOSE_PROJECT_NAME; else, for now, the folder's name (load() reads the files' `name`).
bool ComposeCommand::name_project() {
  if (!o_.compose_project_name.empty()) {
    if (normalize_project_name(o_.compose_project_name) != o_.compose_project_name) {
      std::cerr << "invalid project name \"" << o_.compose_project_name
                << "\": must consist only of lowercase alphanumeric characters, hyphens, and "
                   "underscores as well as "
                   "start with a letter or number\n";
      return false;
    }
    vars_.project_name = o_.compose_project_name;
  } else if (auto v = vars_.get("COMPOSE_PROJECT_NAME"); v && !v->empty()) {
    vars_.project_name = *v;
  }
  named_ = !vars_.project_name.empty();
  if (!named_) vars_.project_name = normalize_project_name(basename(project_dir_));
  return true;
}

// The project, its warnings (each once) and its errors; SERVICE... resolved.
bool ComposeCommand::load() {
  ctx_.source = &source_;
  ctx_.fallback = nullptr;
  if (!o_.compose_project_directory.empty()) ctx_.project_dir = project_dir_;
  ctx_.no_consistency = o_.compose_no_consistency;
  ctx_.no_normalize = o_.compose_no_normalize;
  // --no-interpolate prints the loader's model, unchecked, and so lists its services (docker
  // compose loads the typed project, uninterpolated, for the other listings); --variables reads
  // that model.
  const std::string& listing = o_.compose_listing;
  ctx_.no_interpolate = o_.compose_no_interpolate || listing == "variables";
  raw_ = (o_.compose_no_interpolate && (listing.empty() || listing == "services")) ||
         listing == "variables";
  ctx_.model_only = raw_;
  ctx_.no_env_files = !listing.empty() && listing != "environment";
  ctx_.environment = vars_.lookup();
  vars_.name_asked = false;
  project_ = load_project(spec_, ctx_);
  if (!named_ && project_.valid()) {
    if (const Node* name = project_.model.find("name"); name && name->is_scalar()) {
      if (std::string n = o_.compose_no_normalize ? name->text : normalize_project_name(name->text);
          !n.empty() && n != vars_.project_name) {
        vars_.project_name = n;
        if (vars_.name_asked && !o_.compose_no_normalize)
          project_ = load_project(spec_, ctx_);  // ${COMPOSE_PROJECT_NAME} reads the name
      }
    }
  }
  std::set<std::string> printed;  // each warning once, as it is one mistake
  for (const auto& w : project_.warnings) {
    // An unset variable is one warning wherever it is used, as docker compose prints it; the first
    // place is named.
    bool per_variable = w.message.find("\" variable is not set") != std::string::npos;
    if (printed.insert(per_variable ? w.message : w.to_string()).second)
      std::cerr << "smokehook: warning: " << w.to_string() << "\n";
  }
  if (!project_.valid()) {
    std::set<std::string> seen;
    for (const auto& e : project_.errors)
      if (seen.insert(e.to_string()).second) std::cerr << e.to_string() << "\n";
    return false;
  }
  std::string err;  // the loader's model has every service: SERVICE... selects none
  if (!raw_ && !o_.compose_services.empty() &&
      !select_services(project_, o_.compose_services, &only_, &err)) {
    std::cerr << err << "\n";
    return false;
  }
  return true;
}

// The model to print or list from: the loader's (raw) or the typed, normalized one.
json ComposeCommand::model() const {
  ModelOptions mo;
  mo.directory = o_.compose_no_path_resolution ? "" : project_dir_;
  mo.lookup = vars_.lookup();
  mo.only = only_.empty() ? nullptr : &only_;
  mo.normalize = !o_.compose_no_normalize;
  mo.yaml = o_.compose_listing.empty() && o_.compose_format != "json";
  if (!raw_) return project_json(project_, vars_.project_name, mo);
  RawModelOptions ro;
  ro.name = vars_.project_name;
  ro.directory = mo.directory;
  // compose-go's loader model sees no variable but the project's name (its environment is not
  // passed on): `- VAR` entries and build args without a value stay unresolved.
  const Variables& vars = vars_;
  ro.lookup = [&vars](std::string_view k) -> std::optional<std::string> {
    if (k == "COMPOSE_PROJECT_NAME") return vars.project_name;
    return std::nullopt;
  };
  ro.normalize = mo.normalize;
  ro.yaml = mo.yaml;
  return raw_project_json(project_, ro);
}

std::string names_of(const json& model, const std::string& section) {
  std::string out;
  if (auto s = model.find(section); s != model.end())
    for (auto it = s->begin(); it != s->end(); ++it) out += it.key() + "\n";
  return out;
}

// The `model` of each model the enabled services use, as docker compose prints them.
std::string ComposeCommand::list_models(const json& model) const {
  std::set<std::string> used;
  for (const auto& [name, svc] : model["services"].items()) {
    (void)name;
    if (auto m = svc.find("models"); m != svc.end())
      for (auto it = m->begin(); it != m->end(); ++it) used.insert(it.key());
  }
  std::string out;
  if (const Node* models = project_.model.find("models")) {
    for (const auto& e : models->entries) {
      if (const Node* m = e.value.find("model");
          m && used.count(e.key) && !scalar_string(*m).empty())
        out += scalar_string(*m) + "\n";
    }
  }
  return out;
}

std::string ComposeCommand::list_profiles() const {
  std::set<std::string> profiles;
  if (const Node* services = project_.model.find("services")) {
    for (const auto& e : services->entries) {
      if (const Node* ps = e.value.find("profiles"))
        for (const Node& pr : ps->items) profiles.insert(pr.text);
    }
  }
  std::string out;
  for (const auto& p : profiles) out += p + "\n";
  return out;
}

std::string ComposeCommand::list_images(const json& model) const {
  std::string out;
  for (const auto& [name, svc] : model["services"].items()) {
    std::string image = svc.value("image", "");
    out += (image.empty() ? vars_.project_name + "-" + name : image) + "\n";
  }
  // The model escapes '$' as "$$"; image names are printed as they are.
  std::string unescaped;
  for (size_t i = 0; i < out.size(); ++i) {
    unescaped += out[i];
    if (out[i] == '$' && i + 1 < out.size() && out[i + 1] == '$') ++i;
  }
  return unescaped;
}

std::string ComposeCommand::list_environment() const {
  auto all = vars_.all();
  if (!all.count("PWD")) all["PWD"] = cwd_;
  std::string out;
  for (const auto& [k, v] : all) out += k + "=" + v + "\n";
  return out;
}

// The variables the files use, read from their text: the files named and those they extend or
// include.
std::string ComposeCommand::list_variables() const {
  std::map<std::string, Variable> found;
  std::vector<std::string> files = spec_.files;
  for (const auto& f : project_.inputs) {
    if ((ends_with(f, ".yaml") || ends_with(f, ".yml")) &&
        std::find(files.begin(), files.end(), f) == files.end())
      files.push_back(f);
  }
  for (const auto& f : files) {
    std::string text, err;
    std::vector<Node> docs;
    Finding bad;
    if (disk_.read(f, &text, &err) == ReadStatus::Ok && parse_yaml(text, f, &docs, &bad)) {
      for (const Node& d : docs) {
        for (const auto& e :
             d.entries)  // normalized, the name is the project's by then, not the file's
          if (e.key != "name" || o_.compose_no_normalize) extract_variables(e.value, &found);
      }
    }
  }
  std::vector<std::vector<std::string>> rows = {
      {"NAME", "REQUIRED", "DEFAULT VALUE", "ALTERNATE VALUE"}};
  for (const auto& [name, v] : found)
    rows.push_back({name, v.required ? "true" : "false", v.default_value, v.presence_value});
  return table(rows);
}

// The whole model, as --format asks.
std::string ComposeCommand::render(const json& model) const {
  if (o_.compose_format == "json") {
    std::string out;
    append_json(&out, model, 2);  // what model.dump(2) writes, without its per-byte UTF-8 decoding
    return out + "\n";
  }
  YAML::Emitter e;
  emit_yaml(e, model);
  return std::string(e.c_str()) + "\n";
}

// What `config` prints: one listing (--services, --volumes, ...) or the model, to stdout or -o.
int ComposeCommand::print() {
  if (o_.compose_quiet) return 0;  // valid: nothing to print
  const std::string& listing = o_.compose_listing;
  if (listing == "environment") {  // the variables alone: no model needed
    std::cout << list_environment();
    return 0;
  }
  if (listing == "variables") {
    std::cout << list_variables();
    return 0;
  }
  if (listing == "profiles") {
    std::cout << list_profiles();
    return 0;
  }
  json m = model();
  std::string out;
  if (listing == "services") {
    for (const auto& name : dependency_order(m["services"])) out += name + "\n";
  } else if (listing == "volumes" || listing == "networks") {
    out = names_of(m, listing);
  } else if (listing == "models") {
    out = list_models(m);
  } else if (listing == "images") {
    out = list_images(m);
  } else if (o_.compose_format == "json" && o_.compose_output.empty() && listing.empty()) {
    write_json(std::cout, m, 2);  // written as it is made: see write_json
    std::cout << "\n";
    return 0;
  } else {
    out = render(m);
  }
  if (!o_.compose_output.empty() && listing.empty()) {
    std::ofstream file(o_.compose_output, std::ios::binary | std::ios::trunc);
    if (!(file << out)) {
      std::cerr << "open " << o_.compose_output << ": cannot write\n";
      return 1;
    }
    return 0;
  }
  std::cout << out;
  return 0;
}

}  // namespace

int cmd_compose(const Options& o) {
  ComposeCommand run(o);
  if (int status = run.refuse_engine_options()) return status;
  if (!run.read_variables() || !run.find_files() || !run.name_project() || !run.load()) return 1;
  return run.print();
}

}  // namespace smokehook
