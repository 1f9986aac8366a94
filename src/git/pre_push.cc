#include "git/pre_push.h"

#include "base/text.h"

namespace smokehook {
namespace {
bool is_oid(const std::string& s) {
  if (s.size() != 40 && s.size() != 64) return false;
  for (char c : s)
    if (!isxdigit(static_cast<unsigned char>(c))) return false;
  return true;
}
}  // namespace

bool PushedRef::deletion() const { return local_oid.find_first_not_of('0') == std::string::npos; }

bool parse_pre_push(std::string_view input, std::vector<PushedRef>* out, std::string* err) {
  int lineno = 0;
  for (const auto& raw : split(input, '\n')) {
    ++lineno;
    std::string_view line = trim(raw);
    if (line.empty()) continue;
    std::vector<std::string> f = split(line, ' ');
    if (f.size() != 4 || f[0].empty() || f[2].empty() || !is_oid(f[1]) || !is_oid(f[3])) {
      *err = "line " + std::to_string(lineno) +
             ": expected '<local ref> <local oid> <remote ref> <remote oid>', got '" +
             std::string(line) + "'";
      return false;
    }
    out->push_back(PushedRef{f[0], f[1], f[2], f[3]});
  }
  return true;
}

}  // namespace smokehook
