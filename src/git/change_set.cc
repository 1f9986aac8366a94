// The three producers of a ChangeSet.
//
// The staged diff as git computes it for `git diff --cached`: HEAD's trees
// and the index are walked side by side, folder by folder, and a folder whose
// cache-tree id equals HEAD's tree id is skipped without reading it. With one
// file staged, that reads the trees on one path from the root, not all of them.
// A sparse index's folder entry names a tree: it is compared with HEAD's tree
// of the same folder, and read only when the two differ.
#include "git/change_set.h"

#include <algorithm>
#include <cstring>

#include "base/file_source.h"
#include "git/index.h"
#include "git/repo.h"
#include "git/source.h"

namespace smokehook {

bool ChangeSet::contains(const std::string& path) const {
  return std::binary_search(changed.begin(), changed.end(), path);
}

namespace {

// git's order for the names in one folder: a folder sorts as if its name ended in '/'.
int compare_names(std::string_view a, bool a_dir, std::string_view b, bool b_dir) {
  size_t n = std::min(a.size(), b.size());
  if (int c = std::memcmp(a.data(), b.data(), n)) return c;
  int ca = a.size() > n ? static_cast<unsigned char>(a[n]) : (a_dir ? '/' : 0);
  int cb = b.size() > n ? static_cast<unsigned char>(b[n]) : (b_dir ? '/' : 0);
  return ca - cb;
}

// Two trees side by side, as `git diff --no-renames A B` lists their
// difference: a folder whose id is the same on both sides is skipped unread,
// so a one-file change costs the trees on its path. A submodule whose commit
// differs is a changed path, never read.
class TreeDiff {
 public:
  TreeDiff(const Repository& repo, ChangeSet* out, std::string* err)
      : repo_(repo), out_(out), err_(err) {}

  // Every path of tree `id`, below `prefix` ("a/b/"), as added.
  bool added(const git_oid& id, std::string prefix) {
    git_tree* raw = nullptr;
    if (git_tree_lookup(&raw, repo_.get(), &id) < 0) {
      *err_ = libgit2_error("cannot read the tree " + prefix);
      return false;
    }
    TreePtr tree(raw);
    return walk(nullptr, tree.get(), prefix);
  }

  bool walk(git_tree* a, git_tree* b, std::string& prefix) {
    size_t na = a ? git_tree_entrycount(a) : 0, nb = b ? git_tree_entrycount(b) : 0;
    size_t i = 0, j = 0;
    const size_t p = prefix.size();
    while (i < na || j < nb) {
      const git_tree_entry* ea = i < na ? git_tree_entry_byindex(a, i) : nullptr;
      const git_tree_entry* eb = j < nb ? git_tree_entry_byindex(b, j) : nullptr;
      int order = !ea   ? 1
                  : !eb ? -1
                        : compare_names(git_tree_entry_name(ea), is_tree(ea),
                                        git_tree_entry_name(eb), is_tree(eb));
      if (order < 0) {  // only in A: deleted
        if (!one_side(ea, prefix + git_tree_entry_name(ea), false)) return false;
        ++i;
        continue;
      }
      if (order > 0) {  // only in B: added
        if (!one_side(eb, prefix + git_tree_entry_name(eb), true)) return false;
        ++j;
        continue;
      }
      ++i;
      ++j;
      if (git_oid_equal(git_tree_entry_id(ea), git_tree_entry_id(eb)) &&
          git_tree_entry_filemode(ea) == git_tree_entry_filemode(eb))
        continue;
      if (is_tree(ea)) {  // compare_names puts a folder and a file of the same name apart: both are
                          // folders
        TreePtr sa = lookup(ea, prefix), sb = lookup(eb, prefix);
        if (!sa || !sb) return false;
        prefix.append(git_tree_entry_name(ea)).push_back('/');
        bool ok = walk(sa.get(), sb.get(), prefix);
        prefix.resize(p);
        if (!ok) return false;
        continue;
      }
      std::string path = prefix + git_tree_entry_name(eb);
      out_->changed.push_back(path);
      if (is_file(eb)) out_->present.push_back(std::move(path));
    }
    return true;
  }

