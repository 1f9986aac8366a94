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

#include "compose/project.h"
#include "compose/schema.h"
#include "base/text.h"

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
        case ScalarType::Null:
          return nullptr;
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
      auto& members = o.get_ref<json::object_t&>();
      members.reserve(n.entries.size());  // growing would copy every value (see typed_struct)
      for (const auto& e : n.entries) o[e.key] = plain_json(e.value);
      return o;
    }
  }
  return nullptr;
}

// ---- Values as compose-go's types hold them -------------------------------------------------

// A scalar as the string Go's fmt.Sprint prints for it.
std::string text_of(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  if (v.is_number_float()) {
    char buf[64];
    double d = v.get<double>();
    if (d == static_cast<double>(static_cast<long long>(d)) && std::fabs(d) < 1e21)
      return std::to_string(static_cast<long long>(d));
    auto r = std::to_chars(buf, buf + sizeof buf, d);
    return std::string(buf, r.ptr);
  }
  return "";
}

std::optional<long long> int_of(const json& v) {
  if (v.is_number_integer()) return v.get<long long>();
  if (v.is_number_float()) return static_cast<long long>(v.get<double>());
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    char* end = nullptr;
    errno = 0;
    long long n = std::strtoll(s.c_str(), &end, 10);
    if (!s.empty() && end && *end == '\0' && errno == 0) return n;
  }
  return std::nullopt;
}

std::optional<double> float_of(const json& v) {
  if (v.is_number()) return v.get<double>();
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    char* end = nullptr;
    double d = std::strtod(s.c_str(), &end);
    if (!s.empty() && end && *end == '\0') return d;
  }
  return std::nullopt;
}

std::optional<bool> bool_of(const json& v) {
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_string()) {
    std::string s = v.get<std::string>();
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (s == "true" || s == "y" || s == "yes" || s == "on") return true;
    if (s == "false" || s == "n" || s == "no" || s == "off") return false;
  }
  return std::nullopt;
}

// A float32 as Go's encoding/json prints it: the shortest decimal that reads back as the same float32.
json float32_json(double d) {
  float f = static_cast<float>(d);
  if (f == static_cast<float>(static_cast<long long>(f)) && std::fabs(f) < 1e15f) return static_cast<long long>(f);
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, f);
  return std::strtod(std::string(buf, r.ptr).c_str(), nullptr);
}

json float64_json(double d) {
  if (d == static_cast<double>(static_cast<long long>(d)) && std::fabs(d) < 1e15) return static_cast<long long>(d);
  return d;
}

}  // namespace

std::optional<long long> parse_go_duration(const std::string& text) {
  std::string s = text;
  bool negative = false;
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) negative = s[i++] == '-';
  if (s.substr(i) == "0") return 0;
  if (i >= s.size()) return std::nullopt;
  long double total = 0;
  while (i < s.size()) {
    size_t start = i;
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
    if (i == start) return std::nullopt;
    long double number = std::strtold(s.substr(start, i - start).c_str(), nullptr);
    size_t unit_start = i;
    while (i < s.size() && !std::isdigit(static_cast<unsigned char>(s[i])) && s[i] != '.') ++i;
    std::string unit = s.substr(unit_start, i - unit_start);
    long double scale;
    if (unit == "ns") scale = 1;
    else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") scale = 1e3;
    else if (unit == "ms") scale = 1e6;
    else if (unit == "s") scale = 1e9;
    else if (unit == "m") scale = 60e9;
    else if (unit == "h") scale = 3600e9;
    else if (unit == "d") scale = 86400e9;
    else if (unit == "w") scale = 7 * 86400e9;
    else return std::nullopt;
    total += number * scale;
  }
  long long ns = static_cast<long long>(total + 0.5L);
  return negative ? -ns : ns;
}

