#include <catch2/catch.hpp>

#include "base/json_text.h"

using namespace smokehook;
using json = nlohmann::ordered_json;

namespace {

std::string ours(const json& j, int indent) {
  std::string out;
  append_json(&out, j, indent);
  return out;
}

std::string theirs(const json& j, int indent) {
  return j.dump(indent, ' ', false, json::error_handler_t::replace);
}

}  // namespace

TEST_CASE("JSON text is nlohmann's dump byte for byte", "[json]") {
  json j = json::parse(R"({
    "name": "x", "empty_object": {}, "empty_list": [], "null": null, "yes": true, "no": false,
    "int": -42, "big": 9223372036854775807, "float": 1.5, "small": 1e-7, "whole": 2.0, "huge": 1e300,
    "nested": {"list": [1, "two", {"three": [[], {}]}], "deeper": {"a": {"b": {"c": "d"}}}},
    "escapes": "quote \" backslash \\ tab \t newline \n return \r bell \u0007 nul-ish \u001f del \u007f",
    "unicode": "caf\u00e9 \u2603 \ud83d\ude00", "dollars": "$$HOME"
  })");
  j["unsigned"] = static_cast<std::uint64_t>(18446744073709551615ULL);
  j["not utf-8"] = std::string(
      "a\xff"
      "b\xc3");  // replaced as nlohmann replaces it
  j["overlong"] = std::string("\xe0\x80\xaf \xed\xa0\x80");
  j[std::string("key \"quoted\" \xc3\xa9")] = "value";
  for (int indent : {2, 4, 0, -1}) {
    INFO("indent " << indent);
    CHECK(ours(j, indent) == theirs(j, indent));
  }
  for (const json& scalar :
       {json(nullptr), json("s"), json(0), json(-0.0), json(3.25), json::array(), json::object()})
    CHECK(ours(scalar, 2) == theirs(scalar, 2));
}
