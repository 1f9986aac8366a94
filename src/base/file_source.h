// FileSource: the one way a check or the compose engine reads a file, by its
// repository path ("server/app.py", '/'-separated, no leading slash).
// Implementations: the working tree (or any folder), a commit's tree, the
// index (git/source.h), and memory (below).
#pragma once

#include <sys/stat.h>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace smokehook {

enum class ReadStatus { Ok, NotFound, Error };

// What read_at_most() found: with `too_large`, the file was not read and `size` says why.
struct BoundedRead {
  ReadStatus status = ReadStatus::NotFound;
  bool too_large = false;
  uint64_t size = 0;
};

// A callable borrowed for one call, without std::function's allocation: what
// FileSource::visit_at_most() hands a file's bytes to.
class ContentVisitor {
 public:
  template <class F, class = std::enable_if_t<!std::is_same_v<std::decay_t<F>, ContentVisitor>>>
  ContentVisitor(F& f)  // NOLINT: implicit, as a lambda is passed
      : object_(&f), call_([](void* o, std::string_view bytes) { (*static_cast<F*>(o))(bytes); }) {}
  void operator()(std::string_view bytes) const { call_(object_, bytes); }

 private:
  void* object_;
  void (*call_)(void*, std::string_view);
};

class FileSource {
 public:
  virtual ~FileSource() = default;

  // Reads the content of `path`. A symbolic link reads as its target path, as
  // git stores it; a link is never followed. On Error, `err` says why.
  virtual ReadStatus read(std::string_view path, std::string* content, std::string* err) const = 0;
  virtual bool exists(std::string_view path) const = 0;
  // The size in bytes without reading the content; nullopt when unknown or absent.
  virtual std::optional<uint64_t> size(std::string_view path) const = 0;
  // Reads `path` unless it is larger than `limit` bytes. The gates' one call
  // per file: the default asks size() then read(); sources that can answer
  // both with one lookup do. Safe to call from several threads at once.
  virtual BoundedRead read_at_most(std::string_view path, uint64_t limit, std::string* content,
                                   std::string* err) const;
  // The same, handing the bytes to `use` (valid during the call only) instead
  // of copying them out: a source that holds them already (a blob libgit2 has
  // inflated, memory) passes them as they are, so a 40 MiB file is in memory
  // once. The default reads into `scratch`. `use` is not called for a file
  // that is absent, unreadable or larger than `limit`.
  virtual BoundedRead visit_at_most(std::string_view path, uint64_t limit, std::string* scratch,
                                    ContentVisitor use, std::string* err) const;
  // Called on one thread before many reads from several threads (a gate's
  // scan): a source may take a faster way for them.
  virtual void prepare_bulk_read() const {}
  // Every file this source holds, sorted. Computed on first use.
  virtual const std::vector<std::string>& paths() const = 0;
  // The git blob id (hex) of `path`'s content when the source knows it without
  // reading it (an index); "" otherwise.
  virtual std::string blob_id(std::string_view /*path*/) const { return ""; }
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
  BoundedRead visit_at_most(std::string_view path, uint64_t limit, std::string* scratch,
                            ContentVisitor use, std::string* err) const override;
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
  // Gates read on several threads; a copy of the source gets a mutex of its own.
  struct Lock {
    std::mutex m;
    Lock() = default;
    Lock(const Lock&) {}
    Lock& operator=(const Lock&) { return *this; }
  };
  mutable Lock reads_lock_;
  std::map<std::string, std::string> files_;
  std::vector<std::string> ignored_;
  mutable std::vector<std::string> paths_;
  mutable std::vector<std::string> reads_;
};

}  // namespace smokehook
