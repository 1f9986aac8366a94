// install, uninstall, init, list.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <iomanip>
#include <iostream>

#include "checks/init_config.h"
#include "cli/commands.h"
#include "cli/workspace.h"
#include "git/disk_source.h"
#include "git/hooks.h"

namespace smokehook {
namespace {

std::string own_path() {
  char buf[4096];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "smokehook";
  return std::string(buf, static_cast<size_t>(n));
}

bool need_repository(std::optional<Repository>* repo, const char* command) {
  if (!open_repository(repo)) return false;
  if (!*repo) {
    usage_error(std::string(command) +
                ": not a git repository (or any parent up to /): " + current_dir());
    return false;
  }
  return true;
}

// install --config FILE: the absolute path the pre-receive hook will pass, once
// the file is known to load (it is read again on every push).
bool server_config_path(const Options& o, const Repository& repo, std::string* path) {
  if (!repo.bare()) {
    usage_error(
        "install: --config is for a server's bare repository, whose pre-receive hook reads that "
        "file on "
        "every push; here the hooks read the .smokehook.yml being committed or pushed");
    return false;
  }
  char resolved[PATH_MAX];
  if (!::realpath(o.config.c_str(), resolved)) {
    usage_error("install: --config " + o.config + ": " + std::strerror(errno));
    return false;
  }
  Options check = o;
  check.config = resolved;
  Config config;
  MemorySource none;
  if (!load_config(check, none, &config)) return false;
  *path = resolved;
  return true;
}

// A server's rules come from the branch HEAD names (docs/pre-receive.md); `git init --bare` leaves
// HEAD at a branch that may never be pushed. Says what that means for the pushes to come.
void warn_unborn_head(const Repository& repo) {
  Repository::DefaultBranch d = repo.default_branch();
  if (d.head.empty()) return;  // HEAD names a branch that exists (or a commit): its rules apply
  std::string set = "`git symbolic-ref HEAD refs/heads/NAME` in " + repo.git_dir() +
                    ", or install with --config FILE";
  std::cerr << "smokehook: HEAD is unborn: it names " << d.head << ", which does not exist";
  switch (d.status) {
    case Repository::DefaultBranch::Status::NoBranch:
      std::cerr << " (no branch has been pushed yet). The first push is checked by its own "
                   ".smokehook.yml; after "
                   "it the rules come from the only branch, and with several branches every push "
                   "is refused until "
                   "HEAD names the default one: "
                << set << "\n";
      break;
    case Repository::DefaultBranch::Status::Found:
      std::cerr << ". The rules come from the only branch, " << d.ref
                << ", until there are several; then every "
                   "push is refused until HEAD names the default one: "
                << set << "\n";
      break;
    default:
      std::cerr << ", and there are several branches: every push is refused until HEAD names the "
                   "default one: "
                << set << "\n";
      break;
  }
}

}  // namespace

int cmd_install(const Options& o) {
  std::optional<Repository> repo;
  if (!need_repository(&repo, "install")) return 2;
  std::string err, config;
  if (!o.config.empty() && !server_config_path(o, *repo, &config)) return 2;
  int rc = install_hooks(*repo, own_path(), config, o.force, std::cout, &err);
  if (rc) {
    usage_error("install: " + err);
    return rc;
  }
  if (repo->bare() && config.empty()) warn_unborn_head(*repo);
  return 0;
}

int cmd_uninstall(const Options&) {
  std::optional<Repository> repo;
  if (!need_repository(&repo, "uninstall")) return 2;
  std::string err;
  int rc = uninstall_hooks(*repo, std::cout, &err);
  if (rc) usage_error("uninstall: " + err);
  return rc;
}

// A configuration git ignores cannot be committed, and a hook without one runs the built-in suite:
// said right away, with how to add it anyway.
static void warn_if_ignored(const std::optional<Repository>& repo) {
  if (!repo || repo->bare() || !repo->ignores(".smokehook.yml")) return;
  std::cerr << "smokehook: init: warning: git ignores .smokehook.yml here (a rule of .gitignore or "
               ".git/info/exclude matches it): `git add -f .smokehook.yml` adds it anyway; a "
               "configuration that is "
               "not committed guards no commit\n";
}

int cmd_init(const Options& o) {
  std::optional<Repository> repo;
  if (!open_repository(&repo)) return 2;
  std::string root = repo && !repo->bare() ? repo->workdir() : current_dir();
  std::string path = root + "/.smokehook.yml";
  // Refused before reading anything: an existing configuration is never replaced.
  if (::access(path.c_str(), F_OK) == 0)
    return usage_error("init: " + path + " already exists; not overwriting it");
  InitConfig written;
  std::string_view text = default_config_text();
  if (!o.init_default) {
    // What --all reads: the index and the untracked files git does not ignore, as on disk.
    DiskSource source(root, repo && !repo->bare() ? &*repo : nullptr);
    written = make_init_config(source, &source, process_environment());
    text = written.text;
  }
  // O_EXCL: never overwrite, even if one appears between a check and the write.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    if (errno == EEXIST)
      return usage_error("init: " + path + " already exists; not overwriting it");
    return usage_error("init: cannot create " + path + ": " + std::strerror(errno));
  }
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ok = ::close(fd) == 0 && ok;
  if (!ok) return usage_error("init: cannot write " + path);
  if (o.init_default) {
    std::cout << "smokehook: wrote " << path << " (the built-in default suite; edit it to fit)\n";
    return 0;
  }
  for (const auto& note : written.notes) std::cerr << "smokehook: init: " << note << "\n";
  std::cout << "smokehook: wrote " << path << ": " << written.checks << " check"
            << (written.checks == 1 ? "" : "s") << " for " << written.projects << " compose project"
            << (written.projects == 1 ? "" : "s")
            << (written.projects ? "" : " (none found: the file explains how to add checks)")
            << "; `smokehook list` shows them, `smokehook --all` runs them\n";
  if (!written.left_out.empty()) {
    std::cout << "smokehook: init left out " << written.left_out.size()
              << (written.left_out.size() == 1 ? " thing" : " things")
              << " (commented out in the file, with why):\n";
    for (const auto& line : written.left_out) std::cout << "  " << line << "\n";
  }
  warn_if_ignored(repo);
  return 0;
}

int cmd_list(const Options& o) {
  std::optional<Repository> repo;
  if (!open_repository(&repo)) return 2;
  DiskSource source(repo && !repo->bare() ? repo->workdir() : current_dir(),
                    repo ? &*repo : nullptr);
  Config config;
  if (!load_config(o, source, &config)) return 2;
  RunContext ctx(source, &source, process_environment());
  size_t id_width = 2, kind_width = 4;
  for (const auto& c : config.checks) {
    id_width = std::max(id_width, c->id.size());
    kind_width = std::max(kind_width, c->kind.size());
  }
  std::cout << std::left << std::setw(static_cast<int>(id_width)) << "ID"
            << "  " << std::setw(static_cast<int>(kind_width)) << "KIND"
            << "  TRIGGERED BY\n";
  for (const auto& c : config.checks) {
    std::string triggers;
    if (c->live) {
      triggers = "(live: only with --all --full)";
    } else {
      for (const auto& t : c->triggers(ctx).describe())
        triggers += (triggers.empty() ? "" : ", ") + t;
    }
    std::cout << std::setw(static_cast<int>(id_width)) << c->id << "  "
              << std::setw(static_cast<int>(kind_width)) << c->kind << "  " << triggers << "\n";
  }
  std::cout << "\n(a change to " << (o.config.empty() ? ".smokehook.yml" : o.config)
            << " runs every check)\n";
  return 0;
}

}  // namespace smokehook
