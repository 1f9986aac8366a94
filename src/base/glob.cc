#include "base/glob.h"

#include <re2/re2.h>

namespace smokehook {
namespace {

// The index of the ']' closing the class opened at p[open], or npos: a
// leading '!' or '^' negates, a ']' right after it is a member, '\' escapes.
size_t class_end(std::string_view p, size_t open) {
  size_t j = open + 1;
  if (j < p.size() && (p[j] == '!' || p[j] == '^')) ++j;
  if (j < p.size() && p[j] == ']') ++j;
  for (; j < p.size() && p[j] != ']'; ++j)
    if (p[j] == '\\' && j + 1 < p.size()) ++j;
  return j < p.size() ? j : std::string_view::npos;
}

}  // namespace

std::string brace_roles(std::string_view p) {
  // One pass with a stack of the open '{' and the commas at their depth:
  // linear whatever the nesting. Escaped characters and classes are skipped.
  std::string roles;
  struct Open {
    size_t at;
    std::vector<size_t> commas;
  };
  std::vector<Open> open;
  for (size_t i = 0; i < p.size(); ++i) {
    char c = p[i];
    if (c == '\\') {
      ++i;
    } else if (c == '[') {
      size_t end = class_end(p, i);
      if (end == std::string_view::npos) break;  // an error of its own, reported by the translation
      i = end;
    } else if (c == '{') {
      open.push_back(Open{i, {}});
    } else if (c == ',' && !open.empty()) {
      open.back().commas.push_back(i);
    } else if (c == '}' && !open.empty()) {
      Open group = std::move(open.back());
      open.pop_back();
      if (group.commas.empty()) continue;  // "{a}" and "{}" are literal, as in sh
      if (roles.empty()) roles.assign(p.size(), 0);
      roles[group.at] = '{';
      for (size_t comma : group.commas) roles[comma] = ',';
      roles[i] = '}';
    }
  }
  return roles;
}

namespace {

// The glob as an RE2 body; `roles` (brace_roles) marks the brace syntax.
bool translate(std::string_view p, const std::string& roles, std::string* out, std::string* err) {
  for (size_t i = 0; i < p.size(); ++i) {
    char c = p[i];
    if (!roles.empty() && roles[i]) {
      *out += roles[i] == '{' ? "(?:" : roles[i] == ',' ? "|" : ")";
    } else if (c == '*') {
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
      size_t end = class_end(p, i);
      if (end == std::string_view::npos) {
        *err = "unterminated '[' in glob '" + std::string(p) + "'";
        return false;
      }
      size_t j = i + 1;
      std::string cls = "[";
      if (p[j] == '!' || p[j] == '^') cls += '^', ++j;
      if (p[j] == ']') cls += "\\]", ++j;
      for (; j < end; ++j) {
        if (p[j] == '\\' && j + 1 < end) ++j;
        if (p[j] == '-')
          cls += '-';
        else
          cls += "\\x" +
                 std::string(1, "0123456789abcdef"[(static_cast<unsigned char>(p[j]) >> 4)]) +
                 std::string(1, "0123456789abcdef"[static_cast<unsigned char>(p[j]) & 15]);
      }
      *out += cls + "]";
      i = end;
    } else if (c == '\\' && i + 1 < p.size()) {
      *out += RE2::QuoteMeta(std::string(1, p[++i]));
    } else {
      *out += RE2::QuoteMeta(std::string(1, c));
    }
  }
  return true;
}

bool is_globstar(std::string_view part) {
  return part.size() >= 2 && part.find_first_not_of('*') == std::string_view::npos;
}

}  // namespace

std::optional<Glob> Glob::compile(std::string_view pattern, std::string* err) {
  return build(pattern, false, err);
}

std::optional<Glob> Glob::compile_as_regex(std::string_view pattern, std::string* err) {
  return build(pattern, true, err);
}

std::optional<Glob> Glob::build(std::string_view pattern, bool force_regex, std::string* err) {
  std::string_view p = pattern;
  if (p.empty()) {
    *err = "empty glob";
    return std::nullopt;
  }
  bool dir_only = p.size() > 1 && p.back() == '/';
  if (dir_only) p.remove_suffix(1);
  bool anchored = p.find('/') != std::string_view::npos;
  if (!p.empty() && p[0] == '/') p.remove_prefix(1);
  Glob g;
  g.pattern_ = std::string(pattern);
  std::string roles = p.find('{') != std::string_view::npos ? brace_roles(p) : std::string();
  if (force_regex || !roles.empty() || p.find_first_of("[\\") != std::string_view::npos) {
    std::string body;
    if (!translate(p, roles, &body, err)) return std::nullopt;
    std::string re = "(?s)";
    re += anchored ? "" : "(?:.*/)?";
    re += body;
    re += dir_only ? "/.*" : "(?:/.*)?";
    RE2::Options opts(RE2::Quiet);
    opts.set_encoding(RE2::Options::EncodingLatin1);  // bytes, as git matches paths
    auto compiled = std::make_shared<const RE2>(re, opts);
    if (!compiled->ok()) {
      *err = "invalid glob '" + std::string(pattern) + "': " + compiled->error();
      return std::nullopt;
    }
    g.re_ = std::move(compiled);
    return g;
  }
  if (!anchored) g.add_part("**");
  for (size_t start = 0;;) {
    size_t slash = p.find('/', start);
    std::string_view part =
        p.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (!is_globstar(part)) {
      g.add_part(part);
    } else if (slash != std::string_view::npos) {
      g.add_part("**");  // "**/": no folder or any number of them
    } else {
      g.add_part("*");  // a trailing "**": everything below, at least one name
      g.add_part("**");
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  if (dir_only) g.add_part("*");  // a folder: something below the match
  g.add_part("**");
  const auto& q = g.parts_;
  g.any_depth_ = q.front().kind == Part::AnyNames && q[1].kind != Part::AnyNames &&
                 (q.size() == 3 || (q.size() == 4 && q[2].kind == Part::AnyName));
  return g;
}

void Glob::add_part(std::string_view name) {
  if (name == "**") {
    parts_.push_back(Part{Part::AnyNames, {}});
  } else if (name == "*") {
    parts_.push_back(Part{Part::AnyName, {}});
  } else if (name.find_first_of("*?") == std::string_view::npos) {
    parts_.push_back(Part{Part::Literal, std::string(name)});
  } else if (name.find_first_of("*?", 1) == std::string_view::npos && name[0] == '*') {
    parts_.push_back(Part{Part::Suffix, std::string(name.substr(1))});
  } else if (name.find_first_of("*?") == name.size() - 1 && name.back() == '*') {
    parts_.push_back(Part{Part::Prefix, std::string(name.substr(0, name.size() - 1))});
  } else {
    parts_.push_back(Part{Part::Wild, std::string(name)});
  }
}

bool Glob::Part::matches(std::string_view name) const {
  switch (kind) {
    case AnyNames:
    case AnyName:
      return true;
    case Literal:
      return name == text;
    case Suffix:
      return name.size() >= text.size() &&
             name.compare(name.size() - text.size(), text.size(), text) == 0;
    case Prefix:
      return name.compare(0, text.size(), text) == 0;
    case Wild:
      break;
  }
  return name_matches(text, name);
}

bool Glob::matches(std::string_view path) const {
  if (re_) return RE2::FullMatch(re2::StringPiece(path.data(), path.size()), *re_);
  return matches_parts(path);
}

// The path's names against parts_, "**" standing for any number of names: the
// wildcard algorithm with one backtrack point (the last "**"), which is exact
// for such patterns and takes at most names x parts comparisons.
bool Glob::matches_parts(std::string_view path) const {
  if (path.empty()) return false;
  if (any_depth_) {
    const Part& part = parts_[1];
    bool folder = parts_.size() == 4;  // the matching name must have a name below it
    if (part.kind >= Part::Literal && part.kind <= Part::Prefix &&
        path.find(part.text) == std::string_view::npos)
      return false;  // most paths do not hold the name's fixed text at all
    for (size_t pos = 0;;) {
      size_t slash = path.find('/', pos);
      if (slash == std::string_view::npos) return !folder && part.matches(path.substr(pos));
      if (part.matches(path.substr(pos, slash - pos))) return true;
      pos = slash + 1;
    }
  }
  const size_t end = path.size() + 1;  // past the last name
  size_t pi = 0, pos = 0;
  size_t star = std::string::npos, star_pos = 0;
  auto next_name = [&](size_t at) {
    size_t slash = path.find('/', at);
    return slash == std::string_view::npos ? end : slash + 1;
  };
  while (pos < end) {
    if (pi == parts_.size() && star + 1 == parts_.size())
      return true;  // the final "**" takes the rest
    if (pi < parts_.size() && parts_[pi].kind == Part::AnyNames) {
      star = pi++;
      star_pos = pos;
      continue;
    }
    if (pi < parts_.size()) {
      size_t after = next_name(pos);
      if (parts_[pi].matches(path.substr(pos, after - 1 - pos))) {
        ++pi;
        pos = after;
        continue;
      }
    }
    if (star == std::string::npos) return false;
    pi = star + 1;
    pos = star_pos = next_name(star_pos);  // the "**" takes one more name
  }
  while (pi < parts_.size() && parts_[pi].kind == Part::AnyNames) ++pi;
  return pi == parts_.size();
}

bool GlobSet::matches(std::string_view path) const {
  for (const auto& g : globs_)
    if (g.matches(path)) return true;
  return false;
}

bool has_wildcard(std::string_view pattern) {
  return pattern.find_first_of("*?[{") != std::string_view::npos;
}

bool name_matches(std::string_view p, std::string_view n) {
  if (p.find('{') != std::string_view::npos) {
    // Alternatives: through RE2, compiled here; service selectors are few and run rarely.
    std::string roles = brace_roles(p);
    std::string body, err;
    if (!roles.empty()) {
      if (!translate(p, roles, &body, &err)) return false;
      RE2::Options opts(RE2::Quiet);
      opts.set_encoding(RE2::Options::EncodingLatin1);
      RE2 re("(?s)" + body, opts);
      return re.ok() && RE2::FullMatch(re2::StringPiece(n.data(), n.size()), re);
    }
  }
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
    } else if (pi < p.size() && p[pi] == '*') {  // before the literal test: a name may hold a '*'
      star = pi++;
      mark = ni;
      continue;
    } else if (pi < p.size() && (p[pi] == '?' || p[pi] == n[ni])) {
      ++pi;
      ++ni;
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
