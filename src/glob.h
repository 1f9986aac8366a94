// Path globs in gitignore style, compiled to RE2 (linear time, whatever the
// pattern). A pattern without a '/' matches a name at any depth ("*.py",
// "config.*"); one with a '/' is anchored at the repository root
// ("server/*.py"); "**" crosses folders; a trailing '/' matches a folder and
// everything below it ("tests/" is any folder named tests, at any depth).
// A pattern that matches a folder matches every file below it.
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
  bool matches(std::string_view path) const;
  const std::string& pattern() const { return pattern_; }

 private:
  std::string pattern_;
  std::shared_ptr<const re2::RE2> re_;
  std::string suffix_;  // "*.py" and the like: a cheap test before the regex
  bool suffix_only_ = false;
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
// Used for service names ("worker*").
bool name_matches(std::string_view pattern, std::string_view name);
bool has_wildcard(std::string_view pattern);

}  // namespace smokehook
