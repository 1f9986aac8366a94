#include <catch2/catch.hpp>

#include "git/pre_push.h"

using namespace smokehook;

TEST_CASE("pre-push lines: refs, new branches and deletions", "[pre-push]") {
  std::string z(40, '0'), a(40, 'a'), b(40, 'b');
  std::vector<PushedRef> refs;
  std::string err;
  REQUIRE(parse_pre_push("refs/heads/main " + a + " refs/heads/main " + b + "\n" +
                             "refs/heads/new " + a + " refs/heads/new " + z + "\n(delete) " + z +
                             " refs/heads/old " + b + "\n",
                         &refs, &err));
  REQUIRE(refs.size() == 3);
  CHECK(refs[0].local_ref == "refs/heads/main");
  CHECK_FALSE(refs[1].deletion());
  CHECK(refs[2].deletion());
  refs.clear();
  REQUIRE(parse_pre_push("", &refs, &err));
  CHECK(refs.empty());
}

TEST_CASE("pre-push lines: malformed input is an error naming the line", "[pre-push]") {
  std::vector<PushedRef> refs;
  std::string err;
  CHECK_FALSE(parse_pre_push("refs/heads/main abc refs/heads/main def\n", &refs, &err));
  CHECK(err.find("line 1") != std::string::npos);
  CHECK_FALSE(parse_pre_push(std::string("a ") + std::string(40, 'a') + "\n", &refs, &err));
}
