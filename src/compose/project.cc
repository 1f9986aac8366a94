#include "compose/project.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>

#include "compose/merge.h"
#include "compose/model.h"
#include "compose/schema.h"
#include "compose/dotenv.h"
#include "base/text.h"

namespace smokehook {

namespace {

// Whether a plain scalar is one of the timestamps the YAML library of compose resolves to a time.Time
// (yyyy-m-d, optionally followed by [Tt]h:m:s[.frac] and a zone Z or ±hh:mm, or by " h:m:s[.frac]"),
// which compose's schema then refuses wherever a value is checked.
bool yaml_timestamp(const std::string& s) {
  size_t i = 0;
  auto number = [&](size_t min_digits, size_t max_digits, int lo, int hi) {
    size_t start = i;
    int v = 0;
    while (i < s.size() && i - start < max_digits && std::isdigit(static_cast<unsigned char>(s[i]))) v = v * 10 + (s[i++] - '0');
    return i - start >= min_digits && v >= lo && v <= hi;
  };
  auto sep = [&](char c) { return i < s.size() && s[i] == c && ++i; };
  int year = 0;
  for (; i < 4 && i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); ++i) year = year * 10 + (s[i] - '0');
  if (i != 4 || !sep('-')) return false;
  size_t month_at = i;
  if (!number(1, 2, 1, 12)) return false;
  int month = 0;  // the digits number() just read (at most two), never more
  for (size_t k = month_at; k < i; ++k) month = month * 10 + (s[k] - '0');
  static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  int last = month == 2 && !leap ? 28 : days[month - 1];
  if (!sep('-') || !number(1, 2, 1, last)) return false;
  if (i == s.size()) return true;
  char t = s[i++];
  if (t != 'T' && t != 't' && t != ' ') return false;
  if (!number(1, 2, 0, 23) || !sep(':') || !number(1, 2, 0, 59) || !sep(':') || !number(1, 2, 0, 59)) return false;
  if (sep('.') && !number(1, 9, 0, 999999999)) return false;
  if (t == ' ') return i == s.size();
  if (sep('Z')) return i == s.size();
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    ++i;
    return number(2, 2, 0, 99) && sep(':') && number(2, 2, 0, 99) && i == s.size();
  }
  return false;
}

// Every value but extensions (x- keys, which compose does not validate).
void refuse_timestamps(const Node& n, std::vector<Finding>* errors) {
  if (n.is_scalar() && n.plain && n.tag.empty() && n.text.size() >= 8 && yaml_timestamp(n.text))
    errors->push_back(n.at("'" + n.text + "' is read as a YAML timestamp, which compose refuses: quote it"));
  for (const Node& item : n.items) refuse_timestamps(item, errors);
  for (const auto& e : n.entries)
    if (e.key.rfind("x-", 0) != 0) refuse_timestamps(e.value, errors);
}

}  // namespace

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
  for (const Node& p : profiles->items)
    for (const auto& active : active_profiles)
      if (active == "*" || active == p.text) return true;
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
  if (const Node* services = model.find("services"))
    for (const auto& e : services->entries)
      if (enabled(e.value)) out.push_back(e.key);
  return out;
}

namespace {

// Removes the findings from `from` on that repeat one before them: a block
// merged into several services through an anchor is one mistake, in one place.
void drop_repeats(Findings* findings, size_t from) {
  std::set<std::string> seen;
  auto repeated = [&](const Finding& f) { return !seen.insert(f.to_string()).second; };
  findings->erase(std::remove_if(findings->begin() + static_cast<std::ptrdiff_t>(from), findings->end(), repeated),
                  findings->end());
}

// The files a service's label_file names: one string or a list of them.
std::vector<const Node*> label_files(const Node& svc) {
  std::vector<const Node*> out;
  if (const Node* f = svc.find("label_file")) {
    if (f->is_scalar()) out.push_back(f);
    if (f->is_seq())
      for (const Node& item : f->items)
        if (item.is_scalar()) out.push_back(&item);
  }
  return out;
}

// The variables a project's files see before any .env: the process environment, then the
// check's own `environment`.
VariableLookup outer_environment(const ComposeContext& ctx, const ProjectSpec& spec) {
  if (spec.environment.empty()) return ctx.environment;
  return [env = ctx.environment, own = spec.environment](std::string_view name) -> std::optional<std::string> {
    if (env)
      if (auto v = env(name)) return v;
    for (const auto& [k, v] : own)
      if (k == name) return v;
    return std::nullopt;
  };
}

class Loader {
 public:
  Loader(const ComposeContext& ctx, LoadedFiles* state, VariableLookup environment)
      : ctx_(ctx), state_(state), p_(&state->project), environment_(std::move(environment)) {}

  // What does not depend on the profiles: .env (or the check's env_file), every file
  // interpolated, validated and merged, and the dependencies links and volumes_from imply.
  void load(const ProjectSpec& spec) {
    const std::vector<std::string>& files = spec.files;
    project_dir_ = ctx_.project_dir.empty() ? dirname(files[0]) : ctx_.project_dir;
    if (spec.env_files.empty()) load_env(project_dir_);
    for (const auto& path : spec.env_files) load_env_file(path, nullptr, true);
    state_->default_name = ctx_.project_name.empty() ? project_name(files) : ctx_.project_name;
    if (ctx_.project_name.empty()) check_project_name_variable(spec);
    auto lookup = lookup_fn();
    p_->model = Node::mapping();
    for (const auto& file : files) {
      if (!load_file(file, lookup, &p_->model)) return;
    }
    // `version` is dropped once read; nothing else at all is an empty project.
    if (std::all_of(p_->model.entries.begin(), p_->model.entries.end(), [](const Entry& e) { return e.key == "version"; })) {
      p_->errors.push_back(Finding{files.back(), 0, 0, "empty compose file"});
      return;
    }
    if (!p_->model.find("services")) p_->model.set("services", Node::mapping());
    if (!ctx_.no_normalize) add_implicit_dependencies();
    state_->complete = true;
  }

