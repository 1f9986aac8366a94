// FileSources backed by git's object database: a commit's tree (--rev,
// pre-push) and the index (staged mode). Both read blobs, never the working
// tree, and never write anything.
#pragma once

#include <atomic>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/file_source.h"
#include "git/repo.h"

namespace smokehook {

class GitIndex;
class DiskSource;

class TreeSource : public FileSource {
 public:
  // `label` is what name() returns: the commit id.
  TreeSource(const Repository& repo, TreePtr tree, std::string label);
  ~TreeSource() override;
  // Lets bulk reads take a working-tree file instead of inflating its blob
  // when the index proves them equal: the same blob id, stat data unchanged
  // since git recorded it (and not racily so), and no attributes or settings
  // anywhere that make a checked-out file's bytes differ from its blob's
  // (filters, eol conversion, encodings). Checked by prepare_bulk_read().
  void allow_worktree_reuse(const DiskSource& worktree) { candidate_ = &worktree; }
  void prepare_bulk_read() const override;
  ReadStatus read(std::string_view path, std::string* content, std::string* err) const override;
  BoundedRead read_at_most(std::string_view path, uint64_t limit, std::string* content,
                           std::string* err) const override;
  BoundedRead visit_at_most(std::string_view path, uint64_t limit, std::string* scratch,
                            ContentVisitor use, std::string* err) const override;
  bool exists(std::string_view path) const override;
  std::optional<uint64_t> size(std::string_view path) const override;
  const std::vector<std::string>& paths() const override;
  bool ignored(std::string_view path) const override;
  std::string blob_id(std::string_view path) const override;
  std::string name() const override { return label_; }
  git_tree* tree() const { return tree_.get(); }

 private:
  std::optional<git_oid> file_id(
      std::string_view path) const;  // a file's blob id; nullopt for none
  // Reads `path` from the working tree when prepare_bulk_read() allowed it and
  // the index vouches for the file; nullopt when the blob must be read.
  std::optional<BoundedRead> read_from_worktree(std::string_view path, const git_oid& id,
                                                uint64_t limit, std::string* content,
                                                std::string* err) const;
  const Repository& repo_;
  TreePtr tree_;
  std::string label_;
  bool worktree_is_verbatim() const;
  const DiskSource* candidate_ = nullptr;
  mutable std::once_flag prepared_;
  mutable const DiskSource* worktree_ = nullptr;  // set when reuse holds
  // with worktree_: the index whose stat data vouches for files
  mutable std::unique_ptr<GitIndex> index_;
  mutable std::once_flag listed_;
  mutable std::atomic<bool> listed_done_{false};
  mutable std::vector<std::string> paths_;
  mutable std::vector<git_oid> ids_;  // paths_[i]'s blob
};

// The index (staged mode). In a sparse index, a file below a folder entry is
// found in that folder's tree, read through the calling thread's object
// database; paths() lists them all, the folders expanded.
class IndexSource : public FileSource {
 public:
  // Opens the index file at `index_path` read-only (no lock is taken).
  static std::unique_ptr<IndexSource> open(const Repository& repo, const std::string& index_path,
                                           std::string* err);
  ReadStatus read(std::string_view path, std::string* content, std::string* err) const override;
  BoundedRead visit_at_most(std::string_view path, uint64_t limit, std::string* scratch,
                            ContentVisitor use, std::string* err) const override;
  bool exists(std::string_view path) const override;
  std::optional<uint64_t> size(std::string_view path) const override;
  const std::vector<std::string>& paths() const override;
  bool ignored(std::string_view path) const override;
  std::string blob_id(std::string_view path) const override;
  std::string name() const override { return "index"; }
  const GitIndex& index() const { return *index_; }
  ~IndexSource() override;

 private:
  IndexSource(const Repository& repo, std::unique_ptr<GitIndex> index);
  std::optional<git_oid> file_id(
      std::string_view path) const;  // a file's blob id; nullopt for none
  const Repository& repo_;
  std::unique_ptr<GitIndex> index_;
  mutable std::once_flag listed_;
  mutable std::vector<std::string> paths_;
};

// The index git uses for this commit: $GIT_INDEX_FILE when set (relative to
// the current directory, as git sets it), else the repository's index.
std::string current_index_path(const Repository& repo);

}  // namespace smokehook
