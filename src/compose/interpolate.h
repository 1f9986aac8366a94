// Compose variable interpolation: $VAR, ${VAR}, ${VAR:-d}, ${VAR-d}, ${VAR:?msg},
// ${VAR?msg}, ${VAR:+alt}, ${VAR+alt}, nesting, and $$ for a literal $.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/finding.h"

namespace smokehook {

struct Node;

using VariableLookup = std::function<std::optional<std::string>(std::string_view name)>;

struct InterpolationResult {
  std::string value;
  std::string error;  // non-empty: the template is invalid or a required variable is unset
  std::vector<std::string> unset;  // variables used without a default that were not set
};

InterpolationResult interpolate(std::string_view text, const VariableLookup& lookup);

// Interpolates every scalar value (never a key) of a tree in place. Errors and
// warnings are located at the scalar.
void interpolate_tree(Node& root, const VariableLookup& lookup, Findings* errors,
                      Findings* warnings);

}  // namespace smokehook
