#include "git/disk_source.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "base/fd.h"
#include "base/parallel.h"
#include "base/text.h"
#include "git/index.h"
#include "git/repo.h"
#include "git/source.h"

namespace smokehook {

DiskSource::DiskSource(std::string root, const Repository* repo)
    : root_(std::move(root)), repo_(repo) {
  static std::atomic<uint64_t> serials{0};
  serial_ = ++serials;
  while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
}

int DiskSource::root_fd() const {
  // Opened on first read, not in the constructor: a commit that reads nothing from disk opens
  // nothing.
  std::call_once(root_opened_, [this] {
    root_fd_ = Fd(::open(root_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  });
  return root_fd_.get();
}

void DiskSource::FolderCache::open(uint64_t source, int root_fd, std::string folder) {
  fd = Fd(::openat(root_fd, folder.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  owner = source;
  name = std::move(folder);
}

DiskSource::~DiskSource() = default;

std::string DiskSource::full(std::string_view path) const {
  if (!path.empty() && path[0] == '/') return std::string(path);
  return root_ + "/" + std::string(path);
}

ReadStatus DiskSource::read(std::string_view path, std::string* content, std::string* err) const {
  return read_at_most(path, UINT64_MAX, content, err).status;
}

BoundedRead DiskSource::read_at_most(std::string_view path, uint64_t limit, std::string* content,
                                     std::string* err) const {
  return *read_if(path, limit, nullptr, content, err);
}

std::optional<BoundedRead> DiskSource::read_if(std::string_view path, uint64_t limit,
                                               const StatTest& accept, std::string* content,
                                               std::string* err) const {
  BoundedRead r;
  std::string p(path);
  bool absolute = !p.empty() && p[0] == '/';
  int root = absolute ? -1 : root_fd();
  int dir = root < 0 ? AT_FDCWD : root;
  if (dir == AT_FDCWD && !absolute) p = full(path);
  // The file's folder, kept open by this thread: the next file is most often its neighbour.
  thread_local FolderCache folder;
  size_t slash = p.rfind('/');
  if (root >= 0 && slash != std::string::npos && slash > 0) {
    std::string_view name(p.data(), slash);
    if (folder.owner != serial_ || folder.name != name)
      folder.open(serial_, root, std::string(name));
    if (folder.fd) {
      dir = folder.fd.get();
      p.erase(0, slash + 1);
    }
  }
  // One open and one fstat per file. O_NOFOLLOW: a link is read as git stores
  // it, its target path, never what it points to. O_NONBLOCK: a FIFO opens
  // without waiting, and is then refused like any other non-file.
  Fd fd(::openat(dir, p.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
  if (!fd) {
    if (accept && errno != ELOOP) return std::nullopt;
    if (errno == ENOENT || errno == ENOTDIR) return r;
    if (errno == ELOOP) {  // a symbolic link
      if (accept) return std::nullopt;
      struct stat st;
      if (::fstatat(dir, p.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISLNK(st.st_mode))
        return r;
      r.size = static_cast<uint64_t>(st.st_size);
      r.status = ReadStatus::Ok;
      if (r.size > limit) {
        r.too_large = true;
        return r;
      }
      std::vector<char> buf(std::max<size_t>(static_cast<size_t>(st.st_size) + 1, 4096));
      ssize_t n = ::readlinkat(dir, p.c_str(), buf.data(), buf.size());
      if (n < 0) {
        *err = std::strerror(errno);
        r.status = ReadStatus::Error;
        return r;
      }
      content->assign(buf.data(), static_cast<size_t>(n));
      return r;
    }
    *err = std::strerror(errno);
    r.status = ReadStatus::Error;
    return r;
  }
  struct stat st;
  if (::fstat(fd.get(), &st) != 0 ||
      !S_ISREG(st.st_mode)) {  // a folder, FIFO, socket or device is no file here
    if (accept) return std::nullopt;
    return r;
  }
  if (accept && !accept(st)) return std::nullopt;
  r.size = static_cast<uint64_t>(st.st_size);
  r.status = ReadStatus::Ok;
  if (r.size > limit) {
    r.too_large = true;
    return r;
  }
  if (!read_fd(fd.get(), r.size, content, err)) r.status = ReadStatus::Error;
  return r;
}

bool DiskSource::exists(std::string_view path) const {
  struct stat st;
  return ::lstat(full(path).c_str(), &st) == 0 && (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode));
}

std::optional<uint64_t> DiskSource::size(std::string_view path) const {
  struct stat st;
  if (::lstat(full(path).c_str(), &st) != 0 || S_ISDIR(st.st_mode)) return std::nullopt;
  return static_cast<uint64_t>(st.st_size);
}

bool DiskSource::ignored(std::string_view path) const { return repo_ && repo_->ignores(path); }

namespace {

// A folder's entries that git could track: folders, files and links (no
// FIFOs, sockets or devices), without ".", ".." and ".git".
std::vector<std::pair<std::string, bool>> read_folder(const std::string& root,
                                                      const std::string& dir) {
  std::vector<std::pair<std::string, bool>> children;  // name, is a folder
  DIR* d = ::opendir((root + "/" + dir).c_str());
  if (!d) return children;
  while (struct dirent* e = ::readdir(d)) {
    std::string_view name = e->d_name;
    if (name == "." || name == ".." || name == ".git") continue;
    unsigned char type = e->d_type;
    if (type == DT_UNKNOWN) {
      struct stat st;
      if (::lstat((root + "/" + dir + e->d_name).c_str(), &st) != 0) continue;
      type = S_ISDIR(st.st_mode)   ? DT_DIR
             : S_ISREG(st.st_mode) ? DT_REG
             : S_ISLNK(st.st_mode) ? DT_LNK
                                   : DT_UNKNOWN;
    }
    if (type == DT_DIR || type == DT_REG || type == DT_LNK)
      children.emplace_back(std::string(name), type == DT_DIR);
  }
  ::closedir(d);
  return children;
}

// A path the index does not know, listed unless git ignores it; a folder is
// asked about as a whole (an ignored node_modules costs one question), then
// walked. A folder with its own .git is another repository, and is skipped.
void add_untracked(const Repository& repo, const std::string& root, const std::string& path,
                   bool folder, std::vector<std::string>* out) {
  if (!folder) {
    if (!repo.ignores(path)) out->push_back(path);
    return;
  }
  struct stat st;
  if (::lstat((root + "/" + path + ".git").c_str(), &st) == 0 || repo.ignores(path)) return;
  for (const auto& [name, sub_folder] : read_folder(root, path))
    add_untracked(repo, root, path + name + (sub_folder ? "/" : ""), sub_folder, out);
}

// The walk for `git ls-files --others --exclude-standard`, over the folders
// that hold tracked files (`tracked`: the index's paths, sorted), a level at a
// time on every core. What the index does not know is left for
// add_untracked() afterwards: git's ignore rules are libgit2's, on one thread.
void list_others(const Repository& repo, const std::string& root,
                 const std::vector<std::string>& tracked, const std::vector<std::string>& gitlinks,
                 std::vector<std::string>* out) {
  struct Folder {
    std::string dir;
    size_t lo, hi;  // the tracked paths below it
  };
  struct Found {
    std::vector<Folder> next;
    std::vector<std::pair<std::string, bool>> untracked;  // path ("dir/" for a folder), is a folder
  };
  std::vector<Found> all_found;
  std::vector<Folder> level{{"", 0, tracked.size()}};
  while (!level.empty()) {
    std::vector<Found> found(workers_for(level.size()));
    parallel_for(level.size(), [&](unsigned worker, size_t i) {
      const Folder& f = level[i];
      Found& mine = found[worker];
      auto first = tracked.begin() + static_cast<std::ptrdiff_t>(f.lo);
      auto last = tracked.begin() + static_cast<std::ptrdiff_t>(f.hi);
      for (const auto& [name, folder] : read_folder(root, f.dir)) {
        std::string path = f.dir + name;
        if (!folder) {
          if (!std::binary_search(first, last, path))
            mine.untracked.emplace_back(std::move(path), false);
          continue;
        }
        if (std::binary_search(gitlinks.begin(), gitlinks.end(), path)) continue;  // a submodule
        std::string sub = path + "/";
        auto from = std::lower_bound(first, last, sub);
        auto to = std::partition_point(
            from, last, [&](const std::string& p) { return p.compare(0, sub.size(), sub) == 0; });
        if (from == to)
          mine.untracked.emplace_back(std::move(sub), true);
        else
          mine.next.push_back(Folder{std::move(sub), static_cast<size_t>(from - tracked.begin()),
                                     static_cast<size_t>(to - tracked.begin())});
      }
    });
    level.clear();
    for (Found& f : found) {
      for (Folder& next : f.next) level.push_back(std::move(next));
      f.next.clear();
      all_found.push_back(std::move(f));
    }
  }
  for (const Found& f : all_found)
    for (const auto& [path, folder] : f.untracked) add_untracked(repo, root, path, folder, out);
}

void list_git(const Repository& repo, const std::string& root, std::vector<std::string>* out) {
  std::string err;
  std::unique_ptr<GitIndex> index = GitIndex::open(current_index_path(repo), &err, repo.git_dir());
  std::vector<std::string> gitlinks;
  if (index) {
    out->reserve(index->entries().size() + 64);
    for (const GitIndex::Entry& e : index->entries()) {
      if (e.is_gitlink()) {  // a submodule is not a file
        gitlinks.emplace_back(e.path());
        continue;
      }
      if (e.is_sparse_dir()) continue;  // outside the sparse cone: not on disk
      if (!out->empty() && out->back() == e.path()) continue;  // a conflict's stages: the path once
      out->emplace_back(e.path());
    }
  }
  std::vector<std::string> others;
  list_others(repo, root, *out, gitlinks, &others);
  out->insert(out->end(), std::make_move_iterator(others.begin()),
              std::make_move_iterator(others.end()));
}

void list_folder(const std::string& root, std::vector<std::string>* out) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const fs::directory_entry& entry = *it;
    std::string name = entry.path().filename().string();
    if (entry.is_directory(ec) && !entry.is_symlink(ec)) {
      if (name == ".git") it.disable_recursion_pending();
      continue;
    }
    if (name == ".git") continue;
    out->push_back(fs::relative(entry.path(), root, ec).generic_string());
  }
}

}  // namespace

const std::vector<std::string>& DiskSource::paths() const {
  std::call_once(listed_, [this] {
    if (repo_)
      list_git(*repo_, root_, &paths_);
    else
      list_folder(root_, &paths_);
    std::sort(paths_.begin(), paths_.end());
    paths_.erase(std::unique(paths_.begin(), paths_.end()), paths_.end());
  });
  return paths_;
}

}  // namespace smokehook
