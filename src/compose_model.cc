#include "compose_model.h"

#include "compose_project.h"
#include "compose_schema.h"
#include "text.h"

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
      for (const auto& opt : split(v.mode, ','))
        if (opt == "ro") m.read_only = true;
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

namespace {

using json = nlohmann::ordered_json;

json plain_json(const Node& n) {
  switch (n.kind) {
    case NodeKind::Null:
      return nullptr;
    case NodeKind::Scalar:
      switch (scalar_type(n)) {
        case ScalarType::Bool:
          return *scalar_bool(n);
        case ScalarType::Int:
          return *scalar_int(n);
        case ScalarType::Float:
          return std::strtod(n.text.c_str(), nullptr);
        default:
          return n.text;
      }
    case NodeKind::Sequence: {
      json a = json::array();
      for (const Node& i : n.items) a.push_back(plain_json(i));
      return a;
    }
    case NodeKind::Mapping: {
      json o = json::object();
      for (const auto& e : n.entries) o[e.key] = plain_json(e.value);
      return o;
    }
  }
  return nullptr;
}

json string_map(const Node& n) {
  json o = json::object();
  for (const auto& e : n.entries) o[e.key] = e.value.is_null() ? json(nullptr) : json(scalar_string(e.value));
  return o;
}

json port_json(const Node& item) {
  json p = json::object();
  if (item.is_map()) {
    p = plain_json(item);
    if (p.contains("target")) p["target"] = std::stoi(scalar_string(*item.find("target")));
    if (p.contains("published")) p["published"] = scalar_string(*item.find("published"));
    if (!p.contains("protocol")) p["protocol"] = "tcp";
    if (!p.contains("mode")) p["mode"] = "ingress";
    return p;
  }
  PortSpec s;
  std::string err;
  parse_port(scalar_string(item), &s, &err);
  p["mode"] = "ingress";
  if (!s.host_ip.empty()) p["host_ip"] = s.host_ip;
  p["target"] = std::atoi(s.target.c_str());
  if (!s.published.empty()) p["published"] = s.published;
  p["protocol"] = s.protocol;
  return p;
}

json service_json(const Node& svc) {
  json out = json::object();
  for (const auto& e : svc.entries) {
    const Node& v = e.value;
    if (e.key == "command" || e.key == "entrypoint") {
      out[e.key] = v.is_null() ? json(nullptr) : json(command_words(svc, e.key.c_str()));
    } else if (e.key == "environment" || e.key == "labels" || e.key == "annotations") {
      out[e.key] = string_map(v);
    } else if (e.key == "depends_on") {
      json deps = json::object();
      for (const Dependency& d : dependencies(svc))
        deps[d.service] = {{"condition", d.condition}, {"required", d.required}};
      out[e.key] = deps;
    } else if ((e.key == "secrets" || e.key == "configs") && v.is_seq()) {
      // The long form, with the default target (/run/secrets/<source>, /<source>), as docker compose prints it.
      std::string prefix = e.key == "secrets" ? "/run/secrets/" : "/";
      json refs = json::array();
      for (const Node& r : v.items) {
        json j = r.is_map() ? plain_json(r) : json{{"source", scalar_string(r)}};
        std::string source = j.contains("source") && j["source"].is_string() ? j["source"].get<std::string>() : "";
        if (!j.contains("target")) j["target"] = prefix + source;
        else if (j["target"].is_string() && e.key == "secrets" && j["target"].get<std::string>().rfind('/', 0) != 0)
          j["target"] = prefix + j["target"].get<std::string>();
        refs.push_back(j);
      }
      out[e.key] = refs;
    } else if (e.key == "extra_hosts") {
      // Printed as docker compose prints it: a list of "host=ip".
      json hosts = json::array();
      if (v.is_map())
        for (const auto& h : v.entries) hosts.push_back(h.key + "=" + scalar_string(h.value));
      for (const Node& h : v.items) {
        std::string text = scalar_string(h);
        size_t sep = text.find('=');
        if (sep == std::string::npos && (sep = text.find(':')) != std::string::npos) text[sep] = '=';
        hosts.push_back(text);
      }
      out[e.key] = hosts;
    } else if (e.key == "expose" && v.is_seq()) {
      json ports = json::array();  // strings, as docker compose prints them: 3306 -> "3306"
      for (const Node& p : v.items) ports.push_back(scalar_string(p));
      out[e.key] = ports;
    } else if (e.key == "devices" && v.is_seq()) {
      // The long form: "src[:target[:permissions]]" as {source, target, permissions}, rwm by default.
      json devices = json::array();
      for (const Node& d : v.items) {
        if (d.is_map()) {
          devices.push_back(plain_json(d));
          continue;
        }
        std::vector<std::string> parts = split(scalar_string(d), ':');
        std::string source = parts.empty() ? "" : parts[0];
        devices.push_back({{"source", source},
                           {"target", parts.size() > 1 ? parts[1] : source},
                           {"permissions", parts.size() > 2 ? parts[2] : "rwm"}});
      }
      out[e.key] = devices;
    } else if (e.key == "ports" && v.is_seq()) {
      json ports = json::array();
      for (const Node& p : v.items) ports.push_back(port_json(p));
      out[e.key] = ports;
    } else if (e.key == "volumes" && v.is_seq()) {
      json vols = json::array();
      for (const Mount& m : mounts(svc)) {
        json j = {{"type", m.type}};
        if (!m.source.empty()) j["source"] = m.source;
        j["target"] = m.target;
        if (m.read_only) j["read_only"] = true;
        if (m.type == "volume") j["volume"] = json::object();
        if (m.type == "bind") j["bind"] = {{"create_host_path", true}};
        vols.push_back(j);
      }
      out[e.key] = vols;
    } else {
      out[e.key] = plain_json(v);
    }
  }
  return out;
}

}  // namespace

// docker compose config prints a literal '$' as "$$", so that its output loads again as it was.
void escape_dollars(json& j) {
  if (j.is_string()) {
    std::string s = j.get<std::string>(), out;
    if (s.find('$') == std::string::npos) return;
    for (char c : s) out += c == '$' ? std::string("$$") : std::string(1, c);
    j = out;
  } else if (j.is_structured()) {
    for (auto& item : j) escape_dollars(item);
  }
}

json project_json(const Project& project, const std::string& name) {
  json out = json::object();
  out["name"] = name;
  json services = json::object();
  // Keys are unique already: append instead of operator[], whose lookup is linear (thousands of services).
  auto& members = services.get_ref<json::object_t&>();
  if (const Node* s = project.model.find("services"))
    for (const auto& e : s->entries)
      if (project.enabled(e.value)) members.emplace_back(e.key, service_json(e.value));
  out["services"] = services;
  for (const char* section : {"networks", "volumes", "secrets", "configs"})
    if (const Node* n = project.model.find(section)) out[section] = plain_json(*n);
  escape_dollars(out);
  return out;
}

}  // namespace smokehook
