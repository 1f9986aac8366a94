#include "compose_schema.h"

#include <deque>
#include <functional>
#include <initializer_list>
#include <utility>

#include "text.h"

namespace smokehook {
namespace {

// What a node may be. Scalars are accepted by type; strings that compose
// casts (an interpolated "3" where a number is expected) are accepted too.
enum Accept : unsigned {
  kStr = 1, kInt = 2, kNum = 4, kBool = 8, kNull = 16, kSeq = 32, kMap = 64, kAnyScalar = kStr | kInt | kNum | kBool,
};

struct Schema {
  unsigned accept = 0;
  const Schema* items = nullptr;                               // kSeq
  std::vector<std::pair<std::string, const Schema*>> fields;   // kMap with fixed keys
  const Schema* values = nullptr;                              // kMap with free keys
  std::vector<std::string> enums;                              // allowed scalar values
  std::function<bool(const std::string&, std::string*)> check; // short syntax of a string
};

class Builder {
 public:
  Schema* make(Schema s) {
    pool_.push_back(std::move(s));
    return &pool_.back();
  }
  Schema* scalar(unsigned accept) {
    Schema s;
    s.accept = accept | kNull;
    return make(std::move(s));
  }
  Schema* list(const Schema* item, unsigned also = 0) {
    Schema s;
    s.accept = kSeq | kNull | also;
    s.items = item;
    return make(std::move(s));
  }
  Schema* object(std::initializer_list<std::pair<std::string, const Schema*>> fields, unsigned also = 0) {
    Schema s;
    s.accept = kMap | kNull | also;
    s.fields.assign(fields.begin(), fields.end());
    return make(std::move(s));
  }
  Schema* map_of(const Schema* value, unsigned also = 0) {
    Schema s;
    s.accept = kMap | kNull | also;
    s.values = value;
    return make(std::move(s));
  }
  Schema* one_of_enum(std::initializer_list<std::string> values) {
    Schema s;
    s.accept = kStr | kNull;
    s.enums.assign(values.begin(), values.end());
    return make(std::move(s));
  }
  // A list whose items may be a string (checked by `check`) or an object.
  Schema* list_or_object(const Schema* object_items, unsigned scalar_items,
                               std::function<bool(const std::string&, std::string*)> check) {
    Schema item = *object_items;
    item.accept |= scalar_items;
    item.accept &= ~kNull;
    item.check = std::move(check);
    return list(make(std::move(item)));
  }

