#include <catch2/catch.hpp>

#include "base/yaml_tree.h"
#include "support/same_tree.h"

using namespace smokehook;

namespace {
Node parse_one(const std::string& text) {
  std::vector<Node> docs;
  Finding err;
  INFO(err.to_string());
  REQUIRE(parse_yaml(text, "t.yml", &docs, &err));
  REQUIRE(docs.size() == 1);
  return docs[0];
}
Finding parse_error(const std::string& text, const YamlLimits& limits = {}) {
  std::vector<Node> docs;
  Finding err;
  REQUIRE_FALSE(parse_yaml(text, "t.yml", &docs, &err, limits));
  return err;
}
}  // namespace

TEST_CASE("yaml: every node knows its file, line and column", "[yaml]") {
  Node root = parse_one("a: 1\nb:\n  - x\n  - {c: d}\n");
  const Node* b = root.find("b");
  REQUIRE(b);
  CHECK(*b->items[1].file == "t.yml");
  CHECK(b->items[1].line == 4);
  CHECK(b->items[1].column == 5);
  CHECK(root.find_entry("b")->line == 2);
}

TEST_CASE("yaml: duplicate keys are errors at the second key", "[yaml]") {
  Finding err = parse_error("a: 1\nb: 2\na: 3\n");
  CHECK(err.line == 3);
  CHECK(err.column == 1);
  CHECK(err.message.find("duplicate key 'a'") != std::string::npos);
}

TEST_CASE("yaml: duplicate and merged keys in large mappings (searched through an index)",
          "[yaml]") {
  std::string big;
  for (int i = 0; i < 40; ++i) big += "k" + std::to_string(i) + ": " + std::to_string(i) + "\n";
  Finding err = parse_error(big + "k3: again\n");
  CHECK(err.line == 41);
  CHECK(err.message.find("duplicate key 'k3' (first defined at line 4)") != std::string::npos);
  err = parse_error(big + "k39: again\n");
  CHECK(err.message.find("duplicate key 'k39' (first defined at line 40)") != std::string::npos);
  // A merge into a mapping of 40 keys: explicit keys win, the rest are added once, in order.
  std::string indented;
  for (int i = 0; i < 40; ++i)
    indented += "  k" + std::to_string(i) + ": " + std::to_string(i) + "\n";
  Node root = parse_one(
      "base: &b {k5: merged, k20: merged, extra: e, k39: merged}\nm:\n  <<: *b\n" + indented);
  const Node* m = root.find("m");
  REQUIRE(m);
  CHECK(m->entries.size() == 41);
  CHECK(m->find("k5")->text == "5");
  CHECK(m->find("k39")->text == "39");
  CHECK(m->find("extra")->text == "e");
  CHECK(m->entries.back().key == "extra");
}

TEST_CASE("yaml: syntax errors carry the file and a position", "[yaml]") {
  Finding err = parse_error("a: [1, 2\nb: 3\n");
  CHECK(err.path == "t.yml");
  CHECK(err.line >= 1);
  CHECK(err.message.find("YAML") != std::string::npos);
}

TEST_CASE("yaml: a tab that indents a line is named at the tab, wherever yaml-cpp gives up",
          "[yaml]") {
  // yaml-cpp says "end of map not found", "illegal map value" or "illegal block entry", often a
  // line later.
  struct Case {
    const char* text;
    int line, column;
  } cases[] = {
      {"services:\n  a:\n\timage: x\n", 3, 1},
      {"a:\n  b: 1\n  \tc: 2\n", 3, 3},
      {"a:\n\t- b\n", 2, 1},
      {"a: 1\n\t\nb: 2\n", 2, 1},  // a line of blanks with a tab, where yaml-cpp stops
  };
  for (const auto& c : cases) {
    INFO(c.text);
    Finding err = parse_error(c.text);
    CHECK(err.to_string() ==
          "t.yml:" + std::to_string(c.line) + ":" + std::to_string(c.column) +
              ": YAML syntax error: a tab indents this line (YAML indents with spaces only)");
  }
  // Tabs that are no indentation stay fine: inside a block scalar, a quoted string, a flow
  // collection.
  parse_one("a: |\n  x\n  \ty\nb: \"p\n\tq\"\nc: [1,\n\t2]\n");
}

