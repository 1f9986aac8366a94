#include "compose/schema.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <string_view>
#include <utility>

#include "base/text.h"
#include "compose/go_values.h"

namespace smokehook {
namespace {

// What a node may be, as the compose-spec JSON schema types it: a YAML
// scalar has one type (go-yaml's reading of the YAML 1.2 core schema), and
// `123`, `true` or a null are not strings. Strings compose casts where it
// wants a number or a boolean ("${PORT}", "3") pass when they would cast.
enum Accept : unsigned {
  kStr = 1,
  kInt = 2,
  kNum = 4,
  kBool = 8,
  kNull = 16,
  kSeq = 32,
  kMap = 64,
  kAnyScalar = kStr | kInt | kNum | kBool,
};

using TextCheck = std::function<bool(const std::string&, std::string*)>;

// How compose reads a quoted or interpolated string where the schema wants
// something else: it casts by the Go type of the field.
enum class StringCast {
  Auto,   // as the accepted types say: an integer, a number, a boolean
  Int,    // an integer even where a literal number passes (int64 fields: '1.5' is refused, 1.5 is
          // not)
  Float,  // read as a number, then held to the schema's integer (cpu_percent: '2.0' passes, '2.5'
          // does not)
  Bytes,  // a size: '512m', '1.5g', never negative
  Never,  // no cast: a string is refused (blkio weights)
};

struct Schema {
  unsigned accept = 0;
  const Schema* items = nullptr;                              // kSeq
  std::vector<std::pair<std::string, const Schema*>> fields;  // kMap with fixed keys
  std::vector<std::string> required;                          // keys a mapping must have
  const Schema* values = nullptr;                             // kMap with free keys
  std::vector<std::string> enums;                             // allowed scalar values
  TextCheck check;       // the text of a scalar (short syntax, durations, sizes)
  TextCheck check_list;  // the first item of a list (healthcheck.test)
  std::function<bool(const Node&, std::string*)> check_map;  // a mapping as a whole
  StringCast cast = StringCast::Auto;                        // a string where no string is accepted
  double min = -HUGE_VAL, max = HUGE_VAL;                    // bounds of a number, literal or cast
  bool open = false;         // kMap with fields: other keys allowed too
  bool whole_floats = true;  // kInt: a float without a fraction (2.0, 1e3) too
  bool unique = false;       // kSeq: no two equal items (where compose keeps them)
};

class Builder {
 public:
  Schema* make(Schema s) {
    pool_.push_back(std::move(s));
    return &pool_.back();
  }
  Schema* scalar(unsigned accept, TextCheck check = nullptr) {
    Schema s;
    s.accept = accept;
    s.check = std::move(check);
    return make(std::move(s));
  }
  // A number: literals of the `accept` types, strings read by `cast`, within bounds.
  Schema* number(unsigned accept, StringCast cast, double min = -HUGE_VAL, double max = HUGE_VAL) {
    Schema s;
    s.accept = accept;
    s.cast = cast;
    s.min = min;
    s.max = max;
    return make(std::move(s));
  }
  Schema* list(const Schema* item, unsigned also = 0) {
    Schema s;
    s.accept = kSeq | also;
    s.items = item;
    return make(std::move(s));
  }
  Schema* object(std::initializer_list<std::pair<std::string, const Schema*>> fields,
                 unsigned also = 0) {
    Schema s;
    s.accept = kMap | also;
    s.fields.assign(fields.begin(), fields.end());
    return make(std::move(s));
  }
  Schema* map_of(const Schema* value, unsigned also = 0) {
    Schema s;
    s.accept = kMap | also;
    s.values = value;
    return make(std::move(s));
  }
  Schema* one_of_enum(std::initializer_list<std::string> values) {
    Schema s;
    s.accept = kStr;
    s.enums.assign(values.begin(), values.end());
    return make(std::move(s));
  }
  // The same schema, also taking `also` (kNull, a string form, ...).
  Schema* with(const Schema* base, unsigned also) {
    Schema s = *base;
    s.accept |= also;
    return make(std::move(s));
  }
  // A list whose items may be a scalar (checked by `check`) or an object.
  Schema* list_or_object(const Schema* object_items, unsigned scalar_items, TextCheck check) {
    Schema item = *object_items;
    item.accept |= scalar_items;
    item.check = std::move(check);
    return list(make(std::move(item)));
  }

