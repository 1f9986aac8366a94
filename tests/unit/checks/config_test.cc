#include <catch2/catch.hpp>

#include "base/yaml_tree.h"
#include "checks/config.h"
#include "support/same_tree.h"

using namespace smokehook;

namespace {
Finding config_error(const std::string& text) {
  Config c;
  Finding err;
  REQUIRE_FALSE(parse_config(text, ".smokehook.yml", &c, &err));
  return err;
}
const char kHead[] = "version: 1\nchecks:\n";
}  // namespace

TEST_CASE("config: the built-in default parses into the 16 checks of the contract", "[config]") {
  Config c;
  Finding err;
  REQUIRE(parse_config(default_config_text(), ".smokehook.yml", &c, &err));
  std::vector<std::string> ids;
  for (const auto& check : c.checks) ids.push_back(check->id);
  CHECK(ids == std::vector<std::string>{
                   "compose.base", "compose.prod", "compose.profile.multi-worker",
                   "compose.profile.multi-shard", "compose.profile.combined", "migrate.service",
                   "migrate.command", "migrate.ordering", "shards.volumes", "ssot.baileys-base-url",
                   "wiring.metrics", "wiring.calls-capacity", "wiring.calls-slots",
                   "migrations.whatsapp-shard", "live.api-health", "live.metrics"});
  CHECK(c.checks[14]->live);
  CHECK_FALSE(c.checks[0]->live);
}

TEST_CASE("config errors name the line and column", "[config]") {
  struct Case {
    std::string text;
    int line, column;
    const char* words;
  };
  const Case cases[] = {
      {"version: 1\nchecks: [\n", 0, 0, "YAML"},
      {std::string(kHead) + "  - id: a\n    kind: forbidd\n    word: X\n", 4, 11,
       "did you mean 'forbid'"},
      {std::string(kHead) + "  - id: a\n    kind: forbid\n    pattern: 'a(b'\n", 5, 14,
       "invalid regex"},
      {std::string(kHead) + "  - {id: a, kind: require, path: x, literals: [y]}\n  - {id: a, kind: "
                            "require, path: x, literals: [y]}\n",
       4, 10, "duplicate check id 'a'"},
      {std::string(kHead) + "  - id: a\n    kind: forbid\n    wrod: X\n", 5, 5,
       "did you mean 'word'"},
      {std::string(kHead) + "  - id: a\n    kind: forbid\n    word: X\n    paths: ['src/[a-']\n", 6,
       13, "glob"},
      {std::string(kHead) + "  - id: a\n    kind: require\n    path: x\n", 3, 5,
       "needs 'patterns' or 'literals'"},
      {"version: 2\nchecks: []\n", 1, 10, "unsupported configuration version"},
      {"checks: []\n", 1, 1, "missing 'version: 1'"},
      {std::string(kHead) + "  - kind: forbid\n    word: X\n", 3, 5, "missing key 'id'"},
      {std::string(kHead) +
           "  - id: a\n    kind: compose-depends\n    files: [c.yml]\n    services: [api]\n"
           "    depend_on: m\n    condition: service_done\n",
       8, 16, "unknown condition"},
      {"version: 1\nchecks:\n  - id: a\n    id: b\n", 4, 5, "duplicate key 'id'"},
  };
  for (const Case& c : cases) {
    Finding err = config_error(c.text);
    INFO(c.text << "\n-> " << err.to_string());
    CHECK(err.path == ".smokehook.yml");
    if (c.line) {
      CHECK(err.line == c.line);
      CHECK(err.column == c.column);
    } else {
      CHECK(err.line > 0);
    }
    CHECK(err.message.find(c.words) != std::string::npos);
  }
}

TEST_CASE("config: a hostile regex is linear, not rejected", "[config]") {
  Config c;
  Finding err;
  REQUIRE(parse_config(std::string(kHead) + "  - {id: a, kind: forbid, pattern: '(a+)+$'}\n",
                       ".smokehook.yml", &c, &err));
}

TEST_CASE("yaml: the built-in default embedded as a tree is the default's text, parsed",
          "[config][yaml]") {
  std::vector<Node> parsed;
  Finding err;
  REQUIRE(parse_yaml(default_config_text(), "<built-in default>", &parsed, &err));
  Config from_tree, from_text;
  REQUIRE(load_default_config(&from_tree, &err));
  REQUIRE(parse_config(default_config_text(), "<built-in default>", &from_text, &err));
  REQUIRE(from_tree.checks.size() == from_text.checks.size());
  for (size_t i = 0; i < from_text.checks.size(); ++i) {
    CHECK(from_tree.checks[i]->id == from_text.checks[i]->id);
    CHECK(from_tree.checks[i]->title == from_text.checks[i]->title);
  }
  std::vector<Node> embedded;
  REQUIRE(decode_nodes(default_config_tree(), "<built-in default>", &embedded));
  REQUIRE(embedded.size() == 1);
  CHECK(test::same_tree(parsed[0], embedded[0]));
}
