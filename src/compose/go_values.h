// Values as compose-go's Go types hold and print them, and one parser for each Go function that
// compose reads text with. Internal to the compose engine.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/yaml_tree.h"

namespace smokehook {

// A YAML value as its own type: 3, true, "x", null; mappings and sequences alike.
nlohmann::ordered_json plain_json(const Node& n);

// A scalar as the string Go's fmt.Sprint prints for it.
std::string text_of(const nlohmann::ordered_json& v);
std::optional<long long> int_of(const nlohmann::ordered_json& v);
std::optional<double> float_of(const nlohmann::ordered_json& v);
std::optional<bool> bool_of(const nlohmann::ordered_json& v);
// A float32 / float64 as Go's encoding/json prints it: whole numbers as integers.
nlohmann::ordered_json float32_json(double d);
nlohmann::ordered_json float64_json(double d);

std::vector<std::string> sorted_keys(const nlohmann::ordered_json& o);
// A list of "K=V" strings, or a mapping, as a mapping sorted by key; `bare`: the value of a "K".
nlohmann::ordered_json key_values(const nlohmann::ordered_json& v,
                                  const nlohmann::ordered_json& bare, bool null_is_empty);

// strconv.Atoi: a sign and decimal digits.
std::optional<long long> go_atoi(std::string_view text);
// strconv.ParseFloat on decimal text (underscores between digits, inf, nan).
std::optional<double> go_float(std::string_view text);
// time.ParseDuration with compose's d and w, in nanoseconds; and Go's printing of one: 90s ->
// "1m30s".
std::optional<long long> parse_go_duration(const std::string& text);
std::string format_go_duration(long long nanoseconds);
// go-units' RAMInBytes: "1.5G" -> 1610612736 (powers of 1024).
std::optional<long long> parse_byte_size(const std::string& text);

}  // namespace smokehook