std::string format_go_duration(long long ns) {
  if (ns == 0) return "0s";
  bool negative = ns < 0;
  unsigned long long u = negative ? static_cast<unsigned long long>(-(ns + 1)) + 1 : static_cast<unsigned long long>(ns);
  // The integer part, then the fraction (its trailing zeros dropped), of v / 10^digits.
  auto fixed = [](unsigned long long v, int digits) {
    unsigned long long scale = 1;
    for (int k = 0; k < digits; ++k) scale *= 10;
    std::string out = std::to_string(v / scale);
    std::string frac = std::to_string(v % scale);
    frac.insert(0, static_cast<size_t>(digits) - frac.size(), '0');
    while (!frac.empty() && frac.back() == '0') frac.pop_back();
    if (!frac.empty()) out += "." + frac;
    return out;
  };
  std::string out;
  if (u < 1000000000ULL) {
    if (u < 1000ULL) out = std::to_string(u) + "ns";
    else if (u < 1000000ULL) out = fixed(u, 3) + "\xC2\xB5s";
    else out = fixed(u, 6) + "ms";
  } else {
    unsigned long long seconds_part = u % 60000000000ULL;
    unsigned long long minutes = u / 60000000000ULL;
    out = fixed(seconds_part, 9) + "s";
    if (minutes > 0) {
      out = std::to_string(minutes % 60) + "m" + out;
      if (minutes >= 60) out = std::to_string(minutes / 60) + "h" + out;
    }
  }
  return negative ? "-" + out : out;
}

std::optional<long long> parse_byte_size(const std::string& text) {
  // As docker's RAMInBytes reads it: a decimal number, an optional space, then k, m, g, t or p
  // (powers of 1024), an optional i and an optional b, in any case.
  size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
  if (i == 0 || !std::isdigit(static_cast<unsigned char>(text[0])) || text[i - 1] == '.') return std::nullopt;
  long double number = std::strtold(text.substr(0, i).c_str(), nullptr);
  if (i < text.size() && text[i] == ' ') ++i;
  long double scale = 1;
  if (i < text.size()) {
    switch (std::tolower(static_cast<unsigned char>(text[i]))) {
      case 'k': scale = 1024.0L; ++i; break;
      case 'm': scale = 1024.0L * 1024; ++i; break;
      case 'g': scale = 1024.0L * 1024 * 1024; ++i; break;
      case 't': scale = 1024.0L * 1024 * 1024 * 1024; ++i; break;
      case 'p': scale = 1024.0L * 1024 * 1024 * 1024 * 1024; ++i; break;
      default: break;
    }
  }
  if (i < text.size() && std::tolower(static_cast<unsigned char>(text[i])) == 'i') ++i;
  if (i < text.size() && std::tolower(static_cast<unsigned char>(text[i])) == 'b') ++i;
  if (i != text.size()) return std::nullopt;
  return static_cast<long long>(number * scale);
}

