#include "glob.h"

#include <re2/re2.h>

namespace smokehook {
namespace {

bool translate(std::string_view p, std::string* out, std::string* err) {
  for (size_t i = 0; i < p.size(); ++i) {
    char c = p[i];
    if (c == '*') {
      if (i + 1 < p.size() && p[i + 1] == '*') {
        bool at_start = i == 0 || p[i - 1] == '/';
        size_t j = i;
        while (j < p.size() && p[j] == '*') ++j;
        if (at_start && j < p.size() && p[j] == '/') {  // "**/": zero or more folders
          *out += "(?:.*/)?";
          i = j;
          continue;
        }
        if (at_start && j == p.size()) {  // trailing "/**": everything below
          *out += ".*";
          i = j - 1;
          continue;
        }
        *out += "[^/]*";
        i = j - 1;
        continue;
      }
      *out += "[^/]*";
    } else if (c == '?') {
      *out += "[^/]";
    } else if (c == '[') {
      size_t j = i + 1;
      std::string cls = "[";
      if (j < p.size() && (p[j] == '!' || p[j] == '^')) cls += '^', ++j;
      if (j < p.size() && p[j] == ']') cls += "\\]", ++j;
      for (; j < p.size() && p[j] != ']'; ++j) {
        if (p[j] == '\\' && j + 1 < p.size()) ++j;
        if (p[j] == '-' ) cls += '-';
        else cls += "\\x" + std::string(1, "0123456789abcdef"[(static_cast<unsigned char>(p[j]) >> 4)]) +
                    std::string(1, "0123456789abcdef"[static_cast<unsigned char>(p[j]) & 15]);
      }
      if (j >= p.size()) {
        *err = "unterminated '[' in glob '" + std::string(p) + "'";
        return false;
      }
      *out += cls + "]";
      i = j;
    } else if (c == '\\' && i + 1 < p.size()) {
      *out += RE2::QuoteMeta(std::string(1, p[++i]));
    } else {
      *out += RE2::QuoteMeta(std::string(1, c));
    }
  }
  return true;
}

}  // namespace

std::optional<Glob> Glob::compile(std::string_view pattern, std::string* err) {
  std::string_view p = pattern;
  if (p.empty()) {
    *err = "empty glob";
    return std::nullopt;
  }
  bool dir_only = p.size() > 1 && p.back() == '/';
  if (dir_only) p.remove_suffix(1);
  bool anchored = p.find('/') != std::string_view::npos;
  if (!p.empty() && p[0] == '/') p.remove_prefix(1);
  std::string body;
  if (!translate(p, &body, err)) return std::nullopt;
  std::string re = "(?s)";
  re += anchored ? "" : "(?:.*/)?";
  re += body;
  re += dir_only ? "/.*" : "(?:/.*)?";
  RE2::Options opts(RE2::Quiet);
  auto compiled = std::make_shared<const RE2>(re, opts);
  if (!compiled->ok()) {
    *err = "invalid glob '" + std::string(pattern) + "': " + compiled->error();
    return std::nullopt;
  }
  Glob g;
  g.pattern_ = std::string(pattern);
  g.re_ = std::move(compiled);
  // "*.py": no folder part, one leading star, no other wildcard.
  if (!anchored && !dir_only && p.size() > 1 && p[0] == '*' &&
      p.substr(1).find_first_of("*?[\\") == std::string_view::npos) {
    g.suffix_only_ = true;
    g.suffix_ = std::string(p.substr(1));
  }
  return g;
}

bool Glob::matches(std::string_view path) const {
  if (suffix_only_) {
    // Still has to be the last component's suffix, or a folder's (then everything below matches).
    if (path.size() >= suffix_.size() && path.substr(path.size() - suffix_.size()) == suffix_) return true;
    if (path.find(suffix_ + "/") == std::string_view::npos) return false;
  }
  return RE2::FullMatch(re2::StringPiece(path.data(), path.size()), *re_);
}

bool GlobSet::matches(std::string_view path) const {
  for (const auto& g : globs_)
    if (g.matches(path)) return true;
  return false;
}

bool has_wildcard(std::string_view pattern) { return pattern.find_first_of("*?[") != std::string_view::npos; }

bool name_matches(std::string_view p, std::string_view n) {
  // Iterative wildcard matching with one backtrack point: linear enough for names.
  size_t pi = 0, ni = 0, star = std::string_view::npos, mark = 0;
  while (ni < n.size()) {
    if (pi < p.size() && p[pi] == '[') {
      size_t close = p.find(']', pi + 1);
      if (close != std::string_view::npos) {
        bool neg = p[pi + 1] == '!' || p[pi + 1] == '^';
        bool hit = false;
        for (size_t k = pi + 1 + (neg ? 1 : 0); k < close; ++k) {
          if (k + 2 < close && p[k + 1] == '-') {
            if (n[ni] >= p[k] && n[ni] <= p[k + 2]) hit = true;
            k += 2;
          } else if (p[k] == n[ni]) {
            hit = true;
          }
        }
        if (hit != neg) {
          pi = close + 1;
          ++ni;
          continue;
        }
      }
    } else if (pi < p.size() && (p[pi] == '?' || p[pi] == n[ni])) {
      ++pi;
      ++ni;
      continue;
    } else if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = ni;
      continue;
    }
    if (star == std::string_view::npos) return false;
    pi = star + 1;
    ni = ++mark;
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

}  // namespace smokehook
