// A regex from the configuration. Its syntax is checked when the configuration
// is read (so a typo is exit 2 naming the line), but RE2 compiles it only when
// a check first uses it: the configuration is read on every commit, and most
// checks are not affected by a given commit.
#pragma once

#include <memory>
#include <mutex>
#include <string>

namespace re2 {
class RE2;
}

namespace smokehook {

class Regex {
 public:
  // nullptr with `error` set when the pattern does not parse.
  static std::shared_ptr<const Regex> parse(const std::string& pattern, std::string* error);
  ~Regex();

  const std::string& pattern() const { return pattern_; }
  // The compiled form, built once by whichever thread asks first. It may still
  // fail (a pattern too large for RE2's memory budget): check re2().ok().
  const re2::RE2& re2() const;
  // An unanchored search; false also when the regex could not be compiled.
  bool search(std::string_view text) const;

  explicit Regex(std::string pattern);  // unchecked: use parse() for what a user wrote

 private:
  std::string pattern_;
  mutable std::once_flag compiled_;
  mutable std::unique_ptr<re2::RE2> re_;
};

}  // namespace smokehook
