// extends and include: a service started from another (in this file or another), another
// project's files joined in, and the relative paths each brings rebased as compose-go does.
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

bool Loader::resolve_extends(Node& doc, const std::string& file, const VariableLookup& lookup) {
  Node* services = doc.find("services");
  if (!services || !services->is_map()) return true;
  for (auto& e : services->entries) {
    std::vector<std::string> chain;
    if (!extend_service(e.value, e.key, file, doc, lookup, &chain)) return false;
  }
  return true;
}

bool Loader::extend_service(Node& svc, const std::string& name, const std::string& file,
                            const Node& doc, const VariableLookup& lookup,
                            std::vector<std::string>* chain, bool in_file) {
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
    validate_compose_schema(other_docs.front(), nullptr, &p_->errors,
                            ctx_.no_interpolate && ctx_.model_only);  // a file of its own
    if (p_->errors.size() != before) return false;
    base_doc = &other_docs.front();
  }
  const Node* base_services = base_doc->find("services");
  const Node* found = base_services ? base_services->find(base_name) : nullptr;
  if (!found) {
    p_->errors.push_back(
        ext->at("cannot extend service '" + base_name + "' of " + base_file + ": no such service"));
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

void Loader::rebase_paths(Node& svc, const std::string& from, const std::string& to,
                          bool default_context) {
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
  if (Node* volumes =
          svc.find("volumes")) {  // bind mounts from a relative path: "./src:/dst", {source: ./src}
    for (Node& item : volumes->items) {
      VolumeSpec v;
      std::string err;
      if (item.is_scalar() && starts_with(item.text, ".") && parse_volume(item.text, &v, &err) &&
          v.type == "bind") {
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
      if (item.is_scalar())
        rebase(item);
      else if (Node* p = item.find("path"))
        rebase(*p);
    }
  }
  if (Node* develop = svc.find("develop")) {
    if (Node* watch = develop->find("watch")) {
      for (Node& w : watch->items)
        if (Node* p = w.is_map() ? w.find("path") : nullptr) rebase(*p);
    }
  }
}

Node Loader::long_bind(const Node& at, const VolumeSpec& v, const std::string& source) {
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
    if (opt == "rprivate" || opt == "private" || opt == "rshared" || opt == "shared" ||
        opt == "rslave" || opt == "slave")
      bind.set("propagation", scalar(opt, false));
    if (opt == "nocopy") volume.set("nocopy", scalar("true", true));
  }
  if (read_only) m.set("read_only", scalar("true", true));
  m.set("bind", std::move(bind));
  if (!volume.entries.empty()) m.set("volume", std::move(volume));
  return m;
}

void Loader::rebase_resources(Node& model, const std::string& from, const std::string& to) {
  auto rebase = [&](Node& n) {
    if (!n.is_scalar() || n.text.empty() || n.text[0] == '/' || n.text[0] == '~') return;
    n.text = relative_to(join_path(from, n.text), to);
  };
  for (const char* section : {"secrets", "configs"}) {
    if (Node* defs = model.find(section)) {
      for (auto& e : defs->entries)
        if (Node* f = e.value.is_map() ? e.value.find("file") : nullptr) rebase(*f);
    }
  }
  if (Node* volumes = model.find("volumes")) {
    for (auto& e : volumes->entries) {
      const Node* driver = e.value.is_map() ? e.value.find("driver") : nullptr;
      Node* opts = e.value.is_map() ? e.value.find("driver_opts") : nullptr;
      const Node* o = opts && opts->is_map() ? opts->find("o") : nullptr;
      if (driver && driver->text == "local" && o && o->text == "bind")
        if (Node* device = opts->find("device")) rebase(*device);
    }
  }
}

std::string Loader::relative_to(std::string path, std::string d) {
  bool path_absolute = !path.empty() && path[0] == '/', dir_absolute = !d.empty() && d[0] == '/';
  if (path_absolute != dir_absolute) {  // e.g. --project-directory given absolute, files relative
    std::error_code ec;
    std::string cwd = std::filesystem::current_path(ec).generic_string();
    if (!ec) (path_absolute ? d : path) = join_path(cwd, path_absolute ? d : path);
  }
  if (d.empty()) return path.empty() ? "." : path;                // "" is the current folder
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

bool Loader::include_paths(const Node& item, const std::string& file,
                           std::vector<std::string>* paths, std::vector<const Node*>* where) {
  auto is_string = [](const Node& n) {
    return n.is_scalar() && scalar_type(n) == ScalarType::String;
  };
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
  if (path->is_seq()) {
    for (const Node& p : path->items) add(p);
  } else {
    add(*path);
  }
  return true;
}

bool Loader::apply_include(Node& doc, const std::string& file, Node* into) {
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
    std::string sub_dir =
        project_directory ? join_path(dirname(file), project_directory->text) : dirname(paths[0]);
    // The include's env_file replaces the included project's .env for its interpolation.
    std::vector<std::pair<std::string, const Node*>> env_files;
    if (const Node* ef = item.is_map() ? item.find("env_file") : nullptr) {
      if (ef->is_scalar()) env_files.emplace_back(join_path(dirname(file), ef->text), ef);
      if (ef->is_seq())
        for (const Node& f : ef->items)
          env_files.emplace_back(join_path(dirname(file), f.text), &f);
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
        if ((mine && !structurally_equal(written, e.value)) ||
            (have && !structurally_equal(*have, e.value))) {
          p_->errors.push_back(item.at(
              "imported " + std::string(section).substr(0, std::string(section).size() - 1) + " '" +
              e.key + "' from " + paths[0] + " conflicts with a definition in " + file));
          return false;
        }
        if (!have) to->set(e.key, e.value);
      }
    }
  }
  return true;
}

void Loader::run_include(const std::vector<std::string>& files,
                         const std::vector<const Node*>& where, const std::string& project_dir,
                         const std::vector<std::pair<std::string, const Node*>>& env_files) {
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

}  // namespace smokehook
