#include "hooks.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "git_repo.h"
#include "text.h"

namespace smokehook {

extern const char kHookShim[];
extern const std::size_t kHookShimSize;

const char kHookMarker[] = "# smokehook:managed-hook:v1";

namespace {

const char* const kHooks[] = {"pre-commit", "pre-push"};
const char kOrigSuffix[] = ".smokehook-orig";

// Quotes a path for sh: '...' with embedded quotes escaped.
std::string sh_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

void replace_all(std::string* s, const std::string& from, const std::string& to) {
  for (size_t pos = 0; (pos = s->find(from, pos)) != std::string::npos; pos += to.size()) s->replace(pos, from.size(), to);
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
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
  if (fd < 0) {
    *err = "cannot write " + tmp + ": " + std::strerror(errno);
    return false;
  }
  bool ok = ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size());
  ok = ::fchmod(fd, 0755) == 0 && ok;
  ok = ::close(fd) == 0 && ok;
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

std::string hook_script(const std::string& hook, const std::string& binary) {
  std::string s(kHookShim, kHookShimSize);
  replace_all(&s, "@SMOKEHOOK_BIN@", sh_quote(binary));
  replace_all(&s, "@HOOK@", hook);
  return s;
}

bool is_smokehook_hook(const std::string& content) {
  for (const auto& line : split(content, '\n'))
    if (line == kHookMarker) return true;
  return false;
}

int install_hooks(const Repository& repo, const std::string& binary, bool force, std::ostream& out, std::string* err) {
  std::string dir = repo.hooks_dir(err);
  if (!err->empty()) return 2;
  std::string common = repo.common_dir();
  std::string workdir = repo.workdir();
  if (!force && !inside(dir, common) && !inside(dir, workdir)) {
    *err = "core.hooksPath is " + dir + ", outside this repository: hooks there run for every repository that "
           "shares it. Run 'smokehook install --force' to install there anyway.";
    return 2;
  }
  if (!mkdirs(dir, err)) return 2;
  for (const char* hook : kHooks) {
    std::string path = dir + "/" + hook;
    std::string orig = path + kOrigSuffix;
    std::string wanted = hook_script(hook, binary);
    std::string current;
    bool exists = path_exists(path);
    if (exists && read_hook(path, &current) && is_smokehook_hook(current)) {
      if (current == wanted) {
        out << "smokehook: " << path << " is already installed\n";
        continue;
      }
    } else if (exists) {
      if (path_exists(orig)) {
        *err = path + " is not smokehook's, and " + orig + " already holds an earlier hook; move one of them "
               "away first (nothing was changed)";
        return 2;
      }
      if (::rename(path.c_str(), orig.c_str()) != 0) {
        *err = "cannot keep the existing hook " + path + ": " + std::strerror(errno);
        return 2;
      }
      out << "smokehook: kept the existing " << hook << " hook as " << orig << "; it still runs first\n";
    }
    if (!write_executable(path, wanted, err)) return 2;
    out << "smokehook: installed " << path << "\n";
  }
  return 0;
}

int uninstall_hooks(const Repository& repo, std::ostream& out, std::string* err) {
  std::string dir = repo.hooks_dir(err);
  if (!err->empty()) return 2;
  for (const char* hook : kHooks) {
    std::string path = dir + "/" + hook;
    std::string orig = path + kOrigSuffix;
    std::string current;
    bool exists = path_exists(path);
    if (exists && !(read_hook(path, &current) && is_smokehook_hook(current))) {
      out << "smokehook: " << path << " is not smokehook's; left alone\n";
      continue;
    }
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
