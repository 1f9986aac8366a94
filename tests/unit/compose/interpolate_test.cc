#include <catch2/catch.hpp>

#include "compose/compose_support.h"
#include "compose/dotenv.h"
#include "compose/interpolate.h"

using namespace smokehook;
using smokehook::test::env;

TEST_CASE("interpolation grammar", "[interpolation]") {
  auto vars = env({{"SET", "v"}, {"EMPTY", ""}, {"B", "bee"}});
  auto value = [&](const char* t) {
    InterpolationResult r = interpolate(t, vars);
    INFO(t << " -> " << r.error);
    REQUIRE(r.error.empty());
    return r.value;
  };
  CHECK(value("$SET-${SET}") == "v-v");
  CHECK(value("${UNSET:-d}|${EMPTY:-d}|${EMPTY-d}|${UNSET-d}") == "d|d||d");
  CHECK(value("${SET:+alt}|${EMPTY:+alt}|${EMPTY+alt}|${UNSET+alt}") == "alt||alt|");
  CHECK(value("${UNSET:-${B:-c}}") == "bee");
  CHECK(value("${UNSET:-${ALSO_UNSET:-c}}") == "c");
  CHECK(value("$$SET costs $$5") == "$SET costs $5");
  CHECK(value("price: 5$ and $1") == "price: 5$ and $1");
  InterpolationResult unset = interpolate("x${NOPE}y", vars);
  CHECK(unset.value == "xy");
  CHECK(unset.unset == std::vector<std::string>{"NOPE"});
}

TEST_CASE("interpolation errors", "[interpolation]") {
  auto vars = env({{"EMPTY", ""}});
  CHECK(interpolate("${NOPE:?must be set}", vars).error ==
        "required variable NOPE is missing a value: must be set");
  CHECK(interpolate("${EMPTY:?}", vars).error.find("EMPTY") != std::string::npos);
  CHECK(interpolate("${EMPTY?}", vars).error.empty());
  CHECK(interpolate("${NOPE?}", vars).error.find("NOPE") != std::string::npos);
  CHECK(interpolate("${unterminated", vars).error.find("invalid interpolation") !=
        std::string::npos);
  CHECK(interpolate("${}", vars).error.find("invalid interpolation") != std::string::npos);
  CHECK(interpolate("${A B}", vars).error.find("invalid interpolation") != std::string::npos);
}

TEST_CASE(".env: quotes, comments, export, and references to earlier lines", "[dotenv]") {
  EnvVars vars;
  Finding err;
  REQUIRE(parse_dotenv(
      "# comment\nexport A=1\nB = two words # note\nC='$A literal'\nD=\"${A}-x\\n\"\nE\nF=${B}\r\n",
      ".env", env({}), &vars, &err));
  std::map<std::string, std::string> m(vars.begin(), vars.end());
  CHECK(m["A"] == "1");
  CHECK(m["B"] == "two words");
  CHECK(m["C"] == "$A literal");
  CHECK(m["D"] == "1-x\n");
  CHECK(m["E"] == "");
  CHECK(m["F"] == "two words");
  EnvVars bad;
  REQUIRE_FALSE(parse_dotenv("A=1\nnot a var\n", ".env", env({}), &bad, &err));
  CHECK(err.line == 2);
}

TEST_CASE(".env: values that double line after line are stopped, not an out-of-memory",
          "[dotenv]") {
  std::string text = "A=xxxxxxxxxxxxxxxx\n";
  char prev = 'A';
  for (char c = 'B'; c <= 'Z'; ++c, ++prev)
    text += std::string(1, c) + "=$" + prev + "$" + prev + "\n";
  EnvVars vars;
  Finding err;
  CHECK_FALSE(parse_dotenv(text, ".env", env({}), &vars, &err));
  CHECK(err.message.find("128 KiB") != std::string::npos);
  CHECK(err.line > 10);
}
