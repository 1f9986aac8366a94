// The YAML layer: text in, a tree of Nodes out, every node carrying its file,
// line and column. The only file that talks to yaml-cpp.
//
// On top of what yaml-cpp gives, it does what compose needs and yaml-cpp does
// not: duplicate keys are errors, `<<` merge keys are resolved (shallow, first
// source wins, explicit keys win), aliases are expanded under a node budget so
// that an alias bomb is an error and not an out-of-memory.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/finding.h"

namespace smokehook {

enum class NodeKind : unsigned char { Null, Scalar, Sequence, Mapping };

struct Entry;

struct Node {
  NodeKind kind = NodeKind::Null;
  bool plain = true;  // a scalar written without quotes (its type is resolved from the text)
  // a mapping compose's loader keeps as a "K=V" list (see normalize_compose)
  bool was_list = false;
  // a one-item list normalize_compose made from a string compose's loader keeps
  bool was_scalar = false;
  std::string tag;                    // explicit tag, e.g. "!reset", "!override"; empty when none
  std::string text;                   // scalar text
  const std::string* file = nullptr;  // interned; see intern_path()
  int line = 0, column = 0;           // 1-based
  std::vector<Node> items;            // Sequence
  std::vector<Entry> entries;         // Mapping, in source order

  bool is_null() const { return kind == NodeKind::Null; }
  bool is_scalar() const { return kind == NodeKind::Scalar; }
  bool is_seq() const { return kind == NodeKind::Sequence; }
  bool is_map() const { return kind == NodeKind::Mapping; }

  const Node* find(std::string_view key) const;
  Node* find(std::string_view key);
  const Entry* find_entry(std::string_view key) const;
  // Inserts or replaces, keeping the position of an existing key.
  Node& set(std::string key, Node value);
  bool erase(std::string_view key);

  Finding at(std::string message) const;  // a finding located at this node

  static Node scalar(std::string text, bool plain = false);
  static Node mapping();
  static Node sequence();
};

struct Entry {
  std::string key;
  int line = 0, column = 0;  // of the key
  Node value;

  Finding at(const Node& owner, std::string message) const;
};

// File names are interned for the life of the process, so that nodes can point
// at them cheaply and findings outlive the trees they came from.
const std::string* intern_path(std::string_view path);

struct YamlLimits {
  size_t max_nodes = 1000000;  // after alias expansion
  int max_depth = 200;
};

// Parses every document of `text`. On error fills `err` (file, line, column,
// message) and returns false.
bool parse_yaml(std::string_view text, std::string_view file, std::vector<Node>* docs, Finding* err,
                const YamlLimits& limits = {});

// A compact, lossless encoding of parsed documents (positions, tags and
// quoting included), so that a build can embed YAML already parsed: the
// built-in default configuration costs no YAML parsing at run time.
std::string encode_nodes(const std::vector<Node>& docs);
// Decodes what encode_nodes() made; nodes point at `file`. False on malformed data.
bool decode_nodes(std::string_view data, std::string_view file, std::vector<Node>* docs);

// The type a plain scalar resolves to under the YAML 1.2 core schema, as
// go-yaml (and so docker compose) reads it.
enum class ScalarType { Null, Bool, Int, Float, String };
ScalarType scalar_type(const Node& n);
// The string compose uses for a scalar where it wants a string
// (environment values, labels): `0755` -> "493", `1e3` -> "1000", `true` -> "true".
std::string scalar_string(const Node& n);
std::optional<long long> scalar_int(const Node& n);
std::optional<bool> scalar_bool(const Node& n);

const char* kind_name(const Node& n);  // "a mapping", "a list", "a string", ...

}  // namespace smokehook