TEST_CASE("yaml: a quote never closed is an error at the quote, as go-yaml has it", "[yaml]") {
  // yaml-cpp alone took the rest of the file for the string, and the file passed.
  CHECK(parse_error("services:\n  a:\n    image: \"x\n  b:\n    image: y\n").to_string() ==
        "t.yml:3:12: YAML syntax error: this '\"' is never closed");
  CHECK(parse_error("a: 'it''s\n").to_string() ==
        "t.yml:1:4: YAML syntax error: this ''' is never closed");
  CHECK(parse_error("a: &x \"q\\\"\n").to_string() ==
        "t.yml:1:7: YAML syntax error: this '\"' is never closed");
  // Closed only on a later line where the parser then fails: the quote is named, and where it ends.
  CHECK(parse_error("a:\n  b: \"x\n  c: \"y\"\n").to_string() ==
        "t.yml:2:6: YAML syntax error: the string this '\"' opens runs on to line 3 (is its "
        "closing quote missing?)");
  // Strings that are closed, over lines or not, and quotes inside plain scalars, are fine.
  Node root = parse_one("a: \"x\n  y\"\nb: it's\nc: 'ok''s'\nd: >-\n  \"z\ne: \"last\" # done\n");
  CHECK(root.find("a")->text == "x y");
  CHECK(root.find("e")->text == "last");
  parse_one("k: [\"a\", 'b']\n");
}

TEST_CASE("yaml: merge keys resolve, explicit keys win", "[yaml]") {
  Node root =
      parse_one("base: &b {x: 1, y: 2}\nother: &o {y: 3, z: 4}\nm:\n  <<: [*b, *o]\n  x: 9\n");
  const Node* m = root.find("m");
  CHECK(m->find("x")->text == "9");
  CHECK(m->find("y")->text == "2");
  CHECK(m->find("z")->text == "4");
  CHECK_FALSE(m->find("<<"));
}

TEST_CASE("yaml: an alias bomb is an error, not an out-of-memory", "[yaml]") {
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  char prev = 'a';
  for (char c = 'b'; c <= 'j'; ++c, ++prev)
    bomb += std::string(1, c) + ": &" + c + " [*" + prev + ", *" + prev + ", *" + prev + ", *" +
            prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev +
            ", *" + prev + "]\n";
  Finding err = parse_error(bomb);
  CHECK(err.message.find("alias") != std::string::npos);
}

TEST_CASE("yaml: tags and quoting are kept, scalars resolve like go-yaml", "[yaml]") {
  Node root =
      parse_one("r: !reset []\nq: '080'\np: 0755\nf: 1e3\nb: true\ny: yes\nn: ~\ns: \"null\"\n");
  CHECK(root.find("r")->tag == "!reset");
  CHECK(scalar_type(*root.find("q")) == ScalarType::String);
  CHECK(scalar_string(*root.find("p")) == "493");
  CHECK(scalar_string(*root.find("f")) == "1000");
  CHECK(scalar_type(*root.find("b")) == ScalarType::Bool);
  CHECK(scalar_type(*root.find("y")) == ScalarType::String);
  CHECK(root.find("n")->is_null());
  CHECK(root.find("s")->is_scalar());
}

TEST_CASE("yaml: deep nesting is refused", "[yaml]") {
  std::string deep(300, '[');
  deep += std::string(300, ']');
  YamlLimits limits;
  limits.max_depth = 100;
  Finding err = parse_error("a: " + deep + "\n", limits);
  CHECK(err.message.find("nesting") != std::string::npos);
}

TEST_CASE("yaml: a stray ',' is an error, not yaml-cpp 0.7's endless loop (its bug #1040)",
          "[yaml]") {
  for (const char* text : {",", " ,\n", "- a\n,\n", "[a]\n,\n", "---\n,\n"}) {
    Finding err = parse_error(text);
    INFO(text << " -> " << err.to_string());
    CHECK(err.message.find("unexpected ','") != std::string::npos);
  }
}

