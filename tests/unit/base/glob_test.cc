#include <catch2/catch.hpp>

#include <random>

#include "base/glob.h"

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
  CHECK(match("caf?", "caf\xff"));       // not valid UTF-8: still a name
  CHECK(match("caf??", "caf\xc3\xa9"));  // '?' is one byte of a two-byte character
  CHECK_FALSE(match("caf?", "caf\xc3\xa9"));
  CHECK(match("[c]af?", "caf\xff"));  // the regex form agrees
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

TEST_CASE("globs: braces are alternatives, nested or not", "[glob][braces]") {
  CHECK(match("*.{yml,yaml}", "a.yml"));
  CHECK(match("*.{yml,yaml}", "deploy/b.yaml"));
  CHECK_FALSE(match("*.{yml,yaml}", "c.yml.bak"));
  CHECK_FALSE(match("*.{yml,yaml}", "c.ym"));
  CHECK(match("{src,lib}/**/*.py", "src/a.py"));
  CHECK(match("{src,lib}/**/*.py", "lib/x/y/a.py"));
  CHECK_FALSE(match("{src,lib}/**/*.py", "test/a.py"));
  CHECK_FALSE(match("{src,lib}/**/*.py", "x/src/a.py"));  // a '/' anchors the whole pattern
  CHECK(match("{src,lib}/", "x/lib/a.py"));               // a folder at any depth
  CHECK(match("a{b,c{d,e}}f", "abf"));
  CHECK(match("a{b,c{d,e}}f", "acdf"));
  CHECK(match("a{b,c{d,e}}f", "acef"));
  CHECK_FALSE(match("a{b,c{d,e}}f", "acf"));
  CHECK(match("a{,b}c", "ac"));
  CHECK(match("a{,b}c", "abc"));
  CHECK(match("{a,b}[0-9]", "b7"));
  CHECK(match("docker-compose.{prod,staging}.yml", "docker-compose.staging.yml"));
}

TEST_CASE("globs: a brace that closes no alternation is a literal character, as in sh",
          "[glob][braces]") {
  CHECK(match("{a}", "{a}"));
  CHECK_FALSE(match("{a}", "a"));
  CHECK(match("{}", "{}"));
  CHECK(match("a{b", "a{b"));
  CHECK(match("x}", "x}"));
  CHECK(match("a,b", "a,b"));
  CHECK(match("{a,{b,c}", "{a,b"));  // the first '{' is never closed; the inner group is
  CHECK(match("{a,{b,c}", "{a,c"));
  CHECK(match("{x{a,b}}", "{xb}"));  // the outer pair holds no comma of its own
  CHECK(match("\\{a,b\\}", "{a,b}"));
  CHECK_FALSE(match("\\{a,b\\}", "a"));
  CHECK(match("[{]a,b}", "{a,b}"));  // in a class a brace is a member
  CHECK_FALSE(match("[{]a,b}", "a"));
  CHECK(match("x{**,y}z", "x/z") == false);  // "**" inside braces does not cross folders
  CHECK(brace_roles("{a}").empty());
  CHECK(brace_roles("a{b,c}") == std::string("\0{\0,\0}", 6));
}

TEST_CASE("globs: hostile braces compile and match in linear time", "[glob][braces]") {
  std::string many, path;
  for (int i = 0; i < 2000; ++i) many += "{a,b}", path += i % 2 ? "a" : "b";
  std::string err;
  auto g = Glob::compile(many, &err);
  INFO(err);
  REQUIRE(g);  // 2^2000 expansions, one small regex
  CHECK(g->matches(path));
  CHECK_FALSE(g->matches(path + "c"));
  CHECK(name_matches(many, path));
  // Deep nesting: a clear error from RE2's nesting limit, or a glob; never a crash.
  std::string deep;
  for (int i = 0; i < 5000; ++i) deep += "{a,";
  deep += "b" + std::string(5000, '}');
  auto d = Glob::compile(deep, &err);
  if (d)
    CHECK(d->matches("b"));
  else
    CHECK_FALSE(err.empty());
  CHECK_FALSE(name_matches(deep, "c"));
  std::string opens(100000, '{');  // nothing closes: all literal, and brace_roles stays linear
  CHECK(brace_roles(opens).empty());
}

