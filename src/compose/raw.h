// The loader's model of a compose project, as `docker compose config --no-interpolate` prints it:
// compose-go's canonical form before its types apply (values as written, `${VAR}` unresolved),
// every service (whatever its profiles) and every resource, extensions kept.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "compose/interpolate.h"

namespace smokehook {

struct Project;

struct RawModelOptions {
  std::string name;  // the project's name, printed when `normalize`
  // the project's folder, absolute; empty: paths as written (--no-path-resolution)
  std::string directory;
  // the project's variables: `environment` entries without a value take them
  VariableLookup lookup;
  // compose-go's normalization: the project name, resource names, the default network, a default
  // Dockerfile, build args and environment resolved, implied depends_on, pull_policy `missing`.
  bool normalize = true;
  bool yaml = false;  // for YAML output: the loader's nil lists print `[]` there, `null` in JSON
};

// Keys sorted at every level, as Go prints a map.
nlohmann::json raw_project_json(const Project& project, const RawModelOptions& options);

}  // namespace smokehook
