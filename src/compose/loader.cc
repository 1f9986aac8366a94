// The loader's reading of files and variables: .env and env files, each file parsed once,
// interpolated, validated and merged, the environment and labels resolved.
#include "compose/loader.h"

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

namespace smokehook {
namespace {

// Whether a plain scalar is one of the timestamps the YAML library of compose resolves to a
// time.Time (yyyy-m-d, optionally followed by [Tt]h:m:s[.frac] and a zone Z or ±hh:mm, or by "
// h:m:s[.frac]"), which compose's schema then refuses wherever a value is checked.
bool yaml_timestamp(const std::string& s) {
  size_t i = 0;
  auto number = [&](size_t min_digits, size_t max_digits, int lo, int hi) {
    size_t start = i;
    int v = 0;
    while (i < s.size() && i - start < max_digits && std::isdigit(static_cast<unsigned char>(s[i])))
      v = v * 10 + (s[i++] - '0');
    return i - start >= min_digits && v >= lo && v <= hi;
  };
  auto sep = [&](char c) { return i < s.size() && s[i] == c && ++i; };
  int year = 0;
  for (; i < 4 && i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); ++i)
    year = year * 10 + (s[i] - '0');
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
  if (!number(1, 2, 0, 23) || !sep(':') || !number(1, 2, 0, 59) || !sep(':') ||
      !number(1, 2, 0, 59))
    return false;
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
    errors->push_back(
        n.at("'" + n.text + "' is read as a YAML timestamp, which compose refuses: quote it"));
  for (const Node& item : n.items) refuse_timestamps(item, errors);
  for (const auto& e : n.entries)
    if (e.key.rfind("x-", 0) != 0) refuse_timestamps(e.value, errors);
}

// Removes the findings from `from` on that repeat one before them: a block
// merged into several services through an anchor is one mistake, in one place.
void drop_repeats(Findings* findings, size_t from) {
  std::set<std::string> seen;
  auto repeated = [&](const Finding& f) { return !seen.insert(f.to_string()).second; };
  findings->erase(std::remove_if(findings->begin() + static_cast<std::ptrdiff_t>(from),
                                 findings->end(), repeated),
                  findings->end());
}
}  // namespace

// The files a service's label_file names: one string or a list of them.
std::vector<const Node*> label_files(const Node& svc) {
  std::vector<const Node*> out;
  if (const Node* f = svc.find("label_file")) {
    if (f->is_scalar()) out.push_back(f);
    if (f->is_seq()) {
      for (const Node& item : f->items)
        if (item.is_scalar()) out.push_back(&item);
    }
  }
  return out;
}

void Loader::load(const ProjectSpec& spec) {
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
  if (std::all_of(p_->model.entries.begin(), p_->model.entries.end(),
                  [](const Entry& e) { return e.key == "version"; })) {
    p_->errors.push_back(Finding{files.back(), 0, 0, "empty compose file"});
    return;
  }
  if (!p_->model.find("services")) p_->model.set("services", Node::mapping());
  if (!ctx_.no_normalize) add_implicit_dependencies();
  state_->complete = true;
}

void Loader::apply_profiles(const ProjectSpec& spec) {
  project_dir_ = ctx_.project_dir.empty() ? dirname(spec.files[0]) : ctx_.project_dir;
  auto lookup = lookup_fn();
  p_->active_profiles = spec.profiles;
  if (auto name = explicit_variable("COMPOSE_PROJECT_NAME")) p_->project_name_variable = *name;
  if (p_->active_profiles.empty()) {
    if (auto v = lookup("COMPOSE_PROFILES")) {
      for (auto& s : split(*v, ','))
        if (!trim(s).empty()) p_->active_profiles.emplace_back(trim(s));
    }
  }
  if (!state_->complete || ctx_.model_only) return;
  size_t before = p_->errors.size();
  check_consistency();
  drop_repeats(&p_->errors, before);
  if (p_->valid()) resolve_environment(lookup);
}

void Loader::add_input(const std::string& path) {
  if (std::find(p_->inputs.begin(), p_->inputs.end(), path) == p_->inputs.end())
    p_->inputs.push_back(path);
}

ReadStatus Loader::read_input(const std::string& path, Where where, std::string* content,
                              std::string* err) {
  add_input(path);
  ReadStatus st = ctx_.source->read(path, content, err);
  if (st == ReadStatus::NotFound && where == Where::OrUntracked && ctx_.fallback &&
      ctx_.fallback != ctx_.source)
    st = ctx_.fallback->read(path, content, err);
  return st;
}

