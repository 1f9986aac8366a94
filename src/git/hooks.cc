#include "git/hooks.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "base/fd.h"
#include "base/text.h"
#include "git/repo.h"
#include "hook_slot.h"

extern char** environ;

namespace smokehook {

extern const char kHookShim[];
extern const std::size_t kHookShimSize;
extern const char kHookLauncher[];  // empty when this build has no compiled hook
extern const std::size_t kHookLauncherSize;

namespace {

// The line that identifies our hooks; v1 marked the shell hooks of smokehook 0.1's first builds.
constexpr std::string_view kHookMarker = SMOKEHOOK_HOOK_MARKER;
constexpr std::string_view kHookMarkerV1 = "# smokehook:managed-hook:v1";

const char* const kAllHooks[] = {"pre-commit", "pre-merge-commit", "pre-push", "pre-receive"};
// What install writes: the client hooks (a conflict-free `git merge` runs
// pre-merge-commit, not pre-commit), or in a bare repository (where pushes arrive) pre-receive.
std::vector<std::string_view> hooks_for(const Repository& repo) {
  if (repo.bare()) return {"pre-receive"};
  return {"pre-commit", "pre-merge-commit", "pre-push"};
}
const char kOrigSuffix[] = ".smokehook-orig";

// Quotes a path for sh: '...' with embedded quotes escaped.
std::string sh_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

void replace_all(std::string* s, const std::string& from, const std::string& to) {
  for (size_t pos = 0; (pos = s->find(from, pos)) != std::string::npos; pos += to.size())
    s->replace(pos, from.size(), to);
}

bool path_exists(const std::string& p) {
  struct stat st;
  return ::lstat(p.c_str(), &st) == 0;
}

bool mkdirs(const std::string& dir, std::string* err) {
  if (dir.empty() || path_exists(dir)) return true;
  if (!mkdirs(dirname(dir), err)) return false;
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    *err = "cannot create " + dir + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

// Writes through a temporary file and a rename: a hook is never half-written.
bool write_executable(const std::string& path, const std::string& content, std::string* err) {
  std::string tmp = path + ".smokehook-tmp";
  Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755));
  if (!fd) {
    *err = "cannot write " + tmp + ": " + std::strerror(errno);
    return false;
  }
  bool ok =
      ::write(fd.get(), content.data(), content.size()) == static_cast<ssize_t>(content.size());
  ok = ::fchmod(fd.get(), 0755) == 0 && ok;
  ok = fd.close() && ok;
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    *err = "cannot write " + path + ": " + std::strerror(errno);
    ::unlink(tmp.c_str());
    return false;
  }
  return true;
}

bool read_hook(const std::string& path, std::string* content) {
  std::string err;
  return read_whole_file(path, content, &err);
}

bool inside(const std::string& path, const std::string& dir) {
  return !dir.empty() && (path == dir || starts_with(path, dir + "/"));
}

}  // namespace

HookForm default_hook_form() {
  const char* script = std::getenv("SMOKEHOOK_HOOK_SCRIPT");
  bool want_script = script && std::string_view(script) == "1";
  return kHookLauncherSize > 0 && !want_script ? HookForm::Compiled : HookForm::Shell;
}

bool hook_file_content(HookForm form, const std::string& hook, const std::string& binary,
                       std::string* content, std::string* err, const std::string& config) {
  if (form == HookForm::Shell) {
    *content = std::string(kHookShim, kHookShimSize);
    replace_all(content, "@SMOKEHOOK_BIN@", sh_quote(binary));
    replace_all(content, "@CONFIG@", sh_quote(config));
    replace_all(content, "@HOOK@", hook);
    return true;
  }
  *content = std::string(kHookLauncher, kHookLauncherSize);
  const std::string_view head = SMOKEHOOK_SLOT_HEAD;
  size_t at = content->find(head);
  if (at == std::string::npos || content->size() - at < SMOKEHOOK_SLOT_SIZE) {
    *err =
        "this smokehook was built without a usable compiled hook; install with "
        "SMOKEHOOK_HOOK_SCRIPT=1";
    return false;
  }
  std::string fields = "hook=" + hook + '\0' + "bin=" + binary + '\0';
  if (!config.empty()) fields += "config=" + config + '\0';
  if (head.size() + fields.size() >= SMOKEHOOK_SLOT_SIZE) {
    *err = "the path of smokehook" +
           std::string(config.empty() ? "" : " and of the configuration") +
           " are too long to record in the compiled hook (" +
           std::to_string(binary.size() + config.size()) +
           " bytes): install at a shorter path, or install with SMOKEHOOK_HOOK_SCRIPT=1";
    return false;
  }
  content->replace(at + head.size(), fields.size(), fields);
  return true;
}

bool is_smokehook_hook(const std::string& content) {
  for (const auto& line : split(content, '\n'))
    if (line == kHookMarker || line == kHookMarkerV1) return true;
  return false;
}

std::string kept_hook_path(const std::string& hook_file, const std::string& hook) {
  std::string dir = dirname(hook_file);
  return (dir.empty() ? "." : dir) + "/" + hook + kOrigSuffix;
}

