#include <catch2/catch.hpp>

#include <random>

#include "glob.h"

using namespace smokehook;

namespace {
bool match(const char* pattern, const char* path) {
  std::string err;
  auto g = Glob::compile(pattern, &err);
  INFO(pattern << ": " << err);
  REQUIRE(g);
  return g->matches(path);
}
}  // namespace

TEST_CASE("globs: a pattern without a slash matches a name at any depth", "[glob]") {
  CHECK(match("*.py", "a.py"));
  CHECK(match("*.py", "server/deep/a.py"));
  CHECK_FALSE(match("*.py", "a.pyc"));
  CHECK(match("config.*", "server/config.py"));
  CHECK_FALSE(match("config.*", "server/myconfig.py"));
}

TEST_CASE("globs: a slash anchors at the root; ** crosses folders", "[glob]") {
  CHECK(match("server/*.py", "server/a.py"));
  CHECK_FALSE(match("server/*.py", "server/x/a.py"));
  CHECK_FALSE(match("server/*.py", "lib/server/a.py"));
  CHECK(match("server/**/*.py", "server/a.py"));
  CHECK(match("server/**/*.py", "server/x/y/a.py"));
  CHECK(match("**/tests/*.py", "a/tests/t.py"));
  CHECK(match("/top.txt", "top.txt"));
  CHECK_FALSE(match("/top.txt", "sub/top.txt"));
}

TEST_CASE("globs: a trailing slash is a folder at any depth, and everything below it", "[glob]") {
  CHECK(match("tests/", "tests/a.py"));
  CHECK(match("tests/", "pkg/tests/unit/a.py"));
  CHECK_FALSE(match("tests/", "tests"));
  CHECK_FALSE(match("tests/", "mytests/a.py"));
  CHECK(match("node_modules/", "web/node_modules/x/index.js"));
}

TEST_CASE("globs: classes, ? and escapes; bad patterns are errors", "[glob]") {
  CHECK(match("file[0-9].txt", "file7.txt"));
  CHECK_FALSE(match("file[!0-9].txt", "file7.txt"));
  CHECK(match("a?c", "abc"));
  CHECK_FALSE(match("a?c", "a/c"));
  CHECK(match("a\\*b", "a*b"));
  std::string err;
  CHECK_FALSE(Glob::compile("file[0-9", &err));
  CHECK(err.find("unterminated") != std::string::npos);
  CHECK_FALSE(Glob::compile("", &err));
}

TEST_CASE("globs: ** alone, at the end and before a trailing slash", "[glob]") {
  CHECK(match("**", "a"));
  CHECK(match("**", "a/b/c"));
  CHECK(match("docs/**", "docs/a/b.md"));
  CHECK_FALSE(match("docs/**", "docs"));
  CHECK_FALSE(match("docs/**", "x/docs/a"));
  CHECK(match("a/**/", "a/b/c"));
  CHECK_FALSE(match("a/**/", "a/b"));
  CHECK(match("**.py", "x/y.py"));  // "**" inside a name is "*"
  CHECK(match("a/**/b/**/c.txt", "a/x/b/y/z/c.txt"));
  CHECK(match("a/**/b/**/c.txt", "a/b/c.txt"));
  CHECK_FALSE(match("a/**/b/**/c.txt", "a/x/c.txt"));
}

TEST_CASE("globs: matching is on bytes, as git's is", "[glob]") {
  CHECK(match("caf?", "caf\xff"));          // not valid UTF-8: still a name
  CHECK(match("caf??", "caf\xc3\xa9"));     // '?' is one byte of a two-byte character
  CHECK_FALSE(match("caf?", "caf\xc3\xa9"));
  CHECK(match("[c]af?", "caf\xff"));        // the regex form agrees
  CHECK(match("[c]af??", "caf\xc3\xa9"));
}

// The folder-by-folder matcher and the RE2 translation must agree on every
// glob without classes or escapes: random globs and paths, fixed seed.
TEST_CASE("globs: the folder-by-folder matcher agrees with the regex translation", "[glob]") {
  std::mt19937 rng(20261201);
  auto pick = [&](const char* alphabet, size_t max_len) {
    std::string out;
    size_t n = rng() % (max_len + 1);
    size_t k = std::char_traits<char>::length(alphabet);
    for (size_t i = 0; i < n; ++i) out += alphabet[rng() % k];
    return out;
  };
  int compared = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string pattern = pick("ab.*?/", 9);
    std::string err;
    auto fast = Glob::compile(pattern, &err);
    auto reference = Glob::compile_as_regex(pattern, &err);
    REQUIRE(bool(fast) == bool(reference));
    if (!fast) continue;
    for (int j = 0; j < 8; ++j) {
      std::string path;
      size_t names = 1 + rng() % 4;
      for (size_t n = 0; n < names; ++n) {
        std::string name = pick("ab.*?\xc3", 3);
        path += (n ? "/" : "") + (name.empty() ? std::string("a") : name);
      }
      INFO("pattern '" << pattern << "', path '" << path << "'");
      CHECK(fast->matches(path) == reference->matches(path));
      ++compared;
    }
  }
  CHECK(compared > 100000);
}

TEST_CASE("service name patterns", "[glob]") {
  CHECK(name_matches("worker*", "worker"));
  CHECK(name_matches("worker*", "worker-high"));
  CHECK_FALSE(name_matches("worker*", "api-worker"));
  CHECK(name_matches("baileys*", "baileys-2"));
  CHECK(name_matches("w?rker-[a-z]*", "worker-low"));
  CHECK(name_matches("*", "*x"));  // a '*' in the name is not the pattern's '*'
  CHECK(name_matches("a*", "a*"));
  CHECK(has_wildcard("worker*"));
  CHECK_FALSE(has_wildcard("api"));
}
