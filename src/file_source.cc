#include "file_source.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

#include "git_repo.h"
#include "text.h"

namespace smokehook {

ReadStatus MemorySource::read(std::string_view path, std::string* content, std::string*) const {
  reads_.emplace_back(path);
  auto it = files_.find(std::string(path));
  if (it == files_.end()) return ReadStatus::NotFound;
  *content = it->second;
  return ReadStatus::Ok;
}

const std::vector<std::string>& MemorySource::paths() const {
  if (paths_.empty())
    for (const auto& [p, _] : files_) paths_.push_back(p);
  return paths_;
}

bool MemorySource::ignored(std::string_view path) const {
  return std::find(ignored_.begin(), ignored_.end(), path) != ignored_.end();
}

DiskSource::DiskSource(std::string root, const Repository* repo) : root_(std::move(root)), repo_(repo) {
  while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
}

std::string DiskSource::full(std::string_view path) const {
  if (!path.empty() && path[0] == '/') return std::string(path);
  return root_ + "/" + std::string(path);
}

ReadStatus DiskSource::read(std::string_view path, std::string* content, std::string* err) const {
  std::string p = full(path);
  struct stat st;
  if (::lstat(p.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return ReadStatus::NotFound;
    *err = std::strerror(errno);
    return ReadStatus::Error;
  }
  if (S_ISLNK(st.st_mode)) {  // read as git stores it: the link's target, never what it points to
    std::vector<char> buf(static_cast<size_t>(st.st_size) + 1 > 4096 ? static_cast<size_t>(st.st_size) + 1 : 4096);
    ssize_t n = ::readlink(p.c_str(), buf.data(), buf.size());
    if (n < 0) {
      *err = std::strerror(errno);
      return ReadStatus::Error;
    }
    content->assign(buf.data(), static_cast<size_t>(n));
    return ReadStatus::Ok;
  }
  if (S_ISDIR(st.st_mode)) return ReadStatus::NotFound;
  return read_whole_file(p, content, err) ? ReadStatus::Ok : ReadStatus::Error;
}

bool DiskSource::exists(std::string_view path) const {
  struct stat st;
  return ::lstat(full(path).c_str(), &st) == 0 && !S_ISDIR(st.st_mode);
}

std::optional<uint64_t> DiskSource::size(std::string_view path) const {
  struct stat st;
  if (::lstat(full(path).c_str(), &st) != 0 || S_ISDIR(st.st_mode)) return std::nullopt;
  return static_cast<uint64_t>(st.st_size);
}

bool DiskSource::ignored(std::string_view path) const {
  if (!repo_) return false;
  int ignored = 0;
  if (git_ignore_path_is_ignored(&ignored, repo_->get(), std::string(path).c_str()) < 0) {
    git_error_clear();
    return false;
  }
  return ignored != 0;
}

namespace {

void list_git(const Repository& repo, std::vector<std::string>* out) {
  git_index* raw_index = nullptr;
  if (git_repository_index(&raw_index, repo.get()) == 0) {
    IndexPtr index(raw_index);
    size_t n = git_index_entrycount(index.get());
    out->reserve(n);
    for (size_t i = 0; i < n; ++i) {
      const git_index_entry* e = git_index_get_byindex(index.get(), i);
      if (e->mode == GIT_FILEMODE_COMMIT) continue;  // a submodule is not a file
      if (GIT_INDEX_ENTRY_STAGE(e) > 1) continue;     // conflicted: list each path once
      out->emplace_back(e->path);
    }
  }
  git_status_options opts = GIT_STATUS_OPTIONS_INIT;
  opts.show = GIT_STATUS_SHOW_WORKDIR_ONLY;
  opts.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS |
               GIT_STATUS_OPT_EXCLUDE_SUBMODULES | GIT_STATUS_OPT_NO_REFRESH;
  git_status_list* raw_status = nullptr;
  if (git_status_list_new(&raw_status, repo.get(), &opts) == 0) {
    StatusListPtr status(raw_status);
    size_t n = git_status_list_entrycount(status.get());
    for (size_t i = 0; i < n; ++i) {
      const git_status_entry* e = git_status_byindex(status.get(), i);
      if ((e->status & GIT_STATUS_WT_NEW) && e->index_to_workdir)
        out->emplace_back(e->index_to_workdir->new_file.path);
    }
  }
  git_error_clear();
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
    if (repo_) list_git(*repo_, &paths_);
    else list_folder(root_, &paths_);
    std::sort(paths_.begin(), paths_.end());
    paths_.erase(std::unique(paths_.begin(), paths_.end()), paths_.end());
  });
  return paths_;
}

}  // namespace smokehook