  // The rest, for the profiles of one project: which services are enabled
  // decides which references must resolve and whose environment is read.
  void apply_profiles(const ProjectSpec& spec) {
    project_dir_ = ctx_.project_dir.empty() ? dirname(spec.files[0]) : ctx_.project_dir;
    auto lookup = lookup_fn();
    p_->active_profiles = spec.profiles;
    if (auto name = explicit_variable("COMPOSE_PROJECT_NAME")) p_->project_name_variable = *name;
    if (p_->active_profiles.empty())
      if (auto v = lookup("COMPOSE_PROFILES"))
        for (auto& s : split(*v, ','))
          if (!trim(s).empty()) p_->active_profiles.emplace_back(trim(s));
    if (!state_->complete || ctx_.model_only) return;
    size_t before = p_->errors.size();
    check_consistency();
    drop_repeats(&p_->errors, before);
    if (p_->valid()) resolve_environment(lookup);
  }

 private:
  void add_input(const std::string& path) {
    if (std::find(p_->inputs.begin(), p_->inputs.end(), path) == p_->inputs.end()) p_->inputs.push_back(path);
  }

  // Reads from the source, then from the fallback (for files git does not track).
  ReadStatus read_local(const std::string& path, std::string* content, std::string* err) {
    add_input(path);
    ReadStatus st = ctx_.source->read(path, content, err);
    if (st == ReadStatus::NotFound && ctx_.fallback && ctx_.fallback != ctx_.source)
      st = ctx_.fallback->read(path, content, err);
    return st;
  }

  void load_env(const std::string& dir) { load_env_file(join_path(dir, ".env"), nullptr); }

  // Variables for interpolation from a .env-style file. `named_at`: where an include names it, which
  // makes it required (a project's own .env is optional); `required`: a check's env_file, required too.
  void load_env_file(const std::string& path, const Node* named_at, bool required = false) {
    std::string text, err;
    ReadStatus st = read_local(path, &text, &err);
    if (st == ReadStatus::Error) {
      p_->errors.push_back(Finding{path, 0, 0, "cannot read: " + err});
      return;
    }
    if (st != ReadStatus::Ok) {
      if (named_at) p_->errors.push_back(named_at->at("env file " + path + " not found"));
      else if (required) p_->errors.push_back(Finding{path, 0, 0, "env file " + path + " (the check's env_file) not found"});
      return;
    }
    Finding f;
    if (!parse_dotenv(text, path, environment_, &state_->dotenv, &f)) p_->errors.push_back(f);
  }

  // The variables set for the project: the environment (process, then the check's), then .env.
  std::optional<std::string> explicit_variable(std::string_view name) const {
    if (environment_)
      if (auto v = environment_(name)) return v;
    for (auto it = state_->dotenv.rbegin(); it != state_->dotenv.rend(); ++it)
      if (it->first == name) return it->second;
    return std::nullopt;
  }

  // What interpolation sees: the variables set, and COMPOSE_PROJECT_NAME as docker compose gives it.
  VariableLookup lookup_fn() {
    return [this](std::string_view name) -> std::optional<std::string> {
      if (name == "COMPOSE_PROJECT_NAME" && !ctx_.project_name.empty()) return ctx_.project_name;
      if (auto v = explicit_variable(name)) return v;
      if (name == "COMPOSE_PROJECT_NAME" && !state_->default_name.empty()) return state_->default_name;
      return std::nullopt;
    };
  }

