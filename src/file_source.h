// FileSource: the one way a check or the compose engine reads a file, by its
// repository path ("server/app.py", '/'-separated, no leading slash).
// Implementations: the working tree (or any folder), a commit's tree, the
// index (git_source.h), and memory (tests).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smokehook {

enum class ReadStatus { Ok, NotFound, Error };

class FileSource {
 public:
  virtual ~FileSource() = default;

  // Reads the content of `path`. A symbolic link reads as its target path, as
  // git stores it; a link is never followed. On Error, `err` says why.
  virtual ReadStatus read(std::string_view path, std::string* content, std::string* err) const = 0;
  virtual bool exists(std::string_view path) const = 0;
  // The size in bytes without reading the content; nullopt when unknown or absent.
  virtual std::optional<uint64_t> size(std::string_view path) const = 0;
  // Every file this source holds, sorted. Computed on first use.
  virtual const std::vector<std::string>& paths() const = 0;
  // Whether git ignores `path` (a local file by design, such as `.env`).
  virtual bool ignored(std::string_view /*path*/) const { return false; }
  // "worktree", "index" or a commit id: the JSON report's "source".
  virtual std::string name() const = 0;
};

class MemorySource : public FileSource {
 public:
  explicit MemorySource(std::map<std::string, std::string> files = {}) : files_(std::move(files)) {}
  void put(std::string path, std::string content) {
    files_[std::move(path)] = std::move(content);
    paths_.clear();
  }
  void remove(const std::string& path) {
    files_.erase(path);
    paths_.clear();
  }
  void set_ignored(std::vector<std::string> ignored) { ignored_ = std::move(ignored); }

  ReadStatus read(std::string_view path, std::string* content, std::string* err) const override;
  bool exists(std::string_view path) const override { return files_.count(std::string(path)) > 0; }
  std::optional<uint64_t> size(std::string_view path) const override {
    auto it = files_.find(std::string(path));
    if (it == files_.end()) return std::nullopt;
    return it->second.size();
  }
  const std::vector<std::string>& paths() const override;
  bool ignored(std::string_view path) const override;
  std::string name() const override { return "memory"; }

  // What was read, in order: lets tests assert that a run read nothing it should not.
  const std::vector<std::string>& reads() const { return reads_; }

 private:
  std::map<std::string, std::string> files_;
  std::vector<std::string> ignored_;
  mutable std::vector<std::string> paths_;
  mutable std::vector<std::string> reads_;
};

class Repository;

// A folder on disk. With a repository, paths() lists what
// `git ls-files --cached --others --exclude-standard` lists and ignored() asks
// git; without one, every file below the folder except `.git/`.
class DiskSource : public FileSource {
 public:
  DiskSource(std::string root, const Repository* repo);
  ReadStatus read(std::string_view path, std::string* content, std::string* err) const override;
  bool exists(std::string_view path) const override;
  std::optional<uint64_t> size(std::string_view path) const override;
  const std::vector<std::string>& paths() const override;
  bool ignored(std::string_view path) const override;
  std::string name() const override { return "worktree"; }
  const std::string& root() const { return root_; }

 private:
  std::string full(std::string_view path) const;
  std::string root_;
  const Repository* repo_;
  mutable std::once_flag listed_;
  mutable std::vector<std::string> paths_;
};

}  // namespace smokehook
