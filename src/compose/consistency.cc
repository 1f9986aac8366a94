// The merged model's consistency, as compose-go checks it after loading: references to services,
// networks, volumes, secrets, configs and models resolve, dependencies have no cycle, resource
// limits agree.
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

// Two counts that both read as integers and differ (what cannot be read was reported by the
// schema).
bool scale_int_differs(const Node& a, const Node& b) {
  auto x = scalar_int(a), y = scalar_int(b);
  return x && y && *x != *y;
}

}  // namespace

void Loader::check_consistency() {
  const Node* services = p_->model.find("services");
  if (!services || !services->is_map()) return;
  // container_name -> the enabled service that has it
  std::map<std::string, std::string> container_names;
  for (const auto& e : services->entries) {
    if (!p_->enabled(e.value)) continue;
    // References and limits (docker compose --no-consistency skips them); files are read anyway.
    if (!ctx_.no_consistency) {
      check_service_settings(e, *services, &container_names);
      check_tmpfs_targets(e.value, e.key);
      check_references(e.value, e.key, *services);
    }
    check_service_files(e.value);
  }
  check_dependency_cycles(*services);
}

bool Loader::declared(const char* section, const std::string& name) const {
  const Node* s = p_->model.find(section);
  return s && s->find(name);
}

void Loader::check_service_settings(const Entry& e, const Node& services,
                                    std::map<std::string, std::string>* container_names) {
  const Node& svc = e.value;
  const std::string& name = e.key;
  if (const Node* cn = svc.find("container_name"); cn && cn->is_scalar() && !cn->text.empty()) {
    if (auto [it, fresh] = container_names->emplace(cn->text, name); !fresh) {
      p_->errors.push_back(cn->at("service '" + name + "': container name \"" + cn->text +
                                  "\" is already in use by service '" + it->second + "'"));
    }
  }
  const Node* image = svc.find("image");
  if ((!image || (image->is_scalar() && image->text.empty())) && !svc.find("build") &&
      !svc.find("provider"))
    p_->errors.push_back(e.at(
        services, "service '" + name + "' has neither an image nor a build context specified"));
  if (const Node* platform = svc.find("platform");
      platform && platform->is_scalar() && !platform->text.empty()) {
    if (const Node* build = svc.find("build"); build && build->is_map()) {
      if (const Node* platforms = build->find("platforms");
          platforms && platforms->is_seq() && !platforms->items.empty() &&
          std::none_of(platforms->items.begin(), platforms->items.end(),
                       [&](const Node& b) { return b.text == platform->text; })) {
        p_->errors.push_back(platform->at("service '" + name +
                                          "': build.platforms must include its platform \"" +
                                          platform->text + "\""));
      }
    }
  }
  const Node* scale = svc.find("scale");
  const Node* deploy = svc.find("deploy");
  const Node* replicas = deploy && deploy->is_map() ? deploy->find("replicas") : nullptr;
  if (scale && replicas && scale_int_differs(*scale, *replicas))
    p_->errors.push_back(scale->at("service '" + name +
                                   "' can't set distinct values on 'scale' and 'deploy.replicas'"));
  check_resource_limits(svc, name);
  if (const Node* cn = svc.find("container_name"); cn && cn->is_scalar() && !cn->text.empty()) {
    const Node* count = scale ? scale : replicas;  // compose's GetScale: 1 when neither is set
    if (count && scalar_int(*count).value_or(1) > 1) {
      p_->errors.push_back(cn->at("service '" + name + "' can't set container_name and " +
                                  (scale ? "scale" : "deploy.replicas") +
                                  " as container name must be unique"));
    }
  }
}

// A tmpfs path is mounted once: no other tmpfs entry and no volume may target it.
void Loader::check_tmpfs_targets(const Node& svc, const std::string& name) {
  std::map<std::string, std::string> mounted;
  if (const Node* tmpfs = svc.find("tmpfs"); tmpfs && tmpfs->is_seq()) {
    for (size_t i = 0; i < tmpfs->items.size(); ++i) {
      std::string path = scalar_string(tmpfs->items[i]);
      path = path.substr(0, path.find(':'));
      std::string here = "services." + name + ".tmpfs[" + std::to_string(i) + "]";
      if (auto [it, fresh] = mounted.emplace(path, here); !fresh)
        p_->errors.push_back(
            tmpfs->items[i].at(here + ": target " + path + " already mounted as " + it->second));
    }
  }
  size_t i = 0;
  for (const Mount& m : mounts(svc)) {
    std::string target = std::filesystem::path(m.target).lexically_normal().generic_string();
    while (target.size() > 1 && target.back() == '/') target.pop_back();
    if (auto it = mounted.find(target); it != mounted.end()) {
      p_->errors.push_back(m.node->at("services." + name + ".volumes[" + std::to_string(i) +
                                      "]: target " + target + " already mounted as " + it->second));
    }
    ++i;
  }
}

