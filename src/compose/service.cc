#include "compose/service.h"

#include "base/text.h"
#include "compose/schema.h"

namespace smokehook {

Finding Dependency::at(std::string message) const {
  return entry ? entry->at(*owner, std::move(message)) : node->at(std::move(message));
}

Finding Dependency::condition_at(std::string message) const {
  return condition_node ? condition_node->at(std::move(message)) : at(std::move(message));
}

std::vector<Dependency> dependencies(const Node& svc) {
  std::vector<Dependency> out;
  const Node* deps = svc.find("depends_on");
  if (!deps) return out;
  if (deps->is_seq()) {
    for (const Node& item : deps->items) {
      Dependency d;
      d.service = item.text;
      d.node = &item;
      out.push_back(std::move(d));
    }
    return out;
  }
  for (const auto& e : deps->entries) {
    Dependency d;
    d.service = e.key;
    d.node = &e.value;
    d.entry = &e;
    d.owner = deps;
    if (const Node* c = e.value.find("condition")) {
      d.condition = c->text;
      d.condition_node = c;
    }
    if (const Node* r = e.value.find("required")) d.required = scalar_bool(*r).value_or(true);
    out.push_back(std::move(d));
  }
  return out;
}

std::vector<Mount> mounts(const Node& svc) {
  std::vector<Mount> out;
  const Node* vols = svc.find("volumes");
  if (!vols || !vols->is_seq()) return out;
  for (const Node& item : vols->items) {
    Mount m;
    m.node = &item;
    if (item.is_map()) {
      auto get = [&](const char* k) {
        const Node* n = item.find(k);
        return n ? scalar_string(*n) : std::string();
      };
      m.type = get("type");
      if (m.type.empty()) m.type = "volume";
      m.source = get("source");
      m.target = get("target");
      m.read_only = get("read_only") == "true";
    } else {
      VolumeSpec v;
      std::string err;
      if (!parse_volume(scalar_string(item), &v, &err)) continue;
      m.type = v.type;
      m.source = v.source;
      m.target = v.target;
      m.options = v.mode;
      for (const auto& opt : split(v.mode, ','))  // the last of ro and rw wins, as in compose
        if (opt == "ro" || opt == "rw") m.read_only = opt == "ro";
    }
    out.push_back(std::move(m));
  }
  return out;
}

std::vector<std::string> command_words(const Node& svc, const char* key) {
  const Node* cmd = svc.find(key);
  if (!cmd) return {};
  if (cmd->is_scalar()) return shell_split(cmd->text);
  std::vector<std::string> out;
  if (cmd->is_seq())
    for (const Node& w : cmd->items) out.push_back(scalar_string(w));
  return out;
}

}  // namespace smokehook