 private:
  static bool is_tree(const git_tree_entry* e) { return git_tree_entry_type(e) == GIT_OBJECT_TREE; }
  static bool is_file(const git_tree_entry* e) { return git_tree_entry_type(e) == GIT_OBJECT_BLOB; }

  TreePtr lookup(const git_tree_entry* e, const std::string& prefix) {
    git_tree* raw = nullptr;
    if (git_tree_lookup(&raw, repo_.get(), git_tree_entry_id(e)) < 0)
      *err_ = libgit2_error("cannot read the tree " + prefix + git_tree_entry_name(e));
    return TreePtr(raw);
  }

  // Every path below one entry that only one side has.
  bool one_side(const git_tree_entry* e, const std::string& path, bool in_b) {
    if (!is_tree(e)) {
      out_->changed.push_back(path);
      if (in_b && is_file(e)) out_->present.push_back(path);
      return true;
    }
    TreePtr tree = lookup(e, "");
    if (!tree) return false;
    size_t n = git_tree_entrycount(tree.get());
    for (size_t k = 0; k < n; ++k) {
      const git_tree_entry* sub = git_tree_entry_byindex(tree.get(), k);
      if (!one_side(sub, path + "/" + git_tree_entry_name(sub), in_b)) return false;
    }
    return true;
  }

  const Repository& repo_;
  ChangeSet* out_;
  std::string* err_;
};

class StagedDiff {
 public:
  StagedDiff(const Repository& repo, const GitIndex& index, ChangeSet* out)
      : repo_(repo), index_(index), entries_(index.entries()), out_(out) {}

  bool run(git_tree* head, std::string* err) {
    err_ = err;
    const GitIndex::Tree* root = index_.trees().empty() ? nullptr : &index_.trees()[0];
    if (head && same_tree(root, git_tree_id(head))) return true;
    std::string prefix;
    return walk(head, prefix, 0, entries_.size(), root);
  }

 private:
  static bool same_tree(const GitIndex::Tree* t, const git_oid* id) {
    return t && t->id && std::memcmp(t->id, id->id, GitIndex::kIdSize) == 0;
  }

  const GitIndex::Tree* child(const GitIndex::Tree* t, std::string_view name) const {
    if (!t)
      return nullptr;  // git invalidates a folder and its parents, never its siblings: children
                       // stay
    const auto& trees = index_.trees();
    uint32_t k = t->first_child;
    for (uint32_t n = 0; n < t->children && k < trees.size(); ++n, k = trees[k].next)
      if (trees[k].name == name) return &trees[k];
    return nullptr;
  }

  // One past the last entry in [i, e) below folder `dir` ("a/b/").
  size_t folder_end(size_t i, size_t e, const std::string& dir) const {
    std::string after = dir;
    after.back() = '/' + 1;
    auto it = std::lower_bound(
        entries_.begin() + static_cast<std::ptrdiff_t>(i),
        entries_.begin() + static_cast<std::ptrdiff_t>(e), after,
        [](const GitIndex::Entry& x, const std::string& p) { return x.path() < p; });
    return static_cast<size_t>(it - entries_.begin());
  }

  // A sparse index's folder: `git diff --cached` lists the files below it, as if it were expanded.
  bool sparse_dir(const GitIndex::Entry& x, git_tree* head) {
    git_oid id;
    git_oid_fromraw(&id, x.id());
    std::string prefix(x.path());
    if (!head) return TreeDiff(repo_, out_, err_).added(id, prefix);
    git_tree* raw = nullptr;
    if (git_tree_lookup(&raw, repo_.get(), &id) < 0) {
      *err_ = libgit2_error("cannot read the index's tree " + prefix);
      return false;
    }
    TreePtr tree(raw);
    return TreeDiff(repo_, out_, err_).walk(head, tree.get(), prefix);
  }

