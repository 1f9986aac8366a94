// The typed model: each struct of compose-go's types, field by field, in its order, and the
// rules by which Go's encoding/json (or go-yaml) writes each kind of field.
#include "compose/typed_model.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "base/text.h"
#include "compose/go_values.h"

namespace smokehook {
namespace {

using json = nlohmann::ordered_json;

enum class K : unsigned char {
  Str,
  StrKeep,
  Bool,
  BoolKeep,
  BoolPtr,
  Int,
  IntKeep,
  IntPtr,
  Float32,
  Float64,
  Dur,
  DurPtr,
  Bytes,
  BytesKeep,
  StrList,
  Mapping,
  MapEq,
  Options,
  MultiOptions,
  Cmd,
  Ptr,
  Val,
  MapPtr,
  MapVal,
  List,
  Ulimit,
  Hosts,
  FileMode,
  HealthTest,
  Count,
  SSH,
  Raw
};

struct Field {
  const char* key;
  K kind;
  const Field* sub = nullptr;
};

#define END \
  { nullptr, K::Raw, nullptr }

const Field kDeviceRequest[] = {{"capabilities", K::StrList}, {"driver", K::Str},
                                {"count", K::Count},          {"device_ids", K::StrList},
                                {"options", K::Mapping},      END};
const Field kHook[] = {{"command", K::Cmd},     {"user", K::Str},          {"privileged", K::Bool},
                       {"working_dir", K::Str}, {"environment", K::MapEq}, END};
const Field kTrigger[] = {{"path", K::StrKeep},      {"action", K::StrKeep},
                          {"target", K::Str},        {"exec", K::Val, kHook},
                          {"include", K::StrList},   {"ignore", K::StrList},
                          {"initial_sync", K::Bool}, END};
const Field kDevelop[] = {{"watch", K::List, kTrigger}, END};
const Field kWeightDevice[] = {{"Path", K::StrKeep}, {"Weight", K::IntKeep}, END};
const Field kThrottleDevice[] = {{"Path", K::StrKeep}, {"Rate", K::BytesKeep}, END};
const Field kBlkio[] = {{"weight", K::Int},
                        {"weight_device", K::List, kWeightDevice},
                        {"device_read_bps", K::List, kThrottleDevice},
                        {"device_read_iops", K::List, kThrottleDevice},
                        {"device_write_bps", K::List, kThrottleDevice},
                        {"device_write_iops", K::List, kThrottleDevice},
                        END};
const Field kFileRef[] = {{"source", K::Str}, {"target", K::Str},    {"uid", K::Str},
                          {"gid", K::Str},    {"mode", K::FileMode}, END};
const Field kUlimit[] = {{"single", K::Int}, {"soft", K::Int}, {"hard", K::Int}, END};
const Field kBuild[] = {{"context", K::Str},
                        {"dockerfile", K::Str},
                        {"dockerfile_inline", K::Str},
                        {"entitlements", K::StrList},
                        {"args", K::MapEq},
                        {"provenance", K::Str},
                        {"sbom", K::Str},
                        {"ssh", K::SSH},
                        {"labels", K::Mapping},
                        {"cache_from", K::StrList},
                        {"cache_to", K::StrList},
                        {"no_cache", K::Bool},
                        {"additional_contexts", K::Mapping},
                        {"pull", K::Bool},
                        {"extra_hosts", K::Hosts},
                        {"isolation", K::Str},
                        {"network", K::Str},
                        {"target", K::Str},
                        {"secrets", K::List, kFileRef},
                        {"shm_size", K::Bytes},
                        {"tags", K::StrList},
                        {"ulimits", K::Ulimit, kUlimit},
                        {"platforms", K::StrList},
                        {"privileged", K::Bool},
                        END};
const Field kCredential[] = {{"config", K::Str}, {"file", K::Str}, {"registry", K::Str}, END};
const Field kDependency[] = {
    {"condition", K::Str}, {"restart", K::Bool}, {"required", K::BoolKeep}, END};
const Field kUpdate[] = {{"parallelism", K::IntPtr},
                         {"delay", K::Dur},
                         {"failure_action", K::Str},
                         {"monitor", K::Dur},
                         {"max_failure_ratio", K::Float32},
                         {"order", K::Str},
                         END};
const Field kDiscrete[] = {{"kind", K::StrKeep}, {"value", K::IntKeep}, END};
const Field kGeneric[] = {{"discrete_resource_spec", K::Ptr, kDiscrete}, END};
const Field kResource[] = {{"cpus", K::Float32},
                           {"memory", K::Bytes},
                           {"pids", K::Int},
                           {"devices", K::List, kDeviceRequest},
                           {"generic_resources", K::List, kGeneric},
                           END};
const Field kResources[] = {
    {"limits", K::Ptr, kResource}, {"reservations", K::Ptr, kResource}, END};
const Field kRestartPolicy[] = {{"condition", K::Str},
                                {"delay", K::DurPtr},
                                {"max_attempts", K::IntPtr},
                                {"window", K::DurPtr},
                                END};
const Field kPreference[] = {{"spread", K::Str}, END};
const Field kPlacement[] = {{"constraints", K::StrList},
                            {"preferences", K::List, kPreference},
                            {"max_replicas_per_node", K::Int},
                            END};
const Field kDeploy[] = {{"mode", K::Str},
                         {"replicas", K::IntPtr},
                         {"labels", K::Mapping},
                         {"update_config", K::Ptr, kUpdate},
                         {"rollback_config", K::Ptr, kUpdate},
                         {"resources", K::Val, kResources},
                         {"restart_policy", K::Ptr, kRestartPolicy},
                         {"placement", K::Val, kPlacement},
                         {"endpoint_mode", K::Str},
                         END};
const Field kProvider[] = {{"type", K::Str}, {"options", K::MultiOptions}, END};
const Field kExtends[] = {{"file", K::Str}, {"service", K::Str}, END};
const Field kHealth[] = {{"test", K::HealthTest},     {"timeout", K::DurPtr},
                         {"interval", K::DurPtr},     {"retries", K::IntPtr},
                         {"start_period", K::DurPtr}, {"start_interval", K::DurPtr},
                         {"disable", K::Bool},        END};
const Field kLogging[] = {{"driver", K::Str}, {"options", K::Options}, END};
const Field kServiceModel[] = {{"endpoint_var", K::Str}, {"model_var", K::Str}, END};
const Field kServiceNetwork[] = {{"aliases", K::StrList},        {"driver_opts", K::Options},
                                 {"gw_priority", K::Int},        {"interface_name", K::Str},
                                 {"ipv4_address", K::Str},       {"ipv6_address", K::Str},
                                 {"link_local_ips", K::StrList}, {"mac_address", K::Str},
                                 {"priority", K::Int},           END};
const Field kPort[] = {
    {"name", K::Str},      {"mode", K::Str},     {"host_ip", K::Str},      {"target", K::Int},
    {"published", K::Str}, {"protocol", K::Str}, {"app_protocol", K::Str}, END};
const Field kBind[] = {{"selinux", K::Str},
                       {"propagation", K::Str},
                       {"create_host_path", K::Bool},
                       {"recursive", K::Str},
                       END};
const Field kVolumeOpts[] = {{"labels", K::Mapping}, {"nocopy", K::Bool}, {"subpath", K::Str}, END};
const Field kTmpfs[] = {{"size", K::Bytes}, {"mode", K::Int}, END};
const Field kImageOpts[] = {{"subpath", K::Str}, END};
const Field kMount[] = {{"type", K::Str},
                        {"source", K::Str},
                        {"target", K::Str},
                        {"read_only", K::Bool},
                        {"consistency", K::Str},
                        {"bind", K::Ptr, kBind},
                        {"volume", K::Ptr, kVolumeOpts},
                        {"tmpfs", K::Ptr, kTmpfs},
                        {"image", K::Ptr, kImageOpts},
                        END};
const Field kDevice[] = {{"source", K::Str}, {"target", K::Str}, {"permissions", K::Str}, END};
const Field kService[] = {{"profiles", K::StrList},
                          {"annotations", K::Mapping},
                          {"attach", K::BoolPtr},
                          {"build", K::Ptr, kBuild},
                          {"develop", K::Ptr, kDevelop},
                          {"blkio_config", K::Ptr, kBlkio},
                          {"cap_add", K::StrList},
                          {"cap_drop", K::StrList},
                          {"cgroup_parent", K::Str},
                          {"cgroup", K::Str},
                          {"cpu_count", K::Int},
                          {"cpu_percent", K::Float32},
                          {"cpu_period", K::Int},
                          {"cpu_quota", K::Int},
                          {"cpu_rt_period", K::Int},
                          {"cpu_rt_runtime", K::Int},
                          {"cpus", K::Float32},
                          {"cpuset", K::Str},
                          {"cpu_shares", K::Int},
                          {"command", K::Cmd},
                          {"configs", K::List, kFileRef},
                          {"container_name", K::Str},
                          {"credential_spec", K::Ptr, kCredential},
                          {"depends_on", K::MapVal, kDependency},
                          {"deploy", K::Ptr, kDeploy},
                          {"device_cgroup_rules", K::StrList},
                          {"devices", K::List, kDevice},
                          {"dns", K::StrList},
                          {"dns_opt", K::StrList},
                          {"dns_search", K::StrList},
                          {"dockerfile", K::Str},
                          {"domainname", K::Str},
                          {"entrypoint", K::Cmd},
                          {"provider", K::Ptr, kProvider},
                          {"environment", K::MapEq},
                          {"expose", K::StrList},
                          {"extends", K::Ptr, kExtends},
                          {"external_links", K::StrList},
                          {"extra_hosts", K::Hosts},
                          {"group_add", K::StrList},
                          {"gpus", K::List, kDeviceRequest},
                          {"hostname", K::Str},
                          {"healthcheck", K::Ptr, kHealth},
                          {"image", K::Str},
                          {"init", K::BoolPtr},
                          {"ipc", K::Str},
                          {"isolation", K::Str},
                          {"labels", K::Mapping},
                          {"links", K::StrList},
                          {"logging", K::Ptr, kLogging},
                          {"log_driver", K::Str},
                          {"log_opt", K::Options},
                          {"mem_limit", K::Bytes},
                          {"mem_reservation", K::Bytes},
                          {"memswap_limit", K::Bytes},
                          {"mem_swappiness", K::Bytes},
                          {"mac_address", K::Str},
                          {"models", K::MapPtr, kServiceModel},
                          {"net", K::Str},
                          {"network_mode", K::Str},
                          {"networks", K::MapPtr, kServiceNetwork},
                          {"oom_kill_disable", K::Bool},
                          {"oom_score_adj", K::Int},
                          {"pid", K::Str},
                          {"pids_limit", K::Int},
                          {"platform", K::Str},
                          {"ports", K::List, kPort},
                          {"privileged", K::Bool},
                          {"pull_policy", K::Str},
                          {"read_only", K::Bool},
                          {"restart", K::Str},
                          {"runtime", K::Str},
                          {"scale", K::IntPtr},
                          {"secrets", K::List, kFileRef},
                          {"security_opt", K::StrList},
                          {"shm_size", K::Bytes},
                          {"stdin_open", K::Bool},
                          {"stop_grace_period", K::DurPtr},
                          {"stop_signal", K::Str},
                          {"storage_opt", K::Options},
                          {"sysctls", K::Mapping},
                          {"tmpfs", K::StrList},
                          {"tty", K::Bool},
                          {"ulimits", K::Ulimit, kUlimit},
                          {"use_api_socket", K::Bool},
                          {"user", K::Str},
                          {"userns_mode", K::Str},
                          {"uts", K::Str},
                          {"volume_driver", K::Str},
                          {"volumes", K::List, kMount},
                          {"volumes_from", K::StrList},
                          {"working_dir", K::Str},
                          {"post_start", K::List, kHook},
                          {"pre_stop", K::List, kHook},
                          END};
const Field kIpamPool[] = {{"subnet", K::Str},
                           {"gateway", K::Str},
                           {"ip_range", K::Str},
                           {"aux_addresses", K::Mapping},
                           END};
const Field kIpam[] = {{"driver", K::Str}, {"config", K::List, kIpamPool}, END};
const Field kNetwork[] = {{"name", K::Str},
                          {"driver", K::Str},
                          {"driver_opts", K::Options},
                          {"ipam", K::Val, kIpam},
                          {"external", K::Bool},
                          {"internal", K::Bool},
                          {"attachable", K::Bool},
                          {"labels", K::Mapping},
                          {"enable_ipv4", K::BoolPtr},
                          {"enable_ipv6", K::BoolPtr},
                          END};
const Field kVolume[] = {{"name", K::Str},      {"driver", K::Str},     {"driver_opts", K::Options},
                         {"external", K::Bool}, {"labels", K::Mapping}, END};
const Field kFileObject[] = {{"name", K::Str},
                             {"file", K::Str},
                             {"environment", K::Str},
                             {"content", K::Str},
                             {"external", K::Bool},
                             {"labels", K::Mapping},
                             {"driver", K::Str},
                             {"driver_opts", K::Options},
                             {"template_driver", K::Str},
                             END};
const Field kModel[] = {{"name", K::Str},
                        {"model", K::Str},
                        {"context_size", K::Int},
                        {"runtime_flags", K::StrList},
                        END};
#undef END

json typed_fields(const json& in, const Field* fields, bool yaml);

// The value of one field, or nothing when Go's encoding/json leaves it out. `yaml`: go-yaml's rules
// instead, which leave out a nil command and a struct value whose fields are all empty.
std::optional<json> typed_value(const json* present, K kind, const Field* sub, bool yaml) {
  if (!present) {
    switch (kind) {
      case K::Cmd:
        return yaml ? std::nullopt : std::optional<json>(nullptr);
      case K::Val:
        return yaml ? std::nullopt : std::optional<json>(typed_fields(json::object(), sub, yaml));
      case K::StrKeep:
        return json("");
      case K::BoolKeep:
        return json(false);
      case K::IntKeep:
        return json(0);
      case K::BytesKeep:
        return json("0");
      default:
        return std::nullopt;
    }
  }
  const json& v = *present;
  switch (kind) {
    case K::Raw:
      return v;
    case K::Str:
    case K::StrKeep: {
      std::string s = v.is_null() ? "" : text_of(v);
      if (s.empty() && kind == K::Str) return std::nullopt;
      return json(s);
    }
    case K::Bool:
    case K::BoolKeep:
    case K::BoolPtr: {
      auto b = bool_of(v);
      if (!b) return kind == K::BoolKeep ? std::optional<json>(false) : std::nullopt;
      if (!*b && kind == K::Bool) return std::nullopt;
      return json(*b);
    }
    case K::Int:
    case K::IntKeep:
    case K::IntPtr: {
      auto n = int_of(v);
      if (!n) return kind == K::Int ? std::nullopt : std::optional<json>(v);
      if (*n == 0 && kind == K::Int) return std::nullopt;
      return json(*n);
    }
    case K::Count: {
      if (v.is_string() && (v.get<std::string>() == "all" || v.get<std::string>() == "ALL"))
        return json(-1);
      auto n = int_of(v);
      if (!n || *n == 0) return std::nullopt;
      return json(*n);
    }
    case K::Float32:
    case K::Float64: {
      auto d = float_of(v);
      if (!d || *d == 0) return std::nullopt;
      return kind == K::Float32 ? float32_json(*d) : float64_json(*d);
    }
    case K::Dur:
    case K::DurPtr: {
      if (v.is_null()) return std::nullopt;
      auto ns = parse_go_duration(text_of(v));
      if (!ns) return v;
      if (*ns == 0 && kind == K::Dur) return std::nullopt;
      return json(format_go_duration(*ns));
    }
    case K::Bytes:
    case K::BytesKeep: {
      std::optional<long long> n = v.is_number_integer()
                                       ? std::optional<long long>(v.get<long long>())
                                       : parse_byte_size(text_of(v));
      if (!n) return v.is_null() ? std::nullopt : std::optional<json>(v);
      if (*n == 0 && kind == K::Bytes) return std::nullopt;
      return json(std::to_string(*n));
    }
    case K::StrList: {
      json out = json::array();
      if (v.is_array()) {
        for (const json& item : v) out.push_back(text_of(item));
      } else if (!v.is_null()) {
        out.push_back(text_of(v));
      }
      if (out.empty()) return std::nullopt;
      return out;
    }
    case K::Mapping:
    case K::Options: {
      json out = key_values(v, json(""), true);
      if (out.empty()) return std::nullopt;
      return out;
    }
    case K::MapEq: {
      json out = key_values(v, json(nullptr), false);
      if (out.empty()) return std::nullopt;
      return out;
    }
    case K::MultiOptions: {
      json out = json::object();
      if (v.is_object()) {
        for (const auto& k : sorted_keys(v)) {
          json list = json::array();
          if (v[k].is_array()) {
            for (const json& item : v[k]) list.push_back(text_of(item));
          } else {
            list.push_back(text_of(v[k]));
          }
          out[k] = list;
        }
      }
      if (out.empty()) return std::nullopt;
      return out;
    }
    case K::Cmd: {
      if (v.is_null()) return yaml ? std::nullopt : std::optional<json>(nullptr);
      json out = json::array();
      if (v.is_string()) {
        std::vector<std::string> words;
        compose_words(v.get<std::string>(), &words);  // the schema refused what compose can't split
        for (auto& w : words) out.push_back(w);
      } else if (v.is_array()) {
        for (const json& item : v) out.push_back(text_of(item));
      }
      return out;
    }
    case K::HealthTest: {
      json out = json::array();
      if (v.is_string())
        out = json{"CMD-SHELL", v.get<std::string>()};
      else if (v.is_array())
        for (const json& item : v) out.push_back(text_of(item));
      if (out.empty()) return std::nullopt;
      return out;
    }
    case K::FileMode: {
      std::optional<long long> mode;
      if (v.is_number_integer())
        mode = v.get<long long>();
      else if (v.is_string()) {
        char* end = nullptr;
        const std::string& s = v.get_ref<const std::string&>();
        long long m = std::strtoll(s.c_str(), &end, 8);
        if (!s.empty() && *end == '\0') mode = m;
      }
      if (!mode) return std::nullopt;
      char buf[32];
      std::snprintf(buf, sizeof buf, "0%llo", *mode);
      return json(buf);
    }
    case K::Ptr:
      if (!v.is_object()) return std::nullopt;
      return typed_fields(v, sub, yaml);
    case K::Val: {
      json out = typed_fields(v.is_object() ? v : json::object(), sub, yaml);
      if (yaml && out.empty()) return std::nullopt;
      return out;
    }
    case K::MapPtr:
    case K::MapVal:
    case K::Ulimit: {
      if (!v.is_object() || v.empty()) return std::nullopt;
      json out = json::object();
      for (const auto& k : sorted_keys(v)) {
        const json& x = v[k];
        if (kind == K::Ulimit &&
            !x.is_object()) {  // a single value; 0 is an empty struct in Go's JSON
          auto n = int_of(x);
          out[k] = !n ? x : *n == 0 ? json::object() : json(*n);
        } else if (kind == K::MapPtr && x.is_null())
          out[k] = nullptr;
        else
          out[k] = typed_fields(x.is_object() ? x : json::object(), sub, yaml);
        if (kind == K::Ulimit && yaml && out[k].is_object())  // go-yaml prints both, even when 0
          out[k] = {{"soft", out[k].value("soft", json(0))},
                    {"hard", out[k].value("hard", json(0))}};
      }
      return out;
    }
    case K::List: {
      if (!v.is_array() || v.empty()) return std::nullopt;
      json out = json::array();
      for (const json& item : v)
        out.push_back(typed_fields(item.is_object() ? item : json::object(), sub, yaml));
      return out;
    }
    case K::Hosts: {
      // "host=ip" (or "host:ip"), one per address, sorted; [ipv6] brackets dropped.
      std::vector<std::string> list;
      auto add = [&](const std::string& host, std::string ips) {
        for (auto& ip : split(ips, ',')) {
          std::string a = ip;
          if (a.size() > 2 && a.front() == '[' && a.back() == ']') a = a.substr(1, a.size() - 2);
          list.push_back(host + "=" + a);
        }
      };
      if (v.is_object()) {
        for (auto it = v.begin(); it != v.end(); ++it) {
          if (it.value().is_array()) {
            for (const json& ip : it.value()) add(it.key(), text_of(ip));
          } else {
            add(it.key(), it.value().is_null() ? "" : text_of(it.value()));
          }
        }
      } else if (v.is_array()) {
        for (const json& item : v) {
          std::string s = text_of(item);
          size_t sep = s.find('=');
          if (sep == std::string::npos) sep = s.find(':');
          if (sep == std::string::npos) continue;
          add(s.substr(0, sep), s.substr(sep + 1));
        }
      }
      if (list.empty()) return std::nullopt;
      std::sort(list.begin(), list.end());
      json out = json::array();
      for (auto& s : list) out.push_back(s);
      return out;
    }
    case K::SSH: {
      json out = json::array();
      if (v.is_object()) {
        for (const auto& k : sorted_keys(v))
          out.push_back(v[k].is_null() ? k : k + "=" + text_of(v[k]));
      } else if (v.is_array()) {
        for (const json& item : v) out.push_back(text_of(item));
      }
      if (out.empty()) return std::nullopt;
      return out;
    }
  }
  return std::nullopt;
}

// A table's fields by key, built once: typed_struct looks each key of its input up once, rather
// than each of the table's fields (up to ~90) in the input, a linear search of string compares
// each. A Go field without a json tag (blkio's `Path`, `Weight`, `Rate`) is also found by its name
// in lower case, as the loader reads it.
struct FieldIndex {
  std::unordered_map<std::string, size_t> position;
  size_t size = 0;
};
const FieldIndex& field_index(const Field* fields) {
  static std::mutex mu;
  static std::map<const Field*, FieldIndex> indexes;
  std::lock_guard<std::mutex> lock(mu);
  auto [it, inserted] = indexes.try_emplace(fields);
  if (inserted) {
    for (FieldIndex& index = it->second; fields[index.size].key; ++index.size) {
      std::string key = fields[index.size].key;
      index.position.emplace(key, index.size);
      key[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(key[0])));
      index.position.emplace(key, index.size);  // no effect when already lower case
    }
  }
  return it->second;
}

json typed_fields(const json& in, const Field* fields, bool yaml) {
  if (fields == kUlimit && !in.is_object()) return in;
  const FieldIndex& index = field_index(fields);
  std::vector<const json*> present(index.size, nullptr);  // each field's value in `in`, if there
  if (in.is_object()) {
    for (auto it = in.begin(); it != in.end(); ++it)
      if (auto at = index.position.find(it.key()); at != index.position.end())
        present[at->second] = &it.value();
  }
  // Gathered first, then moved into a mapping of the right size: an ordered_json mapping is a
  // vector of pair<const string, json>, which copies (does not move) every value each time it
  // grows.
  std::vector<std::pair<const char*, json>> values;
  for (size_t i = 0; i < index.size; ++i) {
    auto value = typed_value(present[i], fields[i].kind, fields[i].sub, yaml);
    if (value) values.emplace_back(fields[i].key, std::move(*value));
  }
  json out = json::object();
  auto& members = out.get_ref<json::object_t&>();
  members.reserve(values.size());
  for (auto& [key, value] : values) {  // the table's keys are unique
    if (yaml && std::isupper(static_cast<unsigned char>(
                    key[0]))) {  // go-yaml names an untagged Go field in lower case
      std::string lower = key;
      lower[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(lower[0])));
      members.emplace_back(std::move(lower), std::move(value));
    } else {
      members.emplace_back(key, std::move(value));
    }
  }
  // Extensions are `json:"-"` in compose-go but inline in its YAML (not on an IPAM pool, whose
  // extensions the loader does not keep).
  if (yaml && fields != kIpamPool) {
    for (auto it = in.begin(); it != in.end(); ++it)
      if (it.key().rfind("x-", 0) == 0) members.emplace_back(it.key(), it.value());
  }
  return out;
}

}  // namespace

json typed_struct(const json& in, TypedStruct type, bool yaml) {
  switch (type) {
    case TypedStruct::Service:
      return typed_fields(in, kService, yaml);
    case TypedStruct::Network:
      return typed_fields(in, kNetwork, yaml);
    case TypedStruct::Volume:
      return typed_fields(in, kVolume, yaml);
    case TypedStruct::FileObject:
      return typed_fields(in, kFileObject, yaml);
    case TypedStruct::Model:
      return typed_fields(in, kModel, yaml);
  }
  return in;
}

}  // namespace smokehook
