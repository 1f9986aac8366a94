// Parsed configuration files, kept in the user's cache folder between runs.
//
// A repository's .smokehook.yml changes rarely and is read on every commit, and
// yaml-cpp spends ~1,500 instructions a byte on it: four fifths of a staged run
// with a 4 KiB configuration. An entry holds the parsed documents in the
// encoding the built-in default is embedded in (encode_nodes), positions
// included, so the checks built from it and the errors about them are the same
// as from the text. Only YAML that parsed is kept; what the checks make of it is
// decided afresh on every run.
//
// An entry is named by the git blob id of the text (a SHA-1 that detects
// collision attacks) and smokehook's version, and is written whole: a temporary
// file, then a rename. It is used only from a folder and a file that the user
// owns and no one else can write to; anything else, or anything that does not
// decode, is a miss, and the text is parsed as if there were no cache.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/yaml_tree.h"

namespace smokehook {

class ParsedConfigCache {
 public:
  // $SMOKEHOOK_CACHE_DIR, else $XDG_CACHE_HOME/smokehook, else $HOME/.cache/smokehook;
  // "" (no cache) when none is set, or SMOKEHOOK_CACHE_DIR is set and empty.
  static std::string default_dir();

  explicit ParsedConfigCache(std::string dir) : dir_(std::move(dir)) {}
  bool enabled() const { return !dir_.empty(); }

  // The git blob id of `text` (40 hex digits): an entry's name. A source that
  // knows it already (FileSource::blob_id) saves hashing the text.
  static std::string text_id(std::string_view text);

  // The documents of the text whose blob id is `id`, as parsed before; nodes
  // name `file`. False on a miss.
  bool load(const std::string& id, std::string_view file, std::vector<Node>* docs) const;
  // Keeps the documents parsed from the text whose blob id is `id`; failures
  // (a read-only home) are silent.
  void store(const std::string& id, const std::vector<Node>& docs) const;

  // Where the entry for blob id `id` lives.
  std::string entry_path(const std::string& id) const;

 private:
  std::string dir_;
};

// A cache file's bytes, only when `dir` and the file are owned by this user and
// writable by no one else (a link is not followed). False otherwise: a miss.
bool read_private_file(const std::string& dir, const std::string& path, std::string* data);
// Writes a cache file whole (a temporary file, then a rename), making `dir`
// private to the user when missing; failures (a read-only home) are silent.
void write_private_file(const std::string& dir, const std::string& path, const std::string& data);

}  // namespace smokehook
