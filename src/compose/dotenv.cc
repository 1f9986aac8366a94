#include "compose/dotenv.h"

#include "base/text.h"

namespace smokehook {

bool parse_dotenv(std::string_view text, std::string_view file, const VariableLookup& lookup,
                  EnvVars* out, Finding* err) {
  auto local_lookup = [&](std::string_view name) -> std::optional<std::string> {
    for (auto it = out->rbegin(); it != out->rend(); ++it)
      if (it->first == name) return it->second;
    return lookup(name);
  };
  int lineno = 0;
  size_t start = 0;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view raw = text.substr(start, nl - start);
    size_t next = nl + 1;
    ++lineno;
    if (lineno == 1 && starts_with(raw, "\xEF\xBB\xBF")) raw.remove_prefix(3);
    std::string_view line = trim(raw);
    if (line.empty() || line[0] == '#') {
      start = next;
      continue;
    }
    if (starts_with(line, "export ")) line = trim(line.substr(7));
    size_t eq = line.find_first_of("=:");
    std::string_view key = trim(line.substr(0, eq));
    bool valid_key = !key.empty();
    for (char c : key)
      if (!(isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-'))
        valid_key = false;
    if (!valid_key) {
      *err = Finding{std::string(file), lineno, 1,
                     "invalid variable name '" + std::string(key) + "' (expected KEY=VALUE)"};
      return false;
    }
    if (eq == std::string_view::npos) {  // a bare name: defined, empty
      out->emplace_back(std::string(key), "");
      start = next;
      continue;
    }
    std::string_view rest = line.substr(eq + 1);
    while (!rest.empty() && (rest[0] == ' ' || rest[0] == '\t')) rest.remove_prefix(1);
    std::string value;
    bool interpolate_value = true;
    if (!rest.empty() && (rest[0] == '\'' || rest[0] == '"')) {
      char q = rest[0];
      // A quoted value may span lines; find the closing quote in the remaining text.
      size_t abs = static_cast<size_t>(rest.data() - text.data()) + 1;
      size_t i = abs;
      for (; i < text.size() && text[i] != q; ++i) {
        if (q == '"' && text[i] == '\\' && i + 1 < text.size()) {
          char e = text[++i];
          value += e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e;
          continue;
        }
        if (text[i] == '\n') ++lineno;
        value += text[i];
      }
      if (i >= text.size()) {
        *err = Finding{std::string(file), lineno, static_cast<int>(eq + 2),
                       "unterminated quoted value"};
        return false;
      }
      interpolate_value = q == '"';
      next = text.find('\n', i);
      next = next == std::string_view::npos ? text.size() + 1 : next + 1;
    } else {
      size_t hash = rest.find(" #");
      if (hash != std::string_view::npos) rest = rest.substr(0, hash);
      value = std::string(trim(rest));
    }
    if (interpolate_value && value.find('$') != std::string::npos) {
      InterpolationResult r = interpolate(value, local_lookup);
      if (!r.error.empty()) {
        *err = Finding{std::string(file), lineno, 1, r.error};
        return false;
      }
      value = std::move(r.value);
    }
    out->emplace_back(std::string(key), std::move(value));
    start = next;
  }
  return true;
}

}  // namespace smokehook
