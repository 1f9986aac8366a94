#include <catch2/catch.hpp>

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

TEST_CASE("service name patterns", "[glob]") {
  CHECK(name_matches("worker*", "worker"));
  CHECK(name_matches("worker*", "worker-high"));
  CHECK_FALSE(name_matches("worker*", "api-worker"));
  CHECK(name_matches("baileys*", "baileys-2"));
  CHECK(name_matches("w?rker-[a-z]*", "worker-low"));
  CHECK(has_wildcard("worker*"));
  CHECK_FALSE(has_wildcard("api"));
}
