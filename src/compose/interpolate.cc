#include "compose/interpolate.h"

#include "base/yaml_tree.h"

namespace smokehook {
namespace {

// The kernel's limit for one environment string (MAX_ARG_STRLEN): values that
// reference values (A=$B$B, B=$C$C, ...) would otherwise grow exponentially.
constexpr size_t kMaxValue = 128 * 1024;

bool name_start(char c) { return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool name_char(char c) { return name_start(c) || (c >= '0' && c <= '9'); }

// Index of the '}' closing a "${" whose body starts at `pos`, honouring nesting; npos if none.
size_t closing_brace(std::string_view s, size_t pos) {
  int depth = 1;
  for (size_t i = pos; i < s.size(); ++i) {
    if (s[i] == '$' && i + 1 < s.size() && s[i + 1] == '{') {
      ++depth;
      ++i;
    } else if (s[i] == '}' && --depth == 0) {
      return i;
    }
  }
  return std::string_view::npos;
}

class Interpolator {
 public:
  Interpolator(const VariableLookup& lookup, InterpolationResult* r) : lookup_(lookup), r_(r) {}

  bool run(std::string_view s, std::string* out, int depth = 0) {
    if (depth > 32) return fail("interpolation nested too deeply");
    for (size_t i = 0; i < s.size(); ++i) {
      if (out->size() > kMaxValue) return fail("interpolated value longer than 128 KiB");
      char c = s[i];
      if (c != '$' || i + 1 == s.size()) {
        *out += c;
        continue;
      }
      char n = s[i + 1];
      if (n == '$') {
        *out += '$';
        ++i;
      } else if (name_start(n)) {
        size_t e = i + 1;
        while (e < s.size() && name_char(s[e])) ++e;
        *out += value_or_warn(s.substr(i + 1, e - i - 1));
        if (out->size() > kMaxValue) return fail("interpolated value longer than 128 KiB");
        i = e - 1;
      } else if (n == '{') {
        size_t end = closing_brace(s, i + 2);
        if (end == std::string_view::npos)
          return fail("invalid interpolation format for \"" + std::string(s) +
                      "\": unterminated \"${\"");
        if (!braced(s.substr(i + 2, end - i - 2), out, depth)) return false;
        i = end;
      } else {
        *out += c;  // "$" before anything else is literal, as in compose
      }
    }
    return true;
  }

 private:
  bool fail(std::string msg) {
    if (r_->error.empty()) r_->error = std::move(msg);
    return false;
  }

  std::string value_or_warn(std::string_view name) {
    if (auto v = lookup_(name)) return *v;
    r_->unset.emplace_back(name);
    return "";
  }

  bool braced(std::string_view body, std::string* out, int depth) {
    size_t e = 0;
    if (body.empty() || !name_start(body[0]))
      return fail("invalid interpolation format: \"${" + std::string(body) +
                  "}\" is not a variable name");
    while (e < body.size() && name_char(body[e])) ++e;
    std::string_view name = body.substr(0, e);
    if (e == body.size()) {
      *out += value_or_warn(name);
      return true;
    }
    bool colon = body[e] == ':';
    size_t op_pos = colon ? e + 1 : e;
    if (op_pos >= body.size() ||
        (body[op_pos] != '-' && body[op_pos] != '?' && body[op_pos] != '+'))
      return fail("invalid interpolation format: \"${" + std::string(body) + "}\"");
    char op = body[op_pos];
    std::string_view arg = body.substr(op_pos + 1);
    std::optional<std::string> value = lookup_(name);
    bool set = value.has_value() && (!colon || !value->empty());
    switch (op) {
      case '-':
        if (set)
          *out += *value;
        else
          return run(arg, out, depth + 1);
        return out->size() <= kMaxValue || fail("interpolated value longer than 128 KiB");
      case '+':
        if (set) return run(arg, out, depth + 1);
        return true;
      case '?': {
        if (set) {
          *out += *value;
          return true;
        }
        std::string msg;
        if (!run(arg, &msg, depth + 1)) return false;
        return fail("required variable " + std::string(name) + " is missing a value" +
                    (msg.empty() ? "" : ": " + msg));
      }
    }
    return true;
  }

  const VariableLookup& lookup_;
  InterpolationResult* r_;
};

void walk(Node& n, const VariableLookup& lookup, Findings* errors, Findings* warnings) {
  switch (n.kind) {
    case NodeKind::Scalar: {
      if (n.text.find('$') == std::string::npos) return;
      InterpolationResult r = interpolate(n.text, lookup);
      if (!r.error.empty()) {
        errors->push_back(n.at(r.error));
        return;
      }
      for (const auto& v : r.unset)
        warnings->push_back(
            n.at("the \"" + v + "\" variable is not set; defaulting to a blank string"));
      n.text = std::move(r.value);
      n.plain = false;  // typed when parsed: a value holding '$' was a string, and stays one
      return;
    }
    case NodeKind::Sequence:
      for (auto& item : n.items) walk(item, lookup, errors, warnings);
      return;
    case NodeKind::Mapping:
      for (auto& e : n.entries) walk(e.value, lookup, errors, warnings);
      return;
    case NodeKind::Null:
      return;
  }
}

}  // namespace

InterpolationResult interpolate(std::string_view text, const VariableLookup& lookup) {
  InterpolationResult r;
  Interpolator it(lookup, &r);
  std::string out;
  if (it.run(text, &out)) r.value = std::move(out);
  return r;
}

void interpolate_tree(Node& root, const VariableLookup& lookup, Findings* errors,
                      Findings* warnings) {
  walk(root, lookup, errors, warnings);
}

}  // namespace smokehook
