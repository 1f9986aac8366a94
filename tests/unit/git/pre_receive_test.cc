#include <catch2/catch.hpp>

#include "git/pre_receive.h"
#include "git/repo.h"

using namespace smokehook;

TEST_CASE("pre-receive lines: creations, updates, deletions and the refs that are checked",
          "[pre-receive]") {
  std::string z(40, '0'), a(40, 'a'), b(40, 'b');
  std::vector<ReceivedRef> refs;
  std::string err;
  REQUIRE(parse_pre_receive(z + " " + a + " refs/heads/new\n" + a + " " + b +
                                " refs/tags/v1\r\n\n" + b + " " + z + " refs/heads/old\n" + z +
                                " " + a + " refs/notes/commits",
                            &refs, &err));
  REQUIRE(refs.size() == 4);
  CHECK(refs[0].ref == "refs/heads/new");
  CHECK(refs[0].creation());
  CHECK_FALSE(refs[0].deletion());
  CHECK(refs[0].branch_or_tag());
  CHECK(refs[1].ref == "refs/tags/v1");  // CR LF read as LF
  CHECK(refs[1].new_oid == b);
  CHECK_FALSE(refs[1].creation());
  CHECK(refs[1].branch_or_tag());
  CHECK(refs[2].deletion());
  CHECK_FALSE(refs[3].branch_or_tag());
  refs.clear();
  REQUIRE(parse_pre_receive("", &refs, &err));
  CHECK(refs.empty());
  std::string s256(64, 'c'), z256(64, '0');
  REQUIRE(parse_pre_receive(z256 + " " + s256 + " refs/heads/sha256\n", &refs, &err));
  CHECK(refs.at(0).creation());
}

TEST_CASE("pre-receive lines: malformed input is an error naming the line", "[pre-receive]") {
  std::string z(40, '0'), a(40, 'a');
  std::vector<ReceivedRef> refs;
  std::string err;
  CHECK_FALSE(parse_pre_receive(z + " " + a + " refs/heads/ok\nnot a line\n", &refs, &err));
  CHECK(err.find("line 2") != std::string::npos);
  CHECK_FALSE(parse_pre_receive(z + " " + a + "\n", &refs, &err));  // no ref
  CHECK_FALSE(
      parse_pre_receive(z + " " + a + " refs/heads/x extra\n", &refs, &err));  // four fields
  CHECK_FALSE(parse_pre_receive(z + " " + std::string(40, 'A') + " refs/heads/x\n", &refs,
                                &err));  // git writes lowercase
  CHECK_FALSE(parse_pre_receive(z + " " + std::string(64, 'a') + " refs/heads/x\n", &refs,
                                &err));                                  // mixed lengths
  CHECK_FALSE(parse_pre_receive(z + " " + a + " HEAD\n", &refs, &err));  // not under refs/
  CHECK_FALSE(
      parse_pre_receive(z + " " + a + " refs/heads/a\tb\n", &refs, &err));  // a control character
  CHECK_FALSE(parse_pre_receive(z + "  " + a + " refs/heads/x\n", &refs, &err));  // two spaces
  CHECK(err.find("line 1") != std::string::npos);
}

TEST_CASE("pre-receive: only branches and tags with a name are checked", "[pre-receive]") {
  auto ref = [](std::string name) {
    return ReceivedRef{std::string(40, '0'), std::string(40, 'a'), std::move(name)};
  };
  CHECK(ref("refs/heads/main").branch_or_tag());
  CHECK(ref("refs/tags/v1.0").branch_or_tag());
  CHECK_FALSE(ref("refs/heads/").branch_or_tag());
  CHECK_FALSE(ref("refs/notes/commits").branch_or_tag());
  CHECK_FALSE(ref("refs/merge-requests/1/head").branch_or_tag());
  CHECK_FALSE(ref("refs/headsx/main").branch_or_tag());
}

TEST_CASE("GIT_ALTERNATE_OBJECT_DIRECTORIES is split as git splits it", "[pre-receive]") {
  CHECK(split_object_dirs("") == std::vector<std::string>{});
  CHECK(split_object_dirs("/a/objects") == std::vector<std::string>{"/a/objects"});
  CHECK(split_object_dirs("/a:/b::rel") == std::vector<std::string>{"/a", "/b", "rel"});
  CHECK(split_object_dirs("\"/with:colon\":/b") == std::vector<std::string>{"/with:colon", "/b"});
  CHECK(split_object_dirs("\"/q\\\"uote\\\\d\\n\\101\"") ==
        std::vector<std::string>{"/q\"uote\\d\nA"});
  // An octal escape is three octal digits, the first 0-3; anything else is broken quoting, which
  // git takes as written (what the fuzzer found: a byte above 127 after "\0" was shifted as a
  // negative number).
  CHECK(split_object_dirs("\"\\0\x9c\x9c\"") == std::vector<std::string>{"\"\\0\x9c\x9c\""});
  CHECK(split_object_dirs("\"/a\\08\":/b") == std::vector<std::string>{"\"/a\\08\"", "/b"});
  CHECK(split_object_dirs("\"/a\\400\"") == std::vector<std::string>{"\"/a\\400\""});
  CHECK(split_object_dirs("\"/a\\1") == std::vector<std::string>{"\"/a\\1"});  // no closing quote
  CHECK(split_object_dirs("\"/a\\q\"") ==
        std::vector<std::string>{"\"/a\\q\""});  // an unknown escape
  CHECK(split_object_dirs("\"/a\\377\"") == std::vector<std::string>{"/a\xff"});
  // As git: an entry starting with '#' is a comment; the character after a closing quote is the
  // separator.
  CHECK(split_object_dirs("#/c:/d") == std::vector<std::string>{"/d"});
  CHECK(split_object_dirs("\"/e\"x/f") == std::vector<std::string>{"/e", "/f"});
}
