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
  git_blob* raw = nullptr;
  if (git_blob_lookup(&raw, repo.get(), &id) < 0) {
    *err = libgit2_error("cannot read blob " + oid_hex(id));
    return ReadStatus::Error;
  }
  BlobPtr blob(raw);
  const char* data = static_cast<const char*>(git_blob_rawcontent(blob.get()));
  content->assign(data, static_cast<size_t>(git_blob_rawsize(blob.get())));
  return ReadStatus::Ok;
}

// The object's size from its header: no inflating of a large blob.
std::optional<uint64_t> blob_size(const Repository& repo, const git_oid& id) {
  git_odb* raw = nullptr;
  if (git_repository_odb(&raw, repo.get()) < 0) {
    git_error_clear();
    return std::nullopt;
  }
  OdbPtr odb(raw);
  size_t len = 0;
  git_object_t type;
  if (git_odb_read_header(&len, &type, odb.get(), &id) < 0) {
    git_error_clear();
    return std::nullopt;
  }
  return static_cast<uint64_t>(len);
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

bool TreeSource::exists(std::string_view path) const { return file_id(path).has_value(); }

std::optional<uint64_t> TreeSource::size(std::string_view path) const {
  std::optional<git_oid> id = file_id(path);
  return id ? blob_size(repo_, *id) : std::nullopt;
}

const std::vector<std::string>& TreeSource::paths() const {
  std::call_once(listed_, [this] {
    auto cb = [](const char* root, const git_tree_entry* e, void* payload) -> int {
      if (is_file_mode(git_tree_entry_filemode(e))) {
        auto* out = static_cast<std::vector<std::string>*>(payload);
        out->push_back(std::string(root) + git_tree_entry_name(e));
      }
      return 0;
    };
    git_tree_walk(tree_.get(), GIT_TREEWALK_PRE, cb, &paths_);
    std::sort(paths_.begin(), paths_.end());
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