void Loader::load_env_file(const std::string& path, const Node* named_at, bool required) {
  std::string text, err;
  ReadStatus st = read_input(path, Where::OrUntracked, &text, &err);
  if (st == ReadStatus::Error) {
    p_->errors.push_back(Finding{path, 0, 0, "cannot read: " + err});
    return;
  }
  if (st != ReadStatus::Ok) {
    if (named_at)
      p_->errors.push_back(named_at->at("env file " + path + " not found"));
    else if (required)
      p_->errors.push_back(
          Finding{path, 0, 0, "env file " + path + " (the check's env_file) not found"});
    return;
  }
  Finding f;
  if (!parse_dotenv(text, path, environment_, &state_->dotenv, &f)) p_->errors.push_back(f);
}

std::optional<std::string> Loader::explicit_variable(std::string_view name) const {
  if (environment_)
    if (auto v = environment_(name)) return v;
  for (auto it = state_->dotenv.rbegin(); it != state_->dotenv.rend(); ++it)
    if (it->first == name) return it->second;
  return std::nullopt;
}

VariableLookup Loader::lookup_fn() {
  return [this](std::string_view name) -> std::optional<std::string> {
    if (name == "COMPOSE_PROJECT_NAME" && !ctx_.project_name.empty()) return ctx_.project_name;
    if (auto v = explicit_variable(name)) return v;
    if (name == "COMPOSE_PROJECT_NAME" && !state_->default_name.empty())
      return state_->default_name;
    return std::nullopt;
  };
}

void Loader::check_project_name_variable(const ProjectSpec& spec) {
  auto v = explicit_variable("COMPOSE_PROJECT_NAME");
  if (!v || v->empty()) return;
  bool ok = std::isalnum(static_cast<unsigned char>((*v)[0])) != 0;
  for (char c : *v)
    ok = ok && (std::islower(static_cast<unsigned char>(c)) ||
                std::isdigit(static_cast<unsigned char>(c)) || c == '_' || c == '-');
  if (ok) return;
  bool from_environment = environment_ && environment_("COMPOSE_PROJECT_NAME");
  std::string where = from_environment         ? spec.files[0]
                      : spec.env_files.empty() ? join_path(project_dir_, ".env")
                                               : spec.env_files.back();
  p_->errors.push_back(Finding{
      where, 0, 0,
      "invalid project name \"" + *v + "\" (COMPOSE_PROJECT_NAME" +
          (from_environment ? " in the environment" : "") +
          "): lower case letters, digits, '_' and '-' only, starting with a letter or digit"});
}

std::string Loader::project_name(const std::vector<std::string>& files) {
  std::string name;
  for (const auto& file : files) {
    const ComposeCache::File& pf = parsed_file(file);
    if (!pf.parsed) continue;
    for (const Node& doc : pf.docs) {
      if (const Node* n = doc.is_map() ? doc.find("name") : nullptr; n && n->is_scalar()) {
        InterpolationResult r =
            interpolate(n->text, [this](std::string_view v) { return explicit_variable(v); });
        if (r.error.empty()) name = r.value;
      }
    }
  }
  if (name.empty()) name = std::string(basename(project_dir_));
  std::string out;
  for (char c : name) {
    char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (std::isalnum(static_cast<unsigned char>(l)) || ((l == '_' || l == '-') && !out.empty()))
      out += l;
  }
  return out;
}

const ComposeCache::File& Loader::parsed_file(const std::string& file) {
  if (ctx_.cache) {
    if (const ComposeCache::File* hit = ctx_.cache->find(file)) {
      add_input(file);
      return *hit;
    }
  }
  if (auto hit = uncached_.find(file);
      hit != uncached_.end()) {  // read once per load, even with no cache
    add_input(file);
    return hit->second;
  }
  ComposeCache::File f;
  std::string text;
  f.status = read_input(file, Where::Source, &text, &f.read_error);
  if (f.status == ReadStatus::Ok) f.parsed = parse_yaml(text, file, &f.docs, &f.parse_error);
  if (ctx_.cache) return ctx_.cache->put(file, std::move(f));
  return uncached_[file] = std::move(f);
}

bool Loader::read_documents(const std::string& file, const VariableLookup& lookup,
                            std::vector<Node>* docs, const Node* referrer) {
  const ComposeCache::File& pf = parsed_file(file);
  if (pf.status != ReadStatus::Ok) {
    std::string msg = pf.status == ReadStatus::NotFound
                          ? "compose file not found: " + file
                          : "cannot read " + file + ": " + pf.read_error;
    p_->errors.push_back(referrer ? referrer->at(msg) : Finding{file, 0, 0, msg});
    return false;
  }
  if (!pf.parsed) {
    p_->errors.push_back(pf.parse_error);
    return false;
  }
  if (auto own = uncached_.find(file); !ctx_.cache && own != uncached_.end()) {
    *docs = std::move(
        own->second
            .docs);  // no one else reads it: taken, not copied (a file read again is parsed again)
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
      p_->errors.push_back(doc.at("the top level of a compose file must be a mapping, not " +
                                  std::string(kind_name(doc))));
      continue;
    }
    refuse_timestamps(doc, &p_->errors);
    if (!ctx_.no_interpolate) interpolate_tree(doc, lookup, &p_->errors, &p_->warnings);
    if (const Node* v = doc.find("version"))
      p_->warnings.push_back(v->at("the attribute 'version' is obsolete and ignored"));
  }
  return p_->errors.size() == before;
}

