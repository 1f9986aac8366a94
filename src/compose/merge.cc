#include "compose/merge.h"

#include <algorithm>
#include <optional>
#include <unordered_map>

#include "base/text.h"
#include "compose/schema.h"

namespace smokehook {
namespace {

// environment: [A=1, B] -> {A: "1", B: null}
void list_to_map(Node& n, char sep) {
  if (!n.is_seq()) return;
  Node map = Node::mapping();
  map.file = n.file, map.line = n.line, map.column = n.column, map.tag = n.tag;
  map.was_list = true;
  for (const Node& item : n.items) {
    std::string text = scalar_string(item);
    size_t pos = text.find(sep);
    Node value;
    value.file = item.file, value.line = item.line, value.column = item.column;
    if (pos != std::string::npos) {
      value = Node::scalar(text.substr(pos + 1));
      value.file = item.file, value.line = item.line, value.column = item.column;
      text.resize(pos);
    }
    Entry e;
    e.key = text;
    e.line = item.line, e.column = item.column;
    e.value = std::move(value);
    map.entries.push_back(std::move(e));
  }
  n = std::move(map);
}

void located_like(Node& n, const Node& where) {
  n.file = where.file;
  n.line = where.line;
  n.column = where.column;
}

Node located_scalar(std::string text, const Node& where, bool plain = false) {
  Node n = Node::scalar(std::move(text), plain);
  located_like(n, where);
  return n;
}

void normalize_depends_on(Node& n) {
  if (n.is_seq()) {
    Node map = Node::mapping();
    located_like(map, n);
    for (const Node& item : n.items) {
      Node entry = Node::mapping();
      located_like(entry, item);
      entry.set("condition", located_scalar("service_started", item));
      entry.set("required", located_scalar("true", item, true));
      Entry e;
      e.key = item.text;
      e.line = item.line, e.column = item.column;
      e.value = std::move(entry);
      map.entries.push_back(std::move(e));
    }
    n = std::move(map);
  }
}

void normalize_service(Node& svc) {
  if (!svc.is_map()) return;
  for (auto& e : svc.entries) {
    Node& v = e.value;
    const std::string& k = e.key;
    if (k == "depends_on")
      normalize_depends_on(v);
    else if (k == "environment" || k == "labels" || k == "annotations" || k == "sysctls")
      list_to_map(v, '=');
    else if (k == "networks" && v.is_seq()) {
      Node map = Node::mapping();
      located_like(map, v);
      for (const Node& item : v.items) {
        Entry ne;
        ne.key = item.text;
        ne.line = item.line, ne.column = item.column;
        located_like(ne.value, item);
        map.entries.push_back(std::move(ne));
      }
      v = std::move(map);
    } else if (k == "build" && v.is_scalar()) {
      Node map = Node::mapping();
      located_like(map, v);
      map.set("context", v);
      v = std::move(map);
    } else if (k == "extends" && v.is_scalar()) {
      Node map = Node::mapping();
      located_like(map, v);
      map.set("service", v);
      v = std::move(map);
    } else if ((k == "env_file" || k == "dns" || k == "dns_search" || k == "tmpfs") &&
               v.is_scalar()) {
      Node list = Node::sequence();
      located_like(list, v);
      // compose's loader makes only dns a list
      list.was_scalar = k == "dns_search" || k == "tmpfs";
      list.items.push_back(v);
      v = std::move(list);
    } else if (k == "build" && v.is_map()) {
      for (auto& be : v.entries)
        if (be.key == "args" || be.key == "labels") list_to_map(be.value, '=');
    } else if (k == "deploy" && v.is_map()) {
      if (Node* labels = v.find("labels")) list_to_map(*labels, '=');
    }
  }
}

bool replaces_whole(const std::string& path) {
  return path == "services.*.command" || path == "services.*.entrypoint" ||
         path == "services.*.healthcheck.test";
}

bool dedupes(const std::string& field) {
  static const char* const names[] = {
      "dns",         "dns_opt",        "dns_search",   "cap_add",   "cap_drop",    "expose",
      "links",       "profiles",       "tmpfs",        "sysctls",   "annotations", "aliases",
      "extra_hosts", "external_links", "security_opt", "group_add", "volumes_from"};
  for (const char* n : names)
    if (field == n) return true;
  return false;
}

std::string last_segment(const std::string& path) {
  size_t dot = path.rfind('.');
  return dot == std::string::npos ? path : path.substr(dot + 1);
}

// A value inserted where nothing was: !reset entries vanish and tags are dropped.
void clean(Node& n) {
  n.tag.clear();
  if (n.is_map()) {
    n.entries.erase(std::remove_if(n.entries.begin(), n.entries.end(),
                                   [](const Entry& e) { return e.value.tag == "!reset"; }),
                    n.entries.end());
    for (auto& e : n.entries) clean(e.value);
  } else if (n.is_seq()) {
    for (auto& item : n.items) clean(item);
  }
}

// Takes `n` over (the overlay is consumed by its merge): no subtree is copied.
Node cleaned(Node& n) {
  clean(n);
  return std::move(n);
}

void merge_node(Node& base, Node& over, const std::string& path);

void merge_sequence(Node& base, Node& over, const std::string& path) {
  std::string field = last_segment(path);
  bool service_field =
      starts_with(path, "services.*.") && std::count(path.begin(), path.end(), '.') == 2;
  if (service_field && !merge_key(field, over.items.empty() ? Node() : over.items[0]).empty()) {
    for (Node& item : over.items) {
      std::string key = merge_key(field, item);
      auto it = std::find_if(base.items.begin(), base.items.end(),
                             [&](const Node& b) { return merge_key(field, b) == key; });
      if (it != base.items.end())
        *it = cleaned(item);
      else
        base.items.push_back(cleaned(item));
    }
    return;
  }
  bool dedupe = dedupes(field);
  for (Node& item : over.items) {
    if (dedupe && std::any_of(base.items.begin(), base.items.end(),
                              [&](const Node& b) { return structurally_equal(b, item); }))
      continue;
    base.items.push_back(cleaned(item));
  }
}

// Fields compose merges as "K=V" lists: a mapping on either side becomes its entries sorted as
// text.
bool merges_as_list(const std::string& path) {
  static const char* const paths[] = {"services.*.environment",  "services.*.labels",
                                      "services.*.annotations",  "services.*.sysctls",
                                      "services.*.build.args",   "services.*.build.labels",
                                      "services.*.deploy.labels"};
  return std::find(std::begin(paths), std::end(paths), path) != std::end(paths);
}

void sort_as_list(Node& map) {
  if (map.was_list) return;
  auto text = [](const Entry& e) {
    return e.value.is_null() ? e.key : e.key + "=" + scalar_string(e.value);
  };
  std::stable_sort(map.entries.begin(), map.entries.end(),
                   [&](const Entry& a, const Entry& b) { return text(a) < text(b); });
}

void merge_mapping(Node& base, Node& over, const std::string& path) {
  std::string field = last_segment(path);
  if (merges_as_list(path)) {
    sort_as_list(base);
    sort_as_list(over);
    base.was_list = true;
  }
  if (field == "logging" && starts_with(path, "services.*.")) {
    const Node* bd = base.find("driver");
    const Node* od = over.find("driver");
    if (bd && od && bd->text != od->text) {
      base = cleaned(over);
      return;
    }
  }
  // An index of the base's keys: a mapping with thousands of entries (services) stays linear.
  std::unordered_map<std::string, size_t> index;
  index.reserve(base.entries.size() + over.entries.size());
  for (size_t i = 0; i < base.entries.size(); ++i) index.emplace(base.entries[i].key, i);
  for (auto& e : over.entries) {
    if (e.value.tag == "!reset") {
      if (base.erase(e.key)) {
        index.clear();
        for (size_t i = 0; i < base.entries.size(); ++i) index.emplace(base.entries[i].key, i);
      }
      continue;
    }
    auto found = index.find(e.key);
    if (found == index.end()) {
      index.emplace(e.key, base.entries.size());
      clean(e.value);
      base.entries.push_back(std::move(e));
      continue;
    }
    Node* existing = &base.entries[found->second].value;
    if (e.value.tag == "!override" || path == "services.*.ulimits") {
      *existing = cleaned(e.value);
      continue;
    }
    std::string child = path.empty() ? e.key : path + "." + e.key;
    if (path == "services" || path == "services.*.ulimits") child = path + ".*";
    merge_node(*existing, e.value, child);
  }
}

void merge_node(Node& base, Node& over, const std::string& path) {
  if (over.tag == "!override") {
    base = cleaned(over);
    return;
  }
  if (over.is_null()) {
    if (replaces_whole(path)) base = cleaned(over);
    return;  // an overlay null is ignored elsewhere
  }
  if (replaces_whole(path) || base.kind != over.kind || over.is_scalar()) {
    base = cleaned(over);
    return;
  }
  if (over.is_map())
    merge_mapping(base, over, path);
  else
    merge_sequence(base, over, path);
  base.was_scalar = false;  // merged: a list
}

}  // namespace

std::string merge_key(const std::string& field, const Node& item) {
  if (field == "volumes") {
    if (item.is_map()) {
      const Node* t = item.find("target");
      return t ? t->text : "";
    }
    VolumeSpec v;
    std::string err;
    return parse_volume(scalar_string(item), &v, &err) ? v.target : scalar_string(item);
  }
  if (field == "secrets" || field == "configs") {
    std::string prefix = field == "secrets" ? "/run/secrets/" : "/";
    if (item.is_map()) {
      const Node* t = item.find("target");
      const Node* s = item.find("source");
      if (t && !t->text.empty()) return t->text[0] == '/' ? t->text : prefix + t->text;
      return prefix + (s ? s->text : "");
    }
    return prefix + item.text;
  }
  if (field == "ports") {
    if (item.is_map()) {
      auto get = [&](const char* k) {
        const Node* n = item.find(k);
        return n ? scalar_string(*n) : std::string();
      };
      std::string proto = get("protocol");
      return get("host_ip") + "|" + get("published") + "|" + get("target") + "|" +
             (proto.empty() ? "tcp" : proto);
    }
    PortSpec p;
    std::string err;
    if (!parse_port(scalar_string(item), &p, &err)) return scalar_string(item);
    return p.host_ip + "|" + p.published + "|" + p.target + "|" + p.protocol;
  }
  if (field == "devices") {
    if (item.is_map()) {
      const Node* t = item.find("target");
      return t ? t->text : "";
    }
    std::vector<std::string> parts = split(item.text, ':');
    return parts.size() > 1 ? parts[1] : parts[0];
  }
  if (field == "env_file") {
    if (item.is_map()) {
      const Node* p = item.find("path");
      return p ? p->text : "";
    }
    return item.text;
  }
  return "";
}

namespace {

// The key compose's unicity pass gives an entry of a service's `field`; nullopt: the field is not
// keyed.
std::optional<std::string> unicity_key(const std::string& field, const Node& item) {
  static const char* const by_name[] = {
      "annotations", "cap_add", "cap_drop",       "dns",      "dns_opt", "dns_search",
      "environment", "labels",  "links",          "profiles", "sysctls", "tmpfs",
      "expose",      "aliases", "link_local_ips", "tags",     "args",    "additional_contexts"};
  auto text = [](const Node& n, const char* k) {
    const Node* f = n.find(k);
    return f ? scalar_string(*f) : std::string();
  };
  if (std::find(std::begin(by_name), std::end(by_name), field) != std::end(by_name)) {
    if (!item.is_scalar()) return std::nullopt;
    std::string s = scalar_string(item);
    return field == "expose" ? s : s.substr(0, s.find('='));  // the name before '='
  }
  if (field == "volumes") {
    if (item.is_map()) return text(item, "target");
    VolumeSpec v;
    std::string err;
    return parse_volume(scalar_string(item), &v, &err) ? v.target : scalar_string(item);
  }
  if (field == "devices") {
    if (item.is_map()) return text(item, "target");
    std::vector<std::string> parts = split(item.text, ':');
    return parts.size() > 1 ? parts[1] : parts[0];
  }
  if (field == "secrets" ||
      field == "configs") {  // the target as written, else <default folder>/<source>
    std::string folder = field == "secrets" ? "/run/secrets/" : "/";
    if (!item.is_map()) return folder + item.text;
    return item.find("target") ? text(item, "target") : folder + text(item, "source");
  }
  if (field == "env_file") return item.is_map() ? text(item, "path") : item.text;
  return std::nullopt;
}

void unique_entries(Node& seq, const std::string& field) {
  if (!seq.is_seq()) return;
  std::vector<Node> kept;
  std::unordered_map<std::string, size_t> seen;
  for (Node& item : seq.items) {
    auto key = unicity_key(field, item);
    if (!key) return;
    auto [it, fresh] = seen.emplace(*key, kept.size());
    if (fresh)
      kept.push_back(std::move(item));
    else
      kept[it->second] = std::move(item);
  }
  seq.items = std::move(kept);
}

}  // namespace

void enforce_unicity(Node& doc) {
  Node* services = doc.find("services");
  if (!services || !services->is_map()) return;
  for (auto& svc : services->entries) {
    if (!svc.value.is_map()) continue;
    for (auto& e : svc.value.entries) {
      unique_entries(e.value, e.key);
      if ((e.key == "build" || e.key == "deploy") && e.value.is_map()) {
        for (auto& b : e.value.entries) {
          if (b.key == "tags" || b.key == "args" || b.key == "labels" ||
              b.key == "additional_contexts")
            unique_entries(b.value, b.key);
        }
      }
      if (e.key == "networks" && e.value.is_map()) {
        for (auto& n : e.value.entries) {
          if (n.value.is_map()) {
            for (auto& ne : n.value.entries)
              if (ne.key == "aliases" || ne.key == "link_local_ips")
                unique_entries(ne.value, ne.key);
          }
        }
      }
    }
  }
}

void normalize_compose(Node& doc) {
  if (Node* services = doc.find("services"); services && services->is_map())
    for (auto& e : services->entries) normalize_service(e.value);
}

void merge_compose(Node& base, Node&& overlay) { merge_node(base, overlay, ""); }

bool structurally_equal(const Node& a, const Node& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case NodeKind::Null:
      return true;
    case NodeKind::Scalar:
      return a.text == b.text;
    case NodeKind::Sequence:
      if (a.items.size() != b.items.size()) return false;
      for (size_t i = 0; i < a.items.size(); ++i)
        if (!structurally_equal(a.items[i], b.items[i])) return false;
      return true;
    case NodeKind::Mapping:
      if (a.entries.size() != b.entries.size()) return false;
      for (const auto& e : a.entries) {
        const Node* o = b.find(e.key);
        if (!o || !structurally_equal(e.value, *o)) return false;
      }
      return true;
  }
  return false;
}

}  // namespace smokehook
