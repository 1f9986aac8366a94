// git's index file, read directly: versions 2 to 4, mapped read-only, never
// locked and never written; a split index (the `link` extension and its
// shared index file) and a sparse index (folders outside the sparse cone kept
// as one entry naming their tree) included. libgit2 copies every entry into its own
// structures (~140 ms on 100,000 files); a commit needs only the entries'
// names and ids, and the cache-tree (the TREE extension), which tells which
// folders are unchanged since the index last matched a tree.
//
// Format: git's Documentation/gitformat-index.txt. The trailing checksum is
// not verified, as git does not verify it when it reads the index either.
#pragma once

#include <time.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace smokehook {

class GitIndex {
 public:
  static constexpr size_t kIdSize = 20;  // SHA-1

  // What git recorded of the working-tree file when it last matched the
  // entry (32 bits each, as stored), to tell whether the file is unchanged.
  struct Stat {
    uint32_t ctime_s, ctime_ns, mtime_s, mtime_ns, dev, ino, mode, uid, gid, size;
  };

  // A view of one entry's record in the mapped file (16 bytes: an index
  // of 100,000 files makes 100,000 of them).
  class Entry {
   public:
    Entry(const unsigned char* record, const char* path) : record_(record), path_(path) {}
    std::string_view path() const;
    const unsigned char* id() const { return record_ + 40; }  // kIdSize bytes
    uint32_t mode() const;  // 0100644, 0100755, 0120000, 0160000, or 040000 for a sparse folder
    unsigned stage() const { return (flags() >> 12) & 3; }  // 0, or 1-3 for a conflict
    bool intent_to_add() const;  // `git add -N`: not part of the next commit
    bool is_file() const;        // a regular file, executable or not, or a symbolic link
    bool is_gitlink() const { return mode() == 0160000; }  // a submodule's commit
    // A sparse index's folder outside the cone: its path ends in '/', id() is its tree.
    bool is_sparse_dir() const { return mode() == 040000; }
    Stat stat() const;

   private:
    friend class GitIndex;  // a split index's merge sets an entry's record and path apart
    uint16_t flags() const { return static_cast<uint16_t>((record_[60] << 8) | record_[61]); }
    const unsigned char* record_;
    const char* path_;  // NUL-terminated
  };

  // One folder of the cache-tree. `entries` is how many index entries lie
  // below it, -1 when a change below it invalidated it (then `id` is null).
  struct Tree {
    std::string_view name;  // "" for the root
    int32_t entries;
    const unsigned char* id;
    uint32_t first_child;  // index of the first child in trees(), when `children` > 0
    uint32_t children;
    uint32_t next;  // index of the next sibling: one past this folder's last descendant
  };

  // Reads the index at `path`. A missing file is an empty index, as for git.
  // A split index's shared file, sharedindex.<id>, is read from `shared_dir`
  // (git's own folder of this worktree; by default the index's folder).
  // On failure returns null with `err` naming the file and the byte offset.
  static std::unique_ptr<GitIndex> open(const std::string& path, std::string* err,
                                        const std::string& shared_dir = "");
  // Reads an index already in memory (`data`, and `shared` for a split
  // index's shared file, must outlive the result): tests and fuzzing.
  static std::unique_ptr<GitIndex> parse(std::string_view data, const std::string& label,
                                         std::string* err, std::string_view shared = {});

  ~GitIndex();
  GitIndex(const GitIndex&) = delete;
  GitIndex& operator=(const GitIndex&) = delete;

  // Sorted as git sorts them: by path bytes, then stage. A split index's
  // entries are merged with its shared file's, as git merges them.
  const std::vector<Entry>& entries() const { return entries_; }
  // The stage-0 entry for `path`, or null.
  const Entry* find(std::string_view path) const;
  // In a sparse index, the folder entry that holds `path` (not an entry itself), or null.
  const Entry* sparse_dir_of(std::string_view path) const;
  // The cache-tree in pre-order; empty when the index has none.
  const std::vector<Tree>& trees() const { return trees_; }
  unsigned version() const { return version_; }
  bool split() const { return split_; }  // entries came partly from a shared index file
  bool sparse() const {
    return sparse_;
  }  // may hold folders (is_sparse_dir()) in place of their files
  // When the index file was written: an entry whose file changed in the same
  // instant is "racily clean" and its stat data proves nothing. {0, 0} when unknown.
  struct timespec written() const {
    return written_;
  }

 private:
  // A file mapped read-only, unmapped with its owner.
  struct Mapping {
    void* addr = nullptr;
    size_t size = 0;
    Mapping() = default;
    Mapping(const Mapping&) = delete;
    Mapping& operator=(const Mapping&) = delete;
    ~Mapping();
  };
  // What one file holds besides its entries.
  struct Extensions {
    std::string_view tree;  // the TREE extension's body, and where it starts in the file
    size_t tree_offset = 0;
    std::string_view link;  // the `link` extension's body (a split index)
    size_t link_offset = 0;
    bool has_link = false;
    bool sdir = false;  // a sparse index
  };
  GitIndex() = default;
  static bool map_file(const std::string& path, Mapping* map, struct timespec* written,
                       bool* missing, std::string* err);
  // `shared`: a split index's shared file in memory; else it is mapped from `shared_dir`.
  bool load(const std::string& label, std::string_view shared, const std::string& shared_dir,
            std::string* err);
  // Reads one file's entries (into `entries`, v4 paths into `paths`) and notes its extensions.
  bool read_file(std::string_view data, const std::string& label, bool shared,
                 std::vector<Entry>* entries, std::string* paths, Extensions* ext,
                 std::string* err);
  bool merge_shared(std::string_view link, size_t link_offset, std::vector<Entry> base,
                    const std::string& label, std::string* err);
  bool load_cache_tree(std::string_view data, size_t base, const std::string& label,
                       std::string* err);

  Mapping map_, shared_map_;
  std::string_view data_;
  unsigned version_ = 2;
  bool split_ = false;
  bool sparse_ = false;
  struct timespec written_ {};
  std::vector<Entry> entries_;
  std::vector<Tree> trees_;
  std::string paths_;         // version 4 only: the decompressed paths the entries point into
  std::string shared_paths_;  // the same for a version 4 shared index
};

}  // namespace smokehook
