// The configuration: `.smokehook.yml`, or the built-in default (the original
// production smoke suite, src/default_config.yml, embedded in the binary).
//
//   version: 1
//   checks:
//   live:                         # optional: around the live checks, with --full
//     up: docker compose up -d --wait
//     down: docker compose down
//     - id: compose.base          # unique
//       kind: compose-valid       # see the kinds table in config.cc
//       title: ...                # optional; the report's line
//       section: ...              # optional; the report's heading
//       <the kind's own keys>
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/finding.h"
#include "base/regex.h"
#include "base/yaml_tree.h"
#include "checks/check.h"

namespace smokehook {

// How errors name the built-in default (Config::path).
inline constexpr const char kBuiltinConfigName[] = "<built-in default>";

struct Config {
  std::string path;  // as named in errors; kBuiltinConfigName for the built-in default
  CheckList checks;
  // Optional shell commands around the live checks (--all --full only), e.g.
  // `docker compose up -d --wait` and `docker compose down`.
  std::string live_up, live_down;
};

// Parses configuration text; `file` names it in errors. On error fills `err`
// with file:line:column and returns false.
bool parse_config(std::string_view text, const std::string& file, Config* out, Finding* err);
// The same from documents already parsed.
bool build_config(const std::vector<Node>& docs, const std::string& file, Config* out,
                  Finding* err);
// The built-in default, from the tree the build parsed (no YAML parsing at run time).
bool load_default_config(Config* out, Finding* err);

// The built-in default configuration's text, and the same parsed at build time (encode_nodes).
std::string_view default_config_text();
std::string_view default_config_tree();

// Reads the keys of one check's mapping for a kind's factory, recording
// errors at the offending node.
class CheckReader {
 public:
  CheckReader(const Node& node, Finding* err) : node_(node), err_(err) {}
  const Node& node() const { return node_; }

  // Each returns false (and sets the error) when the key is present but malformed,
  // or absent and required.
  bool string(const char* key, std::string* out, bool required);
  bool strings(const char* key, std::vector<std::string>* out,
               bool required);  // a string or a list of strings
  bool string_map(const char* key, std::vector<std::pair<std::string, std::string>>* out,
                  bool required);
  bool integer(const char* key, long long* out, bool required);
  bool regex(const char* key, std::shared_ptr<const Regex>* out,
             bool required);  // parsed, compiled on first use
  bool regexes(const char* key, std::vector<std::shared_ptr<const Regex>>* out, bool required);
  bool globs(const char* key, GlobSet* out, bool required);
  bool fail(const Node& at, std::string message);

 private:
  const Node& node_;
  Finding* err_;
};

}  // namespace smokehook
