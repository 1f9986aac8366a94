// The parsed command line, and one function per command.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace smokehook {

enum class Format { Human, Json, Sarif, Junit };

struct Options {
  // what to run
  bool all = false;
  std::string rev;
  bool full = false;
  std::vector<std::string> hook;  // --hook NAME [ARGS]
  std::string hook_file;          // --hook-file: the installed hook git ran (set by that hook)
  // pre-push, pre-receive: git's lines, when already read from stdin
  std::optional<std::string> push_input;
  std::string subcommand;  // install, uninstall, init, list, compose; empty = run checks
  std::string from_ref;    // --from-ref A: the checks affected by A...B (range mode)
  std::string to_ref;      // --to-ref B (default HEAD)
  bool framework = false;  // --framework FILE...: the pre-commit framework's (or prek's) entry
  // the files the framework passed (one of its partitions)
  std::vector<std::string> framework_files;
  std::string framework_options;  // the arguments before --framework, as given: part of what names
                                  // one entry's run
  // common
  std::string config;
  Format format = Format::Human;
  std::vector<std::string> only;
  std::string color = "auto";
  bool quiet = false;
  bool verbose = false;
  std::string failure_prefix;  // starts each failure line of the human report ("GL-HOOK-ERR: "
                               // under GitLab)
  // install
  bool force = false;
  // init
  // --default: the built-in suite instead of one read from the repository
  bool init_default = false;
  // compose
  std::vector<std::string> compose_files;
  std::vector<std::string> compose_profiles;
  std::string compose_format;  // json | yaml
  // compose: the rest of `docker compose [OPTIONS] config [OPTIONS] [SERVICE...]`
  std::string compose_project_name;            // -p
  std::vector<std::string> compose_env_files;  // --env-file: in place of the project's .env
  std::string compose_project_directory;       // --project-directory
  std::string compose_output;                  // -o: a file instead of stdout
  std::string compose_listing;  // services, volumes, networks, profiles, images, models, variables,
                                // environment
  std::string compose_hash;     // --hash SERVICES ("*": all)
  std::vector<std::string> compose_services;  // SERVICE...
  bool compose_quiet = false;
  bool compose_no_interpolate = false, compose_no_normalize = false,
       compose_no_path_resolution = false;
  bool compose_no_consistency = false, compose_no_env_resolution = false;
  std::string compose_needs_engine;  // --resolve-image-digests, --lock-image-digests: refused
};

struct Report;

// Each returns the exit status; messages go to stderr prefixed "smokehook: ".
int cmd_run(const Options& o);
// --hook pre-receive: a server's checks of a push (cmd_receive.cc).
int cmd_receive(const Options& o);
// The message of a pre-receive run past its budget, written into `buf`; returns its length.
int receive_timeout_message(double seconds, char* buf, size_t size);
// Prints `report` as o.format asks (warnings on stderr); returns the exit status.
int finish(const Options& o, const Report& report);
// Ends the process once the report is out, without freeing anything.
[[noreturn]] void exit_now(int status);
// Before the checks of an installed hook: the hook that was there before smokehook
// (see hooks.h). Non-zero: the status to exit with.
int run_kept_hook(Options* o);
int cmd_install(const Options& o);
int cmd_uninstall(const Options& o);
int cmd_init(const Options& o);
int cmd_list(const Options& o);
int cmd_compose(const Options& o);

// "smokehook: <message>" on stderr; returns 2.
int usage_error(const std::string& message);

}  // namespace smokehook
