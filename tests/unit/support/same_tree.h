// Two YAML trees are the same, positions included: for the tests of the
// encoded forms (the embedded default, the configuration cache).
#pragma once

#include "base/yaml_tree.h"

namespace smokehook::test {

// Every field the checks and messages use: kind, quoting, tag, text, file, position, children.
inline bool same_tree(const Node& a, const Node& b) {
  if (a.kind != b.kind || a.plain != b.plain || a.tag != b.tag || a.text != b.text ||
      a.line != b.line || a.column != b.column || a.file != b.file ||
      a.items.size() != b.items.size() || a.entries.size() != b.entries.size())
    return false;
  for (size_t i = 0; i < a.items.size(); ++i)
    if (!same_tree(a.items[i], b.items[i])) return false;
  for (size_t i = 0; i < a.entries.size(); ++i) {
    const Entry &x = a.entries[i], &y = b.entries[i];
    if (x.key != y.key || x.line != y.line || x.column != y.column || !same_tree(x.value, y.value))
      return false;
  }
  return true;
}

}  // namespace smokehook::test