 private:
  std::deque<Schema> pool_;
};

// Durations and sizes are checked by the parsers the model reads them with (go_values.h).
bool go_duration(const std::string& text, std::string* err) {
  if (parse_go_duration(text)) return true;
  *err = "invalid duration '" + text + "' (expected a number and a unit: 90s, 1m30s, 500ms)";
  return false;
}

bool byte_size(const std::string& text, std::string* err) {
  if (parse_byte_size(text)) return true;
  *err = "invalid size '" + text + "' (expected a number of bytes, or with a unit: 512m, 1.5g)";
  return false;
}

const Schema* compose_schema() {
  static Builder b;
  static const Schema* root = [] {
    const Schema* any = b.scalar(kAnyScalar | kNull | kSeq | kMap);
    const Schema* any_map = b.map_of(any);
    const Schema* str = b.scalar(kStr);
    const Schema* str_or_num = b.scalar(kStr | kInt | kNum);
    const Schema* integer = b.scalar(kInt);  // strings pass when they are integers
    // unsigned in compose: -1 is refused
    const Schema* count = b.number(kInt, StringCast::Auto, 0);
    const Schema* number = b.scalar(kInt | kNum);
    const Schema* boolean = b.scalar(kBool);  // strings pass when they are booleans
    const Schema* duration = b.scalar(kStr, go_duration);
    const Schema* size = b.number(kInt | kNum, StringCast::Bytes);
    const Schema* int_size = b.number(kInt, StringCast::Bytes);
    const Schema* strs = b.list(str);
    const Schema* str_or_list = b.list(str, kStr);
    // environment, labels, args: a list of "K=V" strings or a mapping of scalars.
    Schema* list_or_dict = b.map_of(b.scalar(kAnyScalar | kNull), kSeq);
    list_or_dict->items = str;
    const Schema* labels = list_or_dict;
    Schema* extra_hosts = b.map_of(str_or_list, kSeq);
    extra_hosts->unique = true;
    extra_hosts->items = b.scalar(kStr, [](const std::string& text, std::string* err) {
      size_t sep = text.find_first_of(":=");
      if (sep != std::string::npos && sep > 0) return true;
      *err = "invalid extra host '" + text + "' (expected HOST:IP or HOST=IP)";
      return false;
    });
    const Schema* external = b.object({{"name", str}}, kBool);

    Schema* ulimit_value = b.scalar(kInt);
    ulimit_value->whole_floats = false;  // compose decodes ulimits itself: 2.0 is refused
    Schema* ulimit = b.object({{"soft", ulimit_value}, {"hard", ulimit_value}}, kInt);
    ulimit->whole_floats = false;
    ulimit->required = {"soft", "hard"};
    const Schema* ulimits = b.map_of(ulimit);
    const Schema* secret_ref = b.list_or_object(
        b.object(
            {{"source", str}, {"target", str}, {"uid", str}, {"gid", str}, {"mode", str_or_num}}),
        kStr, nullptr);

    // ssh: "default" or ID=PATH items, or a mapping; additional_contexts: NAME=CONTEXT items, or a
    // mapping of strings (docker compose crashes on any other value there).
    Schema* ssh = b.make(*list_or_dict);
    ssh->items = b.scalar(kStr, [](const std::string& text, std::string* err) {
      if (text == "default" || text.find('=') != std::string::npos) return true;
      *err = "invalid ssh key '" + text + "' (expected default or ID=PATH)";
      return false;
    });
    Schema* additional_contexts = b.map_of(str, kSeq);
    additional_contexts->items = b.scalar(kStr, [](const std::string& text, std::string* err) {
      if (text.find('=') != std::string::npos) return true;
      *err = "invalid additional context '" + text + "' (expected NAME=CONTEXT)";
      return false;
    });
    Schema* build = b.object({{"context", str},
                              {"dockerfile", str},
                              {"dockerfile_inline", str},
                              {"entitlements", strs},
                              {"args", list_or_dict},
                              {"ssh", ssh},
                              {"labels", labels},
                              {"cache_from", strs},
                              {"cache_to", strs},
                              {"no_cache", boolean},
                              {"additional_contexts", additional_contexts},
                              {"network", str},
                              {"provenance", b.scalar(kStr | kBool)},
                              {"sbom", b.scalar(kStr | kBool)},
                              {"pull", boolean},
                              {"target", str},
                              {"shm_size", int_size},
                              {"extra_hosts", extra_hosts},
                              {"isolation", str},
                              {"privileged", boolean},
                              {"secrets", secret_ref},
                              {"tags", strs},
                              {"ulimits", ulimits},
                              {"platforms", strs}},
                             kStr);
    build->check_map = [](const Node& n, std::string* err) {
      if (!n.find("dockerfile") || !n.find("dockerfile_inline")) return true;
      *err = "dockerfile and dockerfile_inline are mutually exclusive";
      return false;
    };

    const Schema* memory = b.scalar(kStr, byte_size);
    const Schema* device_count =
        b.scalar(kStr | kInt, [](const std::string& text, std::string* err) {
          if (text == "all" || go_atoi(text)) return true;
          *err = "invalid count '" + text + "' (expected all or a number)";
          return false;
        });
    Schema* device_request = b.object({{"capabilities", strs},
                                       {"count", device_count},
                                       {"device_ids", strs},
                                       {"driver", str},
                                       {"options", list_or_dict}});
    Schema* gpu_request = b.make(*device_request);
    // compose's schema puts its additionalProperties beside the items, not in them
    gpu_request->open = true;
    device_request->required = {"capabilities"};
    const Schema* generic_resource =
        b.object({{"discrete_resource_spec", b.object({{"kind", str}, {"value", str_or_num}})}});
    const Schema* resources = b.object({{"cpus", number},
                                        {"memory", memory},
                                        {"pids", integer},
                                        {"generic_resources", b.list(generic_resource)},
                                        {"devices", b.list(device_request)}});
    const Schema* update_config =
        b.object({{"parallelism", count},
                  {"delay", duration},
                  {"failure_action", str},
                  {"monitor", duration},
                  {"max_failure_ratio", number},
                  {"order", b.one_of_enum({"start-first", "stop-first"})}});
    const Schema* deploy =
        b.object({{"mode", str},
                  {"endpoint_mode", str},
                  {"replicas", count},
                  {"labels", labels},
                  {"rollback_config", update_config},
                  {"update_config", update_config},
                  {"resources", b.object({{"limits", resources}, {"reservations", resources}})},
                  {"restart_policy", b.object({{"condition", str},
                                               {"delay", duration},
                                               {"max_attempts", count},
                                               {"window", duration}})},
                  {"placement", b.object({{"constraints", strs},
                                          {"preferences", b.list(b.object({{"spread", str}}))},
                                          {"max_replicas_per_node", count}})}},
                 kNull);

    Schema* test = b.list(str, kStr);
    test->check_list = [](const std::string& first, std::string* err) {
      if (first == "CMD" || first == "CMD-SHELL" || first == "NONE") return true;
      *err = "a healthcheck test list starts with CMD, CMD-SHELL or NONE, not '" + first + "'";
      return false;
    };
    const Schema* healthcheck = b.object({{"disable", boolean},
                                          {"interval", duration},
                                          {"retries", b.number(kInt | kNum, StringCast::Int, 0)},
                                          {"test", test},
                                          {"timeout", duration},
                                          {"start_period", duration},
                                          {"start_interval", duration}});
    const Schema* logging =
        b.object({{"driver", str}, {"options", b.map_of(b.scalar(kStr | kInt | kNum | kNull))}});

    Schema* depends_on_entry = b.object(
        {{"condition",
          b.one_of_enum({"service_started", "service_healthy", "service_completed_successfully"})},
         {"required", boolean},
         {"restart", boolean}});
    depends_on_entry->required = {"condition"};
    Schema depends_on_s;
    depends_on_s.accept = kSeq | kMap;
    depends_on_s.items = str;
    depends_on_s.unique = true;
    depends_on_s.values = depends_on_entry;
    const Schema* depends_on = b.make(std::move(depends_on_s));

    // A published port, an exposed one and a group are read as strings: 2.0 is not 2 there.
    Schema* published = b.scalar(kStr | kInt);
    published->whole_floats = false;
    Schema* port_object = b.object({{"name", str},
                                    {"mode", str},
                                    {"host_ip", str},
                                    {"target", count},
                                    {"published", published},
                                    {"protocol", str},
                                    {"app_protocol", str}});
    port_object->required = {"target"};
    const Schema* ports = b.list_or_object(port_object, kStr | kInt | kNum,
                                           [](const std::string& text, std::string* err) {
                                             PortSpec p;
                                             return parse_port(text, &p, err);
                                           });
    Schema* volume_object = b.object(
        {{"type", b.one_of_enum({"bind", "volume", "tmpfs", "cluster", "npipe", "image"})},
         {"source", str},
         {"target", str},
         {"read_only", boolean},
         {"consistency", str},
         {"bind", b.object({{"propagation", str},
                            {"create_host_path", boolean},
                            {"recursive", str},
                            {"selinux", b.one_of_enum({"z", "Z"})}})},
         {"volume", b.object({{"nocopy", boolean}, {"subpath", str}, {"labels", labels}})},
         {"tmpfs",
          b.object({{"size", b.number(kInt, StringCast::Bytes, 0)},
                    {"mode", b.number(kInt | kNum, StringCast::Never, 0)}})},  // mode: uint32
         {"image", b.object({{"subpath", str}})}});
    volume_object->required = {"type", "target"};
    volume_object->check_map = [](const Node& v, std::string* err) {
      const Node* type = v.find("type");
      const Node* source = v.find("source");
      if (!type || type->text != "bind" || (source && !source->text.empty())) return true;
      *err = "a bind mount needs a source";
      return false;
    };
    const Schema* volumes =
        b.list_or_object(volume_object, kStr, [](const std::string& text, std::string* err) {
          VolumeSpec v;
          return parse_volume(text, &v, err);
        });
    const Schema* service_network = b.object({{"aliases", strs},
                                              {"ipv4_address", str},
                                              {"ipv6_address", str},
                                              {"link_local_ips", strs},
                                              {"mac_address", str},
                                              {"driver_opts", b.map_of(str_or_num)},
                                              {"priority", number},
                                              {"gw_priority", number},
                                              {"interface_name", str}},
                                             kNull);
    Schema networks_s;
    networks_s.accept = kSeq | kMap;
    networks_s.items = str;
    networks_s.unique = true;
    networks_s.values = service_network;
    const Schema* service_networks = b.make(std::move(networks_s));
    Schema* env_file_object = b.object({{"path", str}, {"required", boolean}, {"format", str}});
    env_file_object->required = {"path"};
    const Schema* env_file = b.with(b.list_or_object(env_file_object, kStr, nullptr), kStr);
    const Schema* extends = b.object({{"service", str}, {"file", str}}, kStr);
    Schema* device = b.object({{"source", str}, {"target", str}, {"permissions", str}});
    device->required = {"source",
                        "target"};  // target: compose's unicity pass refuses a device without one
    const Schema* devices =
        b.list_or_object(device, kStr, [](const std::string& text, std::string* err) {
          if (std::count(text.begin(), text.end(), ':') <= 2) return true;
          *err = "confusing device mapping '" + text + "': use the long syntax";
          return false;
        });
    Schema* command = b.with(str_or_list, kNull);
    command->check = [](const std::string& text, std::string* err) {
      std::vector<std::string> words;
      if (compose_words(text, &words)) return true;
      *err = "invalid command line string (an open quote, or a '(' or ')' outside quotes)";
      return false;
    };
    Schema* hook = b.object({{"command", command},
                             {"user", str},
                             {"privileged", boolean},
                             {"working_dir", str},
                             {"environment", list_or_dict}});
    hook->required = {"command"};
    const Schema* hooks = b.list(hook);
    const Schema* cpu_int = b.number(kInt | kNum, StringCast::Int);  // int64 in compose
    const Schema* weight = b.number(kInt, StringCast::Never, 0);  // uint16 in compose, never cast
    const Schema* blkio_device = b.list(b.object({{"path", str}, {"rate", str_or_num}}));
    const Schema* blkio =
        b.object({{"device_read_bps", blkio_device},
                  {"device_read_iops", blkio_device},
                  {"device_write_bps", blkio_device},
                  {"device_write_iops", blkio_device},
                  {"weight", weight},
                  {"weight_device", b.list(b.object({{"path", str}, {"weight", weight}}))}});
    const Schema* watch_path = b.scalar(kStr, [](const std::string& text, std::string* err) {
      if (!text.empty()) return true;
      *err = "a watched path can't be blank";
      return false;
    });
    Schema* watch = b.object(
        {{"ignore", str_or_list},
         {"include", str_or_list},
         {"path", watch_path},
         {"action", b.one_of_enum({"rebuild", "sync", "restart", "sync+restart", "sync+exec"})},
         {"target", str},
         {"exec", hook},
         {"initial_sync", boolean}});
    watch->required = {"path", "action"};
    watch->check_map = [](const Node& w, std::string* err) {
      const Node* action = w.find("action");
      const Node* target = w.find("target");
      if (!action || !starts_with(action->text, "sync") || (target && !target->text.empty()))
        return true;
      *err = "target is required for the " + action->text + " action";
      return false;
    };
    const Schema* develop = b.object({{"watch", b.list(watch)}}, kNull);
    Schema* gpus = b.list(gpu_request, kStr);
    gpus->check = [](const std::string& text, std::string* err) {
      if (text == "all") return true;
      *err = "gpus takes 'all' or a list of devices, not '" + text + "'";
      return false;
    };
    Schema* service_models =
        b.map_of(b.object({{"endpoint_var", str}, {"model_var", str}}, kNull), kSeq);
    service_models->items = str;
    Schema* provider = b.object({{"type", str}, {"options", any_map}});
    provider->required = {"type"};
    const Schema* container_name = b.scalar(kStr, [](const std::string& text, std::string* err) {
      for (size_t i = 0; i + 1 < text.size(); ++i) {
        if (isalnum(static_cast<unsigned char>(text[i])) &&
            (isalnum(static_cast<unsigned char>(text[i + 1])) || strchr("_.-", text[i + 1])))
          return true;
      }
      *err = "invalid container name '" + text + "' (letters, digits, '_', '.', '-'; two or more)";
      return false;
    });
    const Schema* pull_policy = b.scalar(kStr, [](const std::string& text, std::string* err) {
      for (const char* p : {"always", "never", "build", "if_not_present", "missing", "refresh",
                            "daily", "weekly", "every_"})
        if (text.find(p) != std::string::npos) return true;
      *err = "invalid pull_policy '" + text +
             "' (always, never, build, missing, refresh, daily, weekly, every_<duration>)";
      return false;
    });

    // Lists compose merges by appending keep their duplicates, and the schema's uniqueItems then
    // refuses them; the lists it de-duplicates while merging (cap_add, dns, ...) never get there.
    Schema* unique_strs = b.list(str);
    unique_strs->unique = true;
    Schema* unique_groups = b.list(published);
    unique_groups->unique = true;
    // pid is a string: the spec allows null, but docker compose 2.40.3 panics on a null pid.
    Schema* service = b.object({
        {"annotations", list_or_dict},
        {"attach", boolean},
        {"blkio_config", blkio},
        {"build", build},
        {"cap_add", strs},
        {"cap_drop", strs},
        {"cgroup", b.one_of_enum({"host", "private"})},
        {"cgroup_parent", str},
        {"command", command},
        {"configs", secret_ref},
        {"container_name", container_name},
        {"cpu_count", count},
        {"cpu_percent", b.number(kInt, StringCast::Float, 0, 100)},
        {"cpu_period", cpu_int},
        {"cpu_quota", cpu_int},
        {"cpu_rt_period", cpu_int},
        {"cpu_rt_runtime", cpu_int},
        {"cpu_shares", cpu_int},
        {"cpus", number},
        {"cpuset", str},
        {"credential_spec", b.object({{"config", str}, {"file", str}, {"registry", str}})},
        {"depends_on", depends_on},
        {"deploy", deploy},
        {"develop", develop},
        {"device_cgroup_rules", unique_strs},
        {"devices", devices},
        {"dns", str_or_list},
        {"dns_opt", strs},
        {"dns_search", str_or_list},
        {"domainname", str},
        {"entrypoint", command},
        {"env_file", env_file},
        {"label_file", str_or_list},
        {"environment", list_or_dict},
        {"expose", b.list(published)},
        {"extends", extends},
        {"external_links", unique_strs},
        {"extra_hosts", extra_hosts},
        {"gpus", gpus},
        {"group_add", unique_groups},
        {"healthcheck", healthcheck},
        {"hostname", str},
        {"image", str},
        {"init", boolean},
        {"ipc", str},
        {"isolation", str},
        {"labels", labels},
        {"links", strs},
        {"logging", logging},
        {"mac_address", str},
        {"mem_limit", size},
        {"mem_reservation", int_size},
        {"mem_swappiness", int_size},
        {"memswap_limit", size},
        {"models", service_models},
        {"network_mode", str},
        {"networks", service_networks},
        {"oom_kill_disable", boolean},
        {"oom_score_adj", b.number(kInt, StringCast::Auto, -1000, 1000)},
        {"pid", str},
        {"pids_limit", cpu_int},
        {"platform", str},
        {"ports", ports},
        {"post_start", hooks},
        {"pre_stop", hooks},
        {"privileged", boolean},
        {"profiles", strs},
        {"provider", provider},
        {"pull_policy", pull_policy},
        {"pull_refresh_after", str},
        {"read_only", boolean},
        {"restart", str},
        {"runtime", str},
        {"scale", count},
        {"secrets", secret_ref},
        {"security_opt", unique_strs},
        {"shm_size", size},
        {"stdin_open", boolean},
        {"stop_grace_period", duration},
        {"stop_signal", str},
        {"storage_opt", any_map},
        {"sysctls", list_or_dict},
        {"tmpfs", str_or_list},
        {"tty", boolean},
        {"ulimits", ulimits},
        {"use_api_socket", boolean},
        {"user", str},
        {"userns_mode", str},
        {"uts", str},
        {"volumes", volumes},
        {"volumes_from", unique_strs},
        {"working_dir", str},
    });

    const Schema* network = b.object(
        {{"name", str},
         {"driver", str},
         {"driver_opts", b.map_of(str_or_num)},
         {"ipam", b.object({{"driver", str},
                            {"config", b.list(b.object({{"subnet", str},
                                                        {"ip_range", str},
                                                        {"gateway", str},
                                                        {"aux_addresses", b.map_of(str)}}))},
                            {"options", b.map_of(str)}})},
         {"external", external},
         {"internal", boolean},
         {"enable_ipv4", boolean},
         {"enable_ipv6", boolean},
         {"attachable", boolean},
         {"labels", labels}},
        kNull);
    const Schema* volume = b.object({{"name", str},
                                     {"driver", str},
                                     {"driver_opts", b.map_of(str_or_num)},
                                     {"external", external},
                                     {"labels", labels}},
                                    kNull);
    // A secret or a config takes its value from one source at most, and from one unless external.
    auto one_source = [](std::vector<const char*> keys) {
      return [keys](const Node& n, std::string* err) {
        std::string names;
        int present = 0;
        for (const char* k : keys) {
          present += n.find(k) != nullptr;
          names += std::string(names.empty() ? "" : "|") + k;
        }
        if (present > 1)
          *err = names + " attributes are mutually exclusive";
        else if (present == 0 && !n.find("external"))
          *err = "one of " + names + " must be set (or external)";
        else
          return true;
        return false;
      };
    };
    Schema* secret_external = b.make(*external);
    // no additionalProperties in the spec here, unlike networks and volumes
    secret_external->open = true;
    Schema* secret = b.object({{"name", str},
                               {"environment", str},
                               {"file", str},
                               {"external", secret_external},
                               {"labels", labels},
                               {"driver", str},
                               {"driver_opts", b.map_of(str_or_num)},
                               {"template_driver", str}});
    Schema* config = b.make(*secret);
    config->fields.emplace_back("content", str);
    config->check_map = one_source({"file", "environment", "content"});
    secret->check_map = [sources = one_source({"file", "environment"})](const Node& n,
                                                                        std::string* err) {
      if (!sources(n, err)) return false;
      // Not external, no file and an empty environment: compose has nothing to read.
      const Node* ext = n.find("external");
      bool is_external = ext && (ext->is_map() || scalar_bool(*ext).value_or(false));
      const Node* env = n.find("environment");
      if (is_external || n.find("file") || (env && !env->text.empty())) return true;
      *err = "a secret that is not external needs a file or an environment variable's name";
      return false;
    };
    Schema* model = b.object(
        {{"name", str}, {"model", str}, {"context_size", integer}, {"runtime_flags", strs}});
    model->required = {"model"};
    const Schema* include = b.list(any);  // read (and removed) before validation, as compose does

    return b.object({{"version", str},
                     {"name", str},
                     {"include", include},
                     {"services", b.map_of(service)},
                     {"networks", b.map_of(network)},
                     {"volumes", b.map_of(volume)},
                     {"secrets", b.map_of(secret)},
                     {"configs", b.map_of(config)},
                     {"models", b.map_of(model)}});
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
  if (accept & kNull) parts.push_back("null");
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += i + 1 == parts.size() ? " or " : ", ";
    out += parts[i];
  }
  return out;
}

// compose's cast of a string to a boolean: these words, in any case.
bool is_bool_text(const std::string& t) {
  std::string lower = t;
  for (char& c : lower) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
  for (const char* w : {"y", "yes", "true", "on", "n", "no", "false", "off"})
    if (lower == w) return true;
  return false;
}

bool scalar_fits(const Node& n, unsigned accept, bool whole_floats) {
  switch (scalar_type(n)) {
    case ScalarType::Null:
      return accept & kNull;
    case ScalarType::Bool:
      return accept & kBool;
    case ScalarType::Int:
      return accept & (kInt | kNum);
    case ScalarType::Float: {
      if (accept & kNum) return true;
      // The JSON schema's integer takes a number without a fraction (1e3, 2.0), where compose
      // decodes it as one.
      std::string text = scalar_string(n);
      double d = std::strtod(text.c_str(), nullptr);
      return (accept & kInt) && whole_floats && text.find_first_of("iInN") == std::string::npos &&
             d == std::floor(d);
    }
    case ScalarType::String:
      if (accept & kStr) return true;
      // compose casts quoted or interpolated strings where it wants a number or a boolean, as Go
      // reads them.
      if ((accept & kInt) && go_atoi(n.text)) return true;
      if ((accept & kNum) && go_float(n.text).has_value()) return true;
      if ((accept & kBool) && is_bool_text(n.text)) return true;
      return false;
  }
  return false;
}

// A string where a field of `cast` wants a number: whether compose reads it, and if not, why.
bool cast_fits(const std::string& text, StringCast cast, std::string* err) {
  switch (cast) {
    case StringCast::Int:
      if (go_atoi(text)) return true;
      *err = "'" + text + "' is not an integer";
      return false;
    case StringCast::Float:  // then the schema's integer: 2.0 passes, 0.5 does not
      if (auto v = go_float(text); v && std::isfinite(*v) && *v == std::floor(*v)) return true;
      *err = "'" + text + "' is not a whole number";
      return false;
    case StringCast::Bytes:
      return byte_size(text, err);
    case StringCast::Auto:
    case StringCast::Never:
      break;
  }
  return false;
}

// The value of a number, literal or in a string compose casts ("3", "1.5").
std::optional<double> number_of(const Node& n) {
  switch (scalar_type(n)) {
    case ScalarType::Int:
    case ScalarType::Float:
      return std::strtod(scalar_string(n).c_str(), nullptr);
    case ScalarType::String:
      if (auto i = go_atoi(n.text)) return static_cast<double>(*i);
      return go_float(n.text);
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

// Validates a document as docker compose does: merged onto what the files
// before it built (`base`), where an overlay's null leaves a value as it was.
class Validator {
 public:
  Validator(Findings* errors, bool uninterpolated)
      : errors_(errors), uninterpolated_(uninterpolated) {}

  void validate(const Node& n, const Schema* s, const std::string& path, const Node* base) {
    if (n.tag == "!reset") return;  // removed, not merged
    if (n.tag == "!override") base = nullptr;
    switch (n.kind) {
      case NodeKind::Null:
        if (!(s->accept & kNull)) fail(n, path, s);
        return;
      case NodeKind::Scalar: {
        if (!(s->accept & kAnyScalar)) return fail(n, path, s);
        // Uninterpolated, compose checks the JSON schema only: a string is not yet read as the
        // number, duration, size or short syntax it will become.
        bool raw_string = uninterpolated_ && scalar_type(n) == ScalarType::String &&
                          ((s->accept & kStr) || s->cast != StringCast::Never);
        bool cast = scalar_type(n) == ScalarType::String && !(s->accept & kStr) &&
                    s->cast != StringCast::Auto;
        if (raw_string) {
        } else if (cast && s->cast != StringCast::Never) {
          std::string err;
          if (!cast_fits(n.text, s->cast, &err)) return report(n.at(path + ": " + err));
        } else if (cast || !scalar_fits(n, s->accept, s->whole_floats)) {
          return fail(n, path, s);
        }
        if ((s->min > -HUGE_VAL || s->max < HUGE_VAL) && !raw_string) {
          if (auto v = number_of(n); v && (*v < s->min || *v > s->max)) {
            double bound = *v < s->min ? s->min : s->max;
            return report(n.at(path + " must be " + (*v < s->min ? "at least " : "at most ") +
                               std::to_string(static_cast<long long>(bound)) + ", not " + n.text));
          }
        }
        if (!s->enums.empty() &&
            std::find(s->enums.begin(), s->enums.end(), n.text) == s->enums.end()) {
          std::string list;
          for (const auto& e : s->enums) list += (list.empty() ? "" : ", ") + e;
          std::string msg = path + " must be one of " + list + ", not '" + n.text + "'";
          if (auto near = closest_match(n.text, s->enums))
            msg += " (did you mean '" + *near + "'?)";
          report(n.at(msg));
          return;
        }
        bool schema_pattern = ends_with(path, ".container_name") || ends_with(path, ".pull_policy");
        if (s->check && (!uninterpolated_ || schema_pattern)) {
          std::string err;
          // A float is checked as written: compose reads "1e3" where a port is wanted, not 1000.
          const std::string& text = scalar_type(n) == ScalarType::Float ? n.text : scalar_string(n);
          if (!s->check(text, &err)) report(n.at(path + ": " + err));
        }
        return;
      }
      case NodeKind::Sequence:
        if (!(s->accept & kSeq)) return fail(n, path, s);
        if (s->check_list && !n.items.empty() && n.items[0].is_scalar() && !uninterpolated_) {
          std::string err;
          if (!s->check_list(n.items[0].text, &err)) report(n.items[0].at(path + ": " + err));
        }
        if (!s->items) return;  // free-form
        for (size_t i = 0; i < n.items.size(); ++i)
          validate(n.items[i], s->items, path + "[" + std::to_string(i) + "]", nullptr);
        if (s->unique) {
          std::map<std::string, size_t> seen;  // type and text of a scalar item -> its index
          for (size_t i = 0; i < n.items.size(); ++i) {
            const Node& item = n.items[i];
            if (!item.is_scalar()) continue;
            std::string key =
                std::to_string(static_cast<int>(scalar_type(item))) + ':' + scalar_string(item);
            auto [at, fresh] = seen.emplace(std::move(key), i);
            if (!fresh) {
              report(item.at(path + ": items " + std::to_string(at->second) + " and " +
                             std::to_string(i) + " are equal ('" + scalar_string(item) + "')"));
            }
          }
        }
        return;
      case NodeKind::Mapping:
        if (!(s->accept & kMap)) return fail(n, path, s);
        for (const auto& key : s->required)
          if (!n.find(key) && !(base && base->is_map() && base->find(key)))
            report(n.at((path.empty() ? "the top level" : path) + " lacks '" + key + "'"));
        // (build's and develop.watch's rules are compose's types', not its schema's)
        bool typed_rule = uninterpolated_ && (ends_with(path, ".build") ||
                                              path.find(".develop.watch[") != std::string::npos);
        if (s->check_map && !base &&
            !typed_rule) {  // an overlay's part may be completed by the base
          std::string err;
          if (!s->check_map(n, &err))
            report(n.at((path.empty() ? "the top level" : path) + ": " + err));
        }
        if (!s->values && s->fields.empty()) return;  // free-form (storage_opt, ipam options, ...)
        for (const auto& e : n.entries) {
          std::string child = path.empty() ? e.key : path + "." + e.key;
          const Node* under = base && base->is_map() ? base->find(e.key) : nullptr;
          if (e.value.is_null() && e.value.tag.empty() && under)
            continue;  // an overlay null is ignored
          if (s->values) {
            validate(e.value, s->values, child, under);
            continue;
          }
          if (starts_with(e.key, "x-")) continue;
          const Schema* field = nullptr;
          for (const auto& [name, fs] : s->fields)
            if (name == e.key) field = fs;
          if (field) {
            validate(e.value, field, child, under);
            continue;
          }
          if (s->open) continue;
          std::vector<std::string> names;
          for (const auto& [name, fs] : s->fields) names.push_back(name);
          std::string msg =
              "unknown key '" + e.key + "'" + (path.empty() ? " at the top level" : " in " + path);
          if (auto near = closest_match(e.key, names)) msg += " (did you mean '" + *near + "'?)";
          report(e.at(n, msg));
        }
        return;
    }
  }

 private:
  void fail(const Node& n, const std::string& path, const Schema* s) {
    report(n.at((path.empty() ? "the top level" : path) + " must be " + describe(s->accept) +
                ", not " + kind_name(n)));
  }
  // One finding per place: an extended service repeats its base's nodes.
  void report(Finding f) {
    for (const auto& e : *errors_)
      if (e.path == f.path && e.line == f.line && e.column == f.column) return;
    errors_->push_back(std::move(f));
  }
  Findings* errors_;
  bool uninterpolated_;
};

}  // namespace

void validate_compose_schema(const Node& doc, const Node* base, Findings* errors,
                             bool uninterpolated) {
  Validator(errors, uninterpolated).validate(doc, compose_schema(), "", base);
}

}  // namespace smokehook
