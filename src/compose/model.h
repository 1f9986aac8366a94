// Reading a merged compose model: a service's dependencies, mounts and
// command in their long form, and the model as `docker compose config` prints it.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "compose/interpolate.h"
#include "base/yaml_tree.h"

namespace smokehook {

struct Project;

struct Dependency {
  std::string service;
  std::string condition = "service_started";
  bool required = true;
  const Node* node = nullptr;            // the list item, or the entry's value
  const Node* condition_node = nullptr;  // where the condition is written, if it is
  const Entry* entry = nullptr;          // long form: the entry (its key is the dependency's name)
  const Node* owner = nullptr;           // the depends_on mapping holding `entry`

  Finding at(std::string message) const;             // at the dependency's name
  Finding condition_at(std::string message) const;  // at its condition, else its name
};
std::vector<Dependency> dependencies(const Node& service);

struct Mount {
  std::string type;  // volume, bind, tmpfs, ...
  std::string source, target;
  bool read_only = false;
  std::string options;  // the short syntax's last field, e.g. "ro,z"; empty for the long syntax
  const Node* node = nullptr;
};
std::vector<Mount> mounts(const Node& service);

// `command` (or `entrypoint`) as words: a string is split as a shell would.
std::vector<std::string> command_words(const Node& service, const char* key = "command");

// The model in the shape of `docker compose config --format json`: long
// syntax for ports, volumes and depends_on; command as a list; environment as
// a map of strings; only enabled services.
// `directory`: the project's folder, absolute; relative paths of the model (build contexts, bind
// mounts) are printed against it, as docker compose prints them. Empty: left as written.
struct ModelOptions {
  std::string directory;                    // see above
  VariableLookup lookup;                    // the project's variables, for build args written without a value
  const std::set<std::string>* only = nullptr;  // SERVICE...: these services only (their dependencies included)
  bool yaml = false;  // the value of docker compose's YAML: empty fields left out, extensions and models kept
  // false: `config --no-normalize`: no default network, no generated resource names, no default
  // Dockerfile, build args and pull_policy as written.
  bool normalize = true;
};
nlohmann::ordered_json project_json(const Project& project, const std::string& name, const ModelOptions& options = {});

// Pieces of compose-go's canonical form (the loader's model before types), for compose_raw.cc.
namespace canonical {
nlohmann::ordered_json value(const Node& n);  // a YAML value as its own type: 3, true, "x", null
nlohmann::ordered_json ports(const Node& list);                              // long syntax, ranges expanded
nlohmann::ordered_json volumes(const Node& service, const std::string& dir);  // long syntax, bind sources absolute
nlohmann::ordered_json file_refs(const Node& list, bool secrets);            // {source[, target]}
std::string absolute(const std::string& dir, const std::string& path);       // `~` and relative paths
bool remote(const std::string& context);                                     // a URL or git build context
}  // namespace canonical

// Durations as compose reads them (Go's units, and d, w) and as Go prints them: 90s -> "1m30s".
std::optional<long long> parse_go_duration(const std::string& text);  // nanoseconds
std::string format_go_duration(long long nanoseconds);
// A byte size as docker reads it: "1.5G" -> 1610612736 (powers of 1024).
std::optional<long long> parse_byte_size(const std::string& text);

}  // namespace smokehook
