// What a change touches: the paths that differ between two states of the
// repository (added, modified, deleted, renamed, type-changed). A plain value
// with three producers: staged mode's (HEAD's tree against the index), range
// mode's (a merge base's tree against a commit's) and a hook manager's list of
// files (`run --files F...`); the runner selects the affected checks from it
// the same way for all three.
#pragma once

#include <git2.h>

#include <string>
#include <vector>

namespace smokehook {

class FileSource;
class Repository;
class IndexSource;

struct ChangeSet {
  std::vector<std::string> changed;  // every changed path, old and new names, sorted
  std::vector<std::string> present;  // those that exist in the index (can be read and scanned)

  bool contains(const std::string& path) const;
};

// Diffs HEAD's tree (an empty tree when HEAD is unborn) against `index`.
bool staged_changes(const Repository& repo, const IndexSource& index, ChangeSet* out,
                    std::string* err);

// `git diff FROM...TO`: the merge base of `from` and `to` against `to`'s tree;
// `present` is then what exists in `to`'s tree.
enum class RangeStatus {
  Okay,
  NoBase,  // no merge base reachable (unrelated histories, or a shallow clone cut above it): `out`
           // stays empty
  Error,   // any other failure
};
// With NoBase or Error, `why` says why.
RangeStatus range_changes(const Repository& repo, const git_oid& from, const git_oid& to,
                          ChangeSet* out, std::string* why);

// The paths a hook manager names (`run --files F...`), "./" prefixes dropped;
// `present` is what `source` holds of them.
ChangeSet listed_changes(const std::vector<std::string>& paths, const FileSource& source);

}  // namespace smokehook