  // A COMPOSE_PROJECT_NAME that is set is used as written: docker compose refuses one that is not
  // already a project name (lower case letters, digits, '_' and '-', starting with a letter or digit).
  void check_project_name_variable(const ProjectSpec& spec) {
    auto v = explicit_variable("COMPOSE_PROJECT_NAME");
    if (!v || v->empty()) return;
    bool ok = std::isalnum(static_cast<unsigned char>((*v)[0])) != 0;
    for (char c : *v)
      ok = ok && (std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_' || c == '-');
    if (ok) return;
    bool from_environment = environment_ && environment_("COMPOSE_PROJECT_NAME");
    std::string where = from_environment ? spec.files[0]
                        : spec.env_files.empty() ? join_path(project_dir_, ".env") : spec.env_files.back();
    p_->errors.push_back(Finding{where, 0, 0, "invalid project name \"" + *v + "\" (COMPOSE_PROJECT_NAME" +
                                               (from_environment ? " in the environment" : "") +
                                               "): lower case letters, digits, '_' and '-' only, starting with a letter or digit"});
  }

  // docker compose's project name when COMPOSE_PROJECT_NAME is not set: the last `name:` of the files
  // (interpolated), else the project folder's name; lower-cased, [a-z0-9_-] only, no leading _ or -.
  // Empty when neither is known (a project at the top of the source: the folder's name is not known).
  std::string project_name(const std::vector<std::string>& files) {
    std::string name;
    for (const auto& file : files) {
      const ComposeCache::File& pf = parsed_file(file);
      if (!pf.parsed) continue;
      for (const Node& doc : pf.docs)
        if (const Node* n = doc.is_map() ? doc.find("name") : nullptr; n && n->is_scalar()) {
          InterpolationResult r = interpolate(n->text, [this](std::string_view v) { return explicit_variable(v); });
          if (r.error.empty()) name = r.value;
        }
    }
    if (name.empty()) name = std::string(basename(project_dir_));
    std::string out;
    for (char c : name) {
      char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (std::isalnum(static_cast<unsigned char>(l)) || ((l == '_' || l == '-') && !out.empty())) out += l;
    }
    return out;
  }

  // Reads and parses a file, or takes it from the run's cache.
  const ComposeCache::File& parsed_file(const std::string& file) {
    if (ctx_.cache)
      if (const ComposeCache::File* hit = ctx_.cache->find(file)) {
        add_input(file);
        return *hit;
      }
    if (auto hit = uncached_.find(file); hit != uncached_.end()) {  // read once per load, even with no cache
      add_input(file);
      return hit->second;
    }
    ComposeCache::File f;
    std::string text;
    f.status = read_local(file, &text, &f.read_error);
    if (f.status == ReadStatus::Ok) f.parsed = parse_yaml(text, file, &f.docs, &f.parse_error);
    if (ctx_.cache) return ctx_.cache->put(file, std::move(f));
    return uncached_[file] = std::move(f);
  }

  // One file's documents, interpolated and validated; false (with errors) when it has none usable.
  bool read_documents(const std::string& file, const VariableLookup& lookup, std::vector<Node>* docs,
                      const Node* referrer) {
    const ComposeCache::File& pf = parsed_file(file);
    if (pf.status != ReadStatus::Ok) {
      std::string msg = pf.status == ReadStatus::NotFound ? "compose file not found: " + file
                                                          : "cannot read " + file + ": " + pf.read_error;
      p_->errors.push_back(referrer ? referrer->at(msg) : Finding{file, 0, 0, msg});
      return false;
    }
    if (!pf.parsed) {
      p_->errors.push_back(pf.parse_error);
      return false;
    }
    if (auto own = uncached_.find(file); !ctx_.cache && own != uncached_.end()) {
      *docs = std::move(own->second.docs);  // no one else reads it: taken, not copied (a file read again is parsed again)
      uncached_.erase(own);
    } else {
      *docs = pf.docs;  // a copy: interpolation and merging change it
    }
    // No document at all is an empty file; a document that is there but null ("---" alone, "~") is
    // not a mapping, as in compose.
    if (docs->empty()) {
      p_->errors.push_back(Finding{file, 0, 0, "empty compose file"});
      return false;
    }
    size_t before = p_->errors.size();
    for (Node& doc : *docs) {
      if (!doc.is_map()) {
        p_->errors.push_back(doc.at("the top level of a compose file must be a mapping, not " + std::string(kind_name(doc))));
        continue;
      }
      refuse_timestamps(doc, &p_->errors);
      if (!ctx_.no_interpolate) interpolate_tree(doc, lookup, &p_->errors, &p_->warnings);
      if (const Node* v = doc.find("version"))
        p_->warnings.push_back(v->at("the attribute 'version' is obsolete and ignored"));
    }
    return p_->errors.size() == before;
  }

  // `referrer`: where another file names this one (an include), the place to report it missing.
  bool load_file(const std::string& file, const VariableLookup& lookup, Node* into, const Node* referrer = nullptr) {
    std::vector<Node> docs;
    if (!read_documents(file, lookup, &docs, referrer)) return false;
    for (Node& doc : docs) {
      if (!apply_include(doc, file, into)) return false;
      doc.erase("include");  // read: compose validates what is left
      if (!resolve_extends(doc, file, lookup)) return false;
      enforce_unicity(doc);
      size_t before = p_->errors.size();
      validate_compose_schema(doc, into, &p_->errors, ctx_.no_interpolate && ctx_.model_only);
      if (p_->errors.size() != before) return false;
      normalize_compose(doc);
      merge_compose(*into, std::move(doc));
    }
    return true;
  }

  // extends: a service starts from another (in this file or another one) and overrides it.
  bool resolve_extends(Node& doc, const std::string& file, const VariableLookup& lookup) {
    Node* services = doc.find("services");
    if (!services || !services->is_map()) return true;
    for (auto& e : services->entries) {
      std::vector<std::string> chain;
      if (!extend_service(e.value, e.key, file, doc, lookup, &chain)) return false;
    }
    return true;
  }

  // `in_file`: svc comes from a file named by an extends (its relative paths are being rebased).
  bool extend_service(Node& svc, const std::string& name, const std::string& file, const Node& doc,
                      const VariableLookup& lookup, std::vector<std::string>* chain, bool in_file = false) {
    const Node* ext = svc.is_map() ? svc.find("extends") : nullptr;
    if (!ext) return true;
    std::string id = file + ":" + name;
    if (std::find(chain->begin(), chain->end(), id) != chain->end()) {
      std::string cycle;
      for (const auto& c : *chain) cycle += c + " -> ";
      p_->errors.push_back(ext->at("extends cycle detected: " + cycle + id));
      return false;
    }
    chain->push_back(id);
    std::string base_name = ext->is_scalar() ? ext->text : "";
    std::string base_file = file;
    if (ext->is_map()) {
      if (const Node* s = ext->find("service")) base_name = s->text;
      if (const Node* f = ext->find("file")) base_file = join_path(dirname(file), f->text);
    }
    Node base;
    std::vector<Node> other_docs;
    const Node* base_doc = &doc;
    if (base_file != file) {
      if (!read_documents(base_file, lookup, &other_docs, ext)) return false;
      size_t before = p_->errors.size();
      validate_compose_schema(other_docs.front(), nullptr, &p_->errors, ctx_.no_interpolate && ctx_.model_only);  // a file of its own
      if (p_->errors.size() != before) return false;
      base_doc = &other_docs.front();
    }
    const Node* base_services = base_doc->find("services");
    const Node* found = base_services ? base_services->find(base_name) : nullptr;
    if (!found) {
      p_->errors.push_back(ext->at("cannot extend service '" + base_name + "' of " + base_file + ": no such service"));
      return false;
    }
    base = *found;
    // compose rebases the paths of a service read through `extends.file` (even this same file), and
    // of the services that one extends in turn, before merging its own bases in.
    bool rebase = in_file || (ext->is_map() && ext->find("file"));
    if (rebase) rebase_paths(base, dirname(base_file), project_dir_, false);
    if (!extend_service(base, base_name, base_file, *base_doc, lookup, chain, rebase)) return false;
    Node overlay = svc;
    overlay.erase("extends");
    Node wrapped_base = Node::mapping(), wrapped_over = Node::mapping();
    wrapped_base.set("services", Node::mapping()).set(name, std::move(base));
    wrapped_over.set("services", Node::mapping()).set(name, std::move(overlay));
    normalize_compose(wrapped_base);
    normalize_compose(wrapped_over);
    merge_compose(wrapped_base, std::move(wrapped_over));
    svc = std::move(*wrapped_base.find("services")->find(name));
    chain->pop_back();
    return true;
  }

  // Relative paths of an extended or included service are relative to its own file: compose joins
  // them to that file's folder taken relative to the project's, cleaned ("./data" of sub/x.yaml is
  // "sub/data", of a file beside the project's "data"), where its path resolver goes: build context
  // and additional contexts, bind sources, env_file, label_file, develop.watch paths. A short bind
  // spec is written in the long syntax, as compose reads it, so that "sub/data" stays a path. An
  // included service's missing build context is its own folder; an extended one's is the project's
  // (compose reads an extended file without defaults).
  void rebase_paths(Node& svc, const std::string& from, const std::string& to, bool default_context = true) {
    if (!svc.is_map()) return;
    auto rebase = [&](Node& n) {
      if (!n.is_scalar() || n.text.empty() || n.text[0] == '/' || n.text[0] == '~' ||
          n.text.find("://") != std::string::npos)
        return;
      n.text = relative_to(join_path(from, n.text), to);
    };
    auto rebase_context = [&](Node& n) {
      for (const char* remote : {"service:", "github.com/", "git@"})
        if (starts_with(n.text, remote)) return;
      rebase(n);
    };
    if (Node* b = svc.find("build")) {
      if (b->is_scalar()) {
        rebase_context(*b);
      } else if (Node* c = b->find("context")) {
        rebase_context(*c);
      } else if (b->is_map() && default_context) {  // the default context is the service's own folder
        Node context = Node::scalar(".");
        located_at(context, *b);
        rebase(context);
        b->set("context", std::move(context));
      }
      if (Node* extra = b->is_map() ? b->find("additional_contexts") : nullptr)
        for (auto& e : extra->entries) rebase_context(e.value);
    }
    if (Node* volumes = svc.find("volumes")) {  // bind mounts from a relative path: "./src:/dst", {source: ./src}
      for (Node& item : volumes->items) {
        VolumeSpec v;
        std::string err;
        if (item.is_scalar() && starts_with(item.text, ".") && parse_volume(item.text, &v, &err) && v.type == "bind") {
          Node source = Node::scalar(v.source);
          rebase(source);
          item = long_bind(item, v, source.text);
        } else if (Node* source = item.is_map() ? item.find("source") : nullptr) {
          const Node* type = item.find("type");
          if (starts_with(source->text, ".") || (type && type->text == "bind")) rebase(*source);
        }
      }
    }
    for (const char* key : {"env_file", "label_file"}) {
      Node* files = svc.find(key);
      if (!files) continue;
      if (files->is_scalar()) rebase(*files);
      for (Node& item : files->items) {
        if (item.is_scalar()) rebase(item);
        else if (Node* p = item.find("path")) rebase(*p);
      }
    }
    if (Node* develop = svc.find("develop"))
      if (Node* watch = develop->find("watch"))
        for (Node& w : watch->items)
          if (Node* p = w.is_map() ? w.find("path") : nullptr) rebase(*p);
  }

  // A short bind spec in the long syntax, as compose's short-syntax reader makes it.
  static Node long_bind(const Node& at, const VolumeSpec& v, const std::string& source) {
    auto scalar = [&](const std::string& text, bool plain) {
      Node n = Node::scalar(text, plain);
      located_at(n, at);
      return n;
    };
    Node m = Node::mapping(), bind = Node::mapping(), volume = Node::mapping();
    located_at(m, at);
    located_at(bind, at);
    located_at(volume, at);
    m.set("type", scalar("bind", false));
    m.set("source", scalar(source, false));
    m.set("target", scalar(v.target, false));
    bind.set("create_host_path", scalar("true", true));
    bool read_only = false;
    for (const auto& opt : split(v.mode, ',')) {
      if (opt == "ro" || opt == "rw") read_only = opt == "ro";
      if (opt == "z" || opt == "Z") bind.set("selinux", scalar(opt, false));
      if (opt == "rprivate" || opt == "private" || opt == "rshared" || opt == "shared" || opt == "rslave" ||
          opt == "slave")
        bind.set("propagation", scalar(opt, false));
      if (opt == "nocopy") volume.set("nocopy", scalar("true", true));
    }
    if (read_only) m.set("read_only", scalar("true", true));
    m.set("bind", std::move(bind));
    if (!volume.entries.empty()) m.set("volume", std::move(volume));
    return m;
  }

  // The top-level files of an included project (secrets, configs, a local volume's bind device),
  // relative to its folder, as rebase_paths does for its services.
  void rebase_resources(Node& model, const std::string& from, const std::string& to) {
    auto rebase = [&](Node& n) {
      if (!n.is_scalar() || n.text.empty() || n.text[0] == '/' || n.text[0] == '~') return;
      n.text = relative_to(join_path(from, n.text), to);
    };
    for (const char* section : {"secrets", "configs"})
      if (Node* defs = model.find(section))
        for (auto& e : defs->entries)
          if (Node* f = e.value.is_map() ? e.value.find("file") : nullptr) rebase(*f);
    if (Node* volumes = model.find("volumes"))
      for (auto& e : volumes->entries) {
        const Node* driver = e.value.is_map() ? e.value.find("driver") : nullptr;
        Node* opts = e.value.is_map() ? e.value.find("driver_opts") : nullptr;
        const Node* o = opts && opts->is_map() ? opts->find("o") : nullptr;
        if (driver && driver->text == "local" && o && o->text == "bind")
          if (Node* device = opts->find("device")) rebase(*device);
      }
  }

  static std::string relative_to(std::string path, std::string d) {
    bool path_absolute = !path.empty() && path[0] == '/', dir_absolute = !d.empty() && d[0] == '/';
    if (path_absolute != dir_absolute) {  // e.g. --project-directory given absolute, files relative
      std::error_code ec;
      std::string cwd = std::filesystem::current_path(ec).generic_string();
      if (!ec) (path_absolute ? d : path) = join_path(cwd, path_absolute ? d : path);
    }
    if (d.empty()) return path.empty() ? "." : path;  // "" is the current folder
    while (path.size() > 1 && path.back() == '/') path.pop_back();  // "sub/." folds to "sub/"
    std::string up;
    for (;;) {
      if (path == d) return up.empty() ? "." : up.substr(0, up.size() - 1);
      if (d.empty()) return up + path;
      std::string prefix = d == "/" ? d : d + "/";
      if (starts_with(path, prefix)) return up + path.substr(prefix.size());
      up += "../";
      d = d == "/" ? "" : dirname(d);
    }
  }

  // An include item's files: a string, or a mapping whose `path` is a string or a list of strings
  // (null items and null paths name nothing). False, with an error, for any other shape.
  bool include_paths(const Node& item, const std::string& file, std::vector<std::string>* paths,
                     std::vector<const Node*>* where) {
    auto is_string = [](const Node& n) { return n.is_scalar() && scalar_type(n) == ScalarType::String; };
    auto add = [&](const Node& p) {
      paths->push_back(join_path(dirname(file), p.text));
      where->push_back(&p);
    };
    if (item.is_null()) return true;
    if (is_string(item)) {
      add(item);
      return true;
    }
    if (!item.is_map()) {
      p_->errors.push_back(item.at("an include must be a path or a mapping with a path"));
      return false;
    }
    const Node* path = item.find("path");
    if (!path || path->is_null()) return true;
    bool ok = is_string(*path) || path->is_seq();
    if (path->is_seq())
      for (const Node& p : path->items) ok = ok && is_string(p);
    if (!ok) {
      p_->errors.push_back(path->at("an include's path must be a string or a list of strings"));
      return false;
    }
    if (path->is_seq())
      for (const Node& p : path->items) add(p);
    else
      add(*path);
    return true;
  }

  // include: each included file is its own project (own folder, own .env);
  // its resources join this one, and a clash with a different definition is an error.
  bool apply_include(Node& doc, const std::string& file, Node* into) {
    const Node* include = doc.find("include");
    if (!include || include->is_null()) return true;
    if (!include->is_seq()) {
      p_->errors.push_back(include->at("include must be a list"));
      return false;
    }
    for (const Node& item : include->items) {
      std::vector<std::string> paths;
      std::vector<const Node*> where;
      if (!include_paths(item, file, &paths, &where)) return false;
      if (paths.empty()) continue;
      if (std::find(include_stack_.begin(), include_stack_.end(), paths[0]) != include_stack_.end()) {
        p_->errors.push_back(item.at("include cycle detected: " + paths[0]));
        return false;
      }
      LoadedFiles sub_state;
      Project& sub = sub_state.project;
      Loader sub_loader(ctx_, &sub_state, environment_);
      sub_loader.include_stack_ = include_stack_;
      sub_loader.include_stack_.push_back(file);
      sub_state.default_name = state_->default_name;  // the including project's name
      const Node* project_directory = item.is_map() ? item.find("project_directory") : nullptr;
      std::string sub_dir = project_directory ? join_path(dirname(file), project_directory->text) : dirname(paths[0]);
      // The include's env_file replaces the included project's .env for its interpolation.
      std::vector<std::pair<std::string, const Node*>> env_files;
      if (const Node* ef = item.is_map() ? item.find("env_file") : nullptr) {
        if (ef->is_scalar()) env_files.emplace_back(join_path(dirname(file), ef->text), ef);
        if (ef->is_seq())
          for (const Node& f : ef->items) env_files.emplace_back(join_path(dirname(file), f.text), &f);
      }
      sub_loader.run_include(paths, where, sub_dir, env_files);
      if (Node* sub_services = sub.model.find("services"))
        for (auto& svc : sub_services->entries) rebase_paths(svc.value, sub_dir, project_dir_);
      rebase_resources(sub.model, sub_dir, project_dir_);
      for (auto& in : sub.inputs) add_input(in);
      for (auto& w : sub.warnings) p_->warnings.push_back(w);
      if (!sub.errors.empty()) {
        for (auto& e : sub.errors) p_->errors.push_back(e);
        return false;
      }
      for (const char* section : {"services", "volumes", "networks", "secrets", "configs"}) {
        const Node* from = sub.model.find(section);
        if (!from) continue;
        Node* to = into->find(section);
        if (!to) to = &into->set(section, Node::mapping());
        const Node* own = doc.find(section);
        for (const auto& e : from->entries) {
          // A name already defined is a conflict only when the definitions differ (compose compares
          // the imported, loaded definition with the one written here).
          const Node* mine = own ? own->find(e.key) : nullptr;
          const Node* have = to->find(e.key);
          Node written;  // this file's definition, normalized as the imported one was
          if (mine) {
            Node holder = Node::mapping();
            holder.set(section, Node::mapping()).set(e.key, *mine);
            normalize_compose(holder);
            written = *holder.find(section)->find(e.key);
          }
          if ((mine && !structurally_equal(written, e.value)) || (have && !structurally_equal(*have, e.value))) {
            p_->errors.push_back(item.at("imported " + std::string(section).substr(0, std::string(section).size() - 1) +
                                         " '" + e.key + "' from " + paths[0] + " conflicts with a definition in " + file));
            return false;
          }
          if (!have) to->set(e.key, e.value);
        }
      }
    }
    return true;
  }

  void run_include(const std::vector<std::string>& files, const std::vector<const Node*>& where,
                   const std::string& project_dir, const std::vector<std::pair<std::string, const Node*>>& env_files) {
    include_stack_.push_back(files[0]);
    project_dir_ = project_dir;
    if (env_files.empty()) load_env(project_dir_);
    for (const auto& [path, named_at] : env_files) load_env_file(path, named_at);
    if (!p_->errors.empty()) return;
    auto lookup = lookup_fn();
    p_->model = Node::mapping();
    for (size_t i = 0; i < files.size(); ++i)
      if (!load_file(files[i], lookup, &p_->model, where[i])) return;
  }

  void check_consistency();

  // A service-level limit and its deploy.resources counterpart, both set, must agree (as compose
  // compares them: a limits or reservations block without the value holds 0).
  void check_resource_limits(const Node& svc, const std::string& name) {
    const Node* deploy = svc.find("deploy");
    const Node* resources = deploy && deploy->is_map() ? deploy->find("resources") : nullptr;
    if (!resources || !resources->is_map()) return;
    struct Pair {
      const char* key;
      const char* block;
      const char* field;
      int kind;  // 0 float, 1 bytes, 2 integer
    };
    for (const Pair& pr : {Pair{"cpus", "limits", "cpus", 0}, Pair{"mem_limit", "limits", "memory", 1},
                           Pair{"mem_reservation", "reservations", "memory", 1}, Pair{"pids_limit", "limits", "pids", 2}}) {
      const Node* own = svc.find(pr.key);
      const Node* block = resources->find(pr.block);
      if (!own || !own->is_scalar() || !block || !block->is_map()) continue;
      const Node* other = block->find(pr.field);
      auto value = [&](const Node* n) -> double {
        if (!n || !n->is_scalar()) return 0;
        std::string t = scalar_string(*n);
        if (pr.kind == 1) return static_cast<double>(parse_byte_size(t).value_or(0));
        return pr.kind == 0 ? static_cast<float>(std::strtod(t.c_str(), nullptr)) : std::strtod(t.c_str(), nullptr);
      };
      double mine = value(own);
      if (mine != 0 && mine != value(other))
        p_->errors.push_back(own->at("service '" + name + "' can't set distinct values on '" + pr.key +
                                     "' and 'deploy.resources." + pr.block + "." + pr.field + "'"));
    }
  }

  // links, volumes_from and network_mode/ipc/pid/uts "service:X" make a service
  // depend on another, as compose records them in depends_on.
  void add_implicit_dependencies() {
    Node* services = p_->model.find("services");
    if (!services || !services->is_map()) return;
    struct Implied {
      std::string service;
      Node where;  // a located null: where the reference is written (by value: svc changes below)
      bool restart;  // links, a shared network or IPC namespace: restarted with it, as compose records
    };
    for (auto& e : services->entries) {
      Node& svc = e.value;
      if (!svc.is_map()) continue;
      std::vector<Implied> implied;
      auto add = [&](const std::string& name, const Node& at, bool restart) {  // "" too: undefined, as in compose
        for (auto& i : implied)
          if (i.service == name) {
            i.restart = i.restart || restart;
            return;
          }
        Node where;
        located_at(where, at);
        implied.push_back(Implied{name, std::move(where), restart});
      };
      for (const char* key : {"links", "volumes_from"})
        if (const Node* list = svc.find(key); list && list->is_seq())
          for (const Node& item : list->items) {
            bool links = std::string_view(key) == "links";
            if (!links && starts_with(item.text, "container:")) continue;  // links has no container: form
            add(item.text.substr(0, item.text.find(':')), item, links);
          }
      for (const char* key : {"network_mode", "ipc", "pid", "uts"})
        if (const Node* mode = svc.find(key); mode && starts_with(mode->text, "service:"))
          add(mode->text.substr(8), *mode, std::string_view(key) != "pid");
      if (implied.empty()) continue;
      Node* deps = svc.find("depends_on");
      if (!deps || !deps->is_map()) {
        Node fresh = Node::mapping();
        located_at(fresh, svc);
        deps = &svc.set("depends_on", std::move(fresh));
      }
      for (const Implied& i : implied) {
        if (deps->find(i.service)) continue;
        Node entry = Node::mapping();
        located_at(entry, i.where);
        Node condition = Node::scalar("service_started");
        located_at(condition, i.where);
        Node required = Node::scalar("true", true);
        located_at(required, i.where);
        entry.set("condition", std::move(condition));
        entry.set("required", std::move(required));
        Node restart = Node::scalar(i.restart ? "true" : "false", true);  // false: volumes_from
        located_at(restart, i.where);
        entry.set("restart", std::move(restart));
        deps->set(i.service, std::move(entry));
        deps->entries.back().line = i.where.line;
        deps->entries.back().column = i.where.column;
      }
    }
  }

  static void located_at(Node& n, const Node& where) {
    n.file = where.file;
    n.line = where.line;
    n.column = where.column;
  }

  // As docker compose does: env_file variables, then `environment` on top; a
  // bare `- NAME` takes its value from the environment or .env when set there.
  void resolve_environment(const VariableLookup& lookup) {
    Node* services = p_->model.find("services");
    for (auto& e : services->entries) {
      Node& svc = e.value;
      if (!p_->enabled(svc)) continue;
      Node merged = Node::mapping();
      if (const Node* files = svc.find("env_file"); files && files->is_seq()) {
        for (const Node& f : files->items) {
          std::string path = f.is_map() ? (f.find("path") ? f.find("path")->text : "") : f.text;
          read_variables(join_path(project_dir_, path), f, lookup, &merged);
        }
      }
      if (Node* env = svc.find("environment"); env && env->is_map()) {
        for (auto& ev : env->entries) {
          Node value = ev.value;
          if (value.is_null())
            if (auto v = lookup(ev.key)) value = Node::scalar(*v), value.file = ev.value.file, value.line = ev.line;
          merged.set(ev.key, std::move(value));
        }
      }
      if (!merged.entries.empty()) svc.set("environment", std::move(merged));
      resolve_labels(svc, lookup);
    }
  }

  // A file a service reads (relative to the project, as in compose) must exist in the source or the
  // working tree; one git ignores is local by design, so its absence is a warning.
  void require_local_file(const char* kind, const Node& named_at, const std::string& path) {
    std::string full = join_path(project_dir_, path);
    add_input(full);
    if (ctx_.source->exists(full) || (ctx_.fallback && ctx_.fallback->exists(full))) return;
    if (ctx_.source->ignored(full))
      p_->warnings.push_back(named_at.at(std::string(kind) + " " + full + " not found (git ignores it: a local file by design)"));
    else
      p_->errors.push_back(named_at.at(std::string(kind) + " " + full + " not found"));
  }

  // KEY=VALUE lines of an env_file or a label_file into `into`, each value located where the file
  // is named; a file that cannot be read was reported by check_consistency, one that cannot be
  // parsed is reported here.
  void read_variables(const std::string& path, const Node& named_at, const VariableLookup& lookup, Node* into) {
    std::string text, err;
    if (read_local(path, &text, &err) != ReadStatus::Ok) return;
    EnvVars vars;
    Finding bad;
    if (!parse_dotenv(text, path, lookup, &vars, &bad)) {
      p_->errors.push_back(bad);
      return;
    }
    for (auto& [k, v] : vars) {
      Node value = Node::scalar(v);
      located_at(value, named_at);
      into->set(k, std::move(value));
    }
  }

  // label_file: labels read from files, then `labels` on top; the key itself is gone, as in compose.
  void resolve_labels(Node& svc, const VariableLookup& lookup) {
    std::vector<const Node*> files = label_files(svc);
    if (files.empty()) return;
    Node labels = Node::mapping();
    for (const Node* f : files) read_variables(join_path(project_dir_, f->text), *f, lookup, &labels);
    if (const Node* own = svc.find("labels"); own && own->is_map())
      for (const auto& le : own->entries) labels.set(le.key, le.value);
    svc.erase("label_file");
    if (!labels.entries.empty()) svc.set("labels", std::move(labels));
  }

  const ComposeContext& ctx_;
  LoadedFiles* state_;
  Project* p_;
  VariableLookup environment_;  // the process environment, then the check's `environment`
  std::map<std::string, ComposeCache::File> uncached_;  // the files parsed when there is no cache
  std::string project_dir_;  // relative paths resolve here (the first file's folder)
  std::vector<std::string> include_stack_;
};

// Two counts that both read as integers and differ (what cannot be read was reported by the schema).
bool scale_int_differs(const Node& a, const Node& b) {
  auto x = scalar_int(a), y = scalar_int(b);
  return x && y && *x != *y;
}

void Loader::check_consistency() {
  Node& model = p_->model;
  const Node* services = model.find("services");
  if (!services || !services->is_map()) return;
  auto declared = [&](const char* section, const std::string& name) {
    const Node* s = model.find(section);
    return s && s->find(name);
  };
  std::map<std::string, std::string> container_names;  // container_name -> the enabled service that has it
  for (const auto& e : services->entries) {
    const Node& svc = e.value;
    if (!p_->enabled(svc)) continue;
    const std::string& name = e.key;
    // References and limits (docker compose --no-consistency skips them); files are read below anyway.
    if (!ctx_.no_consistency) {
      if (const Node* cn = svc.find("container_name"); cn && cn->is_scalar() && !cn->text.empty())
        if (auto [it, fresh] = container_names.emplace(cn->text, name); !fresh)
          p_->errors.push_back(cn->at("service '" + name + "': container name \"" + cn->text +
                                      "\" is already in use by service '" + it->second + "'"));
      const Node* image = svc.find("image");
      if ((!image || (image->is_scalar() && image->text.empty())) && !svc.find("build") && !svc.find("provider"))
        p_->errors.push_back(e.at(*services, "service '" + name + "' has neither an image nor a build context specified"));
      if (const Node* platform = svc.find("platform"); platform && platform->is_scalar() && !platform->text.empty())
        if (const Node* build = svc.find("build"); build && build->is_map())
          if (const Node* platforms = build->find("platforms"); platforms && platforms->is_seq() && !platforms->items.empty() &&
              std::none_of(platforms->items.begin(), platforms->items.end(),
                           [&](const Node& b) { return b.text == platform->text; }))
            p_->errors.push_back(platform->at("service '" + name + "': build.platforms must include its platform \"" +
                                              platform->text + "\""));
      const Node* scale = svc.find("scale");
      const Node* deploy = svc.find("deploy");
      const Node* replicas = deploy && deploy->is_map() ? deploy->find("replicas") : nullptr;
      if (scale && replicas && scale_int_differs(*scale, *replicas))
        p_->errors.push_back(scale->at("service '" + name + "' can't set distinct values on 'scale' and 'deploy.replicas'"));
      check_resource_limits(svc, name);
      if (const Node* cn = svc.find("container_name"); cn && cn->is_scalar() && !cn->text.empty()) {
        const Node* count = scale ? scale : replicas;  // compose's GetScale: 1 when neither is set
        if (count && scalar_int(*count).value_or(1) > 1)
          p_->errors.push_back(cn->at("service '" + name + "' can't set container_name and " +
                                      (scale ? "scale" : "deploy.replicas") + " as container name must be unique"));
      }
      {  // a tmpfs path is mounted once: no other tmpfs entry and no volume may target it
        std::map<std::string, std::string> mounted;
        if (const Node* tmpfs = svc.find("tmpfs"); tmpfs && tmpfs->is_seq())
          for (size_t i = 0; i < tmpfs->items.size(); ++i) {
            std::string path = scalar_string(tmpfs->items[i]);
            path = path.substr(0, path.find(':'));
            std::string here = "services." + name + ".tmpfs[" + std::to_string(i) + "]";
            if (auto [it, fresh] = mounted.emplace(path, here); !fresh)
              p_->errors.push_back(tmpfs->items[i].at(here + ": target " + path + " already mounted as " + it->second));
          }
        size_t i = 0;
        for (const Mount& m : mounts(svc)) {
          std::string target = std::filesystem::path(m.target).lexically_normal().generic_string();
          while (target.size() > 1 && target.back() == '/') target.pop_back();
          if (auto it = mounted.find(target); it != mounted.end())
            p_->errors.push_back(m.node->at("services." + name + ".volumes[" + std::to_string(i) + "]: target " +
                                            target + " already mounted as " + it->second));
          ++i;
        }
      }
      for (const Dependency& d : dependencies(svc)) {
        const Node* target = services->find(d.service);
        if (!target) {
          p_->errors.push_back(d.at("service '" + name + "' depends on undefined service '" + d.service + "'"));
        } else if (!p_->enabled(*target) && d.required) {
          p_->errors.push_back(d.at("service '" + name + "' depends on service '" + d.service +
                                          "', which is not enabled (its profiles are not active; set required: false "
                                          "to make the dependency optional)"));
        }
      }
      for (const Mount& m : mounts(svc)) {
        if (m.type == "volume" && !m.source.empty() && !declared("volumes", m.source))
          p_->errors.push_back(m.node->at("service '" + name + "' refers to undefined volume '" + m.source + "'"));
      }
      if (const Node* nets = svc.find("networks"); nets && nets->is_map())
        for (const auto& n : nets->entries)
          if ((n.key != "default" || ctx_.no_normalize) && !declared("networks", n.key))  // normalizing adds it
            p_->errors.push_back(n.at(*nets, "service '" + name + "' refers to undefined network '" + n.key + "'"));
      for (const char* section : {"secrets", "configs"}) {
        const Node* refs = svc.find(section);
        if (!refs || !refs->is_seq()) continue;
        for (const Node& r : refs->items) {
          std::string src = r.is_map() ? (r.find("source") ? r.find("source")->text : "") : r.text;
          if (!declared(section, src))
            p_->errors.push_back(r.at("service '" + name + "' refers to undefined " +
                                      std::string(section).substr(0, std::string(section).size() - 1) + " '" + src + "'"));
        }
      }
      if (const Node* build = svc.find("build"); build && build->is_map())
        if (const Node* refs = build->find("secrets"); refs && refs->is_seq())
          for (const Node& r : refs->items) {
            std::string src = r.is_map() ? (r.find("source") ? r.find("source")->text : "") : r.text;
            if (!declared("secrets", src))
              p_->errors.push_back(r.at("service '" + name + "' refers to undefined build secret '" + src + "'"));
          }
      if (const Node* models = svc.find("models")) {  // a list of names, or a mapping keyed by them
        auto check = [&](const std::string& wanted, const Node& at) {
          if (!declared("models", wanted))
            p_->errors.push_back(at.at("service '" + name + "' refers to undefined model '" + wanted + "'"));
        };
        if (models->is_seq())
          for (const Node& m : models->items) check(m.text, m);
        if (models->is_map())
          for (const Entry& m : models->entries) check(m.key, m.value);
      }
    }
    if (const Node* env_files = svc.find("env_file"); env_files && env_files->is_seq() && !ctx_.no_env_files) {
      for (const Node& f : env_files->items) {
        std::string path = f.is_map() ? (f.find("path") ? f.find("path")->text : "") : f.text;
        bool required = true;
        if (f.is_map())
          if (const Node* r = f.find("required")) required = scalar_bool(*r).value_or(true);
        if (required) require_local_file("env file", f, path);
      }
    }
    for (const Node* f : label_files(svc)) require_local_file("label file", *f, f->text);
  }
  // Cycles, over every service (compose reports them whatever the profiles).
  std::unordered_map<std::string_view, const Node*> by_name;
  by_name.reserve(services->entries.size());
  for (const auto& e : services->entries) by_name.emplace(e.key, &e.value);
  // Names are views of the model's own keys, which outlive this function's maps.
  std::unordered_map<std::string_view, int> state;  // absent: new, 1 on the stack, 2 done
  std::vector<std::string_view> stack;
  std::function<bool(std::string_view, const Node&)> visit = [&](std::string_view name, const Node& svc) -> bool {
    state[name] = 1;
    stack.push_back(name);
    for (const Dependency& d : dependencies(svc)) {
      auto target = by_name.find(d.service);
      if (target == by_name.end()) continue;  // undefined: reported above
      auto st = state.find(target->first);
      if (st != state.end() && st->second == 1) {
        std::string path;
        auto from = std::find(stack.begin(), stack.end(), d.service);
        for (auto it = from; it != stack.end(); ++it) path += std::string(*it) + " -> ";
        p_->errors.push_back(d.at("dependency cycle detected: " + path + d.service));
        return false;
      }
      if (st == state.end() && !visit(target->first, *target->second)) return false;
    }
    stack.pop_back();
    state[name] = 2;
    return true;
  };
  for (const auto& e : services->entries)
    if (!state.count(e.key) && !visit(e.key, e.value)) break;
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
