#include "git/pre_receive.h"

#include "base/text.h"

namespace smokehook {
namespace {

bool is_oid(std::string_view s) {
  if (s.size() != 40 && s.size() != 64) return false;  // SHA-1 or SHA-256
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

bool all_zero(const std::string& oid) { return oid.find_first_not_of('0') == std::string::npos; }

// What git accepts as a ref name, as far as a line can tell: under refs/,
// no space or control character (check-ref-format forbids them).
bool is_ref_name(std::string_view s) {
  if (!starts_with(s, "refs/") || s.size() == 5) return false;
  for (char c : s)
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) return false;
  return true;
}

}  // namespace

bool ReceivedRef::deletion() const { return all_zero(new_oid); }
bool ReceivedRef::creation() const { return all_zero(old_oid); }
bool ReceivedRef::branch_or_tag() const {
  return (starts_with(ref, "refs/heads/") && ref.size() > 11) ||
         (starts_with(ref, "refs/tags/") && ref.size() > 10);
}

bool parse_pre_receive(std::string_view input, std::vector<ReceivedRef>* out, std::string* err) {
  int lineno = 0;
  for (const auto& raw : split(input, '\n')) {
    ++lineno;
    std::string_view line = raw;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (trim(line).empty()) continue;
    std::vector<std::string> f = split(line, ' ');
    if (f.size() != 3 || !is_oid(f[0]) || !is_oid(f[1]) || f[0].size() != f[1].size() ||
        !is_ref_name(f[2])) {
      std::string shown(line.substr(0, 200));
      for (char& c : shown)
        if (static_cast<unsigned char>(c) < ' ') c = '?';
      *err = "line " + std::to_string(lineno) + ": expected '<old oid> <new oid> <ref>', got '" +
             shown + "'";
      return false;
    }
    out->push_back(ReceivedRef{f[0], f[1], f[2]});
  }
  return true;
}

}  // namespace smokehook
