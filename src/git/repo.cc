#include "git/repo.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
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

namespace {
// The object format a repository around `dir` declares ("sha256"), lower-cased; "" when none is
// found.
std::string object_format(const std::string& dir) {
  git_buf path = GIT_BUF_INIT;
  if (git_repository_discover(&path, dir.c_str(), 0, nullptr) < 0) {
    git_error_clear();
    return "";
  }
  std::string config = strip_slash(path.ptr) + "/config";
  git_buf_dispose(&path);
  git_config* raw = nullptr;
  if (git_config_open_ondisk(&raw, config.c_str()) < 0) {
    git_error_clear();
    return "";
  }
  ConfigPtr cfg(raw);
  git_buf value = GIT_BUF_INIT;
  std::string format;
  if (git_config_get_string_buf(&value, cfg.get(), "extensions.objectformat") == 0)
    format.assign(value.ptr, value.size);
  git_buf_dispose(&value);
  git_error_clear();
  for (char& c : format) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return format;
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
    if (std::string format =
            object_format(env_git_dir && *env_git_dir ? join_path(dir, env_git_dir) : dir);
        !format.empty() && format != "sha1") {
      *err = "this repository stores its objects with " + format +
             " ids (extensions.objectFormat), which smokehook cannot read yet: the libgit2 it is "
             "built on (" +
             LIBGIT2_VERSION + ", Debian 12's) reads SHA-1 repositories only";
    }
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

namespace {

// git's unquote_c_style(): `q` starts at an opening '"'. Returns false for
// broken quoting (no closing quote, an unknown escape, an octal escape that is
// not three octal digits, a NUL), which git then takes as an unquoted entry.
bool unquote_c(std::string_view q, std::string* out, size_t* end) {
  out->clear();
  auto octal = [](char c) { return c >= '0' && c <= '7'; };
  for (size_t i = 1; i < q.size();) {
    char c = q[i++];
    if (c == '"') {
      *end = i;
      return true;
    }
    if (c == '\0') return false;
    if (c != '\\') {
      *out += c;
      continue;
    }
    if (i >= q.size()) return false;
    char e = q[i++];
    static const std::string_view from = "abfnrtv", to = "\a\b\f\n\r\t\v";
    if (size_t k = from.find(e); k != std::string_view::npos) {
      *out += to[k];
    } else if (e == '\\' || e == '"') {
      *out += e;
    } else if (e >= '0' && e <= '3' && i + 1 < q.size() && octal(q[i]) && octal(q[i + 1])) {
      *out += static_cast<char>(((e - '0') << 6) | ((q[i] - '0') << 3) | (q[i + 1] - '0'));
      i += 2;
    } else {
      return false;
    }
  }
  return false;
}

}  // namespace

// As git's parse_alt_odb_entry(): entries separated by ':'; one starting with
// '#' is a comment; one starting with '"' is C-quoted when the quoting is
// whole (then the character after the closing quote, the separator, is
// skipped), else taken as written; empty entries are dropped.
std::vector<std::string> split_object_dirs(std::string_view list) {
  std::vector<std::string> dirs;
  size_t i = 0;
  std::string dir;
  while (i < list.size()) {
    std::string_view rest = list.substr(i);
    size_t end = 0;
    if (rest[0] == '#') {
      end = std::min(rest.find(':'), rest.size());
      dir.clear();
    } else if (!(rest[0] == '"' && unquote_c(rest, &dir, &end))) {
      end = std::min(rest.find(':'), rest.size());
      dir.assign(rest.substr(0, end));
    }
    if (end < rest.size()) ++end;  // the separator
    i += end;
    if (!dir.empty()) dirs.push_back(dir);
  }
  return dirs;
}

bool Repository::add_object_dirs_from_env(std::string* err) {
  std::vector<std::string> dirs;
  if (const char* objects = std::getenv("GIT_OBJECT_DIRECTORY"); objects && *objects)
    dirs.emplace_back(objects);
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
    if (path == own ||
        std::find(object_dirs_.begin(), object_dirs_.end(), path) != object_dirs_.end())
      continue;
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

Repository::DefaultBranch Repository::default_branch() const {
  DefaultBranch d;
  git_reference* raw = nullptr;
  if (git_reference_lookup(&raw, repo_.get(), "HEAD") < 0) {
    d.message = libgit2_error("cannot read HEAD");
    return d;
  }
  GitPtr<git_reference, git_reference_free> head(raw);
  if (git_reference_type(head.get()) != GIT_REFERENCE_SYMBOLIC) {
    d.status = DefaultBranch::Status::Found;
    d.ref = "HEAD";
    d.commit = *git_reference_target(head.get());
    return d;
  }
  std::string target = git_reference_symbolic_target(head.get());
  int rc = git_reference_name_to_id(&d.commit, repo_.get(), target.c_str());
  if (rc == 0) {
    d.status = DefaultBranch::Status::Found;
    d.ref = target;
    return d;
  }
  if (rc != GIT_ENOTFOUND) {
    d.message = libgit2_error("cannot read " + target);
    return d;
  }
  git_error_clear();
  d.head = target;  // unborn: the branches decide
  git_reference_iterator* it_raw = nullptr;
  if (git_reference_iterator_glob_new(&it_raw, repo_.get(), "refs/heads/*") < 0) {
    d.message = libgit2_error("cannot list the branches");
    return d;
  }
  GitPtr<git_reference_iterator, git_reference_iterator_free> it(it_raw);
  const char* name = nullptr;
  while ((rc = git_reference_next_name(&name, it.get())) == 0) d.branches.emplace_back(name);
  if (rc != GIT_ITEROVER) {
    d.message = libgit2_error("cannot list the branches");
    return d;
  }
  git_error_clear();
  std::sort(d.branches.begin(), d.branches.end());
  if (d.branches.empty()) {
    d.status = DefaultBranch::Status::NoBranch;
    return d;
  }
  if (d.branches.size() > 1) {
    d.status = DefaultBranch::Status::Ambiguous;
    return d;
  }
  d.ref = d.branches[0];
  if (git_reference_name_to_id(&d.commit, repo_.get(), d.ref.c_str()) < 0) {
    d.message = libgit2_error("cannot read " + d.ref);
    return d;
  }
  d.status = DefaultBranch::Status::Found;
  return d;
}

Repository::Peeled Repository::peel_to_commit(const std::string& hex) const {
  Peeled p;
  git_oid id;
  git_object* raw = nullptr;
  if (git_oid_fromstr(&id, hex.c_str()) < 0 ||
      git_object_lookup(&raw, repo_.get(), &id, GIT_OBJECT_ANY) < 0) {
    p.message = libgit2_error("cannot read the pushed object " + hex);
    return p;
  }
  ObjectPtr object(raw);
  if (git_object_type(object.get()) ==
      GIT_OBJECT_TAG) {  // an annotated tag: what it tags, through tags of tags
    git_object* target = nullptr;
    if (git_object_peel(&target, object.get(), GIT_OBJECT_ANY) < 0) {
      p.message = libgit2_error("cannot peel the tag " + hex);
      return p;
    }
    object.reset(target);
  }
  git_object_t type = git_object_type(object.get());
  if (type != GIT_OBJECT_COMMIT) {
    p.status = Peeled::Status::NotACommit;
    p.message = git_object_type2string(type);
    return p;
  }
  p.status = Peeled::Status::Commit;
  p.commit = *git_object_id(object.get());
  return p;
}

std::string Repository::workdir() const { return strip_slash(git_repository_workdir(repo_.get())); }
std::string Repository::git_dir() const { return strip_slash(git_repository_path(repo_.get())); }
std::string Repository::common_dir() const {
  return strip_slash(git_repository_commondir(repo_.get()));
}

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