  bool index_side(size_t i, size_t e) {
    for (; i < e; ++i) {
      const GitIndex::Entry& x = entries_[i];
      if (x.intent_to_add()) continue;
      if (x.is_sparse_dir()) {
        if (!sparse_dir(x, nullptr)) return false;
        continue;
      }
      if (out_->changed.empty() || out_->changed.back() != x.path())
        out_->changed.emplace_back(x.path());
      if (x.stage() == 0 && x.is_file()) out_->present.emplace_back(x.path());
    }
    return true;
  }

  bool head_side(const git_tree_entry* te, const std::string& path) {
    if (git_tree_entry_type(te) != GIT_OBJECT_TREE) {
      out_->changed.push_back(path);
      return true;
    }
    git_tree* raw = nullptr;
    if (git_tree_lookup(&raw, repo_.get(), git_tree_entry_id(te)) < 0) {
      *err_ = libgit2_error("cannot read HEAD's tree " + path);
      return false;
    }
    TreePtr tree(raw);
    size_t n = git_tree_entrycount(tree.get());
    for (size_t j = 0; j < n; ++j) {
      const git_tree_entry* sub = git_tree_entry_byindex(tree.get(), j);
      if (!head_side(sub, path + "/" + git_tree_entry_name(sub))) return false;
    }
    return true;
  }

  // Entries [b, e) all lie below `prefix` ("" or "a/b/"); `head` is HEAD's
  // tree for that folder (null when HEAD has none), `cache` its cache-tree.
  bool walk(git_tree* head, std::string& prefix, size_t b, size_t e, const GitIndex::Tree* cache) {
    size_t n_head = head ? git_tree_entrycount(head) : 0;
    size_t i = b, j = 0;
    const size_t p = prefix.size();
    while (i < e || j < n_head) {
      // The next name on the index side: a file, or the first folder below `prefix`.
      std::string_view name;
      bool index_dir = false;
      size_t k = i;
      if (i < e) {
        std::string_view rest = entries_[i].path().substr(p);
        size_t slash = rest.find('/');
        index_dir = slash != std::string_view::npos;
        name = index_dir ? rest.substr(0, slash) : rest;
        if (index_dir) {
          k = folder_end(i + 1, e, std::string(entries_[i].path().substr(0, p + slash + 1)));
        } else {
          k = i + 1;
          while (k < e && entries_[k].path() == entries_[i].path())
            ++k;  // the stages of a conflict
        }
      }
      const git_tree_entry* te = j < n_head ? git_tree_entry_byindex(head, j) : nullptr;
      int order;
      if (i >= e)
        order = 1;
      else if (!te)
        order = -1;
      else
        order = compare_names(name, index_dir, git_tree_entry_name(te),
                              git_tree_entry_type(te) == GIT_OBJECT_TREE);

      if (order < 0) {  // only in the index: added
        if (!index_side(i, k)) return false;
        i = k;
        continue;
      }
      if (order > 0) {  // only in HEAD: deleted
        if (!head_side(te, prefix + git_tree_entry_name(te))) return false;
        ++j;
        continue;
      }
      if (index_dir) {
        const GitIndex::Tree* sub_cache = child(cache, name);
        const GitIndex::Entry& x = entries_[i];
        bool sparse = k == i + 1 && x.is_sparse_dir() && x.path().size() == p + name.size() + 1;
        if (sparse) {  // compared as a tree: unread when it is HEAD's
          if (std::memcmp(x.id(), git_tree_entry_id(te)->id, GitIndex::kIdSize) != 0) {
            git_tree* raw = nullptr;
            if (git_tree_lookup(&raw, repo_.get(), git_tree_entry_id(te)) < 0) {
              *err_ = libgit2_error("cannot read HEAD's tree " + prefix + std::string(name));
              return false;
            }
            TreePtr sub(raw);
            if (!sparse_dir(x, sub.get())) return false;
          }
        } else if (!same_tree(sub_cache, git_tree_entry_id(te))) {
          git_tree* raw = nullptr;
          if (git_tree_lookup(&raw, repo_.get(), git_tree_entry_id(te)) < 0) {
            *err_ = libgit2_error("cannot read HEAD's tree " + prefix + std::string(name));
            return false;
          }
          TreePtr sub(raw);
          prefix.append(name).push_back('/');
          bool ok = walk(sub.get(), prefix, i, k, sub_cache);
          prefix.resize(p);
          if (!ok) return false;
        }
      } else {
        const GitIndex::Entry& x = entries_[i];
        uint32_t head_mode = static_cast<uint32_t>(git_tree_entry_filemode(te));
        // A submodule (gitlink) whose commit moved is changed like a file; its content is never
        // read.
        bool same = k == i + 1 && x.stage() == 0 && !x.intent_to_add() && x.mode() == head_mode &&
                    std::memcmp(x.id(), git_tree_entry_id(te)->id, GitIndex::kIdSize) == 0;
        if (!same) {
          bool only_ita = true;
          for (size_t m = i; m < k; ++m) only_ita = only_ita && entries_[m].intent_to_add();
          if (only_ita)
            out_->changed.emplace_back(x.path());  // in HEAD, not in the next commit
          else if (!index_side(i, k))
            return false;
        }
      }
      i = k;
      ++j;
    }
    return true;
  }