bool Loader::load_file(const std::string& file, const VariableLookup& lookup, Node* into,
                       const Node* referrer) {
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

void Loader::add_implicit_dependencies() {
  Node* services = p_->model.find("services");
  if (!services || !services->is_map()) return;
  struct Implied {
    std::string service;
    Node where;  // a located null: where the reference is written (by value: svc changes below)
    // links, a shared network or IPC namespace: restarted with it, as compose records
    bool restart;
  };
  for (auto& e : services->entries) {
    Node& svc = e.value;
    if (!svc.is_map()) continue;
    std::vector<Implied> implied;
    auto add = [&](const std::string& name, const Node& at,
                   bool restart) {  // "" too: undefined, as in compose
      for (auto& i : implied) {
        if (i.service == name) {
          i.restart = i.restart || restart;
          return;
        }
      }
      Node where;
      located_at(where, at);
      implied.push_back(Implied{name, std::move(where), restart});
    };
    for (const char* key : {"links", "volumes_from"}) {
      if (const Node* list = svc.find(key); list && list->is_seq()) {
        for (const Node& item : list->items) {
          bool links = std::string_view(key) == "links";
          if (!links && starts_with(item.text, "container:"))
            continue;  // links has no container: form
          add(item.text.substr(0, item.text.find(':')), item, links);
        }
      }
    }
    for (const char* key : {"network_mode", "ipc", "pid", "uts"}) {
      if (const Node* mode = svc.find(key); mode && starts_with(mode->text, "service:"))
        add(mode->text.substr(8), *mode, std::string_view(key) != "pid");
    }
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

void Loader::located_at(Node& n, const Node& where) {
  n.file = where.file;
  n.line = where.line;
  n.column = where.column;
}

void Loader::resolve_environment(const VariableLookup& lookup) {
  Node* services = p_->model.find("services");
  for (auto& e : services->entries) {
    Node& svc = e.value;
    if (!p_->enabled(svc)) continue;
    Node merged = Node::mapping();
    if (const Node* files = svc.find("env_file"); files && files->is_seq()) {
      for (const Node& f : files->items) {
        std::string path = f.is_map() ? (f.find("path") ? f.find("path")->text : "") : f.text;
        read_variables(join_path(project_dir_, path), Where::OrUntracked, f, lookup, &merged);
      }
    }
    if (Node* env = svc.find("environment"); env && env->is_map()) {
      for (auto& ev : env->entries) {
        Node value = ev.value;
        if (value.is_null())
          if (auto v = lookup(ev.key))
            value = Node::scalar(*v), value.file = ev.value.file, value.line = ev.line;
        merged.set(ev.key, std::move(value));
      }
    }
    if (!merged.entries.empty()) svc.set("environment", std::move(merged));
    resolve_labels(svc, lookup);
  }
}

void Loader::require_local_file(const char* kind, const Node& named_at, const std::string& path,
                                Where where) {
  std::string full = join_path(project_dir_, path);
  add_input(full);
  if (ctx_.source->exists(full) ||
      (where == Where::OrUntracked && ctx_.fallback && ctx_.fallback->exists(full)))
    return;
  if (ctx_.source->ignored(full)) {
    p_->warnings.push_back(named_at.at(std::string(kind) + " " + full +
                                       " not found (git ignores it: a local file by design)"));
  } else {
    p_->errors.push_back(named_at.at(std::string(kind) + " " + full + " not found"));
  }
}

void Loader::read_variables(const std::string& path, Where where, const Node& named_at,
                            const VariableLookup& lookup, Node* into) {
  std::string text, err;
  if (read_input(path, where, &text, &err) != ReadStatus::Ok) return;
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

void Loader::resolve_labels(Node& svc, const VariableLookup& lookup) {
  std::vector<const Node*> files = label_files(svc);
  if (files.empty()) return;
  Node labels = Node::mapping();
  for (const Node* f : files)
    read_variables(join_path(project_dir_, f->text), Where::Source, *f, lookup, &labels);
  if (const Node* own = svc.find("labels"); own && own->is_map())
    for (const auto& le : own->entries) labels.set(le.key, le.value);
  svc.erase("label_file");
  if (!labels.entries.empty()) svc.set("labels", std::move(labels));
}

}  // namespace smokehook
