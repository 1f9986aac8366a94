// Helpers for the compose engine's own tests: nothing here links git or the checks.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "compose/interpolate.h"

namespace smokehook::test {

// A lookup over a fixed environment.
inline VariableLookup env(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

}  // namespace smokehook::test
