#include "checks/init_discover.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <map>
#include <set>

#include "base/text.h"
#include "checks/check.h"
#include "checks/config.h"
#include "checks/init_usage.h"
#include "compose/dotenv.h"
#include "compose/model.h"
#include "compose/project.h"

namespace smokehook::init_detail {

// The names docker compose looks for, in its order of preference.
const char* const kBaseNames[] = {"compose.yaml", "compose.yml", "docker-compose.yaml",
                                  "docker-compose.yml"};

int base_rank(std::string_view name) {
  for (int i = 0; i < 4; ++i)
    if (name == kBaseNames[i]) return i;
  return -1;
}

std::string_view stem_of(std::string_view name) {
  return starts_with(name, "docker-") ? "docker-compose" : "compose";
}

// "compose.prod.yaml" -> "prod", "docker-compose.override.yml" -> "override"; "" for any other
// name.
std::string overlay_name(std::string_view name) {
  for (std::string_view stem : {"docker-compose.", "compose."}) {
    if (!starts_with(name, stem)) continue;
    std::string_view rest = name.substr(stem.size());
    for (std::string_view ext : {".yaml", ".yml"})
      if (rest.size() > ext.size() && ends_with(rest, ext))
        return std::string(rest.substr(0, rest.size() - ext.size()));
  }
  return "";
}

// A check id's part from a name: letters, digits, '.', '-', '_' kept; '/' becomes '.'; anything
// else '-'.
std::string slug(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_')
      out += c;
    else
      out += c == '/' ? '.' : '-';
  }
  return out.empty() ? "-" : out;
}

// A folder as the start of check ids: "deploy/eu" -> "deploy.eu."; a hidden folder's dot is dropped
// (".devcontainer" -> "devcontainer."), so that an id never starts with '.' nor holds "..".
std::string folder_prefix(std::string_view dir) {
  if (dir.empty()) return "";
  std::string out;
  for (size_t start = 0; start <= dir.size();) {
    size_t end = std::min(dir.find('/', start), dir.size());
    std::string_view part = dir.substr(start, end - start);
    while (!part.empty() && part.front() == '.') part.remove_prefix(1);
    if (!part.empty()) out += slug(part) + ".";
    start = end + 1;
  }
  return out;
}

// A YAML scalar: plain when it reads back as the same string, else double-quoted.
std::string q(std::string_view s) {
  static const std::set<std::string> words = {"true", "false", "yes", "no", "on",
                                              "off",  "null",  "y",   "n"};
  std::string lower;
  for (char c : s) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  // A leading '.' (".env.example") is plain too, but for the floats .inf and .nan.
  bool plain =
      !s.empty() &&
      (std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_' || s[0] == '/' ||
       (s[0] == '.' && s.size() > 1 && s[1] != '.' && lower != ".inf" && lower != ".nan")) &&
      !words.count(lower);
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '/' ||
          c == '-'))
      plain = false;
  if (plain) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\')
      out += '\\', out += c;
    else if (c == '\n')
      out += "\\n";
    else if (c == '\t')
      out += "\\t";
    else if (static_cast<unsigned char>(c) < 0x20) {
      static const char hex[] = "0123456789abcdef";
      out += "\\x";
      out += hex[(c >> 4) & 0xf];
      out += hex[c & 0xf];
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// A block value (a title, a section): plain also with spaces, '+', ',' and parentheses inside.
std::string text_value(std::string_view s) {
  bool plain = !s.empty() && std::isalpha(static_cast<unsigned char>(s[0])) && s.back() != ' ';
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || std::strchr("_./- +,()", c)))
      plain = false;
  return plain ? std::string(s) : q(s);
}

std::string flow(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + q(items[i]);
  return out + "]";
}

std::string words_list(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i];
  return out;
}

std::vector<Found> discover(const FileSource& source) {
  std::map<std::string, std::vector<std::string>> bases, overlays;  // folder -> paths
  for (const auto& path : source.paths()) {
    std::string_view name = basename(path);
    if (base_rank(name) >= 0)
      bases[dirname(path)].push_back(path);
    else if (!overlay_name(name).empty())
      overlays[dirname(path)].push_back(path);
  }
  std::vector<Found> out;
  // A folder of compose.NAME.yaml files and no base (one file per variant, each run with -f): each
  // is a project of its own when it is valid alone; make_init_config decides.
  for (auto& [dir, files] : overlays) {
    if (bases.count(dir)) continue;
    for (const auto& o : files) {
      Found f;
      f.dir = dir;
      f.base = o;
      f.prefix = folder_prefix(dir) + slug(overlay_name(basename(o))) + ".";
      f.standalone = true;
      out.push_back(std::move(f));
    }
  }
  for (auto& [dir, files] : bases) {
    std::sort(files.begin(), files.end(), [](const std::string& a, const std::string& b) {
      return base_rank(basename(a)) < base_rank(basename(b));
    });
    std::string prefix = folder_prefix(dir);
    size_t first = out.size();
    for (size_t i = 0; i < files.size(); ++i) {
      Found f;
      f.dir = dir;
      f.base = files[i];
      // docker compose reads the first name; another base beside it is a project of its own.
      f.prefix = prefix + (i == 0 ? "" : slug(basename(files[i])) + ".");
      out.push_back(std::move(f));
    }
    // An overlay goes with the base of its own stem (compose / docker-compose), else the first.
    for (const auto& o : overlays[dir]) {
      Found* owner = &out[first];
      for (size_t i = first; i < out.size(); ++i) {
        if (stem_of(basename(out[i].base)) == stem_of(basename(o))) {
          owner = &out[i];
          break;
        }
      }
      owner->overlays.push_back(o);
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Found& a, const Found& b) { return a.dir < b.dir; });
  return out;
}

