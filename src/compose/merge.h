// How compose files combine: canonical forms first (a depends_on list becomes
// a mapping, a build string {context: ...}, ...), then the overlay merges into
// what is accumulated, with compose's rules for each key.
#pragma once

#include "base/yaml_tree.h"

namespace smokehook {

// Rewrites the short forms of one document into the forms the merge and the
// model work on. Idempotent.
void normalize_compose(Node& doc);

// Merges `overlay` into `base` (both normalized documents), applying !reset
// and !override. `base` starts as an empty mapping for the first file. The
// overlay is consumed: its subtrees move into `base` rather than being copied.
void merge_compose(Node& base, Node&& overlay);

// compose's unicity pass over one document, before it is validated: in the
// sequences compose keys (cap_add, dns, volumes by target, secrets by target,
// ...), an entry whose key was seen replaces the first one in place.
void enforce_unicity(Node& doc);

// Whether two trees hold the same values, wherever they were written (mapping
// keys in any order, scalars by their text).
bool structurally_equal(const Node& a, const Node& b);

// The key a keyed sequence entry merges by (service volumes, ports, secrets,
// configs, devices, env_file); empty when the field is not keyed.
std::string merge_key(const std::string& field, const Node& item);

}  // namespace smokehook
