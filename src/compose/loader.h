// The compose loader: reads a project's files, interpolates, validates and merges them, resolves
// extends and include, and checks the merged model's consistency, as compose-go's loader does.
// Internal to the compose engine: load_project() (compose/project.h) is its face.
//
// Its methods are in three files: loader.cc (files, variables, environment, normalisation),
// include_extends.cc (extends, include and the paths they rebase) and consistency.cc (the
// checks on the merged model).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/text.h"
#include "compose/project.h"
#include "compose/schema.h"

namespace smokehook {

// The files a service's label_file names: one string or a list of them.
std::vector<const Node*> label_files(const Node& service);

class Loader {
 public:
  Loader(const ComposeContext& ctx, LoadedFiles* state, VariableLookup environment)
      : ctx_(ctx), state_(state), p_(&state->project), environment_(std::move(environment)) {}

  // What does not depend on the profiles: .env (or the check's env_file), every file
  // interpolated, validated and merged, and the dependencies links and volumes_from imply.
  void load(const ProjectSpec& spec);

  // The rest, for the profiles of one project: which services are enabled
  // decides which references must resolve and whose environment is read.
  void apply_profiles(const ProjectSpec& spec);

 private:
  void add_input(const std::string& path);

  // Reads a file from the source: the commit's tree, the index or the working
  // tree. Only a `.env` or env_file target (`Where::OrUntracked`), which is
  // untracked by design, is read from the fallback (the working tree) when the
  // source does not hold it; any other file the source lacks is missing.
  enum class Where { Source, OrUntracked };
  ReadStatus read_input(const std::string& path, Where where, std::string* content,
                        std::string* err);

  void load_env(const std::string& dir) { load_env_file(join_path(dir, ".env"), nullptr); }

  // Variables for interpolation from a .env-style file. `named_at`: where an include names it,
  // which makes it required (a project's own .env is optional); `required`: a check's env_file,
  // required too.
  void load_env_file(const std::string& path, const Node* named_at, bool required = false);

  // The variables set for the project: the environment (process, then the check's), then .env.
  std::optional<std::string> explicit_variable(std::string_view name) const;

  // What interpolation sees: the variables set, and COMPOSE_PROJECT_NAME as docker compose gives
  // it.
  VariableLookup lookup_fn();

  // A COMPOSE_PROJECT_NAME that is set is used as written: docker compose refuses one that is not
  // already a project name (lower case letters, digits, '_' and '-', starting with a letter or
  // digit).
  void check_project_name_variable(const ProjectSpec& spec);

  // docker compose's project name when COMPOSE_PROJECT_NAME is not set: the last `name:` of the
  // files (interpolated), else the project folder's name; lower-cased, [a-z0-9_-] only, no leading
  // _ or -. Empty when neither is known (a project at the top of the source: the folder's name is
  // not known).
  std::string project_name(const std::vector<std::string>& files);

  // Reads and parses a file, or takes it from the run's cache.
  const ComposeCache::File& parsed_file(const std::string& file);

  // One file's documents, interpolated and validated; false (with errors) when it has none usable.
  bool read_documents(const std::string& file, const VariableLookup& lookup,
                      std::vector<Node>* docs, const Node* referrer);

  // `referrer`: where another file names this one (an include), the place to report it missing.
  bool load_file(const std::string& file, const VariableLookup& lookup, Node* into,
                 const Node* referrer = nullptr);

  // extends: a service starts from another (in this file or another one) and overrides it.
  bool resolve_extends(Node& doc, const std::string& file, const VariableLookup& lookup);

  // `in_file`: svc comes from a file named by an extends (its relative paths are being rebased).
  bool extend_service(Node& svc, const std::string& name, const std::string& file, const Node& doc,
                      const VariableLookup& lookup, std::vector<std::string>* chain,
                      bool in_file = false);

