// The `.env` file format as docker compose reads it.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/finding.h"
#include "compose/interpolate.h"

namespace smokehook {

using EnvVars = std::vector<std::pair<std::string, std::string>>;

// Parses KEY=VALUE lines (optional `export `, comments, single quotes literal,
// double quotes with escapes, inline ` #` comments on unquoted values).
// Unquoted and double-quoted values are interpolated with `lookup` and the
// variables defined earlier in the file. Errors carry `file`, line and column.
bool parse_dotenv(std::string_view text, std::string_view file, const VariableLookup& lookup,
                  EnvVars* out, Finding* err);

}  // namespace smokehook
