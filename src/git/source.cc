#include "git/source.h"

#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <cstdlib>

#include <cstring>

#include "base/text.h"
#include "git/disk_source.h"
#include "git/index.h"

namespace smokehook {
namespace {

bool is_file_mode(git_filemode_t mode) {
  return mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE ||
         mode == GIT_FILEMODE_LINK;
}

// The blob as libgit2 inflated it (its own buffer: the one copy in memory).
OdbObjectPtr read_blob_object(const Repository& repo, const git_oid& id, std::string* err) {
  git_odb* odb = repo.odb();
  git_odb_object* raw = nullptr;
  if (!odb || git_odb_read(&raw, odb, &id) < 0) {
    *err = libgit2_error("cannot read blob " + oid_hex(id));
    return nullptr;
  }
  OdbObjectPtr object(raw);
  if (git_odb_object_type(object.get()) != GIT_OBJECT_BLOB) {
    *err = "cannot read blob " + oid_hex(id) + ": it is not a blob";
    return nullptr;
  }
  return object;
}

std::string_view object_bytes(const OdbObjectPtr& object) {
  return {static_cast<const char*>(git_odb_object_data(object.get())),
          git_odb_object_size(object.get())};
}

ReadStatus read_blob(const Repository& repo, const git_oid& id, std::string* content,
                     std::string* err) {
  OdbObjectPtr object = read_blob_object(repo, id, err);
  if (!object) return ReadStatus::Error;
  content->assign(object_bytes(object));
  return ReadStatus::Ok;
}

// The object's size from its header: no inflating of a large blob.
std::optional<uint64_t> blob_size(const Repository& repo, const git_oid& id) {
  git_odb* odb = repo.odb();
  size_t len = 0;
  git_object_t type;
  if (!odb || git_odb_read_header(&len, &type, odb, &id) < 0) {
    git_error_clear();
    return std::nullopt;
  }
  return static_cast<uint64_t>(len);
}

// visit_at_most() for a blob: the size from its header first, then the
// inflated bytes handed over in libgit2's buffer, never copied.
BoundedRead visit_blob(const Repository& repo, const git_oid& id, uint64_t limit,
                       ContentVisitor use, std::string* err) {
  BoundedRead r;
  if (std::optional<uint64_t> size = blob_size(repo, id); size && *size > limit) {
    r.status = ReadStatus::Ok;
    r.too_large = true;
    r.size = *size;
    return r;
  }
  OdbObjectPtr object = read_blob_object(repo, id, err);
  if (!object) {
    r.status = ReadStatus::Error;
    return r;
  }
  std::string_view bytes = object_bytes(object);
  r.status = ReadStatus::Ok;
  r.size = bytes.size();
  r.too_large = r.size > limit;
  if (!r.too_large) use(bytes);
  return r;
}

// One entry of a tree object: "<octal mode> <name>\0<id>".
struct RawEntry {
  uint32_t mode = 0;
  std::string_view name;
  git_oid id{};
};

// A tree's entries, read through the calling thread's object database (a
// libgit2 tree object belongs to the thread that made it). False with `err`
// set when the tree cannot be read or is malformed.
bool read_tree(const Repository& repo, const git_oid& id, OdbObjectPtr* object,
               std::vector<RawEntry>* entries, std::string* err) {
  git_odb* odb = repo.odb();
  git_odb_object* raw = nullptr;
  if (!odb || git_odb_read(&raw, odb, &id) < 0) {
    *err = libgit2_error("cannot read tree " + oid_hex(id));
    return false;
  }
  object->reset(raw);
  if (git_odb_object_type(raw) != GIT_OBJECT_TREE) {
    *err = "cannot read tree " + oid_hex(id) + ": it is not a tree";
    return false;
  }
  std::string_view data(static_cast<const char*>(git_odb_object_data(raw)),
                        git_odb_object_size(raw));
  entries->clear();
  while (!data.empty()) {
    RawEntry e;
    size_t space = data.find(' ');
    size_t nul = data.find('\0', space == std::string_view::npos ? data.size() : space);
    if (space == std::string_view::npos || space == 0 || space > 7 ||
        nul == std::string_view::npos || data.size() - nul - 1 < GIT_OID_RAWSZ) {
      *err = "cannot read tree " + oid_hex(id) + ": malformed";
      return false;
    }
    for (char c : data.substr(0, space)) {
      if (c < '0' || c > '7') {
        *err = "cannot read tree " + oid_hex(id) + ": malformed";
        return false;
      }
      e.mode = e.mode * 8 + static_cast<uint32_t>(c - '0');
    }
    e.name = data.substr(space + 1, nul - space - 1);
    git_oid_fromraw(&e.id, reinterpret_cast<const unsigned char*>(data.data() + nul + 1));
    entries->push_back(e);
    data.remove_prefix(nul + 1 + GIT_OID_RAWSZ);
  }
  return true;
}

bool raw_is_file(uint32_t mode) { return mode == 0100644 || mode == 0100755 || mode == 0120000; }

// The blob id of `rest` ("c/d.txt") below tree `id`; nullopt when there is none.
std::optional<git_oid> find_in_tree(const Repository& repo, git_oid id, std::string_view rest) {
  OdbObjectPtr object;
  std::vector<RawEntry> entries;
  std::string err;
  for (;;) {
    if (!read_tree(repo, id, &object, &entries, &err)) {
      git_error_clear();
      return std::nullopt;
    }
    size_t slash = rest.find('/');
    std::string_view name = rest.substr(0, slash);
    auto it = std::find_if(entries.begin(), entries.end(),
                           [&](const RawEntry& e) { return e.name == name; });
    bool folder = slash != std::string_view::npos;
    if (it == entries.end() || (folder ? it->mode != 040000 : !raw_is_file(it->mode)))
      return std::nullopt;
    if (!folder) return it->id;
    id = it->id;
    rest.remove_prefix(slash + 1);
  }
}

// Every file below tree `id`, with `prefix` ("a/b/") before its path, in git's order.
bool expand_tree(const Repository& repo, const git_oid& id, const std::string& prefix,
                 std::vector<std::pair<std::string, git_oid>>* out, std::string* err) {
  OdbObjectPtr object;
  std::vector<RawEntry> entries;
  if (!read_tree(repo, id, &object, &entries, err)) return false;
  for (const RawEntry& e : entries) {
    std::string path = prefix + std::string(e.name);
    if (e.mode == 040000) {
      if (!expand_tree(repo, e.id, path + "/", out, err)) return false;
    } else if (raw_is_file(e.mode)) {
      out->emplace_back(std::move(path), e.id);
    }
  }
  return true;
}

}  // namespace

TreeSource::TreeSource(const Repository& repo, TreePtr tree, std::string label)
    : repo_(repo), tree_(std::move(tree)), label_(std::move(label)) {}
TreeSource::~TreeSource() = default;

namespace {

bool config_set(git_config* cfg, const char* key, std::string* value) {
  git_buf buf = GIT_BUF_INIT;
  int rc = git_config_get_string_buf(&buf, cfg, key);
  if (rc == 0) value->assign(buf.ptr, buf.size);
  git_buf_dispose(&buf);
  git_error_clear();
  return rc == 0;
}

bool file_exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

// The stat data git recorded equals the file's: git's own test (ie_match_stat), at least as strict.
bool unchanged(const GitIndex::Stat& s, const struct stat& st) {
  auto u32 = [](auto v) { return static_cast<uint32_t>(v); };
  return s.mtime_s == u32(st.st_mtim.tv_sec) && s.mtime_ns == u32(st.st_mtim.tv_nsec) &&
         s.ctime_s == u32(st.st_ctim.tv_sec) && s.ctime_ns == u32(st.st_ctim.tv_nsec) &&
         s.ino == u32(st.st_ino) && s.uid == u32(st.st_uid) && s.gid == u32(st.st_gid) &&
         s.size == u32(st.st_size);
}

// Written in the same instant as the index (or after): the file may have changed unseen.
bool racy(const GitIndex::Stat& s, const struct timespec& written) {
  if (written.tv_sec == 0 && written.tv_nsec == 0) return true;
  if (s.mtime_s != static_cast<uint32_t>(written.tv_sec))
    return s.mtime_s > static_cast<uint32_t>(written.tv_sec);
  return s.mtime_ns >= static_cast<uint32_t>(written.tv_nsec);
}

}  // namespace

void TreeSource::prepare_bulk_read() const {
  if (!candidate_) return;
  std::call_once(prepared_, [this] {
    if (!worktree_is_verbatim()) return;
    std::string err;
    index_ = GitIndex::open(current_index_path(repo_), &err, repo_.git_dir());
    if (index_) worktree_ = candidate_;
  });
}

// Whether a checked-out file's bytes are its blob's: nothing configures a
// conversion (autocrlf, or any attributes file, where filter, text, eol,
// ident or working-tree-encoding could be set). Conservative on purpose: any
// attributes file at all turns the shortcut off, and the blobs are read.
bool TreeSource::worktree_is_verbatim() const {
  git_config* raw = nullptr;
  if (git_repository_config_snapshot(&raw, repo_.get()) < 0) {
    git_error_clear();
    return false;
  }
  ConfigPtr cfg(raw);
  std::string value;
  if (config_set(cfg.get(), "core.autocrlf", &value) && value != "false") return false;
  if (config_set(cfg.get(), "core.attributesFile", &value)) return false;
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  const char* home = std::getenv("HOME");
  std::string global = xdg && *xdg ? std::string(xdg) + "/git/attributes"
                       : home      ? std::string(home) + "/.config/git/attributes"
                                   : "";
  if (!global.empty() && file_exists(global)) return false;
  if (file_exists(repo_.common_dir() + "/info/attributes")) return false;
  if (file_exists(candidate_->root() + "/.gitattributes")) return false;
  static constexpr std::string_view kName = "/.gitattributes";
  for (const std::string& p : paths()) {
    if (p == kName.substr(1) ||
        (p.size() > kName.size() && p.compare(p.size() - kName.size(), kName.size(), kName) == 0))
      return false;
  }
  return true;
}

std::optional<git_oid> TreeSource::file_id(std::string_view path) const {
  // Once listed (before any worker thread reads), the listing answers: no libgit2 tree on other
  // threads.
  if (listed_done_.load(std::memory_order_acquire)) {
    // A gate asks for paths in the listing's order, a run of neighbours per thread: try the next
    // one first.
    thread_local const TreeSource* hint_source = nullptr;
    thread_local size_t hint = 0;
    size_t at;
    if (hint_source == this && hint < paths_.size() && paths_[hint] == path) {
      at = hint;
    } else {
      auto it = std::lower_bound(paths_.begin(), paths_.end(), path);
      if (it == paths_.end() || *it != path) return std::nullopt;
      at = static_cast<size_t>(it - paths_.begin());
    }
    hint_source = this;
    hint = at + 1;
    return ids_[at];
  }
  git_tree_entry* raw = nullptr;
  if (git_tree_entry_bypath(&raw, tree_.get(), std::string(path).c_str()) < 0) {
    git_error_clear();
    return std::nullopt;
  }
  TreeEntryPtr entry(raw);
  if (!is_file_mode(git_tree_entry_filemode(entry.get()))) return std::nullopt;
  return *git_tree_entry_id(entry.get());
}

ReadStatus TreeSource::read(std::string_view path, std::string* content, std::string* err) const {
  std::optional<git_oid> id = file_id(path);
  return id ? read_blob(repo_, *id, content, err) : ReadStatus::NotFound;
}

std::optional<BoundedRead> TreeSource::read_from_worktree(std::string_view path, const git_oid& id,
                                                          uint64_t limit, std::string* content,
                                                          std::string* err) const {
  if (!worktree_) return std::nullopt;
  const GitIndex::Entry* e = index_->find(path);
  if (!e || !(e->mode() == 0100644 || e->mode() == 0100755) ||
      std::memcmp(e->id(), id.id, GitIndex::kIdSize) != 0)
    return std::nullopt;
  GitIndex::Stat recorded = e->stat();
  if (racy(recorded, index_->written())) return std::nullopt;
  auto same = [&](const struct stat& st) { return unchanged(recorded, st); };
  return worktree_->read_if(path, limit, same, content, err);
}

BoundedRead TreeSource::read_at_most(std::string_view path, uint64_t limit, std::string* content,
                                     std::string* err) const {
  std::optional<git_oid> id = file_id(path);
  if (id)
    if (std::optional<BoundedRead> got = read_from_worktree(path, *id, limit, content, err))
      return *got;
  return FileSource::read_at_most(path, limit, content,
                                  err);  // the blob: size from its header, then content
}

BoundedRead TreeSource::visit_at_most(std::string_view path, uint64_t limit, std::string* scratch,
                                      ContentVisitor use, std::string* err) const {
  std::optional<git_oid> id = file_id(path);
  if (!id) return BoundedRead{};
  if (std::optional<BoundedRead> got = read_from_worktree(path, *id, limit, scratch, err)) {
    if (got->status == ReadStatus::Ok && !got->too_large) use(*scratch);
    return *got;
  }
  return visit_blob(repo_, *id, limit, use, err);
}

bool TreeSource::exists(std::string_view path) const { return file_id(path).has_value(); }

std::string TreeSource::blob_id(std::string_view path) const {
  std::optional<git_oid> id = file_id(path);
  return id ? oid_hex(*id) : "";
}

std::optional<uint64_t> TreeSource::size(std::string_view path) const {
  std::optional<git_oid> id = file_id(path);
  return id ? blob_size(repo_, *id) : std::nullopt;
}

const std::vector<std::string>& TreeSource::paths() const {
  std::call_once(listed_, [this] {
    // Straight into the listing: a server's full scan lists 100k paths, and an
    // intermediate vector of pairs cost a tenth of such a run (copies, page faults).
    auto cb = [](const char* root, const git_tree_entry* e, void* payload) -> int {
      if (is_file_mode(git_tree_entry_filemode(e))) {
        auto* self = static_cast<const TreeSource*>(payload);
        self->paths_.emplace_back(std::string(root) + git_tree_entry_name(e));
        self->ids_.push_back(*git_tree_entry_id(e));
      }
      return 0;
    };
    git_tree_walk(tree_.get(), GIT_TREEWALK_PRE, cb, const_cast<TreeSource*>(this));
    // git orders a tree's entries as if a folder's name ended in '/': a walk
    // then yields whole paths in byte order already. Sorted only if not.
    if (!std::is_sorted(paths_.begin(), paths_.end())) {
      std::vector<size_t> order(paths_.size());
      for (size_t i = 0; i < order.size(); ++i) order[i] = i;
      std::sort(order.begin(), order.end(),
                [this](size_t a, size_t b) { return paths_[a] < paths_[b]; });
      std::vector<std::string> paths;
      std::vector<git_oid> ids;
      paths.reserve(order.size());
      ids.reserve(order.size());
      for (size_t i : order) {
        paths.push_back(std::move(paths_[i]));
        ids.push_back(ids_[i]);
      }
      paths_.swap(paths);
      ids_.swap(ids);
    }
    listed_done_.store(true, std::memory_order_release);
  });
  return paths_;
}

bool TreeSource::ignored(std::string_view path) const { return repo_.ignores(path); }

IndexSource::IndexSource(const Repository& repo, std::unique_ptr<GitIndex> index)
    : repo_(repo), index_(std::move(index)) {}
IndexSource::~IndexSource() = default;

std::unique_ptr<IndexSource> IndexSource::open(const Repository& repo,
                                               const std::string& index_path, std::string* err) {
  std::unique_ptr<GitIndex> index = GitIndex::open(index_path, err, repo.git_dir());
  if (!index) return nullptr;
  return std::unique_ptr<IndexSource>(new IndexSource(repo, std::move(index)));
}

std::string IndexSource::blob_id(std::string_view path) const {
  std::optional<git_oid> id = file_id(path);
  return id ? oid_hex(*id) : "";
}

std::optional<git_oid> IndexSource::file_id(std::string_view path) const {
  git_oid id;
  const GitIndex::Entry* e = index_->find(path);
  if (!e) {
    // below a sparse index's folder: in its tree
    const GitIndex::Entry* dir = index_->sparse_dir_of(path);
    if (!dir) return std::nullopt;
    git_oid_fromraw(&id, dir->id());
    return find_in_tree(repo_, id, path.substr(dir->path().size()));
  }
  if (e->intent_to_add() || !e->is_file()) return std::nullopt;
  git_oid_fromraw(&id, e->id());
  return id;
}

ReadStatus IndexSource::read(std::string_view path, std::string* content, std::string* err) const {
  std::optional<git_oid> id = file_id(path);
  return id ? read_blob(repo_, *id, content, err) : ReadStatus::NotFound;
}

BoundedRead IndexSource::visit_at_most(std::string_view path, uint64_t limit, std::string*,
                                       ContentVisitor use, std::string* err) const {
  std::optional<git_oid> id = file_id(path);
  return id ? visit_blob(repo_, *id, limit, use, err) : BoundedRead{};
}

bool IndexSource::exists(std::string_view path) const { return file_id(path).has_value(); }

std::optional<uint64_t> IndexSource::size(std::string_view path) const {
  std::optional<git_oid> id = file_id(path);
  return id ? blob_size(repo_, *id) : std::nullopt;
}

const std::vector<std::string>& IndexSource::paths() const {
  std::call_once(listed_, [this] {
    paths_.reserve(index_->entries().size());
    for (const GitIndex::Entry& e : index_->entries()) {
      if (e.stage() == 0 &&
          e.is_sparse_dir()) {  // its files, in place: a folder's files sort where it does
        git_oid id;
        git_oid_fromraw(&id, e.id());
        std::vector<std::pair<std::string, git_oid>> files;
        std::string err;
        if (!expand_tree(repo_, id, std::string(e.path()), &files, &err))
          continue;  // unreadable: read as missing
        for (auto& f : files) paths_.push_back(std::move(f.first));
        continue;
      }
      if (e.stage() != 0 || e.intent_to_add() || !e.is_file()) continue;
      paths_.emplace_back(e.path());
    }
  });
  return paths_;
}

bool IndexSource::ignored(std::string_view path) const { return repo_.ignores(path); }

std::string current_index_path(const Repository& repo) {
  const char* env = std::getenv("GIT_INDEX_FILE");
  if (env && *env) {
    if (env[0] == '/') return env;
    char cwd[4096];
    if (::getcwd(cwd, sizeof cwd)) return join_path(cwd, env);
    return env;
  }
  return repo.git_dir() + "/index";
}

}  // namespace smokehook
