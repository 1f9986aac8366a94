// DiskSource: a folder on disk, the working tree of `smokehook --all`. It
// asks git (libgit2) which files it holds and which are ignored, so it lives
// in the git layer.
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/fd.h"
#include "base/file_source.h"

namespace smokehook {

class Repository;

// A folder on disk. With a repository, paths() lists what
// `git ls-files --cached --others --exclude-standard` lists (the index's
// files, then a walk for the others that asks git's ignore rules only about
// files and folders the index does not know) and ignored() asks git; without
// one, every file below the folder except `.git/`.
class DiskSource : public FileSource {
 public:
  DiskSource(std::string root, const Repository* repo);
  ~DiskSource() override;
  DiskSource(const DiskSource&) = delete;
  DiskSource& operator=(const DiskSource&) = delete;
  ReadStatus read(std::string_view path, std::string* content, std::string* err) const override;
  BoundedRead read_at_most(std::string_view path, uint64_t limit, std::string* content,
                           std::string* err) const override;
  // Reads a regular file only if `accept` holds for its stat data (checked on
  // the open file); nullopt when it does not, or when the path is no regular file.
  using StatTest = std::function<bool(const struct stat&)>;
  std::optional<BoundedRead> read_if(std::string_view path, uint64_t limit, const StatTest& accept,
                                     std::string* content, std::string* err) const;
  bool exists(std::string_view path) const override;
  std::optional<uint64_t> size(std::string_view path) const override;
  const std::vector<std::string>& paths() const override;
  bool ignored(std::string_view path) const override;
  std::string name() const override { return "worktree"; }
  const std::string& root() const { return root_; }

 private:
  std::string full(std::string_view path) const;
  struct FolderCache {   // one per thread
    uint64_t owner = 0;  // the DiskSource's serial: an address can be reused, a serial cannot
    std::string name;
    Fd fd;
    void open(uint64_t source, int root_fd, std::string folder);
  };
  uint64_t serial_;
  std::string root_;
  int root_fd()
      const;  // relative paths are opened from here: the kernel walks only their own components
  mutable std::once_flag root_opened_;
  mutable Fd root_fd_;
  const Repository* repo_;
  mutable std::once_flag listed_;
  mutable std::vector<std::string> paths_;
};

}  // namespace smokehook
