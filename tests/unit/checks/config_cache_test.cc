// The cache of parsed configuration files: what comes back is what was parsed,
// positions included, and anything doubtful is a miss.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>
#include <cstdlib>
#include <fstream>
#include <optional>

#include "base/text.h"
#include "checks/config.h"
#include "checks/config_cache.h"
#include "support/scratch.h"

using namespace smokehook;

namespace {

// A cache folder not made yet, below a scratch folder: the first store makes it.
struct CacheDir {
  test::TempDir root{"cache-test"};
  std::string path = root.path() + "/nested/smokehook";
};

std::vector<Node> parsed(const std::string& text) {
  std::vector<Node> docs;
  Finding err;
  REQUIRE(parse_yaml(text, ".smokehook.yml", &docs, &err));
  return docs;
}

// A configuration whose second check (line 6, column 5) has no kind.
const char kConfig[] =
    "version: 1\n"
    "checks:\n"
    "  - id: a\n"
    "    kind: forbid\n"
    "    pattern: 'x'\n"
    "  - id: b\n"
    "    kinf: forbid\n";

}  // namespace

TEST_CASE("config cache: an entry is named by the text's git blob id and smokehook's version") {
  CacheDir dir;
  ParsedConfigCache cache(dir.path);
  // git hash-object of "version: 1\nchecks: []\n"
  std::string id = ParsedConfigCache::text_id("version: 1\nchecks: []\n");
  CHECK(id == "3dd6b33eef335b7d1abdf6a60eb1f851f263879f");
  CHECK(starts_with(cache.entry_path(id), dir.path + "/" + id + "-"));
}

TEST_CASE(
    "config cache: what is stored comes back as parsed, and the checks' errors keep their places") {
  CacheDir dir;
  ParsedConfigCache cache(dir.path);
  const std::string id = ParsedConfigCache::text_id(kConfig);
  std::vector<Node> docs;
  CHECK_FALSE(cache.load(id, ".smokehook.yml", &docs));
  cache.store(id, parsed(kConfig));

  struct stat st;
  REQUIRE(::stat(dir.path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
  REQUIRE(cache.load(id, ".smokehook.yml", &docs));
  CHECK(encode_nodes(docs) == encode_nodes(parsed(kConfig)));
  CHECK(*docs[0].file == ".smokehook.yml");

  Config from_cache, from_text;
  Finding cached_err, text_err;
  CHECK_FALSE(build_config(docs, ".smokehook.yml", &from_cache, &cached_err));
  CHECK_FALSE(parse_config(kConfig, ".smokehook.yml", &from_text, &text_err));
  CHECK(cached_err.to_string() == text_err.to_string());
  CHECK(cached_err.to_string() == ".smokehook.yml:6:5: missing key 'kind'");

  // Another text is another entry.
  CHECK_FALSE(cache.load(ParsedConfigCache::text_id(std::string(kConfig) + "#\n"), ".smokehook.yml",
                         &docs));
  CHECK_FALSE(cache.load("not an id", ".smokehook.yml", &docs));
}

TEST_CASE("config cache: a damaged, foreign or shared entry is a miss") {
  CacheDir dir;
  ParsedConfigCache cache(dir.path);
  const std::string id = ParsedConfigCache::text_id(kConfig);
  cache.store(id, parsed(kConfig));
  std::string entry = cache.entry_path(id);
  std::vector<Node> docs;
  REQUIRE(cache.load(id, "f", &docs));

  SECTION("cut short") {
    std::string data, err;
    REQUIRE(read_whole_file(entry, &data, &err));
    std::ofstream(entry, std::ios::trunc) << data.substr(0, data.size() / 2);
    CHECK_FALSE(cache.load(id, "f", &docs));
  }
  SECTION("writable by others") {
    ::chmod(entry.c_str(), 0666);
    CHECK_FALSE(cache.load(id, "f", &docs));
  }
  SECTION("in a folder others can write to") {
    ::chmod(dir.path.c_str(), 0777);
    CHECK_FALSE(cache.load(id, "f", &docs));
  }
  SECTION("no folder: no cache") {
    ParsedConfigCache none("");
    CHECK_FALSE(none.enabled());
    none.store(id, parsed(kConfig));
    CHECK_FALSE(none.load(id, "f", &docs));
  }
}

TEST_CASE("config cache: SMOKEHOOK_CACHE_DIR, then XDG_CACHE_HOME, then HOME") {
  // Puts the variables back as they were.
  struct Saved {
    std::vector<std::pair<std::string, std::optional<std::string>>> vars;
    Saved() {
      for (const char* name : {"SMOKEHOOK_CACHE_DIR", "XDG_CACHE_HOME", "HOME"}) {
        const char* v = std::getenv(name);
        vars.emplace_back(name, v ? std::optional<std::string>(v) : std::nullopt);
      }
    }
    ~Saved() {
      for (const auto& [name, value] : vars)
        value ? ::setenv(name.c_str(), value->c_str(), 1) : ::unsetenv(name.c_str());
    }
  } saved;
  ::setenv("SMOKEHOOK_CACHE_DIR", "/own", 1);
  CHECK(ParsedConfigCache::default_dir() == "/own");
  ::setenv("SMOKEHOOK_CACHE_DIR", "", 1);
  CHECK(ParsedConfigCache::default_dir().empty());
  ::unsetenv("SMOKEHOOK_CACHE_DIR");
  ::setenv("XDG_CACHE_HOME", "/xdg", 1);
  CHECK(ParsedConfigCache::default_dir() == "/xdg/smokehook");
  ::setenv("XDG_CACHE_HOME", "relative",
           1);  // not absolute: ignored, as the XDG specification says
  ::setenv("HOME", "/home/u", 1);
  CHECK(ParsedConfigCache::default_dir() == "/home/u/.cache/smokehook");
  ::unsetenv("HOME");
  CHECK(ParsedConfigCache::default_dir().empty());
}
