// Values as compose-go's Go types hold and print them, and the one parser for each of the Go
// functions compose reads text with: strconv.Atoi, strconv.ParseFloat, time.ParseDuration (with
// compose's days and weeks) and go-units' RAMInBytes. The schema checks a value with the same
// parser the model then reads it with, so the two cannot disagree.
#include "compose/go_values.h"

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string_view>

namespace smokehook {

using json = nlohmann::ordered_json;

json plain_json(const Node& n) {
  switch (n.kind) {
    case NodeKind::Null:
      return nullptr;
    case NodeKind::Scalar:
      switch (scalar_type(n)) {
        case ScalarType::Bool:
          return *scalar_bool(n);
        case ScalarType::Int:
          return *scalar_int(n);
        case ScalarType::Float:
          return std::strtod(n.text.c_str(), nullptr);
        case ScalarType::Null:
          return nullptr;
        default:
          return n.text;
      }
    case NodeKind::Sequence: {
      json a = json::array();
      for (const Node& i : n.items) a.push_back(plain_json(i));
      return a;
    }
    case NodeKind::Mapping: {
      json o = json::object();
      auto& members = o.get_ref<json::object_t&>();
      members.reserve(n.entries.size());  // growing would copy every value (see typed_struct)
      for (const auto& e : n.entries) o[e.key] = plain_json(e.value);
      return o;
    }
  }
  return nullptr;
}

// A scalar as the string Go's fmt.Sprint prints for it.
std::string text_of(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  if (v.is_number_float()) {
    char buf[64];
    double d = v.get<double>();
    if (d == static_cast<double>(static_cast<long long>(d)) && std::fabs(d) < 1e21)
      return std::to_string(static_cast<long long>(d));
    auto r = std::to_chars(buf, buf + sizeof buf, d);
    return std::string(buf, r.ptr);
  }
  return "";
}

std::optional<long long> int_of(const json& v) {
  if (v.is_number_integer()) return v.get<long long>();
  if (v.is_number_float()) return static_cast<long long>(v.get<double>());
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    char* end = nullptr;
    errno = 0;
    long long n = std::strtoll(s.c_str(), &end, 10);
    if (!s.empty() && end && *end == '\0' && errno == 0) return n;
  }
  return std::nullopt;
}

std::optional<double> float_of(const json& v) {
  if (v.is_number()) return v.get<double>();
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    char* end = nullptr;
    double d = std::strtod(s.c_str(), &end);
    if (!s.empty() && end && *end == '\0') return d;
  }
  return std::nullopt;
}

std::optional<bool> bool_of(const json& v) {
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_string()) {
    std::string s = v.get<std::string>();
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (s == "true" || s == "y" || s == "yes" || s == "on") return true;
    if (s == "false" || s == "n" || s == "no" || s == "off") return false;
  }
  return std::nullopt;
}

// A float32 as Go's encoding/json prints it: the shortest decimal that reads back as the same
// float32.
json float32_json(double d) {
  float f = static_cast<float>(d);
  if (f == static_cast<float>(static_cast<long long>(f)) && std::fabs(f) < 1e15f)
    return static_cast<long long>(f);
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, f);
  return std::strtod(std::string(buf, r.ptr).c_str(), nullptr);
}

json float64_json(double d) {
  if (d == static_cast<double>(static_cast<long long>(d)) && std::fabs(d) < 1e15)
    return static_cast<long long>(d);
  return d;
}

std::vector<std::string> sorted_keys(const json& o) {
  std::vector<std::string> keys;
  for (auto it = o.begin(); it != o.end(); ++it) keys.push_back(it.key());
  std::sort(keys.begin(), keys.end());
  return keys;
}

// A list of "K=V" strings, or a mapping, as a mapping sorted by key; `bare`: the value of a "K".
json key_values(const json& v, const json& bare, bool null_is_empty) {
  json out = json::object();
  if (v.is_object()) {
    for (const auto& k : sorted_keys(v)) {
      const json& x = v[k];
      out[k] = x.is_null() ? (null_is_empty ? json("") : json(nullptr)) : json(text_of(x));
    }
  } else if (v.is_array()) {
    std::map<std::string, json> m;
    for (const json& item : v) {
      std::string s = text_of(item);
      size_t eq = s.find('=');
      if (eq == std::string::npos)
        m[s] = bare;
      else
        m[s.substr(0, eq)] = s.substr(eq + 1);
    }
    for (auto& [k, x] : m) out[k] = x;
  }
  return out;
}

