// What a commit changes: the paths that differ between HEAD's tree and the
// index (added, modified, deleted, renamed, type-changed). A plain value.
#pragma once

#include <string>
#include <vector>

namespace smokehook {

class Repository;
class IndexSource;

struct ChangeSet {
  std::vector<std::string> changed;  // every changed path, old and new names, sorted
  std::vector<std::string> present;  // those that exist in the index (can be read and scanned)

  bool contains(const std::string& path) const;
};

// Diffs HEAD's tree (an empty tree when HEAD is unborn) against `index`.
bool staged_changes(const Repository& repo, const IndexSource& index, ChangeSet* out, std::string* err);

}  // namespace smokehook
