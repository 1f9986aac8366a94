#include "compose/model.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <unordered_map>

#include "base/text.h"
#include "compose/go_values.h"
#include "compose/project.h"
#include "compose/schema.h"
#include "compose/typed_model.h"

namespace smokehook {
namespace {

using json = nlohmann::ordered_json;

// ---- compose-go's canonical forms and defaults, before the types apply -----------------------

// A relative path of the model made absolute against the project's folder, as docker compose prints
// it; `~` is the home folder. URLs (a remote build context) are left as written.
std::string absolute_in(const std::string& dir, const std::string& path) {
  bool windows = path.size() >= 3 && std::isalpha(static_cast<unsigned char>(path[0])) &&
                 path[1] == ':' &&
                 (path[2] == '\\' || path[2] == '/');  // C:\x is absolute too, as compose reads it
  if (path == "~" || path.rfind("~", 0) == 0) {  // the home folder, as docker compose expands it
    const char* home = std::getenv("HOME");
    if (!home || !*home) return path;
    std::string joined = std::filesystem::path(std::string(home) + "/" + path.substr(1))
                             .lexically_normal()
                             .generic_string();
    while (joined.size() > 1 && joined.back() == '/') joined.pop_back();
    return joined;
  }
  if (dir.empty() || path.empty() || path[0] == '/' || path[0] == '\\' || windows) return path;
  std::string joined = std::filesystem::path(dir + "/" + path).lexically_normal().generic_string();
  while (joined.size() > 1 && joined.back() == '/') joined.pop_back();
  return joined;
}

bool remote_context(const std::string& c) {
  for (const char* prefix :
       {"https://", "http://", "git://", "ssh://", "github.com/", "git@", "service:"})
    if (c.rfind(prefix, 0) == 0) return true;
  return c.find("://") != std::string::npos;
}

std::string clean_path(const std::string& p) {
  if (p.empty()) return p;
  std::string c = std::filesystem::path(p).lexically_normal().generic_string();
  while (c.size() > 1 && c.back() == '/') c.pop_back();
  return c.empty() ? "." : c;
}

// One short-syntax port ("[ip:][published:]target[/protocol]", ranges expanded) as compose's
// entries.
void short_ports(const std::string& text, json* out) {
  PortSpec s;
  std::string err;
  if (!parse_port(text, &s, &err)) {
    out->push_back({{"target", text}});
    return;
  }
  auto range = [](const std::string& r, long* lo, long* hi) {
    size_t dash = r.find('-');
    *lo = std::atol(r.substr(0, dash).c_str());
    *hi = dash == std::string::npos ? *lo : std::atol(r.substr(dash + 1).c_str());
  };
  long tlo, thi, plo = 0, phi = 0;
  range(s.target, &tlo, &thi);
  if (!s.published.empty()) range(s.published, &plo, &phi);
  // sorted as docker sorts them: by "port/proto" text
  std::vector<std::pair<std::string, json>> entries;
  for (long t = tlo; t <= thi; ++t) {
    json p = {{"mode", "ingress"}};
    if (!s.host_ip.empty()) {
      std::string ip = s.host_ip;
      if (ip.size() > 2 && ip.front() == '[' && ip.back() == ']') ip = ip.substr(1, ip.size() - 2);
      p["host_ip"] = ip;
    }
    p["target"] = t;
    if (!s.published.empty()) {
      if (thi > tlo && phi - plo == thi - tlo)
        p["published"] = std::to_string(plo + (t - tlo));
      else
        p["published"] = s.published;
    }
    std::string proto = s.protocol;
    for (char& c : proto) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    p["protocol"] = proto;
    entries.emplace_back(std::to_string(t) + "/" + proto, std::move(p));
  }
  std::stable_sort(entries.begin(), entries.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& e : entries) out->push_back(std::move(e.second));
}

json ports_json(const Node& v) {
  json out = json::array();
  for (const Node& item : v.items) {
    if (item.is_map()) {
      json p = plain_json(item);
      if (!p.contains("protocol")) p["protocol"] = "tcp";
      if (!p.contains("mode")) p["mode"] = "ingress";
      if (p.contains("target")) {  // a uint32 in compose: larger numbers wrap
        if (auto t = int_of(p["target"]))
          p["target"] = static_cast<long long>(static_cast<uint32_t>(*t));
      }
      out.push_back(std::move(p));
    } else {
      short_ports(scalar_string(item), &out);
    }
  }
  // As compose's second unicity pass: entries with the same host_ip (0.0.0.0 when absent),
  // published, target and protocol, keyed as Go's Sprintf prints their values, are one; the last
  // wins in place.
  auto go_text = [](const json& x, const char* verb) {
    if (x.is_string())
      return std::string(verb) == "d" ? "%!d(string=" + x.get<std::string>() + ")"
                                      : x.get<std::string>();
    if (x.is_number_integer())
      return std::string(verb) == "d" ? text_of(x) : "%!s(int=" + text_of(x) + ")";
    return "%!" + std::string(verb) + "(<nil>)";
  };
  json unique = json::array();
  std::map<std::string, size_t> seen;
  for (json& p : out) {
    std::string key = (p.contains("host_ip") ? go_text(p["host_ip"], "s") : "0.0.0.0") + ":" +
                      go_text(p.value("published", json(nullptr)), "s") + ":" +
                      go_text(p.value("target", json(nullptr)), "d") + "/" +
                      go_text(p["protocol"], "s");
    auto [it, fresh] = seen.emplace(key, unique.size());
    if (fresh)
      unique.push_back(std::move(p));
    else
      unique[it->second] = std::move(p);
  }
  return unique;
}

json volumes_json(const Node& svc, const std::string& dir) {
  json vols = json::array();
  for (const Mount& m : mounts(svc)) {
    json j;
    if (m.node && m.node->is_map()) {
      j = plain_json(*m.node);
      if (!j.contains("type")) j["type"] = "volume";
    } else {
      j = {{"type", m.type}};
      if (!m.source.empty()) j["source"] = m.source;
      j["target"] = m.target;
      if (m.read_only) j["read_only"] = true;
      // As compose reads the short syntax: a bind creates its host path; the propagation and
      // SELinux options make a bind block whatever the type (a named volume's ":Z" too); nocopy is
      // a volume option; a spec of two characters or fewer gets nothing more.
      json bind = json::object(), volume = json::object();
      for (const auto& opt : split(m.options, ',')) {
        if (opt == "z" || opt == "Z") bind["selinux"] = opt;
        if (opt == "rprivate" || opt == "private" || opt == "rshared" || opt == "shared" ||
            opt == "rslave" || opt == "slave")
          bind["propagation"] = opt;
        if (opt == "nocopy") volume["nocopy"] = true;
      }
      if (m.type == "bind") bind["create_host_path"] = true;
      if (m.type == "bind" || !bind.empty()) j["bind"] = bind;
      bool bare = m.source.empty() && m.target.size() <= 2;
      if ((m.type == "volume" && !bare) || !volume.empty()) j["volume"] = volume;
    }
    if (j.contains("target") && j["target"].is_string())
      j["target"] = clean_path(j["target"].get<std::string>());
    if (j["type"] == "bind" && j.contains("source") && j["source"].is_string())
      j["source"] = absolute_in(dir, j["source"].get<std::string>());
    vols.push_back(std::move(j));
  }
  return vols;
}

json file_refs_json(const Node& v, bool secrets) {
  json refs = json::array();
  for (const Node& r : v.items) {
    json j = r.is_map() ? plain_json(r) : json{{"source", scalar_string(r)}};
    std::string source = j.contains("source") ? text_of(j["source"]) : "";
    if (secrets && !j.contains("target"))
      j["target"] = "/run/secrets/" + source;  // configs keep none
    refs.push_back(std::move(j));
  }
  return refs;
}

// build.args: a variable without a value takes the environment's, and is dropped where that has
// none.
json resolved_args(const json& args, const VariableLookup& lookup) {
  json out = json::object();
  auto value = [&](const std::string& k) -> std::optional<std::string> {
    if (lookup) return lookup(k);
    return std::nullopt;
  };
  if (args.is_object()) {
    for (auto it = args.begin(); it != args.end(); ++it) {
      if (!it.value().is_null())
        out[it.key()] = it.value();
      else if (auto v = value(it.key()))
        out[it.key()] = *v;
    }
  } else if (args.is_array()) {
    for (const json& item : args) {
      std::string s = text_of(item);
      size_t eq = s.find('=');
      if (eq != std::string::npos)
        out[s.substr(0, eq)] = s.substr(eq + 1);
      else if (auto v = value(s))
        out[s] = *v;
    }
  }
  return out;
}

json service_json(const Node& svc, const std::string& dir, const VariableLookup& lookup, bool yaml,
                  bool normalize = true) {
  json out = json::object();
  out.get_ref<json::object_t&>().reserve(svc.entries.size() + 1);  // growing would copy every value
  for (const auto& e : svc.entries) {
    const Node& v = e.value;
    if (e.key == "env_file" || e.key == "label_file" || e.key == "extends" ||
        (!yaml && e.key.rfind("x-", 0) == 0)) {
      continue;  // folded into environment and labels by the loader; extensions are not printed in
                 // JSON
    } else if (e.key == "depends_on") {
      json deps = json::object();
      for (const Dependency& d : dependencies(svc)) {
        json dep = {{"condition", d.condition}, {"required", d.required}};
        if (d.entry && d.entry->value.is_map()) {
          if (const Node* restart = d.entry->value.find("restart"))
            dep["restart"] = plain_json(*restart);
          if (yaml) {
            for (const auto& x : d.entry->value.entries)
              if (x.key.rfind("x-", 0) == 0) dep[x.key] = plain_json(x.value);
          }
        }
        deps[d.service] = std::move(dep);
      }
      out[e.key] = std::move(deps);
    } else if ((e.key == "secrets" || e.key == "configs") && v.is_seq()) {
      out[e.key] = file_refs_json(v, e.key == "secrets");
    } else if (e.key == "devices" && v.is_seq()) {
      json devices = json::array();
      for (const Node& d : v.items) {
        if (d.is_map()) {
          devices.push_back(plain_json(d));
          continue;
        }
        std::vector<std::string> parts = split(scalar_string(d), ':');
        std::string source = parts.empty() ? "" : parts[0];
        std::string target = parts.size() > 1 ? parts[1] : "";
        devices.push_back({{"source", source},
                           {"target", target.empty() ? source : target},
                           {"permissions", parts.size() > 2 ? parts[2] : "rwm"}});
      }
      out[e.key] = std::move(devices);
    } else if (e.key == "ports" && v.is_seq()) {
      out[e.key] = ports_json(v);
    } else if (e.key == "volumes" && v.is_seq()) {
      out[e.key] = volumes_json(svc, dir);
      for (size_t i = 0; !normalize && i < v.items.size() && i < out[e.key].size();
           ++i) {  // long targets uncleaned
        if (const Node* target = v.items[i].is_map() ? v.items[i].find("target") : nullptr)
          out[e.key][i]["target"] = plain_json(*target);
      }
    } else if (e.key == "build") {
      json build = v.is_map() ? plain_json(v) : json{{"context", scalar_string(v)}};
      if (!build.contains("context") || build["context"].is_null()) build["context"] = ".";
      std::string context = text_of(build["context"]);
      if (!dir.empty() && !remote_context(context)) build["context"] = absolute_in(dir, context);
      if (normalize && (!build.contains("dockerfile") || build["dockerfile"].is_null()) &&
          (!build.contains("dockerfile_inline") || build["dockerfile_inline"].is_null()))
        build["dockerfile"] = "Dockerfile";
      if (normalize && build.contains("args")) build["args"] = resolved_args(build["args"], lookup);
      if (build.contains("additional_contexts")) {
        json contexts = key_values(build["additional_contexts"], json(""), true);
        for (auto it = contexts.begin(); it != contexts.end(); ++it) {
          std::string c = it.value().get<std::string>();
          if (!dir.empty() && !remote_context(c)) it.value() = absolute_in(dir, c);
        }
        build["additional_contexts"] = contexts;
      }
      if (build.contains("secrets") && v.is_map()) {
        if (const Node* s = v.find("secrets"); s && s->is_seq()) {
          json refs = json::array();
          for (const Node& r : s->items)
            refs.push_back(r.is_map() ? plain_json(r) : json{{"source", scalar_string(r)}});
          build["secrets"] = refs;
        }
      }
      out[e.key] = std::move(build);
    } else if (normalize && e.key == "pull_policy" && v.is_scalar() && v.text == "if_not_present") {
      out[e.key] = "missing";
    } else if (e.key == "models" && v.is_seq()) {  // a list of names: each with no options
      json models = json::object();
      for (const Node& m : v.items) models[scalar_string(m)] = nullptr;
      out[e.key] = models;
    } else if (e.key == "gpus" && v.is_scalar()) {
      out[e.key] = json::array({{{"count", v.text}}});
    } else {
      out[e.key] = plain_json(v);
    }
  }
  // A service that names no network and no network_mode is on the project's default network.
  if (normalize && !svc.find("network_mode") && !svc.find("provider")) {
    const Node* nets = svc.find("networks");
    if (!nets || (nets->is_map() && nets->entries.empty()) ||
        (nets->is_seq() && nets->items.empty()))
      out["networks"] = {{"default", nullptr}};
  }
  // scale is the number of replicas deploy reads.
  if (out.contains("scale") && out.contains("deploy") && out["deploy"].is_object())
    out["deploy"]["replicas"] = out["scale"];
  // Device requests without a count or ids take them all.
  auto all_devices = [](json& list) {
    if (!list.is_array()) return;
    for (json& d : list)
      if (d.is_object() && !d.contains("count") && !d.contains("device_ids")) d["count"] = "all";
  };
  if (out.contains("gpus")) all_devices(out["gpus"]);
  if (out.contains("deploy") && out["deploy"].is_object() && out["deploy"].contains("resources")) {
    json& res = out["deploy"]["resources"];
    if (res.is_object() && res.contains("reservations") && res["reservations"].is_object() &&
        res["reservations"].contains("devices"))
      all_devices(res["reservations"]["devices"]);
  }
  if (out.contains("develop") && out["develop"].is_object() && out["develop"].contains("watch") &&
      out["develop"]["watch"].is_array()) {
    for (json& t : out["develop"]["watch"]) {
      if (t.is_object() && t.contains("path") && t["path"].is_string())
        t["path"] = absolute_in(dir, t["path"].get<std::string>());
    }
  }
  return typed_struct(out, TypedStruct::Service, yaml);
}

}  // namespace

void escape_dollars(json& j) {
  if (j.is_string()) {
    const std::string& s = j.get_ref<const std::string&>();
    if (s.find('$') == std::string::npos) return;
    std::string out;
    for (char c : s) out += c == '$' ? std::string("$$") : std::string(1, c);
    j = out;
  } else if (j.is_structured()) {
    for (auto& item : j) escape_dollars(item);
  }
}

json project_json(const Project& project, const std::string& name, const ModelOptions& options) {
  const std::string& directory = options.directory;
  const VariableLookup& lookup = options.lookup;
  std::map<std::string, json> top;  // printed in key order, as Go prints a map
  top["name"] = name;
  json services = json::object();
  // Keys are unique already: append instead of operator[], whose lookup is linear (thousands of
  // services).
  auto& members = services.get_ref<json::object_t&>();
  bool uses_default = false;
  if (const Node* s = project.model.find("services")) {
    std::vector<const Entry*> sorted;
    for (const auto& e : s->entries) {
      if (!e.value.find("network_mode") && !e.value.find("provider")) {
        const Node* nets = e.value.find("networks");
        if (!nets || (nets->is_map() && (nets->entries.empty() || nets->find("default"))) ||
            (nets->is_seq() && nets->items.empty()))
          uses_default = true;
      }
      if (project.enabled(e.value) && (!options.only || options.only->count(e.key)))
        sorted.push_back(&e);
    }
    std::sort(sorted.begin(), sorted.end(),
              [](const Entry* a, const Entry* b) { return a->key < b->key; });
    members.reserve(sorted.size());  // growing would copy every service
    for (const Entry* e : sorted)
      members.emplace_back(
          e->key, service_json(e->value, directory, lookup, options.yaml, options.normalize));
  }
  top["services"] = std::move(services);
  // What the enabled services use: docker compose prints no other network, volume, secret or
  // config.
  std::map<std::string, std::set<std::string>> used;
  for (const auto& [svc_name, svc] : top["services"].get_ref<const json::object_t&>()) {
    (void)svc_name;
    if (auto n = svc.find("networks"); n != svc.end())
      for (auto it = n->begin(); it != n->end(); ++it) used["networks"].insert(it.key());
    if (auto v = svc.find("volumes"); v != svc.end()) {
      for (const json& m : *v)
        if (m.value("type", "") == "volume" && m.contains("source"))
          used["volumes"].insert(m["source"].get<std::string>());
    }
    for (const char* section : {"secrets", "configs"}) {
      if (auto r = svc.find(section); r != svc.end())
        for (const json& ref : *r) used[section].insert(ref.value("source", ""));
    }
    if (auto b = svc.find("build"); b != svc.end()) {
      if (auto r = b->find("secrets"); r != b->end())
        for (const json& ref : *r) used["secrets"].insert(ref.value("source", ""));
    }
    if (auto m = svc.find("models"); m != svc.end())
      for (auto it = m->begin(); it != m->end(); ++it) used["models"].insert(it.key());
  }
  struct Section {
    const char* key;
    TypedStruct type;
  };
  for (const Section& sec :
       {Section{"networks", TypedStruct::Network}, Section{"volumes", TypedStruct::Volume},
        Section{"secrets", TypedStruct::FileObject}, Section{"configs", TypedStruct::FileObject},
        Section{"models", TypedStruct::Model}}) {
    if (sec.type == TypedStruct::Model && !options.yaml)
      continue;  // docker compose's JSON has no models
    json in = json::object();
    if (const Node* n = project.model.find(sec.key); n && n->is_map()) in = plain_json(*n);
    if (std::string_view(sec.key) == "networks" && uses_default && options.normalize &&
        !in.contains("default"))
      in["default"] = nullptr;
    if (in.empty()) continue;
    json out = json::object();
    for (const auto& key : sorted_keys(in)) {
      if (!used[sec.key].count(key)) continue;
      json r = in[key].is_object() ? in[key] : json::object();
      if (r.contains("external") &&
          r["external"].is_object()) {  // the old form: external: {name: x}
        json ext = r["external"];
        r["external"] = true;
        if (ext.contains("name") && !r.contains("name")) r["name"] = ext["name"];
      }
      if (sec.type != TypedStruct::Model && options.normalize &&
          (!r.contains("name") || r["name"].is_null()))
        r["name"] =
            bool_of(r.value("external", json(false))).value_or(false) ? key : name + "_" + key;
      std::string_view section = sec.key;
      if ((section == "secrets" || section == "configs") && r.contains("file") &&
          r["file"].is_string())
        r["file"] = absolute_in(directory, r["file"].get<std::string>());
      if (section == "secrets") r.erase("content");
      if (section == "configs" && r.contains("environment") && !r["environment"].is_null())
        r.erase("content");
      if (section == "volumes" && r.value("driver", json("")) == "local" &&
          r.contains("driver_opts") && r["driver_opts"].is_object() &&
          r["driver_opts"].value("o", json("")) == "bind" && r["driver_opts"].contains("device") &&
          r["driver_opts"]["device"].is_string())
        r["driver_opts"]["device"] =
            absolute_in(directory, r["driver_opts"]["device"].get<std::string>());
      out[key] = typed_struct(r, sec.type, options.yaml);
    }
    if (!out.empty()) top[sec.key] = out;
  }
  for (const auto& e : project.model.entries)
    if (e.key.rfind("x-", 0) == 0) top[e.key] = plain_json(e.value);
  json out = json::object();
  out.get_ref<json::object_t&>().reserve(top.size());  // growing would copy every value
  for (auto& [k, v] : top) out[k] = std::move(v);
  escape_dollars(out);
  return out;
}

// ---- compose-go's canonical forms, shared with the loader's model (compose_raw.cc) -----------
namespace canonical {
nlohmann::ordered_json value(const Node& n) { return plain_json(n); }
nlohmann::ordered_json ports(const Node& list) { return ports_json(list); }
nlohmann::ordered_json volumes(const Node& service, const std::string& dir) {
  return volumes_json(service, dir);
}
nlohmann::ordered_json file_refs(const Node& list, bool secrets) {
  return file_refs_json(list, secrets);
}
std::string absolute(const std::string& dir, const std::string& path) {
  return absolute_in(dir, path);
}
bool remote(const std::string& context) { return remote_context(context); }
}  // namespace canonical

}  // namespace smokehook
