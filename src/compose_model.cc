#include "compose_model.h"

#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <filesystem>

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
    if (p.contains("target")) {  // a uint32 in compose: larger numbers wrap, and 0 is left out
      auto target = scalar_int(*item.find("target"));
      uint32_t port = target ? static_cast<uint32_t>(*target) : 0;
      if (port) p["target"] = port;
      else p.erase("target");
    }
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

// A relative path of the model made absolute against the project's folder, as docker compose prints
// it; `~` is the home folder. URLs (a remote build context) are left as written.
std::string absolute_in(const std::string& dir, const std::string& path) {
  bool windows = path.size() >= 3 && std::isalpha(static_cast<unsigned char>(path[0])) && path[1] == ':' &&
                 (path[2] == '\\' || path[2] == '/');  // C:\x is absolute too, as compose reads it
  if (dir.empty() || path.empty() || path[0] == '/' || path[0] == '\\' || windows ||
      path.find("://") != std::string::npos || path.rfind("git@", 0) == 0)
    return path;
  if (path == "~" || path.rfind("~/", 0) == 0) {  // the home folder, as docker compose expands it
    const char* home = std::getenv("HOME");
    return home && *home ? std::string(home) + path.substr(1) : path;
  }
  std::string joined = std::filesystem::path(dir + "/" + path).lexically_normal().generic_string();
  while (joined.size() > 1 && joined.back() == '/') joined.pop_back();
  return joined;
}

json service_json(const Node& svc, const std::string& dir) {
  json out = json::object();
  // A service that names no network and no network_mode is on the project's default network.
  if (!svc.find("networks") && !svc.find("network_mode")) out["networks"] = {{"default", nullptr}};
  for (const auto& e : svc.entries) {
    const Node& v = e.value;
    if (e.key == "command" || e.key == "entrypoint") {
      out[e.key] = v.is_null() ? json(nullptr) : json(command_words(svc, e.key.c_str()));
    } else if (e.key == "environment" || e.key == "labels" || e.key == "annotations") {
      out[e.key] = string_map(v);
    } else if (e.key == "depends_on") {
      json deps = json::object();
      for (const Dependency& d : dependencies(svc)) {
        json dep = {{"condition", d.condition}, {"required", d.required}};
        if (d.entry && d.entry->value.is_map())
          if (const Node* restart = d.entry->value.find("restart"); restart && scalar_bool(*restart))
            dep["restart"] = *scalar_bool(*restart);
        deps[d.service] = dep;
      }
      out[e.key] = deps;
    } else if (e.key == "env_file") {
      continue;  // folded into `environment` by the loader; docker compose prints no env_file either
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
        if (!m.source.empty()) j["source"] = m.type == "bind" ? absolute_in(dir, m.source) : m.source;
        std::string target = m.target;  // cleaned as docker compose prints it: no trailing '/'
        while (target.size() > 1 && target.back() == '/') target.pop_back();
        j["target"] = target;
        if (m.read_only) j["read_only"] = true;
        bool short_syntax = !m.node || m.node->is_scalar();
        if (short_syntax) {
          // As compose prints the short syntax: a bind creates its host path and takes the propagation
          // and SELinux options; nocopy is a volume option; a spec of two characters or fewer (a bare
          // target) gets nothing more.
          json bind = json::object(), volume = json::object();
          for (const auto& opt : split(m.options, ',')) {
            if (opt == "z" || opt == "Z") bind["selinux"] = opt;
            if (opt == "rprivate" || opt == "private" || opt == "rshared" || opt == "shared" || opt == "rslave" ||
                opt == "slave")
              bind["propagation"] = opt;
            if (opt == "nocopy") volume["nocopy"] = true;
          }
          if (m.type == "bind") {
            bind["create_host_path"] = true;
            j["bind"] = bind;
          }
          bool bare = m.source.empty() && m.target.size() <= 2;
          if ((m.type == "volume" && !bare) || !volume.empty()) j["volume"] = volume;
        } else if (m.node->is_map()) {
          if (const Node* volume = m.type == "volume" ? m.node->find("volume") : nullptr) j["volume"] = plain_json(*volume);
          if (const Node* bind = m.node->find("bind")) j["bind"] = plain_json(*bind);
        }
        vols.push_back(j);
      }
      out[e.key] = vols;
    } else if (e.key == "build" && !dir.empty()) {
      // The long form, its context absolute and its Dockerfile named, as docker compose prints it.
      json build = v.is_map() ? plain_json(v) : json{{"context", scalar_string(v)}};
      std::string context = build.contains("context") && build["context"].is_string() ? build["context"].get<std::string>() : ".";
      build["context"] = absolute_in(dir, context);
      if (!build.contains("dockerfile") && !build.contains("dockerfile_inline")) build["dockerfile"] = "Dockerfile";
      out[e.key] = build;
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

json project_json(const Project& project, const std::string& name, const std::string& directory) {
  json out = json::object();
  out["name"] = name;
  json services = json::object();
  // Keys are unique already: append instead of operator[], whose lookup is linear (thousands of services).
  auto& members = services.get_ref<json::object_t&>();
  if (const Node* s = project.model.find("services"))
    for (const auto& e : s->entries)
      if (project.enabled(e.value)) members.emplace_back(e.key, service_json(e.value, directory));
  out["services"] = services;
  for (const char* section : {"networks", "volumes", "secrets", "configs"})
    if (const Node* n = project.model.find(section)) out[section] = plain_json(*n);
  escape_dollars(out);
  return out;
}

}  // namespace smokehook
