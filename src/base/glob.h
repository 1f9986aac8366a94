// Path globs in gitignore style. A pattern without a '/' matches a name at any
// depth ("*.py", "config.*"); one with a '/' is anchored at the repository root
// ("server/*.py"); "**" crosses folders; a trailing '/' matches a folder and
// everything below it ("tests/" is any folder named tests, at any depth).
// A pattern that matches a folder matches every file below it. Matching is on
// bytes, as git's is: '?' is one byte.
//
// Braces give alternatives, as in sh: "*.{yml,yaml}", "{api,worker-*}",
// nested "{a,b{1,2}}". A '{' is an alternation only when a '}' closes it and
// a ',' stands between them at its own depth; any other brace or comma is a
// literal character ("{a}", "a{b", "x}"), and '\{' is always one. "**" is a
// globstar only as a whole name of the pattern as written ("a/**/b"); inside
// braces ("{**/x,y}") it is '*'. A '/' anywhere anchors the whole pattern.
//
// Globs made of names, '*', '?' and "**" (nearly all of them) are matched
// folder by folder (at most names x parts name tests), without a regex: the
// configuration is compiled on every commit and most checks never run. A
// glob with a [class], a '\' escape or braces is translated to RE2 (linear
// time too: an alternation is "(?:a|b)", never expanded).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace re2 {
class RE2;
}

namespace smokehook {

class Glob {
 public:
  // nullopt with `err` set when the pattern is malformed.
  static std::optional<Glob> compile(std::string_view pattern, std::string* err);
  // The same glob always through its RE2 translation: the reference the
  // folder-by-folder matcher is tested against.
  static std::optional<Glob> compile_as_regex(std::string_view pattern, std::string* err);
  bool matches(std::string_view path) const;
  const std::string& pattern() const { return pattern_; }

 private:
  // One name of the folder-by-folder form, sorted by how cheaply it is tested.
  struct Part {
    enum Kind : unsigned char { AnyNames, AnyName, Literal, Suffix, Prefix, Wild } kind;
    std::string text;  // the name; the part after or before the only '*'; the wildcard pattern
    bool matches(std::string_view name) const;
  };
  static std::optional<Glob> build(std::string_view pattern, bool force_regex, std::string* err);
  void add_part(std::string_view name);
  bool matches_parts(std::string_view path) const;

  std::string pattern_;
  // Folder-by-folder form: one part per name of the path; AnyNames ("**") is any
  // number of names, none included. An unanchored glob starts with "**"; every
  // glob ends with "**" (what is below a match matches).
  std::vector<Part> parts_;
  // parts_ is "**", one name, ["*",] "**": "*.py", "config.*", "tests/" - any
  // name of the path matches (but the last, for a folder): one pass, no backtracking.
  bool any_depth_ = false;
  std::shared_ptr<const re2::RE2> re_;  // set instead of parts_ for classes and escapes
};

class GlobSet {
 public:
  void add(Glob g) { globs_.push_back(std::move(g)); }
  bool empty() const { return globs_.empty(); }
  bool matches(std::string_view path) const;
  const std::vector<Glob>& globs() const { return globs_; }

 private:
  std::vector<Glob> globs_;
};

// fnmatch-style matching of a name (no folders): '*', '?' and [classes].
// Used for service names ("worker*") and for each folder of a glob.
// Braces as in path globs; any '{' makes a service selector a pattern.
bool name_matches(std::string_view pattern, std::string_view name);
bool has_wildcard(std::string_view pattern);

// For each byte of `pattern`, '{', ',' or '}' where it is brace syntax, else 0;
// empty when the pattern has no alternation. Linear in the pattern's length.
std::string brace_roles(std::string_view pattern);

}  // namespace smokehook