  const Repository& repo_;
  const GitIndex& index_;
  const std::vector<GitIndex::Entry>& entries_;
  ChangeSet* out_;
  std::string* err_ = nullptr;
};

void sort_change_set(ChangeSet* out) {
  std::sort(out->changed.begin(), out->changed.end());
  out->changed.erase(std::unique(out->changed.begin(), out->changed.end()), out->changed.end());
  std::sort(out->present.begin(), out->present.end());
}

}  // namespace

bool staged_changes(const Repository& repo, const IndexSource& index, ChangeSet* out,
                    std::string* err) {
  TreePtr head = repo.head_tree(err);
  if (!err->empty()) return false;
  if (!StagedDiff(repo, index.index(), out).run(head.get(), err)) return false;
  sort_change_set(out);
  return true;
}

RangeStatus range_changes(const Repository& repo, const git_oid& from, const git_oid& to,
                          ChangeSet* out, std::string* why) {
  git_oid base;
  int rc = git_merge_base(&base, repo.get(), &from, &to);
  if (rc == GIT_ENOTFOUND || (rc < 0 && git_repository_is_shallow(repo.get()) == 1)) {
    // libgit2 does not read a shallow clone's boundary: a walk that reaches it
    // finds a parent missing. Either way git itself would have no base to diff.
    *why = rc == GIT_ENOTFOUND && git_repository_is_shallow(repo.get()) != 1
               ? "the two commits have no common history"
               : "this shallow clone does not reach it; fetching more history (git fetch --deepen "
                 "N) narrows the run";
    git_error_clear();
    return RangeStatus::NoBase;
  }
  if (rc < 0) {
    *why = libgit2_error("cannot find the merge base of " + oid_hex(from) + " and " + oid_hex(to));
    return RangeStatus::Error;
  }
  TreePtr a = repo.commit_tree(base, why);
  if (!a) return RangeStatus::Error;
  TreePtr b = repo.commit_tree(to, why);
  if (!b) return RangeStatus::Error;
  std::string prefix;
  if (!TreeDiff(repo, out, why).walk(a.get(), b.get(), prefix)) return RangeStatus::Error;
  sort_change_set(out);
  return RangeStatus::Okay;
}

ChangeSet listed_changes(const std::vector<std::string>& paths, const FileSource& source) {
  ChangeSet out;
  for (std::string f : paths) {
    while (f.compare(0, 2, "./") == 0) f.erase(0, 2);
    if (!f.empty()) out.changed.push_back(std::move(f));
  }
  sort_change_set(&out);
  for (const auto& f : out.changed)
    if (source.exists(f)) out.present.push_back(f);
  return out;
}

}  // namespace smokehook
