// How a repository runs docker compose, read from its own text: the command
// lines in scripts, Makefiles, package.json, CI workflows and docs
// (`docker compose -f A -f B --env-file X --profile P ...`), and the
// COMPOSE_FILE chains it sets (`COMPOSE_FILE: a:b` in a workflow's env,
// `COMPOSE_FILE=a:b docker compose ...`, `export COMPOSE_FILE=...`).
// `smokehook init` checks each compose file in these ways too.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "base/file_source.h"

namespace smokehook {

struct ComposeUsage {
  std::vector<std::string> files;      // repository paths, in -f order; never empty
  std::vector<std::string> env_files;  // --env-file, repository paths
  std::vector<std::string> profiles;   // --profile, and COMPOSE_PROFILES set on the command
  // NAME=value set on the command line before `docker compose` (not COMPOSE_*), as a check's
  // environment.
  std::vector<std::pair<std::string, std::string>> environment;
  std::string where;  // the first place it was read: "package.json:18"
  // a COMPOSE_FILE setting (a workflow's env:, export), not a command's -f
  bool from_variable = false;
  bool operator==(const ComposeUsage& o) const {
    return files == o.files && env_files == o.env_files && profiles == o.profiles &&
           environment == o.environment;
  }
};

// `default_files(dir)`: the files `docker compose` reads without -f in `dir` (its first base and
// the override beside it), empty when there are none. Usages are in order of first appearance
// (files in path order), without duplicates. Paths that name no file of `source` (a variable that
// cannot be matched, an absolute path, `-`) drop the usage they are in: a chain is checked whole or
// not at all. A `${VAR}` / `$VAR` / `${{ expr }}` / `<name>` inside a path stands for any text:
// `ci/${{ matrix.dir }}compose.yaml` is each `ci/NAME/compose.yaml` (at most 16). COMPOSE_ENV_FILES
// set beside a COMPOSE_FILE (the same `env:` mapping) are its env files.
std::vector<ComposeUsage> find_compose_usages(
    const FileSource& source,
    const std::function<std::vector<std::string>(const std::string&)>& default_files);

// The files a source's text may run docker compose in (scripts, Makefiles, package.json, CI, docs).
bool is_usage_file(std::string_view path);

}  // namespace smokehook
