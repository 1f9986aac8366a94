#include "cli/cli.h"

#include <sys/time.h>
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>

#include <cstdlib>
#include <iostream>

#include "base/text.h"
#include "cli/commands.h"
#include "cli/definition.h"
#include "version.h"

namespace smokehook {

int usage_error(const std::string& message) {
  std::cerr << "smokehook: " << message << "\n";
  return 2;
}

namespace {

const char kDescription[] =
    "smokehook: a git pre-commit / pre-push hook that checks a repository's infrastructure "
    "invariants\n"
    "(compose files, service ordering, wiring gates) natively, on exactly what is being committed "
    "or pushed.\n\n"
    "  smokehook                      affected checks on the staged content (the pre-commit hook)\n"
    "  smokehook --all                every check on the working tree\n"
    "  smokehook --all --rev REV      every check on the tree of commit REV\n"
    "  smokehook --all --full         also the live checks (probes of running services)\n"
    "  smokehook --from-ref A [--to-ref B]  the checks affected by A...B, on B's tree (CI)\n"
    "  smokehook --hook pre-push R U  what the pre-push hook runs (refs on stdin)\n"
    "  smokehook --hook pre-receive   what a server's pre-receive hook runs (refs on stdin)\n\n"
    "Exit status: 0 every check passed, 1 a check failed, 2 smokehook could not do its job.";

}  // namespace

// The command line's one definition: what parse() reads, what --help prints, and what
// `--generate-docs` writes as the man page and the completions (cli/docs.cc).
void define_command_line(CLI::App& app, Options& o, CommandLineText& t) {
  app.set_version_flag("--version", std::string("smokehook ") + SMOKEHOOK_VERSION);
  app.fallthrough();
  app.require_subcommand(0, 1);
  app.add_flag("--all", o.all, "run every check (on the working tree, or on --rev)");
  app.add_option("--rev", o.rev, "with --all: the commit whose tree to check")->type_name("REV");
  app.add_flag("--full", o.full, "with --all: also run the live checks");
  app.add_option("--from-ref", o.from_ref, "the checks affected by A...B, on B's tree (CI ranges)")
      ->type_name("A");
  app.add_option("--to-ref", o.to_ref, "with --from-ref: the commit to check (default HEAD)")
      ->type_name("B");
  app.add_option(
         "--hook", o.hook,
         "run as git's hook: pre-commit, pre-merge-commit, pre-push REMOTE URL, or pre-receive")
      ->expected(1, 3)
      ->type_name("NAME [ARGS]");
  // Hidden: what the installed hook passes, so that smokehook runs the hook kept beside it.
  app.add_option("--hook-file", o.hook_file)->group("");
  app.add_option("-C", t.dir, "run as if started in DIR")->type_name("DIR");
  app.add_option("--config", o.config,
                 "configuration file (default: .smokehook.yml, else the built-in suite)")
      ->type_name("FILE");
  // Any word passes here (compose takes yaml too; parse() names the formats when one is unknown):
  // the validator only describes the choices, for --help, the man page and the completions.
  app.add_option("--format", t.format, "human (default) | json | sarif | junit")
      ->type_name("FMT")
      ->check(CLI::Validator([](std::string&) { return std::string(); }, "{human,json,sarif,junit}",
                             "choices"));
  app.add_option("--only", t.only, "run only these checks")->type_name("ID[,ID...]");
  app.add_option("--color", o.color, "auto | always | never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->type_name("WHEN");
  app.add_flag("-q,--quiet", o.quiet, "print only failures and the summary");
  app.add_flag("-v,--verbose", o.verbose, "show each check's duration");

  auto* install =
      app.add_subcommand("install",
                         "install the pre-commit and pre-push hooks in this repository "
                         "(in a bare repository: pre-receive; --config FILE: the rules it reads)");
  install->add_flag("--force", o.force,
                    "install even where core.hooksPath is shared outside this repository");
  app.add_subcommand("uninstall", "remove the hooks, restoring whatever was there before");
  auto* init = app.add_subcommand(
      "init",
      "write a configuration for this repository's compose files to .smokehook.yml "
      "(never overwrites)");
  init->add_flag("--default", o.init_default, "write the built-in production smoke suite instead");
  app.add_subcommand("list", "list the configured checks: id, kind, the paths that trigger them");
  auto* compose = app.add_subcommand(
      "compose", "print the merged, interpolated compose model (like docker compose config)");
  compose->add_option("-f,--file", o.compose_files, "compose file (repeatable)")->type_name("FILE");
  compose->add_option("--profile", o.compose_profiles, "profile to enable (repeatable)")
      ->type_name("P");
  compose->add_option("--format", o.compose_format, "json | yaml (default)")
      ->check(CLI::IsMember({"json", "yaml"}))
      ->type_name("FMT");
  compose->add_option("-p,--project-name", o.compose_project_name, "project name")
      ->type_name("NAME");
  compose
      ->add_option("--env-file", o.compose_env_files,
                   "variables file, in place of the project's .env (repeatable)")
      ->type_name("FILE");
  compose
      ->add_option("--project-directory", o.compose_project_directory,
                   "the project's folder (default: the first compose file's)")
      ->type_name("DIR");
  compose->add_flag("-q,--quiet", o.compose_quiet, "only validate: print nothing");
  compose->add_option("-o,--output", o.compose_output, "write to FILE instead of stdout")
      ->type_name("FILE");
  for (const char* listing : {"services", "volumes", "networks", "profiles", "images", "models",
                              "variables", "environment"}) {
    compose->add_flag_callback(
        std::string("--") + listing, [&o, listing] { o.compose_listing = listing; },
        std::string("print the ") + listing + ", one per line");
  }
  compose->add_option("--hash", o.compose_hash, "print each service's configuration hash")
      ->type_name("SERVICES");
  compose->add_flag("--no-interpolate", o.compose_no_interpolate, "do not interpolate variables");
  compose->add_flag("--no-normalize", o.compose_no_normalize, "do not normalize the model");
  compose->add_flag("--no-path-resolution", o.compose_no_path_resolution,
                    "do not make paths absolute");
  compose->add_flag("--no-consistency", o.compose_no_consistency,
                    "do not check references between services");
  compose->add_flag("--no-env-resolution", o.compose_no_env_resolution,
                    "do not read services' env files");
  for (const char* engine : {"--resolve-image-digests", "--lock-image-digests"}) {
    compose->add_flag_callback(
        engine, [&o, engine] { o.compose_needs_engine = engine; },
        "needs a registry or an engine: refused (exit 2)");
  }
  compose->add_option("SERVICE", o.compose_services,
                      "only these services (and what they depend on)");
  // Hidden: writes the man page and the completions from this definition (install/package.sh).
  app.add_option("--generate-docs", t.docs_dir)->group("");
}

namespace {

struct Parsed {
  Options options;
  int exit = -1;  // >= 0: stop with this status
};

// The command lines hooks run on every commit and push, read without building
// the full parser below (a sixth of such a run's instructions):
//   smokehook                                              (the pre-commit framework, by hand)
//   smokehook [--hook-file FILE] --hook pre-commit
//   smokehook [--hook-file FILE] --hook pre-push [REMOTE [URL]]
//   smokehook [--hook-file FILE] [--config FILE] --hook pre-receive
//   smokehook --framework [FILE...]                        (.pre-commit-hooks.yaml's entry)
// Anything else goes through CLI11.
bool parse_hook_line(int argc, char** argv, Options* o) {
  if (argc <= 1) return true;
  // The pre-commit framework's entry: every later argument is a file it passes, whatever it looks
  // like.
  if (std::strcmp(argv[1], "--framework") == 0) {
    o->framework = true;
    o->framework_files.assign(argv + 2, argv + argc);
    return true;
  }
  int i = 1;
  if (argc - i >= 2 && std::strcmp(argv[i], "--hook-file") == 0 && argv[i + 1][0] != '-') {
    o->hook_file = argv[i + 1];
    i += 2;
  }
  // The server's configuration file, recorded in the pre-receive hook by `install --config FILE`.
  if (argc - i >= 2 && std::strcmp(argv[i], "--config") == 0 && argv[i + 1][0] != '-') {
    o->config = argv[i + 1];
    i += 2;
  }
  if (argc - i < 2 || std::strcmp(argv[i], "--hook") != 0) return false;
  const char* hook = argv[i + 1];
  int rest = argc - i - 2;
  for (int k = i + 2; k < argc; ++k)
    if (argv[k][0] == '-') return false;  // an option among the arguments: the full parser decides
  bool pre_commit =
      (std::strcmp(hook, "pre-commit") == 0 || std::strcmp(hook, "pre-merge-commit") == 0) &&
      rest == 0;
  bool pre_push = std::strcmp(hook, "pre-push") == 0 && rest <= 2;
  bool pre_receive = std::strcmp(hook, "pre-receive") == 0 && rest == 0;
  if (!pre_commit && !pre_push && !pre_receive) return false;
  o->hook.assign(argv + i + 1, argv + argc);
  return true;
}

// --from-ref A [--to-ref B]: a mode of its own. Returns an exit status, or -1.
int check_range_options(const Options& o) {
  if (o.from_ref.empty() && o.to_ref.empty()) return -1;
  if (o.from_ref.empty()) return usage_error("--to-ref needs --from-ref (the range is A...B)");
  if (o.all || !o.rev.empty())
    return usage_error(
        "--from-ref runs the checks its range affects; it does not combine with --all or --rev");
  if (!o.hook.empty()) return usage_error("--from-ref does not combine with --hook");
  return -1;
}

Parsed parse(int argc, char** argv) {
  Parsed p;
  if (Options fast; parse_hook_line(argc, argv, &fast)) {
    p.options = std::move(fast);
    return p;
  }
  Options& o = p.options;
  // Options before --framework are options (`smokehook --format json --framework FILE...`); after
  // it, files.
  for (int k = 2; k < argc; ++k) {
    if (std::strcmp(argv[k], "--framework") == 0) {
      o.framework = true;
      o.framework_files.assign(argv + k + 1, argv + argc);
      for (int j = 1; j < k; ++j) o.framework_options.append(argv[j]).push_back('\0');
      argc = k;
      break;
    }
  }
  CLI::App app(kDescription, "smokehook");
  CommandLineText text;
  define_command_line(app, o, text);
  std::string& dir = text.dir;
  std::string& format = text.format;
  std::string& only = text.only;

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    p.exit = app.exit(e);
    return p;
  } catch (const CLI::CallForVersion& e) {
    p.exit = app.exit(e);
    return p;
  } catch (const CLI::ParseError& e) {
    std::string msg = e.what();
    if (auto* extras = dynamic_cast<const CLI::ExtrasError*>(&e)) {
      (void)extras;
      std::vector<std::string> names = {"install", "uninstall", "init", "list", "compose"};
      std::vector<std::string> rest = app.remaining();
      if (!rest.empty())
        if (auto near = closest_match(rest.front(), names))
          msg += " (did you mean '" + *near + "'?)";
    }
    p.exit = usage_error(msg + "\nRun 'smokehook --help' for usage.");
    return p;
  }
  if (!text.docs_dir.empty()) {
    p.exit = write_docs(app, text.docs_dir);
    return p;
  }
  if (auto subs = app.get_subcommands(); !subs.empty()) o.subcommand = subs.front()->get_name();

  if (!format.empty()) {
    if (format == "human")
      o.format = Format::Human;
    else if (format == "json")
      o.format = Format::Json;
    else if (format == "sarif")
      o.format = Format::Sarif;
    else if (format == "junit")
      o.format = Format::Junit;
    else if (o.subcommand == "compose" && format == "yaml")
      o.compose_format = "yaml";
    else {
      p.exit = usage_error("--format: unknown format '" + format + "' (human, json, sarif, junit)");
      return p;
    }
    if (o.subcommand == "compose" && o.compose_format.empty() && format == "json")
      o.compose_format = "json";
  }
  for (const auto& part : split(only, ','))
    if (!trim(part).empty()) o.only.emplace_back(trim(part));
  if (!o.hook.empty()) {
    const std::string& h = o.hook[0];
    if (h != "pre-commit" && h != "pre-merge-commit" && h != "pre-push" && h != "pre-receive") {
      p.exit = usage_error("--hook: unknown hook '" + h +
                           "' (pre-commit, pre-merge-commit, pre-push, pre-receive)");
      return p;
    }
    if (o.all || !o.rev.empty()) {
      p.exit =
          usage_error("--hook runs what git asks for; it does not combine with --all or --rev");
      return p;
    }
  }
  if (o.framework && (o.all || !o.rev.empty() || !o.hook.empty() || !o.from_ref.empty() ||
                      !o.subcommand.empty())) {
    p.exit = usage_error(
        "--framework is the hook managers' entry; its mode comes from the framework, not from "
        "options");
    return p;
  }
  if (int rc = check_range_options(o); rc >= 0) {
    p.exit = rc;
    return p;
  }
  if (!o.hook_file.empty() && o.hook.empty()) {
    p.exit = usage_error("--hook-file is what an installed hook passes with --hook");
    return p;
  }
  if (!o.rev.empty()) o.all = true;
  if (o.full && !o.all) {
    p.exit =
        usage_error("--full probes running services and needs --all (hooks never run live checks)");
    return p;
  }
  if (!dir.empty() && ::chdir(dir.c_str()) != 0) {
    p.exit = usage_error("-C " + dir + ": " + std::strerror(errno));
    return p;
  }
  return p;
}

}  // namespace

// A total time budget: a hook must never hang a commit, whatever a library
// does with a hostile input. SMOKEHOOK_TIMEOUT seconds (0: none); by default
// 120 s for what hooks run (staged, --hook), none for --all.
// The message is made before the alarm is armed, in a buffer that lives as
// long as the process (the alarm may ring during exit): the handler only writes it and exits.
char watchdog_message[256];
size_t watchdog_length = 0;

void on_watchdog(int) {
  ssize_t ignored = ::write(STDERR_FILENO, watchdog_message, watchdog_length);
  (void)ignored;
  std::_Exit(2);
}

// A total time budget: an alarm, not a thread (a hook starts on every commit).
void start_watchdog(const Options& o) {
  bool hook_mode = !o.all && o.subcommand.empty();
  bool receive = !o.hook.empty() && o.hook[0] == "pre-receive";
  double seconds = receive     ? 5
                   : hook_mode ? 120
                               : 0;  // a server's budget: see receive_timeout_message
  if (const char* env = std::getenv("SMOKEHOOK_TIMEOUT"); env && *env)
    seconds = std::strtod(env, nullptr);
  if (!(seconds > 0)) return;
  int n = receive ? receive_timeout_message(seconds, watchdog_message, sizeof watchdog_message)
                  : std::snprintf(
                        watchdog_message, sizeof watchdog_message,
                        "smokehook: gave up after %g s (SMOKEHOOK_TIMEOUT); nothing was let "
                        "through. This is "
                        "worth reporting; to commit or push once without the check: --no-verify\n",
                        seconds);
  watchdog_length = n > 0 ? std::min(static_cast<size_t>(n), sizeof watchdog_message - 1) : 0;
  struct sigaction sa {};
  sa.sa_handler = on_watchdog;
  ::sigaction(SIGALRM, &sa, nullptr);
  seconds = std::min(seconds, 86400.0 * 365);
  struct itimerval budget {};
  budget.it_value.tv_sec = static_cast<time_t>(seconds);
  budget.it_value.tv_usec =
      std::max(static_cast<suseconds_t>((seconds - budget.it_value.tv_sec) * 1e6),
               static_cast<suseconds_t>(budget.it_value.tv_sec ? 0 : 1));
  ::setitimer(ITIMER_REAL, &budget, nullptr);
}

int smokehook_main(int argc, char** argv) {
  try {
    Parsed p = parse(argc, argv);
    if (p.exit >= 0) return p.exit;
    Options& o = p.options;
    // Outside smokehook's time budget: that hook's run time is its own.
    if (!o.hook_file.empty())
      if (int rc = run_kept_hook(&o); rc != 0) return rc;
    start_watchdog(o);
    if (o.subcommand == "install") return cmd_install(o);
    if (o.subcommand == "uninstall") return cmd_uninstall(o);
    if (o.subcommand == "init") return cmd_init(o);
    if (o.subcommand == "list") return cmd_list(o);
    if (o.subcommand == "compose") return cmd_compose(o);
    return cmd_run(o);
  } catch (const std::exception& e) {
    return usage_error(std::string("error: ") + e.what());
  }
}

}  // namespace smokehook