  // Relative paths of an extended or included service are relative to its own file: compose joins
  // them to that file's folder taken relative to the project's, cleaned ("./data" of sub/x.yaml is
  // "sub/data", of a file beside the project's "data"), where its path resolver goes: build context
  // and additional contexts, bind sources, env_file, label_file, develop.watch paths. A short bind
  // spec is written in the long syntax, as compose reads it, so that "sub/data" stays a path. An
  // included service's missing build context is its own folder; an extended one's is the project's
  // (compose reads an extended file without defaults).
  void rebase_paths(Node& svc, const std::string& from, const std::string& to,
                    bool default_context = true);

  // A short bind spec in the long syntax, as compose's short-syntax reader makes it.
  static Node long_bind(const Node& at, const VolumeSpec& v, const std::string& source);

  // The top-level files of an included project (secrets, configs, a local volume's bind device),
  // relative to its folder, as rebase_paths does for its services.
  void rebase_resources(Node& model, const std::string& from, const std::string& to);

  static std::string relative_to(std::string path, std::string d);

  // An include item's files: a string, or a mapping whose `path` is a string or a list of strings
  // (null items and null paths name nothing). False, with an error, for any other shape.
  bool include_paths(const Node& item, const std::string& file, std::vector<std::string>* paths,
                     std::vector<const Node*>* where);

  // include: each included file is its own project (own folder, own .env);
  // its resources join this one, and a clash with a different definition is an error.
  bool apply_include(Node& doc, const std::string& file, Node* into);

  void run_include(const std::vector<std::string>& files, const std::vector<const Node*>& where,
                   const std::string& project_dir,
                   const std::vector<std::pair<std::string, const Node*>>& env_files);

  // The merged model's consistency, as compose-go checks it after loading: a dispatcher over the
  // enabled services, then the cycles (consistency.cc).
  void check_consistency();
  bool declared(const char* section, const std::string& name) const;  // a top-level resource
  void check_service_settings(const Entry& e, const Node& services,
                              std::map<std::string, std::string>* container_names);
  void check_tmpfs_targets(const Node& svc, const std::string& name);
  void check_references(const Node& svc, const std::string& name, const Node& services);
  void check_service_files(const Node& svc);
  void check_dependency_cycles(const Node& services);

  // A service-level limit and its deploy.resources counterpart, both set, must agree (as compose
  // compares them: a limits or reservations block without the value holds 0).
  void check_resource_limits(const Node& svc, const std::string& name);

  // links, volumes_from and network_mode/ipc/pid/uts "service:X" make a service
  // depend on another, as compose records them in depends_on.
  void add_implicit_dependencies();

  static void located_at(Node& n, const Node& where);

  // As docker compose does: env_file variables, then `environment` on top; a
  // bare `- NAME` takes its value from the environment or .env when set there.
  void resolve_environment(const VariableLookup& lookup);

  // A file a service reads (relative to the project, as in compose) must exist in the source (an
  // env_file also untracked in the working tree); one git ignores is local by design, so its
  // absence is a warning.
  void require_local_file(const char* kind, const Node& named_at, const std::string& path,
                          Where where);

  // KEY=VALUE lines of an env_file or a label_file into `into`, each value located where the file
  // is named; a file that cannot be read was reported by check_consistency, one that cannot be
  // parsed is reported here.
  void read_variables(const std::string& path, Where where, const Node& named_at,
                      const VariableLookup& lookup, Node* into);

  // label_file: labels read from files, then `labels` on top; the key itself is gone, as in
  // compose.
  void resolve_labels(Node& svc, const VariableLookup& lookup);

  const ComposeContext& ctx_;
  LoadedFiles* state_;
  Project* p_;
  VariableLookup environment_;  // the process environment, then the check's `environment`
  std::map<std::string, ComposeCache::File> uncached_;  // the files parsed when there is no cache
  std::string project_dir_;  // relative paths resolve here (the first file's folder)
  std::vector<std::string> include_stack_;
};

}  // namespace smokehook
