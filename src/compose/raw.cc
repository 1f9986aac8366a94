#include "compose/raw.h"

#include <algorithm>

#include "base/text.h"
#include "compose/model.h"
#include "compose/project.h"
#include "compose/schema.h"

namespace smokehook {
namespace {

using ordered = nlohmann::ordered_json;

// A mapping the loader keeps as a list ("K=V", or "K" for no value), or the mapping as written.
ordered key_values(const Node& n) {
  if (!n.is_map() || !n.was_list) return canonical::value(n);
  ordered list = ordered::array();
  for (const auto& e : n.entries)
    list.push_back(e.value.is_null() ? e.key : e.key + "=" + scalar_string(e.value));
  return list;
}

std::optional<std::string> variable(const RawModelOptions& o, const std::string& name) {
  return o.lookup ? o.lookup(name) : std::nullopt;
}

// environment: "K" (list) and K: null (mapping, when normalizing) take the project's variable if
// set.
ordered environment(const Node& n, const RawModelOptions& o) {
  ordered out = key_values(n);
  auto lookup = [&](const std::string& k) { return variable(o, k); };
  if (out.is_array()) {
    for (ordered& item : out) {
      if (item.is_string() && item.get_ref<const std::string&>().find('=') == std::string::npos)
        if (auto v = lookup(item.get<std::string>())) item = item.get<std::string>() + "=" + *v;
    }
  } else if (out.is_object() && o.normalize) {
    for (auto it = out.begin(); it != out.end(); ++it) {
      if (it.value().is_null())
        if (auto v = lookup(it.key())) it.value() = *v;
    }
  }
  return out;
}

std::string path_in(const RawModelOptions& o, const std::string& p) {
  return o.directory.empty() || p.empty() ? p : canonical::absolute(o.directory, p);
}

// A build context: made absolute unless it is a URL, a git reference or a `service:` one.
std::string context_in(const RawModelOptions& o, const std::string& c) {
  if (c.find("://") != std::string::npos || starts_with(c, "service:") || canonical::remote(c))
    return c;
  return path_in(o, c);
}

ordered string_list(const Node& n) {
  if (n.is_scalar()) return ordered::array({canonical::value(n)});
  return canonical::value(n);
}

ordered names_to_map(const Node& n) {
  if (!n.is_seq()) return canonical::value(n);
  ordered m = ordered::object();
  for (const Node& item : n.items) m[item.text] = nullptr;
  return m;
}

void count_all(ordered& requests) {
  if (!requests.is_array()) return;
  for (ordered& r : requests)
    if (r.is_object() && !r.contains("count") && !r.contains("device_ids")) r["count"] = "all";
}

ordered build_json(const Node& v, const RawModelOptions& o) {
  ordered build = ordered::object();
  for (const auto& e : v.entries) {
    const Node& x = e.value;
    if (e.key == "args") {
      ordered args = key_values(x);
      if (o.normalize) {  // a variable without a value takes the environment's, or is dropped
        auto lookup = [&](const std::string& k) { return variable(o, k); };
        ordered kept = args.is_array() ? ordered::array() : ordered::object();
        if (args.is_array()) {
          for (const ordered& item : args) {
            std::string s = item.is_string() ? item.get<std::string>() : item.dump();
            if (s.find('=') != std::string::npos)
              kept.push_back(item);
            else if (auto val = lookup(s))
              kept.push_back(s + "=" + *val);
          }
        } else {
          for (auto it = args.begin(); it != args.end(); ++it) {
            if (!it.value().is_null())
              kept[it.key()] = it.value();
            else if (auto val = lookup(it.key()))
              kept[it.key()] = *val;
          }
        }
        args = kept.empty() && args.is_array() ? ordered(nullptr) : kept;  // Go's nil slice
      }
      build["args"] = args;
    } else if (e.key == "labels") {
      build["labels"] = key_values(x);
    } else if (e.key == "context" && x.is_scalar()) {
      build["context"] = context_in(o, x.text);
    } else if (e.key == "additional_contexts") {
      ordered contexts = ordered::object();
      if (x.is_seq()) {
        for (const Node& item : x.items) {
          std::string s = scalar_string(item);
          size_t eq = s.find('=');
          contexts[s.substr(0, eq)] = eq == std::string::npos ? "" : s.substr(eq + 1);
        }
      } else {
        contexts = canonical::value(x);
      }
      for (auto it = contexts.begin(); it != contexts.end(); ++it)
        if (it.value().is_string()) it.value() = context_in(o, it.value().get<std::string>());
      build["additional_contexts"] = contexts;
    } else if (e.key == "ssh") {
      ordered ssh = ordered::object();
      if (x.is_seq()) {
        for (const Node& item : x.items) {
          std::string s = scalar_string(item);
          size_t eq = s.find('=');
          if (eq == std::string::npos)
            ssh[s] = nullptr;
          else
            ssh[s.substr(0, eq)] = s.substr(eq + 1);
        }
      } else {
        ssh = canonical::value(x);
      }
      for (auto it = ssh.begin(); it != ssh.end(); ++it)
        if (it.value().is_string()) it.value() = path_in(o, it.value().get<std::string>());
      build["ssh"] = ssh;
    } else if (e.key == "secrets" && x.is_seq()) {
      ordered refs = ordered::array();
      for (const Node& r : x.items)
        refs.push_back(r.is_map() ? canonical::value(r) : ordered{{"source", scalar_string(r)}});
      build["secrets"] = refs;
    } else {
      build[e.key] = canonical::value(x);
    }
  }
  if (!build.contains("context"))
    build["context"] = context_in(o, ".");  // compose's default, always set
  if (o.normalize && !build.contains("dockerfile") && !build.contains("dockerfile_inline"))
    build["dockerfile"] = "Dockerfile";
  return build;
}

// Short volumes that do not parse (`${VAR}:/x`) stay as written, as compose leaves them
// uninterpolated.
ordered volumes_json(const Node& svc, const Node& list, const RawModelOptions& o) {
  ordered parsed = canonical::volumes(svc, o.directory);
  ordered out = ordered::array();
  size_t next = 0;
  for (const Node& item : list.items) {
    VolumeSpec v;
    std::string err;
    if (!item.is_map() && !parse_volume(scalar_string(item), &v, &err)) {
      out.push_back(canonical::value(item));
      continue;
    }
    if (next >= parsed.size()) continue;
    ordered m = parsed[next++];
    if (item.is_map() && !o.normalize)  // only normalization cleans a long syntax's target
      if (const Node* target = item.find("target")) m["target"] = canonical::value(*target);
    out.push_back(std::move(m));
  }
  return out;
}

// Long syntax as written (with compose's defaults), short syntax expanded; a short port that does
// not parse (`${PORT}:80`) leaves the whole list as written.
ordered ports_json(const Node& list) {
  ordered out = ordered::array();
  for (const Node& item : list.items) {
    if (item.is_map()) {
      ordered p = canonical::value(item);
      if (!p.contains("protocol")) p["protocol"] = "tcp";
      if (!p.contains("mode")) p["mode"] = "ingress";
      out.push_back(p);
      continue;
    }
    PortSpec spec;
    std::string err;
    if (!parse_port(scalar_string(item), &spec, &err)) return canonical::value(list);
    Node one = Node::sequence();
    one.items.push_back(item);
    for (ordered& p : canonical::ports(one)) out.push_back(std::move(p));
  }
  return out;
}

ordered service_json(const Node& svc, const RawModelOptions& o) {
  ordered out = ordered::object();
  for (const auto& e : svc.entries) {
    const Node& v = e.value;
    const std::string& k = e.key;
    if (k == "environment") {
      out[k] = environment(v, o);
    } else if (k == "labels" || k == "annotations" || k == "sysctls") {
      out[k] = key_values(v);
    } else if (k == "env_file") {
      ordered files = ordered::array();
      for (const Node& f : v.is_seq() ? v.items : std::vector<Node>{v}) {
        ordered file = f.is_map() ? canonical::value(f) : ordered{{"path", scalar_string(f)}};
        if (!file.contains("required")) file["required"] = true;
        if (file["path"].is_string()) file["path"] = path_in(o, file["path"].get<std::string>());
        files.push_back(file);
      }
      out[k] = files;
    } else if (k == "label_file") {
      ordered files = string_list(v);
      for (ordered& f : files)
        if (f.is_string()) f = path_in(o, f.get<std::string>());
      out[k] = files;
    } else if (k == "depends_on" && v.is_map()) {
      ordered deps = ordered::object();
      for (const auto& d : v.entries) {
        ordered dep = d.value.is_map() ? canonical::value(d.value) : ordered::object();
        if (!dep.contains("condition")) dep["condition"] = "service_started";
        if (!dep.contains("required")) dep["required"] = true;
        deps[d.key] = dep;
      }
      out[k] = deps;
    } else if (k == "build" && v.is_map()) {
      out[k] = build_json(v, o);
    } else if (k == "ports" && v.is_seq()) {
      out[k] = ports_json(v);
    } else if (k == "volumes" && v.is_seq()) {
      out[k] = volumes_json(svc, v, o);
    } else if ((k == "secrets" || k == "configs") && v.is_seq()) {
      out[k] = canonical::file_refs(v, k == "secrets");
    } else if (k == "devices" && v.is_seq()) {
      ordered devices = ordered::array();
      for (const Node& d : v.items) {
        if (d.is_map()) {
          devices.push_back(canonical::value(d));
          continue;
        }
        std::vector<std::string> parts = split(scalar_string(d), ':');
        std::string source = parts.empty() ? "" : parts[0];
        std::string target = parts.size() > 1 && !parts[1].empty() ? parts[1] : source;
        devices.push_back({{"permissions", parts.size() > 2 ? parts[2] : "rwm"},
                           {"source", source},
                           {"target", target}});
      }
      out[k] = devices;
    } else if (k == "gpus") {
      ordered gpus = v.is_scalar() ? ordered::array({{{"count", "all"}}}) : canonical::value(v);
      count_all(gpus);
      out[k] = gpus;
    } else if (k == "networks" || k == "models") {
      out[k] = names_to_map(v);
    } else if (k == "dns") {
      out[k] = string_list(v);
    } else if (v.is_seq() && v.was_scalar &&
               v.items.size() == 1) {  // dns_search, tmpfs: as written
      out[k] = canonical::value(v.items[0]);
    } else if (k == "pull_policy" && o.normalize && v.is_scalar() && v.text == "if_not_present") {
      out[k] = "missing";
    } else if (k == "develop" && v.is_map()) {
      ordered develop = canonical::value(v);
      if (const Node* watch = v.find("watch"); watch && watch->is_seq()) {
        for (size_t i = 0; i < watch->items.size() && i < develop["watch"].size(); ++i) {
          ordered& t = develop["watch"][i];
          if (!t.is_object()) continue;
          if (t.contains("path") && t["path"].is_string())
            t["path"] = path_in(o, t["path"].get<std::string>());
          for (const char* list : {"ignore", "include"})
            if (const Node* n = watch->items[i].find(list)) t[list] = string_list(*n);
        }
      }
      out[k] = develop;
    } else if (k == "deploy" && v.is_map()) {
      ordered deploy = canonical::value(v);
      if (const Node* labels = v.find("labels")) deploy["labels"] = key_values(*labels);
      if (deploy.contains("resources") && deploy["resources"].is_object()) {
        ordered& res = deploy["resources"];
        if (res.contains("reservations") && res["reservations"].is_object() &&
            res["reservations"].contains("devices"))
          count_all(res["reservations"]["devices"]);
      }
      out[k] = deploy;
    } else {
      out[k] = canonical::value(v);
    }
  }
  // A service that names no network and no network_mode is on the project's default network.
  if (o.normalize && !svc.find("network_mode") && !svc.find("provider")) {
    const Node* nets = svc.find("networks");
    if (!nets || (nets->is_map() && nets->entries.empty()) ||
        (nets->is_seq() && nets->items.empty()))
      out["networks"] = {{"default", nullptr}};
  }
  // An empty command, entrypoint or healthcheck test is no command: the loader decodes it as a nil
  // list, which encoding/json prints `null` and go-yaml `[]`.
  auto empty_list_is_null = [&o](ordered& j) {
    if (j.is_array() && j.empty() && !o.yaml) j = nullptr;
  };
  for (const char* k : {"command", "entrypoint"})
    if (auto it = out.find(k); it != out.end()) empty_list_is_null(*it);
  if (auto h = out.find("healthcheck"); h != out.end() && h->is_object())
    if (auto t = h->find("test"); t != h->end()) empty_list_is_null(*t);
  return out;
}

bool uses_default_network(const Node& svc) {
  if (svc.find("network_mode") || svc.find("provider")) return false;
  const Node* nets = svc.find("networks");
  return !nets || (nets->is_map() && (nets->entries.empty() || nets->find("default"))) ||
         (nets->is_seq() && nets->items.empty());
}

// A top-level network, volume, secret or config.
ordered resource_json(const std::string& section, const std::string& key, const Node& n,
                      const RawModelOptions& o) {
  if (n.is_null() && !o.normalize) return nullptr;
  ordered r = n.is_map() ? canonical::value(n) : ordered::object();
  if (r.contains("external") && r["external"].is_object()) {  // the old form: external: {name: x}
    ordered ext = r["external"];
    r["external"] = true;
    if (ext.contains("name") && !r.contains("name")) r["name"] = ext["name"];
  }
  if (o.normalize && (!r.contains("name") || r["name"].is_null())) {
    bool external = false;
    if (r.contains("external")) {
      const ordered& x = r["external"];
      external = x.is_boolean() ? x.get<bool>()
                                : x.is_string() && (x == "true" || x == "True" || x == "TRUE" ||
                                                    x == "1" || x == "t" || x == "T");
    }
    r["name"] = external ? key : o.name + "_" + key;
  }
  if ((section == "secrets" || section == "configs") && r.contains("file") && r["file"].is_string())
    r["file"] = path_in(o, r["file"].get<std::string>());
  if (section == "volumes" && r.value("driver", ordered("")) == "local" &&
      r.contains("driver_opts") && r["driver_opts"].is_object() &&
      r["driver_opts"].value("o", ordered("")) == "bind" && r["driver_opts"].contains("device") &&
      r["driver_opts"]["device"].is_string())
    r["driver_opts"]["device"] = path_in(o, r["driver_opts"]["device"].get<std::string>());
  return r;
}

}  // namespace

nlohmann::json raw_project_json(const Project& project, const RawModelOptions& o) {
  ordered top = ordered::object();
  const Node& model = project.model;
  if (o.normalize) top["name"] = o.name;
  bool uses_default = false;
  for (const auto& e : model.entries) {
    const std::string& k = e.key;
    if (k == "version" || k == "include") continue;  // read by the loader, not part of the model
    if (k == "name") {
      if (!o.normalize) top[k] = canonical::value(e.value);
    } else if (k == "services" && e.value.is_map()) {
      ordered services = ordered::object();
      for (const auto& s : e.value.entries) {
        services[s.key] = service_json(s.value, o);
        uses_default = uses_default || uses_default_network(s.value);
      }
      top[k] = services;
    } else if ((k == "networks" || k == "volumes" || k == "secrets" || k == "configs") &&
               e.value.is_map()) {
      ordered section = ordered::object();
      for (const auto& r : e.value.entries) {
        ordered& res = section[r.key] = resource_json(k, r.key, r.value, o);
        // The loader reads `environment:` sources from its variables (the project's name only).
        if (k == "configs" || k == "secrets") {
          if (const Node* env = r.value.is_map() ? r.value.find("environment") : nullptr) {
            if (auto v = o.lookup ? o.lookup(env->text) : std::nullopt)
              res[k == "configs" ? "content" : "x-#value"] = *v;
          }
        }
      }
      top[k] = section;
    } else {
      top[k] = canonical::value(e.value);
    }
  }
  if (o.normalize && uses_default) {
    ordered& nets = top["networks"];
    if (nets.is_null()) nets = ordered::object();
    if (!nets.contains("default")) nets["default"] = {{"name", o.name + "_default"}};
  }
  return nlohmann::json(top);
}

}  // namespace smokehook
