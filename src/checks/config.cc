#include "checks/config.h"

#include <set>

#include "base/text.h"
#include "checks/kinds.h"

namespace smokehook {

extern const char kDefaultConfig[];
extern const std::size_t kDefaultConfigSize;
extern const char kDefaultConfigTree[];
extern const std::size_t kDefaultConfigTreeSize;

std::string_view default_config_text() {
  return std::string_view(kDefaultConfig, kDefaultConfigSize);
}
std::string_view default_config_tree() {
  return std::string_view(kDefaultConfigTree, kDefaultConfigTreeSize);
}

const std::vector<KindInfo>& check_kinds() {
  static const std::vector<KindInfo> kinds = {
      {"compose-valid",
       "the compose project (files + profiles) is valid; optionally, services that must be enabled",
       {"files", "profiles", "env_file", "environment", "require_enabled"},
       make_compose_valid},
      {"compose-service",
       "a service exists; optionally its command runs a module or matches a regex",
       {"files", "profiles", "env_file", "environment", "projects", "service",
        "command_runs_module", "command_matches"},
       make_compose_service},
      {"compose-depends",
       "services (names or globs) depend on a service, with a condition",
       {"files", "profiles", "env_file", "environment", "projects", "services", "depend_on",
        "condition"},
       make_compose_depends},
      {"compose-volumes",
       "services mount named volumes; a set of services shares none",
       {"files", "profiles", "env_file", "environment", "projects", "mounts", "distinct_among"},
       make_compose_volumes},
      {"forbid",
       "a word or regex appears in no file matching the globs, except an allow-list",
       {"word", "pattern", "paths", "except", "max_file_size"},
       make_forbid},
      {"require",
       "every regex or literal appears in a file",
       {"path", "patterns", "literals"},
       make_require},
      {"http",
       "a live HTTP probe (only with --all --full)",
       {"url", "expect_status", "body_matches", "timeout_ms", "retries"},
       make_http},
  };
  return kinds;
}

bool CheckReader::fail(const Node& at, std::string message) {
  *err_ = at.at(std::move(message));
  return false;
}

bool CheckReader::string(const char* key, std::string* out, bool required) {
  const Node* n = node_.find(key);
  if (!n) return required ? fail(node_, std::string("missing key '") + key + "'") : true;
  if (!n->is_scalar())
    return fail(*n, std::string("'") + key + "' must be a string, not " + kind_name(*n));
  *out = n->text;
  return true;
}

bool CheckReader::strings(const char* key, std::vector<std::string>* out, bool required) {
  const Node* n = node_.find(key);
  if (!n || (n->is_seq() && n->items.empty() && required))
    return required ? fail(n ? *n : node_, std::string("missing key '") + key + "'") : true;
  if (n->is_scalar()) {
    out->push_back(n->text);
    return true;
  }
  if (!n->is_seq())
    return fail(*n, std::string("'") + key + "' must be a string or a list of strings");
  for (const Node& item : n->items) {
    if (!item.is_scalar())
      return fail(item, std::string("'") + key + "' must list strings, not " + kind_name(item));
    out->push_back(item.text);
  }
  return true;
}

bool CheckReader::string_map(const char* key, std::vector<std::pair<std::string, std::string>>* out,
                             bool required) {
  const Node* n = node_.find(key);
  if (!n) return required ? fail(node_, std::string("missing key '") + key + "'") : true;
  if (!n->is_map())
    return fail(*n, std::string("'") + key + "' must be a mapping, not " + kind_name(*n));
  for (const auto& e : n->entries) {
    if (!e.value.is_scalar())
      return fail(e.value, std::string("'") + key + "." + e.key + "' must be a string");
    out->emplace_back(e.key, e.value.text);
  }
  return true;
}

bool CheckReader::integer(const char* key, long long* out, bool required) {
  const Node* n = node_.find(key);
  if (!n) return required ? fail(node_, std::string("missing key '") + key + "'") : true;
  auto v = scalar_int(*n);
  if (!v || *v < 0) return fail(*n, std::string("'") + key + "' must be a non-negative integer");
  *out = *v;
  return true;
}

bool CheckReader::regex(const char* key, std::shared_ptr<const Regex>* out, bool required) {
  std::string pattern, error;
  if (!string(key, &pattern, required)) return false;
  if (!node_.find(key)) return true;
  auto re = Regex::parse(pattern, &error);
  if (!re) return fail(*node_.find(key), "invalid regex '" + pattern + "': " + error);
  *out = std::move(re);
  return true;
}

bool CheckReader::regexes(const char* key, std::vector<std::shared_ptr<const Regex>>* out,
                          bool required) {
  std::vector<std::string> patterns;
  if (!strings(key, &patterns, required)) return false;
  const Node* n = node_.find(key);
  for (size_t i = 0; i < patterns.size(); ++i) {
    std::string error;
    auto re = Regex::parse(patterns[i], &error);
    if (!re)
      return fail(n->is_seq() ? n->items[i] : *n, "invalid regex '" + patterns[i] + "': " + error);
    out->push_back(std::move(re));
  }
  return true;
}

bool CheckReader::globs(const char* key, GlobSet* out, bool required) {
  std::vector<std::string> patterns;
  if (!strings(key, &patterns, required)) return false;
  const Node* n = node_.find(key);
  for (size_t i = 0; i < patterns.size(); ++i) {
    std::string error;
    auto g = Glob::compile(patterns[i], &error);
    if (!g) return fail(n->is_seq() ? n->items[i] : *n, error);
    out->add(std::move(*g));
  }
  return true;
}

namespace {

const std::vector<std::string> kCommonKeys = {"id", "kind", "title", "section"};

bool valid_id(const std::string& id) {
  if (id.empty()) return false;
  for (char c : id)
    if (!(isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_')) return false;
  return true;
}

}  // namespace

bool parse_config(std::string_view text, const std::string& file, Config* out, Finding* err) {
  std::vector<Node> docs;
  if (!parse_yaml(text, file, &docs, err)) return false;
  return build_config(docs, file, out, err);
}

bool load_default_config(Config* out, Finding* err) {
  const std::string file = kBuiltinConfigName;
  std::vector<Node> docs;
  if (decode_nodes(default_config_tree(), file, &docs)) return build_config(docs, file, out, err);
  return parse_config(default_config_text(), file, out,
                      err);  // not reached: the build made the tree
}

bool build_config(const std::vector<Node>& docs, const std::string& file, Config* out,
                  Finding* err) {
  out->path = file;
  if (docs.size() != 1 || !docs[0].is_map()) {
    *err = Finding{file, docs.empty() ? 1 : docs[0].line, docs.empty() ? 1 : docs[0].column,
                   "the configuration must be one mapping with 'version: 1' and 'checks:'"};
    return false;
  }
  const Node& root = docs[0];
  for (const auto& e : root.entries) {
    if (e.key == "version" || e.key == "checks" || e.key == "live") continue;
    std::string msg = "unknown key '" + e.key + "' at the top level";
    if (auto near = closest_match(e.key, {"version", "checks", "live"}))
      msg += " (did you mean '" + *near + "'?)";
    *err = e.at(root, msg);
    return false;
  }
  if (const Node* live = root.find("live")) {
    if (!live->is_map()) {
      *err = live->at("'live' must be a mapping with 'up' and/or 'down'");
      return false;
    }
    for (const auto& e : live->entries) {
      if (e.key != "up" && e.key != "down") {
        std::string msg = "unknown key '" + e.key + "' in live";
        if (auto near = closest_match(e.key, {"up", "down"}))
          msg += " (did you mean '" + *near + "'?)";
        *err = e.at(*live, msg);
        return false;
      }
      if (!e.value.is_scalar()) {
        *err = e.value.at("'live." + e.key + "' must be a shell command");
        return false;
      }
      (e.key == "up" ? out->live_up : out->live_down) = e.value.text;
    }
  }
  const Node* version = root.find("version");
  if (!version) {
    *err = root.at("missing 'version: 1'");
    return false;
  }
  if (!version->is_scalar() || version->text != "1") {
    *err = version->at("unsupported configuration version '" + version->text +
                       "' (this smokehook reads version 1)");
    return false;
  }
  const Node* checks = root.find("checks");
  if (!checks || !checks->is_seq()) {
    *err = (checks ? *checks : root).at("'checks' must be a list of checks");
    return false;
  }
  std::map<std::string, int> seen;
  for (const Node& c : checks->items) {
    if (!c.is_map()) {
      *err = c.at("each check must be a mapping with 'id' and 'kind'");
      return false;
    }
    CheckReader r(c, err);
    std::string id, kind, title, section;
    if (!r.string("id", &id, true) || !r.string("kind", &kind, true) ||
        !r.string("title", &title, false) || !r.string("section", &section, false))
      return false;
    if (!valid_id(id))
      return r.fail(*c.find("id"),
                    "invalid check id '" + id + "' (letters, digits, '.', '-', '_')");
    if (auto [it, inserted] = seen.emplace(id, c.find("id")->line); !inserted)
      return r.fail(*c.find("id"), "duplicate check id '" + id + "' (first defined at line " +
                                       std::to_string(it->second) + ")");
    const KindInfo* info = nullptr;
    std::vector<std::string> kind_names;
    for (const auto& k : check_kinds()) {
      kind_names.push_back(k.name);
      if (kind == k.name) info = &k;
    }
    if (!info) {
      std::string msg = "unknown check kind '" + kind + "'";
      if (auto near = closest_match(kind, kind_names))
        msg += " (did you mean '" + *near + "'?)";
      else {
        msg += " (kinds:";
        for (const auto& k : kind_names) msg += " " + k;
        msg += ")";
      }
      return r.fail(*c.find("kind"), msg);
    }
    std::vector<std::string> allowed = kCommonKeys;
    for (const char* k : info->keys) allowed.emplace_back(k);
    for (const auto& e : c.entries) {
      if (std::find(allowed.begin(), allowed.end(), e.key) != allowed.end()) continue;
      std::string msg = "unknown key '" + e.key + "' for a check of kind " + kind;
      if (auto near = closest_match(e.key, allowed)) msg += " (did you mean '" + *near + "'?)";
      *err = e.at(c, msg);
      return false;
    }
    std::unique_ptr<Check> check = info->make(r);
    if (!check) return false;
    check->id = id;
    check->kind = kind;
    check->title = title.empty() ? id : title;
    check->section = section;
    out->checks.push_back(std::move(check));
  }
  return true;
}

}  // namespace smokehook
