#include "checks/config_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstdlib>

#include "base/text.h"
#include "git/repo.h"
#include "version.h"

namespace smokehook {

namespace {

// Bumped whenever what parse_yaml makes of a text, or its encoding, changes
// within one version of smokehook.
constexpr char kFormat[] = "tree1";

std::string from_env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

// Ours alone: owned by this user, writable by no one else.
bool private_to_user(const struct stat& st) {
  return st.st_uid == ::geteuid() && (st.st_mode & 022) == 0;
}

}  // namespace

std::string ParsedConfigCache::default_dir() {
  if (const char* own = std::getenv("SMOKEHOOK_CACHE_DIR")) return own;
  if (std::string xdg = from_env("XDG_CACHE_HOME"); !xdg.empty() && xdg[0] == '/')
    return xdg + "/smokehook";
  if (std::string home = from_env("HOME"); !home.empty() && home[0] == '/')
    return home + "/.cache/smokehook";
  return "";
}

std::string ParsedConfigCache::text_id(std::string_view text) { return blob_id_of(text); }

std::string ParsedConfigCache::entry_path(const std::string& id) const {
  return dir_ + "/" + id + "-" + SMOKEHOOK_VERSION + "-" + kFormat;
}

bool read_private_file(const std::string& dir, const std::string& path, std::string* data) {
  if (dir.empty()) return false;
  struct stat dir_st;
  if (::stat(dir.c_str(), &dir_st) != 0 || !S_ISDIR(dir_st.st_mode) || !private_to_user(dir_st))
    return false;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return false;
  struct stat st;
  std::string err;
  bool ok = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && private_to_user(st) &&
            read_fd(fd, static_cast<uint64_t>(st.st_size), data, &err);
  ::close(fd);
  return ok;
}

void write_private_file(const std::string& dir, const std::string& path, const std::string& data) {
  if (dir.empty()) return;
  // The folder and any missing parents, private to the user.
  for (size_t at = dir.find('/', 1);; at = dir.find('/', at + 1)) {
    if (::mkdir(dir.substr(0, at).c_str(), 0700) != 0 && errno != EEXIST) return;
    if (at == std::string::npos) break;
  }
  struct stat dir_st;
  if (::stat(dir.c_str(), &dir_st) != 0 || !private_to_user(dir_st))
    return;  // a reader would not trust it
  std::string tmp = path + ".tmp" + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return;
  bool ok = ::write(fd, data.data(), data.size()) == static_cast<ssize_t>(data.size());
  ok = ::close(fd) == 0 && ok;
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) ::unlink(tmp.c_str());
}

bool ParsedConfigCache::load(const std::string& id, std::string_view file,
                             std::vector<Node>* docs) const {
  if (dir_.empty() || id.size() != GIT_OID_HEXSZ) return false;
  std::string data;
  if (!read_private_file(dir_, entry_path(id), &data)) return false;
  docs->clear();
  if (decode_nodes(data, file, docs)) return true;
  docs->clear();
  return false;
}

void ParsedConfigCache::store(const std::string& id, const std::vector<Node>& docs) const {
  if (dir_.empty() || id.size() != GIT_OID_HEXSZ) return;
  write_private_file(dir_, entry_path(id), encode_nodes(docs));
}

}  // namespace smokehook
