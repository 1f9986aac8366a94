#include "git_source.h"

#include <algorithm>
#include <cstdlib>
#include <unistd.h>

#include "git_index.h"
#include "text.h"

namespace smokehook {
namespace {

bool is_file_mode(git_filemode_t mode) {
  return mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE || mode == GIT_FILEMODE_LINK;
}

ReadStatus read_blob(const Repository& repo, const git_oid& id, std::string* content, std::string* err) {
  git_odb* odb = repo.odb();
  git_odb_object* raw = nullptr;
  if (!odb || git_odb_read(&raw, odb, &id) < 0) {
    *err = libgit2_error("cannot read blob " + oid_hex(id));
    return ReadStatus::Error;
  }
  OdbObjectPtr object(raw);
  if (git_odb_object_type(object.get()) != GIT_OBJECT_BLOB) {
    *err = "cannot read blob " + oid_hex(id) + ": it is not a blob";
    return ReadStatus::Error;
  }
  content->assign(static_cast<const char*>(git_odb_object_data(object.get())), git_odb_object_size(object.get()));
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

// A blob's size from its header, then its content when it is small enough.
BoundedRead read_blob_at_most(const Repository& repo, const std::optional<git_oid>& id, uint64_t limit,
                              std::string* content, std::string* err) {
  BoundedRead r;
  if (!id) return r;
  if (std::optional<uint64_t> size = blob_size(repo, *id); size && *size > limit) {
    r.status = ReadStatus::Ok;
    r.too_large = true;
    r.size = *size;
    return r;
  }
  r.status = read_blob(repo, *id, content, err);
  r.size = content->size();
  return r;
}

bool path_ignored(const Repository& repo, std::string_view path) {
  if (repo.bare()) return false;
  int ignored = 0;
  if (git_ignore_path_is_ignored(&ignored, repo.get(), std::string(path).c_str()) < 0) {
    git_error_clear();
    return false;
  }
  return ignored != 0;
}

}  // namespace

TreeSource::TreeSource(const Repository& repo, TreePtr tree, std::string label)
    : repo_(repo), tree_(std::move(tree)), label_(std::move(label)) {}

std::optional<git_oid> TreeSource::file_id(std::string_view path) const {
  // Once listed (before any worker thread reads), the listing answers: no libgit2 tree on other threads.
  if (listed_done_.load(std::memory_order_acquire)) {
    auto it = std::lower_bound(paths_.begin(), paths_.end(), path);
    if (it == paths_.end() || *it != path) return std::nullopt;
    return ids_[static_cast<size_t>(it - paths_.begin())];
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

BoundedRead TreeSource::read_at_most(std::string_view path, uint64_t limit, std::string* content,
                                     std::string* err) const {
  return read_blob_at_most(repo_, file_id(path), limit, content, err);
}

bool TreeSource::exists(std::string_view path) const { return file_id(path).has_value(); }

std::optional<uint64_t> TreeSource::size(std::string_view path) const {
  std::optional<git_oid> id = file_id(path);
  return id ? blob_size(repo_, *id) : std::nullopt;
}

const std::vector<std::string>& TreeSource::paths() const {
  std::call_once(listed_, [this] {
    struct Listing {
      std::vector<std::pair<std::string, git_oid>> files;
    } listing;
    auto cb = [](const char* root, const git_tree_entry* e, void* payload) -> int {
      if (is_file_mode(git_tree_entry_filemode(e)))
        static_cast<Listing*>(payload)->files.emplace_back(std::string(root) + git_tree_entry_name(e), *git_tree_entry_id(e));
      return 0;
    };
    git_tree_walk(tree_.get(), GIT_TREEWALK_PRE, cb, &listing);
    std::sort(listing.files.begin(), listing.files.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    paths_.reserve(listing.files.size());
    ids_.reserve(listing.files.size());
    for (auto& [path, id] : listing.files) {
      paths_.push_back(std::move(path));
      ids_.push_back(id);
    }
    listed_done_.store(true, std::memory_order_release);
  });
  return paths_;
}

bool TreeSource::ignored(std::string_view path) const { return path_ignored(repo_, path); }

IndexSource::IndexSource(const Repository& repo, std::unique_ptr<GitIndex> index)
    : repo_(repo), index_(std::move(index)) {}
IndexSource::~IndexSource() = default;

std::unique_ptr<IndexSource> IndexSource::open(const Repository& repo, const std::string& index_path,
                                               std::string* err) {
  std::unique_ptr<GitIndex> index = GitIndex::open(index_path, err);
  if (!index) return nullptr;
  return std::unique_ptr<IndexSource>(new IndexSource(repo, std::move(index)));
}

std::optional<git_oid> IndexSource::file_id(std::string_view path) const {
  const GitIndex::Entry* e = index_->find(path);
  if (!e || e->intent_to_add() || !is_file_mode(static_cast<git_filemode_t>(e->mode()))) return std::nullopt;
  git_oid id;
  git_oid_fromraw(&id, e->id());
  return id;
}

ReadStatus IndexSource::read(std::string_view path, std::string* content, std::string* err) const {
  std::optional<git_oid> id = file_id(path);
  return id ? read_blob(repo_, *id, content, err) : ReadStatus::NotFound;
}

BoundedRead IndexSource::read_at_most(std::string_view path, uint64_t limit, std::string* content,
                                      std::string* err) const {
  return read_blob_at_most(repo_, file_id(path), limit, content, err);
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
      if (e.stage() != 0 || e.intent_to_add() || !is_file_mode(static_cast<git_filemode_t>(e.mode()))) continue;
      paths_.emplace_back(e.path());
    }
  });
  return paths_;
}

bool IndexSource::ignored(std::string_view path) const { return path_ignored(repo_, path); }

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