int run_kept_hook(const std::string& path, const std::vector<std::string>& args,
                  const std::string* input, std::string* err) {
  if (::access(path.c_str(), X_OK) != 0)
    return 0;  // git does not run a hook that is not executable either
  posix_spawn_file_actions_t actions;
  ::posix_spawn_file_actions_init(&actions);
  Fd stdin_fd;
  if (input) {
    // A file in memory, not a pipe: a hook that never reads its stdin cannot block us.
    stdin_fd = Fd(::memfd_create("smokehook-hook-input", MFD_CLOEXEC));
    bool ok = stdin_fd &&
              ::write(stdin_fd.get(), input->data(), input->size()) ==
                  static_cast<ssize_t>(input->size()) &&
              ::lseek(stdin_fd.get(), 0, SEEK_SET) == 0;
    if (!ok) {
      *err = "cannot pass git's ref lines to " + path + ": " + std::strerror(errno);
      ::posix_spawn_file_actions_destroy(&actions);
      return 2;
    }
    ::posix_spawn_file_actions_adddup2(&actions, stdin_fd.get(), STDIN_FILENO);
  }
  std::string shell = "/bin/sh";
  std::vector<char*> argv = {const_cast<char*>(path.c_str())};
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  int rc = ::posix_spawn(&pid, path.c_str(), &actions, nullptr, argv.data(), environ);
  if (rc == ENOEXEC) {  // no #! line: git hands such a hook to sh
    argv.insert(argv.begin(), shell.data());
    rc = ::posix_spawn(&pid, shell.c_str(), &actions, nullptr, argv.data(), environ);
  }
  ::posix_spawn_file_actions_destroy(&actions);
  stdin_fd.close();
  if (rc != 0) {
    *err = "cannot run the hook kept from before smokehook, " + path + ": " + std::strerror(rc);
    return 2;
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      *err = "lost the hook kept from before smokehook, " + path + ": " + std::strerror(errno);
      return 2;
    }
  }
  if (WIFSIGNALED(status)) {
    *err = path + " (the hook kept from before smokehook) was interrupted (signal " +
           std::to_string(WTERMSIG(status)) + "); nothing was let through";
    return 128 + WTERMSIG(status);
  }
  return WEXITSTATUS(status);
}

int install_hooks(const Repository& repo, const std::string& binary, const std::string& config,
                  bool force, std::ostream& out, std::string* err) {
  std::string dir = repo.hooks_dir(err);
  if (!err->empty()) return 2;
  bool server = repo.bare();
  if (!config.empty() && !server) {
    *err =
        "--config is for a server's bare repository, whose pre-receive hook reads that file on "
        "every push; "
        "here the hooks read the .smokehook.yml being committed or pushed";
    return 2;
  }
  std::string common = repo.common_dir();
  std::string workdir = repo.workdir();
  if (!force && !inside(dir, common) && !inside(dir, workdir)) {
    *err = "core.hooksPath is " + dir +
           ", outside this repository: hooks there run for every repository that "
           "shares it. Run 'smokehook install --force' to install there anyway.";
    return 2;
  }
  if (!mkdirs(dir, err)) return 2;
  HookForm form = default_hook_form();
  for (std::string_view name : hooks_for(repo)) {
    std::string hook(name);
    std::string path = dir + "/" + hook;
    std::string orig = path + kOrigSuffix;
    std::string wanted;
    if (!hook_file_content(form, hook, binary, &wanted, err, config)) return 2;
    std::string current;
    bool exists = path_exists(path);
    if (exists && read_hook(path, &current) && is_smokehook_hook(current)) {
      if (current == wanted) {
        out << "smokehook: " << path << " is already installed\n";
        continue;
      }
    } else if (exists) {
      if (path_exists(orig)) {
        *err = path + " is not smokehook's, and " + orig +
               " already holds an earlier hook; move one of them "
               "away first (nothing was changed)";
        return 2;
      }
      if (::rename(path.c_str(), orig.c_str()) != 0) {
        *err = "cannot keep the existing hook " + path + ": " + std::strerror(errno);
        return 2;
      }
      out << "smokehook: kept the existing " << hook << " hook as " << orig
          << "; it still runs first\n";
    }
    if (!write_executable(path, wanted, err)) return 2;
    out << "smokehook: installed " << path << "\n";
  }
  return 0;
}

int uninstall_hooks(const Repository& repo, std::ostream& out, std::string* err) {
  std::string dir = repo.hooks_dir(err);
  if (!err->empty()) return 2;
  // Every hook smokehook may have installed; a hook of the other kind (the
  // pre-receive hook of a repository that is not bare) is mentioned only when it is ours.
  std::vector<std::string_view> own = hooks_for(repo);
  for (const char* hook : kAllHooks) {
    bool this_kind = std::find(own.begin(), own.end(), std::string_view(hook)) != own.end();
    std::string path = dir + "/" + hook;
    std::string orig = path + kOrigSuffix;
    std::string current;
    bool exists = path_exists(path);
    if (exists && !(read_hook(path, &current) && is_smokehook_hook(current))) {
      if (this_kind) out << "smokehook: " << path << " is not smokehook's; left alone\n";
      continue;
    }
    if (!this_kind && !exists) continue;
    if (exists && ::unlink(path.c_str()) != 0) {
      *err = "cannot remove " + path + ": " + std::strerror(errno);
      return 2;
    }
    if (path_exists(orig)) {
      if (::rename(orig.c_str(), path.c_str()) != 0) {
        *err = "cannot restore " + orig + ": " + std::strerror(errno);
        return 2;
      }
      out << "smokehook: restored the previous " << hook << " hook\n";
    } else if (exists) {
      out << "smokehook: removed " << path << "\n";
    }
  }
  return 0;
}

}  // namespace smokehook