TEST_CASE("yaml: a document after the first starts with '---', as go-yaml requires", "[yaml]") {
  // yaml-cpp starts a new document where a line leaves an indented top level, or after '...'.
  for (const char* text : {"  a: 1\nb: 2\n", "a: 1\n...\nb: 2\n"}) {
    Finding err = parse_error(text);
    INFO(text << " -> " << err.to_string());
    CHECK(err.line == (text[0] == ' ' ? 2 : 3));
    CHECK(err.message.find("must start with '---'") != std::string::npos);
  }
  std::vector<Node> docs;
  Finding err;
  REQUIRE(parse_yaml("a: 1\n---\nb: 2\n...\n---\nc: 3\n", "t.yml", &docs, &err));
  CHECK(docs.size() == 3);
}

TEST_CASE("yaml: numbers are go-yaml's: underscores dropped, 0x/0o/0b and a leading 0 are bases",
          "[yaml]") {
  std::vector<Node> docs;
  Finding err;
  REQUIRE(parse_yaml("a: 1_000\nb: 0x_1F\nc: 1_0.5\nd: _1\ne: 017\nf: '1_000'\n", "t.yml", &docs,
                     &err));
  const Node& m = docs[0];
  CHECK(scalar_type(*m.find("a")) == ScalarType::Int);
  CHECK(scalar_string(*m.find("a")) == "1000");
  CHECK(scalar_string(*m.find("b")) == "31");
  CHECK(scalar_string(*m.find("c")) == "10.5");
  CHECK(scalar_type(*m.find("d")) == ScalarType::String);
  CHECK(scalar_string(*m.find("e")) == "15");
  CHECK(scalar_type(*m.find("f")) == ScalarType::String);
}

TEST_CASE("yaml: invalid UTF-8 is refused at its line and column", "[yaml]") {
  Finding err = parse_error("a: 1\nb: \"x\xff\"\n");
  CHECK(err.line == 2);
  CHECK(err.column == 6);
  CHECK(err.message.find("UTF-8") != std::string::npos);
}

TEST_CASE("yaml: encoded trees decode to what was parsed", "[yaml]") {
  const char* text =
      "a: &x {b: [1, '2', \"three\", !reset null]}\n"
      "c: *x\n"
      "d: |\n  block\n  text\n"
      "---\n"
      "- !override {e: ~}\n";
  std::vector<Node> docs, decoded;
  Finding err;
  REQUIRE(parse_yaml(text, "t.yml", &docs, &err));
  std::string encoded = encode_nodes(docs);
  REQUIRE(decode_nodes(encoded, "t.yml", &decoded));
  REQUIRE(decoded.size() == docs.size());
  for (size_t i = 0; i < docs.size(); ++i) CHECK(test::same_tree(docs[i], decoded[i]));
  // Truncated or damaged data is refused, never read past its end.
  for (size_t cut = 0; cut < encoded.size(); ++cut)
    CHECK_FALSE(decode_nodes(encoded.substr(0, cut), "t.yml", &decoded));
  CHECK_FALSE(decode_nodes(encoded + "x", "t.yml", &decoded));
  // A count the rest of the data cannot hold: one document, a sequence of 2^40 items.
  std::string huge("\x01\x02\x01\x01\x01\x00\x00\x80\x80\x80\x80\x80\x20", 13);
  CHECK_FALSE(decode_nodes(huge, "t.yml", &decoded));
  // Sequences nested 150 deep, each claiming as many items as the bytes left could hold:
  // refused once the data runs out, having allocated only what it decoded.
  std::string nested = "\x01";
  for (int depth = 0; depth < 150; ++depth)
    nested += std::string("\x02\x01\x01\x01\x00\x00", 6) + "\x7f";
  CHECK_FALSE(decode_nodes(nested, "t.yml", &decoded));
}
