// The merged model as `docker compose config` prints it (and, through
// compose/service.h, a service's dependencies, mounts and command in long form).
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/yaml_tree.h"
#include "compose/interpolate.h"
#include "compose/service.h"

namespace smokehook {

struct Project;

// The model in the shape of `docker compose config --format json`: long
// syntax for ports, volumes and depends_on; command as a list; environment as
// a map of strings; only enabled services.
// `directory`: the project's folder, absolute; relative paths of the model (build contexts, bind
// mounts) are printed against it, as docker compose prints them. Empty: left as written.
struct ModelOptions {
  std::string directory;  // see above
  VariableLookup lookup;  // the project's variables, for build args written without a value
  // SERVICE...: these services only (their dependencies included)
  const std::set<std::string>* only = nullptr;
  bool yaml = false;  // the value of docker compose's YAML: empty fields left out, extensions and
                      // models kept
  // false: `config --no-normalize`: no default network, no generated resource names, no default
  // Dockerfile, build args and pull_policy as written.
  bool normalize = true;
};
nlohmann::ordered_json project_json(const Project& project, const std::string& name,
                                    const ModelOptions& options = {});

// Pieces of compose-go's canonical form (the loader's model before types), for raw.cc.
namespace canonical {
nlohmann::ordered_json value(const Node& n);     // a YAML value as its own type: 3, true, "x", null
nlohmann::ordered_json ports(const Node& list);  // long syntax, ranges expanded
nlohmann::ordered_json volumes(const Node& service,
                               const std::string& dir);  // long syntax, bind sources absolute
nlohmann::ordered_json file_refs(const Node& list, bool secrets);       // {source[, target]}
std::string absolute(const std::string& dir, const std::string& path);  // `~` and relative paths
bool remote(const std::string& context);  // a URL or git build context
}  // namespace canonical

}  // namespace smokehook
