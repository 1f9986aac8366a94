#include "base/text.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <cstring>

#include "base/finding.h"

namespace smokehook {

std::string Finding::to_string() const {
  std::string out = path;
  if (!path.empty() && line > 0) {
    out += ':' + std::to_string(line);
    if (column > 0) out += ':' + std::to_string(column);
  }
  if (!out.empty()) out += ": ";
  return out + message;
}

std::string_view trim(std::string_view s) {
  const char* ws = " \t\r\n";
  size_t b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(ws);
  return s.substr(b, e - b + 1);
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool ends_with(std::string_view s, std::string_view x) {
  return s.size() >= x.size() && s.substr(s.size() - x.size()) == x;
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t pos = s.find(sep, start);
    out.emplace_back(s.substr(start, pos - start));
    if (pos == std::string_view::npos) return out;
    start = pos + 1;
  }
}

size_t edit_distance(std::string_view a, std::string_view b) {
  // Optimal string alignment: Levenshtein plus adjacent transpositions ("wrod" -> "word" is one
  // edit).
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min(
          {d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string>& candidates) {
  // Like ninja's SpellcheckString: allow roughly one typo per three characters.
  size_t best = std::max<size_t>(1, std::min<size_t>(3, word.size() / 3));
  std::optional<std::string> found;
  for (const auto& c : candidates) {
    size_t d = edit_distance(word, c);
    if (d > 0 && (d < best || (!found && d == best))) {
      best = d;
      found = c;
    }
  }
  return found;
}

std::string normalize_path(std::string_view path) {
  bool absolute = !path.empty() && path[0] == '/';
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t pos = path.find('/', start);
    if (pos == std::string_view::npos) pos = path.size();
    std::string_view part = path.substr(start, pos - start);
    if (part == "..") {
      if (!parts.empty() && parts.back() != "..")
        parts.pop_back();
      else if (!absolute)
        parts.push_back(part);
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    start = pos + 1;
  }
  std::string out = absolute ? "/" : "";
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += '/';
    out += parts[i];
  }
  return out;
}

std::string join_path(std::string_view dir, std::string_view rel) {
  if (!rel.empty() && rel[0] == '/') return normalize_path(rel);
  if (dir.empty()) return normalize_path(rel);
  std::string joined(dir);
  joined += '/';
  joined += rel;
  return normalize_path(joined);
}

std::string dirname(std::string_view path) {
  size_t pos = path.rfind('/');
  if (pos == std::string_view::npos) return "";
  if (pos == 0) return "/";
  return std::string(path.substr(0, pos));
}

std::string_view basename(std::string_view path) {
  size_t pos = path.rfind('/');
  return pos == std::string_view::npos ? path : path.substr(pos + 1);
}

std::vector<std::string> shell_split(std::string_view s) {
  std::vector<std::string> words;
  std::string cur;
  bool in_word = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\'') {
      in_word = true;
      size_t end = s.find('\'', i + 1);
      if (end == std::string_view::npos) end = s.size();
      cur.append(s.substr(i + 1, end - i - 1));
      i = end;
    } else if (c == '"') {
      in_word = true;
      for (++i; i < s.size() && s[i] != '"'; ++i) {
        if (s[i] == '\\' && i + 1 < s.size() && std::strchr("\"\\$`", s[i + 1])) ++i;
        cur += s[i];
      }
    } else if (c == '\\' && i + 1 < s.size()) {
      in_word = true;
      cur += s[++i];
    } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      if (in_word) words.push_back(std::move(cur));
      cur.clear();
      in_word = false;
    } else {
      in_word = true;
      cur += c;
    }
  }
  if (in_word) words.push_back(std::move(cur));
  return words;
}

bool compose_words(std::string_view s, std::vector<std::string>* words) {
  words->clear();
  std::string cur;
  enum { kNone, kWord, kQuoted } got = kNone;
  bool escaped = false, single = false, dbl = false, back = false, dollar = false;
  for (char c : s) {
    if (escaped) {
      cur += c;
      escaped = false;
      got = kWord;
      continue;
    }
    if (c == '\\') {
      if (single)
        cur += c;
      else
        escaped = true;
      continue;
    }
    bool quoted = single || dbl || back || dollar;
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      if (quoted) {
        cur += c;
      } else if (got != kNone) {
        words->push_back(std::move(cur));
        cur.clear();
        got = kNone;
      }
      continue;
    }
    if (c == '`' && !single && !dbl && !dollar) back = !back;
    if (c == ')' && !single && !dbl && !back) dollar = !dollar;
    if (c == '(' && !single && !dbl && !back) {
      if (dollar || cur.empty() || cur.back() != '$') return false;
      dollar = true;
      cur += c;
      continue;
    }
    if ((c == '"' && !single && !dollar) || (c == '\'' && !dbl && !dollar)) {
      bool& open = c == '"' ? dbl : single;
      if (open) got = kQuoted;
      open = !open;
      continue;
    }
    if (!quoted && c != '\0' && std::strchr(";&|<>", c)) {
      if (c == '>' && !cur.empty() && cur[0] >= '0' && cur[0] <= '9') got = kNone;  // 2>&1
      break;
    }
    got = kWord;
    cur += c;
  }
  if (got != kNone) words->push_back(std::move(cur));
  return !(escaped || single || dbl || back || dollar);
}

bool read_fd(int fd, uint64_t expected, std::string* out, std::string* err) {
  // Straight into the string, one byte more than expected: a regular file
  // that is as large as fstat said fills it short, and that is its end.
  out->resize(expected == UINT64_MAX ? 65536 : static_cast<size_t>(expected) + 1);
  size_t len = 0;
  for (;;) {
    if (len == out->size()) out->resize(out->size() * 2);
    ssize_t n = ::read(fd, &(*out)[len], out->size() - len);
    if (n < 0) {
      if (errno == EINTR) continue;
      *err = std::strerror(errno);
      return false;
    }
    if (n == 0) break;
    len += static_cast<size_t>(n);
    if (len == expected) break;
  }
  out->resize(len);
  return true;
}

bool read_whole_file(const std::string& path, std::string* out, std::string* err) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *err = std::strerror(errno);
    return false;
  }
  struct stat st;
  uint64_t expected =
      ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? static_cast<uint64_t>(st.st_size) : 0;
  // A pipe (--config <(...)) has no size: expected 0 never ends the loop early.
  bool ok = read_fd(fd, expected ? expected : UINT64_MAX, out, err);
  ::close(fd);
  return ok;
}

}  // namespace smokehook