 private:
  std::deque<Schema> pool_;
};

const Schema* compose_schema() {
  static Builder b;
  static const Schema* root = [] {
    const Schema* any = b.scalar(kAnyScalar | kSeq | kMap);
    const Schema* str = b.scalar(kStr);
    const Schema* num_str = b.scalar(kStr | kInt | kNum);
    const Schema* integer = b.scalar(kInt);
    const Schema* number = b.scalar(kInt | kNum);
    const Schema* boolean = b.scalar(kBool);
    const Schema* strs = b.list(b.scalar(kStr | kInt | kNum));
    const Schema* str_or_list = b.list(b.scalar(kStr | kInt | kNum), kStr);
    // environment, labels, args: a list of "K=V" or a mapping of scalars.
    Schema* list_or_dict = b.map_of(b.scalar(kAnyScalar), kSeq);
    list_or_dict->items = b.scalar(kStr | kInt | kNum);
    const Schema* labels = list_or_dict;
    const Schema* extra_hosts = list_or_dict;
    const Schema* external = b.object({{"name", str}}, kBool);

    const Schema* ulimits = b.map_of(b.object({{"soft", integer}, {"hard", integer}}, kInt));
    const Schema* secret_ref = b.list_or_object(
        b.object({{"source", str}, {"target", str}, {"uid", str}, {"gid", str}, {"mode", number}}), kStr, nullptr);

    const Schema* build = b.object(
        {{"context", str}, {"dockerfile", str}, {"dockerfile_inline", str}, {"entitlements", strs},
         {"args", list_or_dict}, {"ssh", list_or_dict}, {"labels", labels}, {"cache_from", strs},
         {"cache_to", strs}, {"no_cache", boolean}, {"additional_contexts", list_or_dict}, {"network", str},
         {"provenance", b.scalar(kStr | kBool)}, {"sbom", b.scalar(kStr | kBool)}, {"pull", boolean},
         {"target", str}, {"shm_size", num_str}, {"extra_hosts", extra_hosts}, {"isolation", str},
         {"privileged", boolean}, {"secrets", secret_ref}, {"tags", strs}, {"ulimits", ulimits},
         {"platforms", strs}},
        kStr);

    const Schema* resources = b.object({{"cpus", num_str}, {"memory", str}, {"pids", integer},
                                        {"generic_resources", b.list(any)}, {"devices", b.list(any)}});
    const Schema* update_config =
        b.object({{"parallelism", integer}, {"delay", str}, {"failure_action", str}, {"monitor", str},
                  {"max_failure_ratio", number}, {"order", b.one_of_enum({"start-first", "stop-first"})}});
    const Schema* deploy = b.object(
        {{"mode", str}, {"endpoint_mode", str}, {"replicas", integer}, {"labels", labels},
         {"rollback_config", update_config}, {"update_config", update_config},
         {"resources", b.object({{"limits", resources}, {"reservations", resources}})},
         {"restart_policy", b.object({{"condition", str}, {"delay", str}, {"max_attempts", integer}, {"window", str}})},
         {"placement", b.object({{"constraints", strs}, {"preferences", b.list(b.object({{"spread", str}}))},
                                 {"max_replicas_per_node", integer}})}});

    const Schema* healthcheck =
        b.object({{"disable", boolean}, {"interval", str}, {"retries", number}, {"test", str_or_list},
                  {"timeout", str}, {"start_period", str}, {"start_interval", str}});
    const Schema* logging = b.object({{"driver", str}, {"options", b.map_of(b.scalar(kAnyScalar))}});

    const Schema* depends_on_entry =
        b.object({{"condition", b.one_of_enum({"service_started", "service_healthy", "service_completed_successfully"})},
                  {"required", boolean}, {"restart", boolean}});
    Schema depends_on_s;
    depends_on_s.accept = kSeq | kMap | kNull;
    depends_on_s.items = str;
    depends_on_s.values = depends_on_entry;
    const Schema* depends_on = b.make(std::move(depends_on_s));

    const Schema* ports = b.list_or_object(
        b.object({{"name", str}, {"mode", str}, {"host_ip", str}, {"target", num_str}, {"published", num_str},
                  {"protocol", str}, {"app_protocol", str}}),
        kStr | kInt, [](const std::string& text, std::string* err) {
          PortSpec p;
          return parse_port(text, &p, err);
        });
    const Schema* volumes = b.list_or_object(
        b.object({{"type", b.one_of_enum({"bind", "volume", "tmpfs", "cluster", "npipe", "image"})},
                  {"source", str}, {"target", str}, {"read_only", boolean}, {"consistency", str},
                  {"bind", b.object({{"propagation", str}, {"create_host_path", boolean}, {"selinux", b.one_of_enum({"z", "Z"})}})},
                  {"volume", b.object({{"nocopy", boolean}, {"subpath", str}, {"labels", labels}})},
                  {"tmpfs", b.object({{"size", num_str}, {"mode", number}})},
                  {"image", b.object({{"subpath", str}})}}),
        kStr, [](const std::string& text, std::string* err) {
          VolumeSpec v;
          return parse_volume(text, &v, err);
        });
    const Schema* service_network = b.object(
        {{"aliases", strs}, {"ipv4_address", str}, {"ipv6_address", str}, {"link_local_ips", strs},
         {"mac_address", str}, {"driver_opts", b.map_of(b.scalar(kAnyScalar))}, {"priority", number},
         {"gw_priority", number}, {"interface_name", str}});
    Schema networks_s;
    networks_s.accept = kSeq | kMap | kNull;
    networks_s.items = str;
    networks_s.values = service_network;
    const Schema* service_networks = b.make(std::move(networks_s));
    Schema* env_file = b.list_or_object(b.object({{"path", str}, {"required", boolean}, {"format", str}}), kStr,
                                              nullptr);
    env_file->accept |= kStr;
    const Schema* extends = b.object({{"service", str}, {"file", str}}, kStr);
    const Schema* devices = b.list_or_object(b.object({{"source", str}, {"target", str}, {"permissions", str}}),
                                             kStr, nullptr);
    const Schema* hooks = b.list(b.object({{"command", str_or_list}, {"user", str}, {"privileged", boolean},
                                           {"working_dir", str}, {"environment", list_or_dict}}));

    Schema* service = b.object({
        {"annotations", list_or_dict}, {"attach", boolean}, {"blkio_config", any}, {"build", build},
        {"cap_add", strs}, {"cap_drop", strs}, {"cgroup", b.one_of_enum({"host", "private"})},
        {"cgroup_parent", str}, {"command", str_or_list}, {"configs", secret_ref}, {"container_name", str},
        {"cpu_count", integer}, {"cpu_percent", integer}, {"cpu_period", num_str}, {"cpu_quota", num_str},
        {"cpu_rt_period", num_str}, {"cpu_rt_runtime", num_str}, {"cpu_shares", num_str}, {"cpus", num_str},
        {"cpuset", str}, {"credential_spec", b.object({{"config", str}, {"file", str}, {"registry", str}})},
        {"depends_on", depends_on}, {"deploy", deploy}, {"develop", any}, {"device_cgroup_rules", strs},
        {"devices", devices}, {"dns", str_or_list}, {"dns_opt", strs}, {"dns_search", str_or_list},
        {"domainname", str}, {"entrypoint", str_or_list}, {"env_file", env_file}, {"label_file", str_or_list},
        {"environment", list_or_dict}, {"expose", b.list(b.scalar(kStr | kInt))}, {"extends", extends},
        {"external_links", strs}, {"extra_hosts", extra_hosts}, {"gpus", any}, {"group_add", strs},
        {"healthcheck", healthcheck}, {"hostname", str}, {"image", str}, {"init", boolean}, {"ipc", str},
        {"isolation", str}, {"labels", labels}, {"links", strs}, {"logging", logging}, {"mac_address", str},
        {"mem_limit", num_str}, {"mem_reservation", num_str}, {"mem_swappiness", integer},
        {"memswap_limit", num_str}, {"models", any}, {"network_mode", str}, {"networks", service_networks},
        {"oom_kill_disable", boolean}, {"oom_score_adj", integer}, {"pid", str}, {"pids_limit", num_str},
        {"platform", str}, {"ports", ports}, {"post_start", hooks}, {"pre_stop", hooks},
        {"privileged", boolean}, {"profiles", strs}, {"provider", any},
        {"pull_policy", str}, {"pull_refresh_after", str}, {"read_only", boolean}, {"restart", str},
        {"runtime", str}, {"scale", integer}, {"secrets", secret_ref}, {"security_opt", strs},
        {"shm_size", num_str}, {"stdin_open", boolean}, {"stop_grace_period", str}, {"stop_signal", str},
        {"storage_opt", b.map_of(any)}, {"sysctls", list_or_dict}, {"tmpfs", str_or_list}, {"tty", boolean},
        {"ulimits", ulimits}, {"use_api_socket", boolean}, {"user", str}, {"userns_mode", str}, {"uts", str},
        {"volumes", volumes}, {"volumes_from", strs}, {"working_dir", str},
    });
    service->accept &= ~kNull;  // `nil:` with nothing under it is an error: "services.nil must be a mapping"

    const Schema* network = b.object(
        {{"name", str}, {"driver", str}, {"driver_opts", b.map_of(b.scalar(kAnyScalar))},
         {"ipam", b.object({{"driver", str}, {"config", b.list(any)}, {"options", b.map_of(str)}})},
         {"external", external}, {"internal", boolean}, {"enable_ipv4", boolean}, {"enable_ipv6", boolean},
         {"attachable", boolean}, {"labels", labels}});
    const Schema* volume = b.object({{"name", str}, {"driver", str}, {"driver_opts", b.map_of(b.scalar(kAnyScalar))},
                                     {"external", external}, {"labels", labels}});
    const Schema* secret = b.object({{"name", str}, {"environment", str}, {"file", str}, {"external", external},
                                     {"labels", labels}, {"driver", str}, {"driver_opts", b.map_of(any)},
                                     {"template_driver", str}, {"content", str}});
    const Schema* include = b.list_or_object(
        b.object({{"path", str_or_list}, {"env_file", str_or_list}, {"project_directory", str}}), kStr, nullptr);

    return b.object({{"version", b.scalar(kStr | kInt | kNum)}, {"name", str}, {"include", include},
                     {"services", b.map_of(service)}, {"networks", b.map_of(network)},
                     {"volumes", b.map_of(volume)}, {"secrets", b.map_of(secret)}, {"configs", b.map_of(secret)},
                     {"models", b.map_of(any)}});
  }();
  return root;
}

std::string describe(unsigned accept) {
  std::vector<std::string> parts;
  if (accept & kStr) parts.push_back("a string");
  if ((accept & kInt) && !(accept & kNum)) parts.push_back("an integer");
  if (accept & kNum) parts.push_back("a number");
  if (accept & kBool) parts.push_back("a boolean");
  if (accept & kSeq) parts.push_back("a list");
  if (accept & kMap) parts.push_back("a mapping");
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += i + 1 == parts.size() ? " or " : ", ";
    out += parts[i];
  }
  return out;
}

bool is_bool_text(const std::string& t) {
  static const char* const words[] = {"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True",
                                      "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF"};
  for (const char* w : words)
    if (t == w) return true;
  return false;
}

bool scalar_fits(const Node& n, unsigned accept) {
  ScalarType t = scalar_type(n);
  switch (t) {
    case ScalarType::Null:
      return accept & kNull;
    case ScalarType::Bool:
      return accept & (kBool | kStr);
    case ScalarType::Int:
      return accept & (kInt | kNum | kStr);
    case ScalarType::Float:
      return accept & (kNum | kStr);
    case ScalarType::String:
      if (accept & kStr) return true;
      // compose casts quoted or interpolated strings where it wants a number or a boolean.
      if ((accept & kInt) && scalar_int(Node::scalar(n.text, true))) return true;
      if ((accept & kNum) && scalar_type(Node::scalar(n.text, true)) != ScalarType::String) return true;
      if ((accept & kBool) && is_bool_text(n.text)) return true;
      return false;
  }
  return false;
}

class Validator {
 public:
  explicit Validator(Findings* errors) : errors_(errors) {}