// Services, volumes, networks, secrets, configs and models a service names are defined (and a
// required dependency enabled).
void Loader::check_references(const Node& svc, const std::string& name, const Node& services) {
  for (const Dependency& d : dependencies(svc)) {
    const Node* target = services.find(d.service);
    if (!target) {
      p_->errors.push_back(
          d.at("service '" + name + "' depends on undefined service '" + d.service + "'"));
    } else if (!p_->enabled(*target) && d.required) {
      p_->errors.push_back(
          d.at("service '" + name + "' depends on service '" + d.service +
               "', which is not enabled (its profiles are not active; set required: false "
               "to make the dependency optional)"));
    }
  }
  for (const Mount& m : mounts(svc)) {
    if (m.type == "volume" && !m.source.empty() && !declared("volumes", m.source))
      p_->errors.push_back(
          m.node->at("service '" + name + "' refers to undefined volume '" + m.source + "'"));
  }
  if (const Node* nets = svc.find("networks"); nets && nets->is_map()) {
    for (const auto& n : nets->entries) {
      if ((n.key != "default" || ctx_.no_normalize) &&
          !declared("networks", n.key))  // normalizing adds it
        p_->errors.push_back(
            n.at(*nets, "service '" + name + "' refers to undefined network '" + n.key + "'"));
    }
  }
  for (const char* section : {"secrets", "configs"}) {
    const Node* refs = svc.find(section);
    if (!refs || !refs->is_seq()) continue;
    for (const Node& r : refs->items) {
      std::string src = r.is_map() ? (r.find("source") ? r.find("source")->text : "") : r.text;
      if (!declared(section, src)) {
        p_->errors.push_back(r.at("service '" + name + "' refers to undefined " +
                                  std::string(section).substr(0, std::string(section).size() - 1) +
                                  " '" + src + "'"));
      }
    }
  }
  if (const Node* build = svc.find("build"); build && build->is_map()) {
    if (const Node* refs = build->find("secrets"); refs && refs->is_seq()) {
      for (const Node& r : refs->items) {
        std::string src = r.is_map() ? (r.find("source") ? r.find("source")->text : "") : r.text;
        if (!declared("secrets", src))
          p_->errors.push_back(
              r.at("service '" + name + "' refers to undefined build secret '" + src + "'"));
      }
    }
  }
  if (const Node* models = svc.find("models")) {  // a list of names, or a mapping keyed by them
    auto check = [&](const std::string& wanted, const Node& at) {
      if (!declared("models", wanted))
        p_->errors.push_back(
            at.at("service '" + name + "' refers to undefined model '" + wanted + "'"));
    };
    if (models->is_seq())
      for (const Node& m : models->items) check(m.text, m);
    if (models->is_map())
      for (const Entry& m : models->entries) check(m.key, m.value);
  }
}

// The files a service reads (env_file, label_file) exist.
void Loader::check_service_files(const Node& svc) {
  if (const Node* env_files = svc.find("env_file");
      env_files && env_files->is_seq() && !ctx_.no_env_files) {
    for (const Node& f : env_files->items) {
      std::string path = f.is_map() ? (f.find("path") ? f.find("path")->text : "") : f.text;
      bool required = true;
      if (f.is_map())
        if (const Node* r = f.find("required")) required = scalar_bool(*r).value_or(true);
      if (required) require_local_file("env file", f, path, Where::OrUntracked);
    }
  }
  for (const Node* f : label_files(svc))
    require_local_file("label file", *f, f->text, Where::Source);
}

// Dependency cycles, over every service (compose reports them whatever the profiles).
void Loader::check_dependency_cycles(const Node& services) {
  std::unordered_map<std::string_view, const Node*> by_name;
  by_name.reserve(services.entries.size());
  for (const auto& e : services.entries) by_name.emplace(e.key, &e.value);
  // Names are views of the model's own keys, which outlive this function's maps.
  std::unordered_map<std::string_view, int> state;  // absent: new, 1 on the stack, 2 done
  std::vector<std::string_view> stack;
  std::function<bool(std::string_view, const Node&)> visit = [&](std::string_view name,
                                                                 const Node& svc) -> bool {
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
  for (const auto& e : services.entries)
    if (!state.count(e.key) && !visit(e.key, e.value)) break;
}

void Loader::check_resource_limits(const Node& svc, const std::string& name) {
  const Node* deploy = svc.find("deploy");
  const Node* resources = deploy && deploy->is_map() ? deploy->find("resources") : nullptr;
  if (!resources || !resources->is_map()) return;
  struct Pair {
    const char* key;
    const char* block;
    const char* field;
    int kind;  // 0 float, 1 bytes, 2 integer
  };
  for (const Pair& pr :
       {Pair{"cpus", "limits", "cpus", 0}, Pair{"mem_limit", "limits", "memory", 1},
        Pair{"mem_reservation", "reservations", "memory", 1},
        Pair{"pids_limit", "limits", "pids", 2}}) {
    const Node* own = svc.find(pr.key);
    const Node* block = resources->find(pr.block);
    if (!own || !own->is_scalar() || !block || !block->is_map()) continue;
    const Node* other = block->find(pr.field);
    auto value = [&](const Node* n) -> double {
      if (!n || !n->is_scalar()) return 0;
      std::string t = scalar_string(*n);
      if (pr.kind == 1) return static_cast<double>(parse_byte_size(t).value_or(0));
      return pr.kind == 0 ? static_cast<float>(std::strtod(t.c_str(), nullptr))
                          : std::strtod(t.c_str(), nullptr);
    };
    double mine = value(own);
    if (mine != 0 && mine != value(other)) {
      p_->errors.push_back(own->at("service '" + name + "' can't set distinct values on '" +
                                   pr.key + "' and 'deploy.resources." + pr.block + "." + pr.field +
                                   "'"));
    }
  }
}

}  // namespace smokehook