namespace {

// ---- The typed model: each struct of compose-go's types, field by field, in its order ---------

enum class K : unsigned char {
  Str, StrKeep, Bool, BoolKeep, BoolPtr, Int, IntKeep, IntPtr, Float32, Float64, Dur, DurPtr, Bytes, BytesKeep,
  StrList, Mapping, MapEq, Options, MultiOptions, Cmd, Ptr, Val, MapPtr, MapVal, List, Ulimit, Hosts,
  FileMode, HealthTest, Count, SSH, Raw
};

struct Field {
  const char* key;
  K kind;
  const Field* sub = nullptr;
};

#define END {nullptr, K::Raw, nullptr}

const Field kDeviceRequest[] = {{"capabilities", K::StrList}, {"driver", K::Str}, {"count", K::Count},
                                {"device_ids", K::StrList}, {"options", K::Mapping}, END};
const Field kHook[] = {{"command", K::Cmd}, {"user", K::Str}, {"privileged", K::Bool}, {"working_dir", K::Str},
                       {"environment", K::MapEq}, END};
const Field kTrigger[] = {{"path", K::StrKeep}, {"action", K::StrKeep}, {"target", K::Str}, {"exec", K::Val, kHook},
                          {"include", K::StrList}, {"ignore", K::StrList}, {"initial_sync", K::Bool}, END};
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
const Field kFileRef[] = {{"source", K::Str}, {"target", K::Str}, {"uid", K::Str}, {"gid", K::Str},
                          {"mode", K::FileMode}, END};
const Field kUlimit[] = {{"single", K::Int}, {"soft", K::Int}, {"hard", K::Int}, END};
const Field kBuild[] = {{"context", K::Str},       {"dockerfile", K::Str},        {"dockerfile_inline", K::Str},
                        {"entitlements", K::StrList}, {"args", K::MapEq},          {"provenance", K::Str},
                        {"sbom", K::Str},          {"ssh", K::SSH},               {"labels", K::Mapping},
                        {"cache_from", K::StrList}, {"cache_to", K::StrList},     {"no_cache", K::Bool},
                        {"additional_contexts", K::Mapping}, {"pull", K::Bool},   {"extra_hosts", K::Hosts},
                        {"isolation", K::Str},     {"network", K::Str},           {"target", K::Str},
                        {"secrets", K::List, kFileRef}, {"shm_size", K::Bytes},   {"tags", K::StrList},
                        {"ulimits", K::Ulimit, kUlimit}, {"platforms", K::StrList}, {"privileged", K::Bool},
                        END};
const Field kCredential[] = {{"config", K::Str}, {"file", K::Str}, {"registry", K::Str}, END};
const Field kDependency[] = {{"condition", K::Str}, {"restart", K::Bool}, {"required", K::BoolKeep}, END};
const Field kUpdate[] = {{"parallelism", K::IntPtr}, {"delay", K::Dur}, {"failure_action", K::Str},
                         {"monitor", K::Dur}, {"max_failure_ratio", K::Float32}, {"order", K::Str}, END};
const Field kDiscrete[] = {{"kind", K::StrKeep}, {"value", K::IntKeep}, END};
const Field kGeneric[] = {{"discrete_resource_spec", K::Ptr, kDiscrete}, END};
const Field kResource[] = {{"cpus", K::Float32}, {"memory", K::Bytes}, {"pids", K::Int},
                           {"devices", K::List, kDeviceRequest}, {"generic_resources", K::List, kGeneric}, END};
const Field kResources[] = {{"limits", K::Ptr, kResource}, {"reservations", K::Ptr, kResource}, END};
const Field kRestartPolicy[] = {{"condition", K::Str}, {"delay", K::DurPtr}, {"max_attempts", K::IntPtr},
                                {"window", K::DurPtr}, END};
const Field kPreference[] = {{"spread", K::Str}, END};
const Field kPlacement[] = {{"constraints", K::StrList}, {"preferences", K::List, kPreference},
                            {"max_replicas_per_node", K::Int}, END};
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
const Field kHealth[] = {{"test", K::HealthTest}, {"timeout", K::DurPtr},      {"interval", K::DurPtr},
                         {"retries", K::IntPtr},  {"start_period", K::DurPtr}, {"start_interval", K::DurPtr},
                         {"disable", K::Bool},    END};
const Field kLogging[] = {{"driver", K::Str}, {"options", K::Options}, END};
const Field kServiceModel[] = {{"endpoint_var", K::Str}, {"model_var", K::Str}, END};
const Field kServiceNetwork[] = {{"aliases", K::StrList},   {"driver_opts", K::Options},  {"gw_priority", K::Int},
                                 {"interface_name", K::Str}, {"ipv4_address", K::Str},    {"ipv6_address", K::Str},
                                 {"link_local_ips", K::StrList}, {"mac_address", K::Str}, {"priority", K::Int},
                                 END};
const Field kPort[] = {{"name", K::Str},      {"mode", K::Str},     {"host_ip", K::Str},      {"target", K::Int},
                       {"published", K::Str}, {"protocol", K::Str}, {"app_protocol", K::Str}, END};
const Field kBind[] = {{"selinux", K::Str}, {"propagation", K::Str}, {"create_host_path", K::Bool},
                       {"recursive", K::Str}, END};
const Field kVolumeOpts[] = {{"labels", K::Mapping}, {"nocopy", K::Bool}, {"subpath", K::Str}, END};
const Field kTmpfs[] = {{"size", K::Bytes}, {"mode", K::Int}, END};
const Field kImageOpts[] = {{"subpath", K::Str}, END};
const Field kMount[] = {{"type", K::Str},       {"source", K::Str},           {"target", K::Str},
                        {"read_only", K::Bool}, {"consistency", K::Str},      {"bind", K::Ptr, kBind},
                        {"volume", K::Ptr, kVolumeOpts}, {"tmpfs", K::Ptr, kTmpfs}, {"image", K::Ptr, kImageOpts},
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
const Field kIpamPool[] = {{"subnet", K::Str}, {"gateway", K::Str}, {"ip_range", K::Str},
                           {"aux_addresses", K::Mapping}, END};
const Field kIpam[] = {{"driver", K::Str}, {"config", K::List, kIpamPool}, END};
const Field kNetwork[] = {{"name", K::Str},         {"driver", K::Str},       {"driver_opts", K::Options},
                          {"ipam", K::Val, kIpam},  {"external", K::Bool},    {"internal", K::Bool},
                          {"attachable", K::Bool},  {"labels", K::Mapping},   {"enable_ipv4", K::BoolPtr},
                          {"enable_ipv6", K::BoolPtr}, END};
const Field kVolume[] = {{"name", K::Str},     {"driver", K::Str},     {"driver_opts", K::Options},
                         {"external", K::Bool}, {"labels", K::Mapping}, END};
const Field kFileObject[] = {{"name", K::Str},     {"file", K::Str},           {"environment", K::Str},
                             {"content", K::Str},  {"external", K::Bool},      {"labels", K::Mapping},
                             {"driver", K::Str},   {"driver_opts", K::Options}, {"template_driver", K::Str}, END};
const Field kModel[] = {{"name", K::Str}, {"model", K::Str}, {"context_size", K::Int}, {"runtime_flags", K::StrList},
                        END};
#undef END

json typed_struct(const json& in, const Field* fields, bool yaml);

std::vector<std::string> sorted_keys(const json& o) {
  std::vector<std::string> keys;
  for (auto it = o.begin(); it != o.end(); ++it) keys.push_back(it.key());
  std::sort(keys.begin(), keys.end());
  return keys;
}

// A list of "K=V" strings, or a mapping, as a mapping sorted by key; `bare`: the value of a "K".
json key_values(const json& v, const json& bare, bool null_is_empty) {
  json out = json::object();
  if (v.is_object()) {
    for (const auto& k : sorted_keys(v)) {
      const json& x = v[k];
      out[k] = x.is_null() ? (null_is_empty ? json("") : json(nullptr)) : json(text_of(x));
    }
  } else if (v.is_array()) {
    std::map<std::string, json> m;
    for (const json& item : v) {
      std::string s = text_of(item);
      size_t eq = s.find('=');
      if (eq == std::string::npos) m[s] = bare;
      else m[s.substr(0, eq)] = s.substr(eq + 1);
    }
    for (auto& [k, x] : m) out[k] = x;
  }
  return out;
}

// The value of one field, or nothing when Go's encoding/json leaves it out. `yaml`: go-yaml's rules
// instead, which leave out a nil command and a struct value whose fields are all empty.
std::optional<json> typed_value(const json* present, K kind, const Field* sub, bool yaml) {
  if (!present) {
    switch (kind) {
      case K::Cmd: return yaml ? std::nullopt : std::optional<json>(nullptr);
      case K::Val: return yaml ? std::nullopt : std::optional<json>(typed_struct(json::object(), sub, yaml));
      case K::StrKeep: return json("");
      case K::BoolKeep: return json(false);
      case K::IntKeep: return json(0);
      case K::BytesKeep: return json("0");
      default: return std::nullopt;
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
      if (v.is_string() && (v.get<std::string>() == "all" || v.get<std::string>() == "ALL")) return json(-1);
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
      std::optional<long long> n = v.is_number_integer() ? std::optional<long long>(v.get<long long>())
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
      if (v.is_object())
        for (const auto& k : sorted_keys(v)) {
          json list = json::array();
          if (v[k].is_array())
            for (const json& item : v[k]) list.push_back(text_of(item));
          else
            list.push_back(text_of(v[k]));
          out[k] = list;
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
      if (v.is_string()) out = json{"CMD-SHELL", v.get<std::string>()};
      else if (v.is_array())
        for (const json& item : v) out.push_back(text_of(item));
      if (out.empty()) return std::nullopt;
      return out;
    }
    case K::FileMode: {
      std::optional<long long> mode;
      if (v.is_number_integer()) mode = v.get<long long>();
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
      return typed_struct(v, sub, yaml);
    case K::Val: {
      json out = typed_struct(v.is_object() ? v : json::object(), sub, yaml);
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
        if (kind == K::Ulimit && !x.is_object()) {  // a single value; 0 is an empty struct in Go's JSON
          auto n = int_of(x);
          out[k] = !n ? x : *n == 0 ? json::object() : json(*n);
        }
        else if (kind == K::MapPtr && x.is_null()) out[k] = nullptr;
        else out[k] = typed_struct(x.is_object() ? x : json::object(), sub, yaml);
        if (kind == K::Ulimit && yaml && out[k].is_object())  // go-yaml prints both, even when 0
          out[k] = {{"soft", out[k].value("soft", json(0))}, {"hard", out[k].value("hard", json(0))}};
      }
      return out;
    }
    case K::List: {
      if (!v.is_array() || v.empty()) return std::nullopt;
      json out = json::array();
      for (const json& item : v) out.push_back(typed_struct(item.is_object() ? item : json::object(), sub, yaml));
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
          if (it.value().is_array())
            for (const json& ip : it.value()) add(it.key(), text_of(ip));
          else
            add(it.key(), it.value().is_null() ? "" : text_of(it.value()));
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
      if (v.is_object())
        for (const auto& k : sorted_keys(v)) out.push_back(v[k].is_null() ? k : k + "=" + text_of(v[k]));
      else if (v.is_array())
        for (const json& item : v) out.push_back(text_of(item));
      if (out.empty()) return std::nullopt;
      return out;
    }
  }
  return std::nullopt;
}

// A table's fields by key, built once: typed_struct looks each key of its input up once, rather than
// each of the table's fields (up to ~90) in the input, a linear search of string compares each.
// A Go field without a json tag (blkio's `Path`, `Weight`, `Rate`) is also found by its name in lower
// case, as the loader reads it.
struct FieldIndex {
  std::unordered_map<std::string, size_t> position;
  size_t size = 0;
};
const FieldIndex& field_index(const Field* fields) {
  static std::mutex mu;
  static std::map<const Field*, FieldIndex> indexes;
  std::lock_guard<std::mutex> lock(mu);
  auto [it, inserted] = indexes.try_emplace(fields);
  if (inserted)
    for (FieldIndex& index = it->second; fields[index.size].key; ++index.size) {
      std::string key = fields[index.size].key;
      index.position.emplace(key, index.size);
      key[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(key[0])));
      index.position.emplace(key, index.size);  // no effect when already lower case
    }
  return it->second;
}

json typed_struct(const json& in, const Field* fields, bool yaml) {
  if (fields == kUlimit && !in.is_object()) return in;
  const FieldIndex& index = field_index(fields);
  std::vector<const json*> present(index.size, nullptr);  // each field's value in `in`, if there
  if (in.is_object())
    for (auto it = in.begin(); it != in.end(); ++it)
      if (auto at = index.position.find(it.key()); at != index.position.end()) present[at->second] = &it.value();
  // Gathered first, then moved into a mapping of the right size: an ordered_json mapping is a vector
  // of pair<const string, json>, which copies (does not move) every value each time it grows.
  std::vector<std::pair<const char*, json>> values;
  for (size_t i = 0; i < index.size; ++i) {
    auto value = typed_value(present[i], fields[i].kind, fields[i].sub, yaml);
    if (value) values.emplace_back(fields[i].key, std::move(*value));
  }
  json out = json::object();
  auto& members = out.get_ref<json::object_t&>();
  members.reserve(values.size());
  for (auto& [key, value] : values) {  // the table's keys are unique
    if (yaml && std::isupper(static_cast<unsigned char>(key[0]))) {  // go-yaml names an untagged Go field in lower case
      std::string lower = key;
      lower[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(lower[0])));
      members.emplace_back(std::move(lower), std::move(value));
    } else {
      members.emplace_back(key, std::move(value));
    }
  }
  // Extensions are `json:"-"` in compose-go but inline in its YAML (not on an IPAM pool, whose
  // extensions the loader does not keep).
  if (yaml && fields != kIpamPool)
    for (auto it = in.begin(); it != in.end(); ++it)
      if (it.key().rfind("x-", 0) == 0) members.emplace_back(it.key(), it.value());
  return out;
}

// ---- compose-go's canonical forms and defaults, before the types apply -----------------------

// A relative path of the model made absolute against the project's folder, as docker compose prints
// it; `~` is the home folder. URLs (a remote build context) are left as written.
std::string absolute_in(const std::string& dir, const std::string& path) {
  bool windows = path.size() >= 3 && std::isalpha(static_cast<unsigned char>(path[0])) && path[1] == ':' &&
                 (path[2] == '\\' || path[2] == '/');  // C:\x is absolute too, as compose reads it
  if (path == "~" || path.rfind("~", 0) == 0) {  // the home folder, as docker compose expands it
    const char* home = std::getenv("HOME");
    if (!home || !*home) return path;
    std::string joined = std::filesystem::path(std::string(home) + "/" + path.substr(1)).lexically_normal().generic_string();
    while (joined.size() > 1 && joined.back() == '/') joined.pop_back();
    return joined;
  }
  if (dir.empty() || path.empty() || path[0] == '/' || path[0] == '\\' || windows) return path;
  std::string joined = std::filesystem::path(dir + "/" + path).lexically_normal().generic_string();
  while (joined.size() > 1 && joined.back() == '/') joined.pop_back();
  return joined;
}

bool remote_context(const std::string& c) {
  for (const char* prefix : {"https://", "http://", "git://", "ssh://", "github.com/", "git@", "service:"})
    if (c.rfind(prefix, 0) == 0) return true;
  return c.find("://") != std::string::npos;
}

std::string clean_path(const std::string& p) {
  if (p.empty()) return p;
  std::string c = std::filesystem::path(p).lexically_normal().generic_string();
  while (c.size() > 1 && c.back() == '/') c.pop_back();
  return c.empty() ? "." : c;
}

// One short-syntax port ("[ip:][published:]target[/protocol]", ranges expanded) as compose's entries.
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
  std::vector<std::pair<std::string, json>> entries;  // sorted as docker sorts them: by "port/proto" text
  for (long t = tlo; t <= thi; ++t) {
    json p = {{"mode", "ingress"}};
    if (!s.host_ip.empty()) {
      std::string ip = s.host_ip;
      if (ip.size() > 2 && ip.front() == '[' && ip.back() == ']') ip = ip.substr(1, ip.size() - 2);
      p["host_ip"] = ip;
    }
    p["target"] = t;
    if (!s.published.empty()) {
      if (thi > tlo && phi - plo == thi - tlo) p["published"] = std::to_string(plo + (t - tlo));
      else p["published"] = s.published;
    }
    std::string proto = s.protocol;
    for (char& c : proto) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    p["protocol"] = proto;
    entries.emplace_back(std::to_string(t) + "/" + proto, std::move(p));
  }
  std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
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
        if (auto t = int_of(p["target"])) p["target"] = static_cast<long long>(static_cast<uint32_t>(*t));
      }
      out.push_back(std::move(p));
    } else {
      short_ports(scalar_string(item), &out);
    }
  }
  // As compose's second unicity pass: entries with the same host_ip (0.0.0.0 when absent), published,
  // target and protocol, keyed as Go's Sprintf prints their values, are one; the last wins in place.
  auto go_text = [](const json& x, const char* verb) {
    if (x.is_string()) return std::string(verb) == "d" ? "%!d(string=" + x.get<std::string>() + ")" : x.get<std::string>();
    if (x.is_number_integer()) return std::string(verb) == "d" ? text_of(x) : "%!s(int=" + text_of(x) + ")";
    return "%!" + std::string(verb) + "(<nil>)";
  };
  json unique = json::array();
  std::map<std::string, size_t> seen;
  for (json& p : out) {
    std::string key = (p.contains("host_ip") ? go_text(p["host_ip"], "s") : "0.0.0.0") + ":" +
                      go_text(p.value("published", json(nullptr)), "s") + ":" +
                      go_text(p.value("target", json(nullptr)), "d") + "/" + go_text(p["protocol"], "s");
    auto [it, fresh] = seen.emplace(key, unique.size());
    if (fresh) unique.push_back(std::move(p));
    else unique[it->second] = std::move(p);
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
      // As compose reads the short syntax: a bind creates its host path; the propagation and SELinux
      // options make a bind block whatever the type (a named volume's ":Z" too); nocopy is a volume
      // option; a spec of two characters or fewer gets nothing more.
      json bind = json::object(), volume = json::object();
      for (const auto& opt : split(m.options, ',')) {
        if (opt == "z" || opt == "Z") bind["selinux"] = opt;
        if (opt == "rprivate" || opt == "private" || opt == "rshared" || opt == "shared" || opt == "rslave" ||
            opt == "slave")
          bind["propagation"] = opt;
        if (opt == "nocopy") volume["nocopy"] = true;
      }
      if (m.type == "bind") bind["create_host_path"] = true;
      if (m.type == "bind" || !bind.empty()) j["bind"] = bind;
      bool bare = m.source.empty() && m.target.size() <= 2;
      if ((m.type == "volume" && !bare) || !volume.empty()) j["volume"] = volume;
    }
    if (j.contains("target") && j["target"].is_string()) j["target"] = clean_path(j["target"].get<std::string>());
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
    if (secrets && !j.contains("target")) j["target"] = "/run/secrets/" + source;  // configs keep none
    refs.push_back(std::move(j));
  }
  return refs;
}