namespace {

// sh's brace expansion of `p`, driven by brace_roles: the reference the
// regex translation of braces is compared with.
std::vector<std::string> expand(std::string_view p, const std::string& roles, size_t* i) {
  std::vector<std::string> out{""};
  while (*i < p.size()) {
    char role = roles.empty() ? 0 : roles[*i];
    if (role == ',' || role == '}') break;
    if (role != '{') {
      for (auto& o : out) o += p[*i];
      ++*i;
      continue;
    }
    std::vector<std::string> alternatives;
    for (char end = 0; end != '}';) {
      ++*i;
      for (auto& a : expand(p, roles, i)) alternatives.push_back(a);
      end = roles[*i];
    }
    ++*i;
    std::vector<std::string> next;
    for (const auto& o : out)
      for (const auto& a : alternatives) next.push_back(o + a);
    out.swap(next);
  }
  return out;
}

}  // namespace

// Braces through RE2 against sh's expansion matched alternative by
// alternative, on random patterns and paths (fixed seed). Left out: a brace
// beside '*' or '/', where the expansion would make a "**" or a trailing or
// doubled '/' that the pattern as written does not have.
TEST_CASE("globs: braces match what their sh expansion matches", "[glob][braces]") {
  std::mt19937 rng(20261202);
  auto pick = [&](const char* alphabet, size_t min_len, size_t max_len) {
    std::string out;
    size_t n = min_len + rng() % (max_len - min_len + 1);
    size_t k = std::char_traits<char>::length(alphabet);
    for (size_t i = 0; i < n; ++i) out += alphabet[rng() % k];
    return out;
  };
  int compared = 0;
  for (int i = 0; i < 40000; ++i) {
    std::string pattern = pick("ab*?/{,}{,}", 3, 11);
    std::string roles = brace_roles(pattern);
    if (roles.empty()) continue;
    bool beside = false;
    for (size_t k = 0; k < pattern.size(); ++k)
      if (roles[k] &&
          ((k > 0 && (pattern[k - 1] == '*' || pattern[k - 1] == '/')) ||
           (k + 1 < pattern.size() && (pattern[k + 1] == '*' || pattern[k + 1] == '/'))))
        beside = true;
    if (beside) continue;
    std::string err;
    auto g = Glob::compile(pattern, &err);
    REQUIRE(g);
    size_t at = 0;
    std::string_view body = pattern;
    if (body.size() > 1 && body.back() == '/') body.remove_suffix(1);
    bool anchored = body.find('/') != std::string_view::npos;
    std::vector<Glob> alternatives;
    for (std::string alt : expand(pattern, roles, &at)) {
      if (anchored && alt[0] != '/') alt = "/" + alt;
      if (auto a = Glob::compile(alt, &err)) alternatives.push_back(*a);
    }
    for (int j = 0; j < 8; ++j) {
      std::string path;
      size_t names = 1 + rng() % 3;
      for (size_t n = 0; n < names; ++n) path += (n ? "/" : "") + pick("ab{},", 1, 3);
      bool expected = false;
      for (const Glob& a : alternatives) expected = expected || a.matches(path);
      INFO("pattern '" << pattern << "', path '" << path << "'");
      CHECK(g->matches(path) == expected);
      ++compared;
    }
  }
  CHECK(compared > 10000);
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
  CHECK(has_wildcard("{postgres,redis}"));
  CHECK(name_matches("{postgres,redis}", "redis"));
  CHECK_FALSE(name_matches("{postgres,redis}", "redis-2"));
  CHECK(name_matches("{api,worker-*}", "worker-low"));
  CHECK(name_matches("baileys{,-{2,3}}", "baileys-3"));
  CHECK_FALSE(name_matches("baileys{,-{2,3}}", "baileys-4"));
  CHECK(name_matches("{a}", "{a}"));  // no alternation: literal
  CHECK_FALSE(name_matches("{a}", "a"));
}
