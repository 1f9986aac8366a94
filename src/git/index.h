// git's index file, read directly: versions 2 to 4, mapped read-only, never
// locked and never written. libgit2 copies every entry into its own
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

  // A view of one entry's record in the mapped file (16 bytes: an index
  // of 100,000 files makes 100,000 of them).
  // What git recorded of the working-tree file when it last matched the
  // entry (32 bits each, as stored), to tell whether the file is unchanged.
  struct Stat {
    uint32_t ctime_s, ctime_ns, mtime_s, mtime_ns, dev, ino, mode, uid, gid, size;
  };

  class Entry {
   public:
    Entry(const unsigned char* record, const char* path) : record_(record), path_(path) {}
    std::string_view path() const;
    const unsigned char* id() const { return record_ + 40; }  // kIdSize bytes
    uint32_t mode() const;  // 0100644, 0100755, 0120000 or 0160000
    unsigned stage() const { return (flags() >> 12) & 3; }  // 0, or 1-3 for a conflict
    bool intent_to_add() const;  // `git add -N`: not part of the next commit
    bool is_file() const;        // a regular file, executable or not, or a symbolic link
    bool is_gitlink() const { return mode() == 0160000; }  // a submodule's commit
    Stat stat() const;

   private:
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
  // On failure returns null with `err` naming the file and the byte offset.
  static std::unique_ptr<GitIndex> open(const std::string& path, std::string* err);
  // Reads an index already in memory (`data` must outlive the result): tests and fuzzing.
  static std::unique_ptr<GitIndex> parse(std::string_view data, const std::string& label, std::string* err);

  ~GitIndex();
  GitIndex(const GitIndex&) = delete;
  GitIndex& operator=(const GitIndex&) = delete;

  // Sorted as git sorts them: by path bytes, then stage.
  const std::vector<Entry>& entries() const { return entries_; }
  // The stage-0 entry for `path`, or null.
  const Entry* find(std::string_view path) const;
  // The cache-tree in pre-order; empty when the index has none.
  const std::vector<Tree>& trees() const { return trees_; }
  unsigned version() const { return version_; }
  // When the index file was written: an entry whose file changed in the same
  // instant is "racily clean" and its stat data proves nothing. {0, 0} when unknown.
  struct timespec written() const { return written_; }

 private:
  GitIndex() = default;
  bool load(const std::string& label, std::string* err);
  bool load_cache_tree(std::string_view data, size_t base, const std::string& label, std::string* err);

  void* map_ = nullptr;
  size_t map_size_ = 0;
  std::string_view data_;
  unsigned version_ = 2;
  struct timespec written_ {};
  std::vector<Entry> entries_;
  std::vector<Tree> trees_;
  std::string paths_;  // version 4 only: the decompressed paths the entries point into
};

}  // namespace smokehook