  void validate(const Node& n, const Schema* s, const std::string& path) {
    switch (n.kind) {
      case NodeKind::Null:
        if (!(s->accept & kNull)) fail(n, path, s);
        return;
      case NodeKind::Scalar:
        if (!(s->accept & kAnyScalar) || !scalar_fits(n, s->accept)) return fail(n, path, s);
        if (!s->enums.empty() && std::find(s->enums.begin(), s->enums.end(), n.text) == s->enums.end()) {
          std::string list;
          for (const auto& e : s->enums) list += (list.empty() ? "" : ", ") + e;
          std::string msg = path + " must be one of " + list + ", not '" + n.text + "'";
          if (auto near = closest_match(n.text, s->enums)) msg += " (did you mean '" + *near + "'?)";
          errors_->push_back(n.at(msg));
          return;
        }
        if (s->check) {
          std::string err;
          if (!s->check(scalar_string(n), &err)) errors_->push_back(n.at(path + ": " + err));
        }
        return;
      case NodeKind::Sequence:
        if (!(s->accept & kSeq)) return fail(n, path, s);
        if (!s->items) return;  // free-form
        for (size_t i = 0; i < n.items.size(); ++i) validate(n.items[i], s->items, path + "[" + std::to_string(i) + "]");
        return;
      case NodeKind::Mapping:
        if (!(s->accept & kMap)) return fail(n, path, s);
        if (!s->values && s->fields.empty()) return;  // free-form (develop, ipam.config, ...)
        for (const auto& e : n.entries) {
          std::string child = path.empty() ? e.key : path + "." + e.key;
          if (s->values) {
            validate(e.value, s->values, child);
            continue;
          }
          if (starts_with(e.key, "x-")) continue;
          const Schema* field = nullptr;
          for (const auto& [name, fs] : s->fields)
            if (name == e.key) field = fs;
          if (field) {
            validate(e.value, field, child);
            continue;
          }
          std::vector<std::string> names;
          for (const auto& [name, fs] : s->fields) names.push_back(name);
          std::string msg = "unknown key '" + e.key + "'" + (path.empty() ? " at the top level" : " in " + path);
          if (auto near = closest_match(e.key, names)) msg += " (did you mean '" + *near + "'?)";
          errors_->push_back(e.at(n, msg));
        }
        return;
    }
  }

