#include "git/repo.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <mutex>

#include "base/text.h"

namespace smokehook {

std::string libgit2_error(const std::string& what) {
  const ::git_error* e = git_error_last();
  return what + ": " + (e && e->message ? e->message : "unknown libgit2 error");
}

void ensure_libgit2() {
  static std::once_flag once;
  std::call_once(once, [] {
    git_libgit2_init();
    // Objects come from the repository's own database: re-hashing every one
    // we read costs 40-80 % of a full scan and protects against nothing here.
    git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
    // Each object is read once in a run: caching them costs allocations and buys nothing.
    git_libgit2_opts(GIT_OPT_ENABLE_CACHING, 0);
  });
}

namespace {
std::string strip_slash(const char* p) {
  if (!p) return "";
  std::string s(p);
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}
}  // namespace

std::optional<Repository> Repository::open(const std::string& dir, std::string* err) {
  ensure_libgit2();
  err->clear();
  git_repository* raw = nullptr;
  const char* env_git_dir = std::getenv("GIT_DIR");
  int rc;
  if (env_git_dir && *env_git_dir) {
    std::string path = env_git_dir[0] == '/' ? env_git_dir : join_path(dir, env_git_dir);
    rc = git_repository_open_ext(&raw, path.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr);
  } else {
    rc = git_repository_open_ext(&raw, dir.c_str(), 0, nullptr);
  }
  if (rc == GIT_ENOTFOUND) return std::nullopt;
  if (rc < 0) {
    *err = libgit2_error("cannot open the git repository at " + dir);
    return std::nullopt;
  }
  RepoPtr repo(raw);
  const char* env_work_tree = std::getenv("GIT_WORK_TREE");
  if (env_git_dir && *env_git_dir && env_work_tree && *env_work_tree) {
    std::string wt = env_work_tree[0] == '/' ? env_work_tree : join_path(dir, env_work_tree);
    if (git_repository_set_workdir(repo.get(), wt.c_str(), 0) < 0) {
      *err = libgit2_error("cannot use GIT_WORK_TREE " + wt);
      return std::nullopt;
    }
  }
  return Repository(std::move(repo));
}

git_odb* Repository::odb() const {
  if (std::this_thread::get_id() == owner_) {
    git_odb* raw = nullptr;
    if (!odb_ && git_repository_odb(&raw, repo_.get()) == 0) odb_.reset(raw);
    return odb_.get();
  }
  // Worker threads live for one scan; each opens the object database once.
  thread_local git_repository* for_repo = nullptr;
  thread_local OdbPtr local;
  if (for_repo != repo_.get() || !local) {
    git_odb* raw = nullptr;
    local.reset(git_odb_open(&raw, (common_dir() + "/objects").c_str()) == 0 ? raw : nullptr);
    for (const std::string& dir : object_dirs_)
      if (local && git_odb_add_disk_alternate(local.get(), dir.c_str()) < 0) local.reset();
    for_repo = repo_.get();
  }
  return local.get();
}

std::vector<std::string> split_object_dirs(std::string_view list) {
  std::vector<std::string> dirs;
  size_t i = 0;
  while (i < list.size()) {
    std::string dir;
    if (list[i] == '"') {  // git's C quoting: \\, \", \n, \t, \ooo
      for (++i; i < list.size() && list[i] != '"'; ++i) {
        if (list[i] != '\\' || i + 1 >= list.size()) {
          dir += list[i];
          continue;
        }
        char c = list[++i];
        if (c >= '0' && c <= '3' && i + 2 < list.size()) {
          dir += static_cast<char>(((c - '0') << 6) | ((list[i + 1] - '0') << 3) | (list[i + 2] - '0'));
          i += 2;
        } else {
          static const std::string_view from = "abfnrtv", to = "\a\b\f\n\r\t\v";
          size_t k = from.find(c);
          dir += k == std::string_view::npos ? c : to[k];
        }
      }
      i = list.find(':', i);
      if (i == std::string_view::npos) i = list.size();
    } else {
      size_t end = list.find(':', i);
      if (end == std::string_view::npos) end = list.size();
      dir.assign(list.substr(i, end - i));
      i = end;
    }
    ++i;  // the ':'
    if (!dir.empty()) dirs.push_back(std::move(dir));
  }
  return dirs;
}

bool Repository::add_object_dirs_from_env(std::string* err) {
  std::vector<std::string> dirs;
  if (const char* objects = std::getenv("GIT_OBJECT_DIRECTORY"); objects && *objects) dirs.emplace_back(objects);
  if (const char* alternates = std::getenv("GIT_ALTERNATE_OBJECT_DIRECTORIES"))
    for (std::string& dir : split_object_dirs(alternates)) dirs.push_back(std::move(dir));
  if (dirs.empty()) return true;
  git_odb* main = odb();
  if (!main) {
    *err = libgit2_error("cannot open the object database");
    return false;
  }
  char cwd[4096];
  std::string here = ::getcwd(cwd, sizeof cwd) ? cwd : ".";
  std::string own = normalize_path(common_dir() + "/objects");
  for (const std::string& dir : dirs) {
    std::string path = normalize_path(join_path(here, dir));
    // The repository's own folder is read already; adding it twice doubles every miss.
    if (path == own || std::find(object_dirs_.begin(), object_dirs_.end(), path) != object_dirs_.end()) continue;
    if (git_odb_add_disk_alternate(main, path.c_str()) < 0) {
      *err = libgit2_error("cannot read objects from " + path);
      return false;
    }
    object_dirs_.push_back(path);
  }
  return true;
}

bool Repository::ignores(std::string_view path) const {
  if (bare()) return false;
  int ignored = 0;
  if (git_ignore_path_is_ignored(&ignored, repo_.get(), std::string(path).c_str()) < 0) {
    git_error_clear();
    return false;
  }
  return ignored != 0;
}

std::string Repository::workdir() const { return strip_slash(git_repository_workdir(repo_.get())); }
std::string Repository::git_dir() const { return strip_slash(git_repository_path(repo_.get())); }
std::string Repository::common_dir() const { return strip_slash(git_repository_commondir(repo_.get())); }

std::string Repository::hooks_dir(std::string* err) const {
  err->clear();
  git_config* raw = nullptr;
  if (git_repository_config_snapshot(&raw, repo_.get()) < 0) {
    *err = libgit2_error("cannot read the git configuration");
    return "";
  }
  ConfigPtr cfg(raw);
  git_buf buf = GIT_BUF_INIT;
  int rc = git_config_get_path(&buf, cfg.get(), "core.hooksPath");
  if (rc == 0) {
    std::string path(buf.ptr, buf.size);
    git_buf_dispose(&buf);
    if (!path.empty() && path[0] != '/') {
      std::string base = bare() ? git_dir() : workdir();
      path = join_path(base, path);
    }
    return strip_slash(path.c_str());
  }
  git_buf_dispose(&buf);
  if (rc != GIT_ENOTFOUND) {
    *err = libgit2_error("cannot read core.hooksPath");
    return "";
  }
  git_error_clear();
  return common_dir() + "/hooks";
}

TreePtr Repository::head_tree(std::string* err) const {
  err->clear();
  git_reference* head = nullptr;
  int rc = git_repository_head(&head, repo_.get());
  if (rc == GIT_EUNBORNBRANCH || rc == GIT_ENOTFOUND) {
    git_error_clear();
    return nullptr;
  }
  if (rc < 0) {
    *err = libgit2_error("cannot read HEAD");
    return nullptr;
  }
  git_object* obj = nullptr;
  rc = git_reference_peel(&obj, head, GIT_OBJECT_TREE);
  git_reference_free(head);
  if (rc < 0) {
    *err = libgit2_error("cannot read HEAD's tree");
    return nullptr;
  }
  return TreePtr(reinterpret_cast<git_tree*>(obj));
}

std::optional<git_oid> Repository::resolve_commit(const std::string& rev, std::string* err) const {
  git_object* obj = nullptr;
  if (git_revparse_single(&obj, repo_.get(), rev.c_str()) < 0) {
    *err = "unknown revision '" + rev + "'";
    git_error_clear();
    return std::nullopt;
  }
  ObjectPtr owned(obj);
  git_object* commit = nullptr;
  if (git_object_peel(&commit, obj, GIT_OBJECT_COMMIT) < 0) {
    *err = "'" + rev + "' does not name a commit";
    git_error_clear();
    return std::nullopt;
  }
  git_oid id = *git_object_id(commit);
  git_object_free(commit);
  return id;
}

TreePtr Repository::commit_tree(const git_oid& id, std::string* err) const {
  git_commit* c = nullptr;
  if (git_commit_lookup(&c, repo_.get(), &id) < 0) {
    *err = libgit2_error("cannot read commit " + oid_hex(id));
    return nullptr;
  }
  CommitPtr commit(c);
  git_tree* t = nullptr;
  if (git_commit_tree(&t, commit.get()) < 0) {
    *err = libgit2_error("cannot read the tree of commit " + oid_hex(id));
    return nullptr;
  }
  return TreePtr(t);
}

std::string oid_hex(const git_oid& oid) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, &oid);
  return buf;
}

std::optional<git_oid> oid_from_hex(const std::string& hex) {
  git_oid id;
  if (git_oid_fromstr(&id, hex.c_str()) < 0) return std::nullopt;
  return id;
}

std::string blob_id_of(std::string_view bytes) {
  ensure_libgit2();
  git_oid id;
  if (git_odb_hash(&id, bytes.data(), bytes.size(), GIT_OBJECT_BLOB) < 0) return "";
  return oid_hex(id);
}

}  // namespace smokehook
