// A compose project: files in (through a FileSource), the merged model and its
// findings out. Knows nothing of git or checks; `smokehook compose` and the
// compose checks share it.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "base/file_source.h"
#include "base/finding.h"
#include "base/yaml_tree.h"
#include "compose/dotenv.h"
#include "compose/interpolate.h"

namespace smokehook {

struct ProjectSpec {
  std::vector<std::string> files;  // repository paths, in -f order
  // --profile; empty = COMPOSE_PROFILES (environment, then .env)
  std::vector<std::string> profiles;
  // Variables for interpolation, as a deployment gives them. `env_files` (repository paths) are
  // read in place of the project's .env, as `docker compose --env-file` does; `environment` applies
  // where the process environment does not set a variable, and wins over the env files.
  // (Initialized here so that `ProjectSpec{files, profiles}` stays complete.)
  std::vector<std::string> env_files = {};
  std::vector<std::pair<std::string, std::string>> environment = {};
  bool operator==(const ProjectSpec& o) const {
    return files == o.files && profiles == o.profiles && env_files == o.env_files &&
           environment == o.environment;
  }
};

// "docker-compose.yml + prod.yml (profiles: a, b)", for messages.
std::string describe_project(const ProjectSpec& spec);

// What a project loads the same way whatever its profiles: its files and its variables. The key
// under which ComposeCache shares that work.
std::vector<std::string> loading_key(const ProjectSpec& spec);

class ComposeCache;

struct ComposeContext {
  const FileSource* source = nullptr;
  // Where `.env` and env_file targets, and only they, are looked for when
  // `source` lacks them (they are untracked by design): the working tree.
  // Every other file (compose files, extends and include targets,
  // label_file) is read from `source` alone. May be null.
  const FileSource* fallback = nullptr;
  VariableLookup environment;     // the process environment; wins over .env
  ComposeCache* cache = nullptr;  // optional, shared by the projects of a run
  // `docker compose -p NAME`: the project's name, over COMPOSE_PROJECT_NAME (which is then neither
  // read nor checked); ${COMPOSE_PROJECT_NAME} interpolates to it. Empty: none given.
  std::string project_name;
  // `docker compose --project-directory DIR`: where the project's .env and relative env_file paths
  // are read. Empty: the first file's folder.
  std::string project_dir;
  // `docker compose config --no-consistency`: references between services and resources, and
  // limits, are not checked.
  bool no_consistency = false;
  // `config --no-interpolate`: values stay as written (`${VAR}` unresolved, `$$` kept).
  bool no_interpolate = false;
  // `config --no-normalize`: links, volumes_from and `service:` namespaces imply no depends_on.
  bool no_normalize = false;
  // The loader's model only, as `config --no-interpolate` prints it: no consistency check, env_file
  // and label_file not read into environment and labels.
  bool model_only = false;
  // The listings of `config` (--services, --images, ...): env_file is not read, so need not exist.
  bool no_env_files = false;
};

struct Project {
  Node model;  // merged and interpolated; short forms normalized
  Findings errors;
  Findings warnings;
  // every file read or looked for (compose files, .env, env_file, extends, include)
  std::vector<std::string> inputs;
  std::vector<std::string> active_profiles;
  // COMPOSE_PROJECT_NAME from the environment, the check's environment or the project's .env (as
  // docker compose reads it; it names the project over the file's `name:`); empty when unset.
  std::string project_name_variable;

  bool valid() const { return errors.empty(); }
  const Node* service(const std::string& name) const;
  bool enabled(const Node& service) const;
  std::vector<std::string> service_names() const;
  std::vector<std::string> enabled_services() const;
};

// A project's files loaded, before its profiles apply: the part of the work
// projects that name the same files share.
struct LoadedFiles {
  Project project;  // model merged; errors, warnings and inputs so far
  EnvVars dotenv;   // the project folder's .env
  // What ${COMPOSE_PROJECT_NAME} is when nothing sets it, as in docker compose: the project's name
  // (the files' `name:`, else the project folder's name), normalized; empty when unknown.
  std::string default_name;
  bool complete = false;  // every file loaded: references can be checked
};

// What the projects of one run share: each compose file is parsed once
// (documents before interpolation), each list of files loaded once.
class ComposeCache {
 public:
  struct File {
    ReadStatus status = ReadStatus::Ok;
    std::string read_error;
    bool parsed = false;
    Finding parse_error;
    std::vector<Node> docs;
  };
  const File* find(const std::string& path) const {
    auto it = files_.find(path);
    return it == files_.end() ? nullptr : &it->second;
  }
  const File& put(const std::string& path, File file) { return files_[path] = std::move(file); }

  const LoadedFiles* loaded(const std::vector<std::string>& files) const {
    auto it = loaded_.find(files);
    return it == loaded_.end() ? nullptr : &it->second;
  }
  const LoadedFiles& put_loaded(const std::vector<std::string>& files, LoadedFiles l) {
    return loaded_[files] = std::move(l);
  }

 private:
  std::map<std::string, File> files_;
  std::map<std::vector<std::string>, LoadedFiles> loaded_;
};

Project load_project(const ProjectSpec& spec, const ComposeContext& ctx);

VariableLookup process_environment();

}  // namespace smokehook