// build.args: a variable without a value takes the environment's, and is dropped where that has none.
json resolved_args(const json& args, const VariableLookup& lookup) {
  json out = json::object();
  auto value = [&](const std::string& k) -> std::optional<std::string> {
    if (lookup) return lookup(k);
    return std::nullopt;
  };
  if (args.is_object()) {
    for (auto it = args.begin(); it != args.end(); ++it) {
      if (!it.value().is_null()) out[it.key()] = it.value();
      else if (auto v = value(it.key())) out[it.key()] = *v;
    }
  } else if (args.is_array()) {
    for (const json& item : args) {
      std::string s = text_of(item);
      size_t eq = s.find('=');
      if (eq != std::string::npos) out[s.substr(0, eq)] = s.substr(eq + 1);
      else if (auto v = value(s)) out[s] = *v;
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
      continue;  // folded into environment and labels by the loader; extensions are not printed in JSON
    } else if (e.key == "depends_on") {
      json deps = json::object();
      for (const Dependency& d : dependencies(svc)) {
        json dep = {{"condition", d.condition}, {"required", d.required}};
        if (d.entry && d.entry->value.is_map()) {
          if (const Node* restart = d.entry->value.find("restart")) dep["restart"] = plain_json(*restart);
          if (yaml)
            for (const auto& x : d.entry->value.entries)
              if (x.key.rfind("x-", 0) == 0) dep[x.key] = plain_json(x.value);
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
      for (size_t i = 0; !normalize && i < v.items.size() && i < out[e.key].size(); ++i)  // long targets uncleaned
        if (const Node* target = v.items[i].is_map() ? v.items[i].find("target") : nullptr)
          out[e.key][i]["target"] = plain_json(*target);
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
      if (build.contains("secrets") && v.is_map())
        if (const Node* s = v.find("secrets"); s && s->is_seq()) {
          json refs = json::array();
          for (const Node& r : s->items) refs.push_back(r.is_map() ? plain_json(r) : json{{"source", scalar_string(r)}});
          build["secrets"] = refs;
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
    if (!nets || (nets->is_map() && nets->entries.empty()) || (nets->is_seq() && nets->items.empty()))
      out["networks"] = {{"default", nullptr}};
  }
  // scale is the number of replicas deploy reads.
  if (out.contains("scale") && out.contains("deploy") && out["deploy"].is_object()) out["deploy"]["replicas"] = out["scale"];
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
      out["develop"]["watch"].is_array())
    for (json& t : out["develop"]["watch"])
      if (t.is_object() && t.contains("path") && t["path"].is_string())
        t["path"] = absolute_in(dir, t["path"].get<std::string>());
  return typed_struct(out, kService, yaml);
}

}  // namespace

// docker compose config prints a literal '$' as "$$", so that its output loads again as it was.
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
  // Keys are unique already: append instead of operator[], whose lookup is linear (thousands of services).
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
      if (project.enabled(e.value) && (!options.only || options.only->count(e.key))) sorted.push_back(&e);
    }
    std::sort(sorted.begin(), sorted.end(), [](const Entry* a, const Entry* b) { return a->key < b->key; });
    members.reserve(sorted.size());  // growing would copy every service
    for (const Entry* e : sorted) members.emplace_back(e->key, service_json(e->value, directory, lookup, options.yaml, options.normalize));
  }
  top["services"] = std::move(services);
  // What the enabled services use: docker compose prints no other network, volume, secret or config.
  std::map<std::string, std::set<std::string>> used;
  for (const auto& [svc_name, svc] : top["services"].get_ref<const json::object_t&>()) {
    (void)svc_name;
    if (auto n = svc.find("networks"); n != svc.end())
      for (auto it = n->begin(); it != n->end(); ++it) used["networks"].insert(it.key());
    if (auto v = svc.find("volumes"); v != svc.end())
      for (const json& m : *v)
        if (m.value("type", "") == "volume" && m.contains("source")) used["volumes"].insert(m["source"].get<std::string>());
    for (const char* section : {"secrets", "configs"})
      if (auto r = svc.find(section); r != svc.end())
        for (const json& ref : *r) used[section].insert(ref.value("source", ""));
    if (auto b = svc.find("build"); b != svc.end())
      if (auto r = b->find("secrets"); r != b->end())
        for (const json& ref : *r) used["secrets"].insert(ref.value("source", ""));
    if (auto m = svc.find("models"); m != svc.end())
      for (auto it = m->begin(); it != m->end(); ++it) used["models"].insert(it.key());
  }
  struct Section {
    const char* key;
    const Field* fields;
  };
  for (const Section& sec : {Section{"networks", kNetwork}, Section{"volumes", kVolume}, Section{"secrets", kFileObject},
                             Section{"configs", kFileObject}, Section{"models", kModel}}) {
    if (sec.fields == kModel && !options.yaml) continue;  // docker compose's JSON has no models
    json in = json::object();
    if (const Node* n = project.model.find(sec.key); n && n->is_map()) in = plain_json(*n);
    if (std::string_view(sec.key) == "networks" && uses_default && options.normalize && !in.contains("default"))
      in["default"] = nullptr;
    if (in.empty()) continue;
    json out = json::object();
    for (const auto& key : sorted_keys(in)) {
      if (!used[sec.key].count(key)) continue;
      json r = in[key].is_object() ? in[key] : json::object();
      if (r.contains("external") && r["external"].is_object()) {  // the old form: external: {name: x}
        json ext = r["external"];
        r["external"] = true;
        if (ext.contains("name") && !r.contains("name")) r["name"] = ext["name"];
      }
      if (sec.fields != kModel && options.normalize && (!r.contains("name") || r["name"].is_null()))
        r["name"] = bool_of(r.value("external", json(false))).value_or(false) ? key : name + "_" + key;
      std::string_view section = sec.key;
      if ((section == "secrets" || section == "configs") && r.contains("file") && r["file"].is_string())
        r["file"] = absolute_in(directory, r["file"].get<std::string>());
      if (section == "secrets") r.erase("content");
      if (section == "configs" && r.contains("environment") && !r["environment"].is_null()) r.erase("content");
      if (section == "volumes" && r.value("driver", json("")) == "local" && r.contains("driver_opts") &&
          r["driver_opts"].is_object() && r["driver_opts"].value("o", json("")) == "bind" &&
          r["driver_opts"].contains("device") && r["driver_opts"]["device"].is_string())
        r["driver_opts"]["device"] = absolute_in(directory, r["driver_opts"]["device"].get<std::string>());
      out[key] = typed_struct(r, sec.fields, options.yaml);
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
nlohmann::ordered_json volumes(const Node& service, const std::string& dir) { return volumes_json(service, dir); }
nlohmann::ordered_json file_refs(const Node& list, bool secrets) { return file_refs_json(list, secrets); }
std::string absolute(const std::string& dir, const std::string& path) { return absolute_in(dir, path); }
bool remote(const std::string& context) { return remote_context(context); }
}  // namespace canonical

}  // namespace smokehook