// strconv.Atoi, which compose casts integer fields with: a sign and decimal digits.
std::optional<long long> go_atoi(std::string_view t) {
  bool neg = !t.empty() && t[0] == '-';
  if (!t.empty() && (t[0] == '-' || t[0] == '+')) t.remove_prefix(1);
  if (t.empty() || t.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
  unsigned long long v = 0;
  auto r = std::from_chars(t.data(), t.data() + t.size(), v);
  if (r.ec != std::errc() || v > 0x7fffffffffffffffULL) return std::nullopt;
  return neg ? -static_cast<long long>(v) : static_cast<long long>(v);
}

// strconv.ParseFloat on decimal text: a sign, digits with an optional point, an
// exponent; or inf, infinity, nan in any case. An underscore may separate two
// digits ("1_000.5").
std::optional<double> go_float(std::string_view text) {
  std::string stripped;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '_') {
      stripped += text[i];
      continue;
    }
    if (i == 0 || i + 1 == text.size() || !isdigit(static_cast<unsigned char>(text[i - 1])) ||
        !isdigit(static_cast<unsigned char>(text[i + 1])))
      return std::nullopt;
  }
  std::string_view t = stripped;
  if (!t.empty() && (t[0] == '-' || t[0] == '+')) t.remove_prefix(1);
  std::string lower(t);
  for (char& c : lower) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
  if (lower == "inf" || lower == "infinity" || lower == "nan")
    return std::strtod(stripped.c_str(), nullptr);
  size_t i = 0, digits = 0;
  while (i < t.size() && isdigit(static_cast<unsigned char>(t[i]))) ++i, ++digits;
  if (i < t.size() && t[i] == '.')
    for (++i; i < t.size() && isdigit(static_cast<unsigned char>(t[i]));) ++i, ++digits;
  if (digits == 0) return std::nullopt;
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    if (++i < t.size() && (t[i] == '-' || t[i] == '+')) ++i;
    size_t exponent = 0;
    while (i < t.size() && isdigit(static_cast<unsigned char>(t[i]))) ++i, ++exponent;
    if (exponent == 0) return std::nullopt;
  }
  if (i != t.size()) return std::nullopt;
  return std::strtod(stripped.c_str(), nullptr);
}

// time.ParseDuration, with compose's d and w: [-+]?(number unit)+ with units ns us µs ms s m h d
// w, or a bare "0"; each number has a digit.
std::optional<long long> parse_go_duration(const std::string& text) {
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return 0;
  if (s.empty()) return std::nullopt;
  long double total = 0;
  while (!s.empty()) {
    size_t i = 0, digits = 0;
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.'))
      digits += s[i++] != '.';
    if (digits == 0) return std::nullopt;
    long double number = std::strtold(std::string(s.substr(0, i)).c_str(), nullptr);
    size_t unit_start = i;
    while (i < s.size() && !std::isdigit(static_cast<unsigned char>(s[i])) && s[i] != '.') ++i;
    std::string_view unit = s.substr(unit_start, i - unit_start);
    long double scale;
    if (unit == "ns")
      scale = 1;
    else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs")
      scale = 1e3;
    else if (unit == "ms")
      scale = 1e6;
    else if (unit == "s")
      scale = 1e9;
    else if (unit == "m")
      scale = 60e9;
    else if (unit == "h")
      scale = 3600e9;
    else if (unit == "d")
      scale = 86400e9;
    else if (unit == "w")
      scale = 7 * 86400e9;
    else
      return std::nullopt;
    total += number * scale;
    s.remove_prefix(i);
  }
  long long ns = static_cast<long long>(total + 0.5L);
  return negative ? -ns : ns;
}

std::string format_go_duration(long long ns) {
  if (ns == 0) return "0s";
  bool negative = ns < 0;
  unsigned long long u = negative ? static_cast<unsigned long long>(-(ns + 1)) + 1
                                  : static_cast<unsigned long long>(ns);
  // The integer part, then the fraction (its trailing zeros dropped), of v / 10^digits.
  auto fixed = [](unsigned long long v, int digits) {
    unsigned long long scale = 1;
    for (int k = 0; k < digits; ++k) scale *= 10;
    std::string out = std::to_string(v / scale);
    std::string frac = std::to_string(v % scale);
    frac.insert(0, static_cast<size_t>(digits) - frac.size(), '0');
    while (!frac.empty() && frac.back() == '0') frac.pop_back();
    if (!frac.empty()) out += "." + frac;
    return out;
  };
  std::string out;
  if (u < 1000000000ULL) {
    if (u < 1000ULL)
      out = std::to_string(u) + "ns";
    else if (u < 1000000ULL)
      out = fixed(u, 3) + "\xC2\xB5s";
    else
      out = fixed(u, 6) + "ms";
  } else {
    unsigned long long seconds_part = u % 60000000000ULL;
    unsigned long long minutes = u / 60000000000ULL;
    out = fixed(seconds_part, 9) + "s";
    if (minutes > 0) {
      out = std::to_string(minutes % 60) + "m" + out;
      if (minutes >= 60) out = std::to_string(minutes / 60) + "h" + out;
    }
  }
  return negative ? "-" + out : out;
}

// go-units' RAMInBytes: a number (anything ParseFloat reads, not negative) up to its last digit,
// point or space, then an optional unit: b, or k m g t p (powers of 1024) followed by nothing, b
// or ib, in any case ("512m", "1.5GB", "2 kib", "1e3").
std::optional<long long> parse_byte_size(const std::string& text) {
  size_t sep = text.find_last_of("0123456789. ");
  if (sep == std::string::npos) return std::nullopt;
  std::string num = text.substr(0, text[sep] == ' ' ? sep : sep + 1), unit = text.substr(sep + 1);
  std::optional<double> size = go_float(num);
  if (!size || *size < 0) return std::nullopt;
  for (char& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  long double scale = 1;
  if (!unit.empty() && unit != "b") {
    size_t power = std::string_view("kmgtp").find(unit[0]);
    bool suffix = unit.size() == 1 || (unit.size() == 2 && unit[1] == 'b') ||
                  (unit.size() == 3 && unit.substr(1) == "ib");
    if (unit.size() > 3 || power == std::string_view::npos || !suffix) return std::nullopt;
    for (size_t k = 0; k <= power; ++k) scale *= 1024;
  }
  return static_cast<long long>(*size * scale);
}

}  // namespace smokehook
