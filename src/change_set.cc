#include "change_set.h"

#include <algorithm>

#include "git_repo.h"
#include "git_source.h"

namespace smokehook {

bool ChangeSet::contains(const std::string& path) const {
  return std::binary_search(changed.begin(), changed.end(), path);
}

bool staged_changes(const Repository& repo, const IndexSource& index, ChangeSet* out, std::string* err) {
  TreePtr head = repo.head_tree(err);
  if (!err->empty()) return false;
  git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
  opts.flags = GIT_DIFF_INCLUDE_TYPECHANGE | GIT_DIFF_IGNORE_SUBMODULES;
  git_diff* raw = nullptr;
  if (git_diff_tree_to_index(&raw, repo.get(), head.get(), index.index(), &opts) < 0) {
    *err = libgit2_error("cannot diff HEAD against the index");
    return false;
  }
  DiffPtr diff(raw);
  size_t n = git_diff_num_deltas(diff.get());
  for (size_t i = 0; i < n; ++i) {
    const git_diff_delta* d = git_diff_get_delta(diff.get(), i);
    out->changed.emplace_back(d->old_file.path);
    if (std::string(d->new_file.path) != d->old_file.path) out->changed.emplace_back(d->new_file.path);
    if (d->status != GIT_DELTA_DELETED && index.exists(d->new_file.path)) out->present.emplace_back(d->new_file.path);
  }
  std::sort(out->changed.begin(), out->changed.end());
  out->changed.erase(std::unique(out->changed.begin(), out->changed.end()), out->changed.end());
  std::sort(out->present.begin(), out->present.end());
  return true;
}

}  // namespace smokehook