 private:
  void fail(const Node& n, const std::string& path, const Schema* s) {
    errors_->push_back(n.at((path.empty() ? "the top level" : path) + " must be " + describe(s->accept & ~kNull) +
                            ", not " + kind_name(n)));
  }
  Findings* errors_;
};

bool port_number(const std::string& s, bool allow_empty) {
  if (s.empty()) return allow_empty;
  size_t dash = s.find('-');
  auto digits = [](const std::string& d) {
    if (d.empty() || d.size() > 5) return false;
    for (char c : d)
      if (!isdigit(static_cast<unsigned char>(c))) return false;
    return std::stoi(d) <= 65535;
  };
  if (dash == std::string::npos) return digits(s);
  return digits(s.substr(0, dash)) && digits(s.substr(dash + 1));
}

}  // namespace

bool parse_port(const std::string& text, PortSpec* out, std::string* err) {
  std::string s = text;
  size_t slash = s.rfind('/');
  if (slash != std::string::npos) {
    out->protocol = s.substr(slash + 1);
    s = s.substr(0, slash);
    if (out->protocol != "tcp" && out->protocol != "udp" && out->protocol != "sctp") {
      *err = "invalid port protocol '" + out->protocol + "' in '" + text + "'";
      return false;
    }
  }
  if (!s.empty() && s[0] == '[') {  // [::1]:8080:80
    size_t close = s.find(']');
    if (close == std::string::npos || close + 1 >= s.size() || s[close + 1] != ':') {
      *err = "invalid port '" + text + "'";
      return false;
    }
    out->host_ip = s.substr(1, close - 1);
    s = s.substr(close + 2);
  } else if (std::count(s.begin(), s.end(), ':') == 2) {
    size_t first = s.find(':');
    out->host_ip = s.substr(0, first);
    s = s.substr(first + 1);
  } else if (std::count(s.begin(), s.end(), ':') > 2) {
    *err = "invalid port '" + text + "' (too many ':')";
    return false;
  }
  size_t colon = s.find(':');
  if (colon != std::string::npos) {
    out->published = s.substr(0, colon);
    out->target = s.substr(colon + 1);
  } else {
    out->target = s;
  }
  if (!port_number(out->published, true) || !port_number(out->target, false)) {
    *err = "invalid port '" + text + "' (expected [HOST:][PUBLISHED:]TARGET[/PROTOCOL])";
    return false;
  }
  return true;
}