// Why a compose file is not a project by itself ("" when it is): an error, no service, or a service
// with neither an image nor a build (a fragment merged onto something else).
std::string not_alone(const Project& p) {
  // Invalid alone, it is a project (invalid now, the hint says what to give) only when nothing but
  // variables are missing: any other error may be what its base or its deployment supplies (a
  // stack.env a platform writes), and a guess that fails is worse than a file left out and said.
  static const RE2 required("required variable [A-Za-z_][A-Za-z0-9_]* is missing a value");
  for (const auto& e : p.errors)
    if (!RE2::PartialMatch(e.message, required)) return e.to_string();
  if (!p.valid()) return "";
  std::vector<std::string> names = p.service_names();
  if (names.empty()) return "no service";
  for (const auto& name : names) {
    if (!p.service(name)->find("image") && !p.service(name)->find("build"))
      return "service " + name + " has neither an image nor a build";
  }
  return "";
}

// The profiles the services of a model declare, in order of first appearance.
std::vector<std::string> declared_profiles(const Project& p) {
  std::vector<std::string> out;
  if (const Node* services = p.model.find("services")) {
    for (const auto& e : services->entries) {
      if (const Node* profiles = e.value.find("profiles"); profiles && profiles->is_seq()) {
        for (const Node& item : profiles->items)
          if (item.is_scalar() && std::find(out.begin(), out.end(), item.text) == out.end())
            out.push_back(item.text);
      }
    }
  }
  return out;
}

std::vector<std::string> services_in_profile(const Project& p, const std::string& profile) {
  std::vector<std::string> out;
  if (const Node* services = p.model.find("services")) {
    for (const auto& e : services->entries) {
      if (const Node* profiles = e.value.find("profiles"); profiles && profiles->is_seq()) {
        for (const Node& item : profiles->items) {
          if (item.text == profile) {
            out.push_back(e.key);
            break;
          }
        }
      }
    }
  }
  return out;
}

// Enabled services that depend on `target` with condition service_completed_successfully.
std::vector<std::string> waiting_for(const Project& p, const std::string& target) {
  std::vector<std::string> out;
  for (const auto& name : p.enabled_services()) {
    for (const Dependency& d : dependencies(*p.service(name))) {
      if (d.service == target && d.condition == "service_completed_successfully") {
        out.push_back(name);
        break;
      }
    }
  }
  return out;
}

// The one-shot services of a model: those some enabled service waits for to complete.
std::vector<std::string> one_shot_targets(const Project& p) {
  std::vector<std::string> out;
  for (const auto& name : p.enabled_services()) {
    for (const Dependency& d : dependencies(*p.service(name))) {
      if (d.condition == "service_completed_successfully" &&
          std::find(out.begin(), out.end(), d.service) == out.end())
        out.push_back(d.service);
    }
  }
  return out;
}

// The name a file has in a check id: "prod" for compose.prod.yaml, "jibri" for jibri.yml, its
// folder's name for a base (ci/basic/compose.yaml: "basic"), "prod" for an env file
// deploy/prod.env.
std::string short_name(std::string_view path) {
  std::string_view name = basename(path);
  if (std::string o = overlay_name(name); !o.empty()) return o;
  if (base_rank(name) >= 0) {
    std::string dir = dirname(path);
    return dir.empty() ? std::string(stem_of(name)) : std::string(basename(dir));
  }
  if (name == ".env") return "dotenv";
  if (ends_with(name, ".env")) return std::string(name.substr(0, name.size() - 4));
  if (starts_with(name, ".env.")) return std::string(name.substr(5));
  for (std::string_view ext : {".yaml", ".yml"})
    if (ends_with(name, ext) && name.size() > ext.size())
      return std::string(name.substr(0, name.size() - ext.size()));
  return std::string(name);
}

// Names of env files a repository ships as examples, tried in this order before any other *.env.
bool example_env_name(std::string_view name) {
  for (std::string_view word : {"example", "sample", "dist", "template", "default"})
    if (name.find(word) != std::string_view::npos) return true;
  return false;
}

bool env_file_name(std::string_view name) {
  return name != ".env" &&
         (starts_with(name, ".env.") || ends_with(name, ".env") || starts_with(name, "env."));
}

}  // namespace smokehook::init_detail