bool parse_volume(const std::string& text, VolumeSpec* out, std::string* err) {
  if (text.empty()) {
    *err = "empty volume specification";
    return false;
  }
  std::vector<std::string> parts = split(text, ':');
  // A Windows drive letter ("C:\\data:/data") keeps its colon.
  if (parts.size() > 1 && parts[0].size() == 1 && isalpha(static_cast<unsigned char>(parts[0][0])) &&
      (parts[1].empty() || parts[1][0] == '\\' || parts[1][0] == '/')) {
    parts[1] = parts[0] + ":" + parts[1];
    parts.erase(parts.begin());
  }
  if (parts.size() > 3 || parts.back().empty() || parts[0].empty()) {
    *err = "invalid volume specification '" + text + "'";
    return false;
  }
  if (parts.size() == 1) {
    out->target = parts[0];
    out->type = "volume";
    return true;
  }
  out->source = parts[0];
  out->target = parts[1];
  if (parts.size() == 3) out->mode = parts[2];
  const std::string& src = out->source;
  bool path_like = src[0] == '.' || src[0] == '/' || src[0] == '~' || src[0] == '$' || src.find('/') != std::string::npos ||
                   src.find('\\') != std::string::npos || (src.size() > 1 && src[1] == ':');
  out->type = path_like ? "bind" : "volume";
  if (out->target.empty()) {
    *err = "invalid volume specification '" + text + "': no target";
    return false;
  }
  return true;
}

void validate_compose_schema(const Node& doc, Findings* errors) {
  Validator(errors).validate(doc, compose_schema(), "");
}

}  // namespace smokehook
