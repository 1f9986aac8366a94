#include "checks/init_usage.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include <re2/re2.h>

#include "base/text.h"

namespace smokehook {
namespace {

constexpr uint64_t kLargestText = 1 << 20;  // a larger file is data, not a script or a page of docs
// a placeholder matching more is not a chain the repository runs
constexpr size_t kMostMatches = 16;

bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// A path as written, cut into literal text and placeholders ("${a}", "$a", "$(a)", "{{ a }}",
// "<a>", "*").
std::vector<std::pair<bool, std::string>> pieces_of(std::string_view s) {
  std::vector<std::pair<bool, std::string>> out;  // (placeholder, literal text)
  for (size_t i = 0; i < s.size();) {
    auto close = [&](std::string_view open, std::string_view end) {
      if (s.substr(i, open.size()) != open) return false;
      size_t e = s.find(end, i + open.size());
      if (e == std::string_view::npos) return false;
      i = e + end.size();
      return true;
    };
    bool name = s[i] == '$' && i + 1 < s.size() && is_name_char(s[i + 1]);
    bool star = s[i] == '*';
    if (close("${{", "}}") || close("${", "}") || close("$(", ")") || close("{{", "}}") ||
        close("<", ">") || name || star) {
      if (name) {
        for (++i; i < s.size() && is_name_char(s[i]);) ++i;
      } else if (star) {
        ++i;
      }
      if (out.empty() || !out.back().first) out.emplace_back(true, "");
      continue;
    }
    if (out.empty() || out.back().first) out.emplace_back(false, "");
    out.back().second += s[i++];
  }
  return out;
}

// The compose files of `source` a path with placeholders may name: each placeholder any text (a
// matrix's `ci/basic/` too). None when it could be anything: a placeholder and then a folder first
// (`$SCRIPT_DIR/../x.yml`), a ".." after one, no YAML name at the end, or more than kMostMatches
// files.
std::vector<std::string> match_placeholders(const FileSource& source,
                                            const std::vector<std::pair<bool, std::string>>& pieces,
                                            const std::string& dir) {
  if (pieces.empty() ||
      (pieces.size() >= 2 && pieces[0].first && starts_with(pieces[1].second, "/")))
    return {};
  const std::string& last = pieces.back().second;
  if (pieces.back().first || !(ends_with(last, ".yml") || ends_with(last, ".yaml"))) return {};
  std::string regex = dir.empty() ? "" : RE2::QuoteMeta(dir + "/");
  bool after_placeholder = false;
  for (size_t i = 0; i < pieces.size(); ++i) {
    const auto& [placeholder, text] = pieces[i];
    if (placeholder) {
      regex += ".*";
      after_placeholder = true;
      continue;
    }
    if (after_placeholder && text.find("..") != std::string::npos) return {};
    std::string_view lit = text;
    if (i == 0)
      while (starts_with(lit, "./")) lit.remove_prefix(2);
    regex += RE2::QuoteMeta(lit);
  }
  RE2 re(regex);
  std::vector<std::string> out;
  for (const auto& path : source.paths()) {
    if (RE2::FullMatch(path, re)) {
      out.push_back(path);
      if (out.size() > kMostMatches) return {};
    }
  }
  return out;
}

// A path as written where `mention_dir`'s text runs docker compose: the repository files it names,
// from the repository root (where CI and most docs run it), else from the mentioning file's folder.
std::vector<std::string> resolve(const FileSource& source, std::string_view token,
                                 const std::string& mention_dir) {
  if (token.empty() || token == "-" || token[0] == '/' || token[0] == '~') return {};
  std::vector<std::pair<bool, std::string>> pieces = pieces_of(token);
  bool placeholder =
      std::any_of(pieces.begin(), pieces.end(), [](const auto& p) { return p.first; });
  for (const std::string& dir : {std::string(), mention_dir}) {
    if (placeholder) {
      if (std::vector<std::string> found = match_placeholders(source, pieces, dir); !found.empty())
        return found;
      continue;
    }
    std::string path = normalize_path(join_path(dir, token));
    if (!path.empty() && !starts_with(path, "../") && path != ".." && source.exists(path))
      return {path};
  }
  return {};
}

// A line's `docker compose` (or docker-compose, podman compose) mentions: where each one's words
// begin.
std::vector<std::pair<size_t, size_t>> compose_mentions(std::string_view line) {
  std::vector<std::pair<size_t, size_t>> out;  // (start of "docker", end of "compose")
  for (size_t pos = 0; (pos = line.find("compose", pos)) != std::string_view::npos;) {
    size_t at = pos;
    pos += 7;
    if (pos < line.size() && !std::strchr(" \t\"'`", line[pos])) continue;
    if (at < 7 || (line[at - 1] != ' ' && line[at - 1] != '-')) continue;
    std::string_view tool = line.substr(at - 7, 6);
    if (tool != "docker" && tool != "podman") continue;
    size_t start = at - 7;
    if (start > 0 && (is_name_char(line[start - 1]) || std::strchr(".-$=", line[start - 1])))
      continue;
    out.emplace_back(start, pos);
  }
  return out;
}

// The command's words after `docker compose`, up to what ends a shell command.
std::string_view command_rest(std::string_view rest, bool json) {
  char quote = 0;
  for (size_t i = 0; i < rest.size(); ++i) {
    char c = rest[i];
    if (json && c == '"')
      return rest.substr(0, i);  // a JSON string (package.json scripts) ends there
    if (quote) {
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '\'' || c == '"')
      quote = c;
    else if (std::strchr("|;&<>)`", c))
      return rest.substr(0, i);
    else if (c == '#' && i > 0 && (rest[i - 1] == ' ' || rest[i - 1] == '\t'))
      return rest.substr(0, i);
  }
  return rest;
}

// NAME=value words right before the command ("COMPOSE_PROFILES=db KONG_DATABASE=postgres docker
// compose").
std::vector<std::pair<std::string, std::string>> assignments_before(std::string_view before) {
  std::vector<std::string> words;
  std::string cur;
  for (char c : before) {
    if (c == ' ' || c == '\t') {
      if (!cur.empty()) words.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) words.push_back(std::move(cur));
  std::vector<std::pair<std::string, std::string>> out;
  for (size_t i = words.size(); i-- > 0;) {
    std::string w = words[i];
    while (!w.empty() && (w[0] == '"' || w[0] == '\'')) w.erase(0, 1);
    size_t eq = w.find('=');
    if (eq == std::string::npos || eq == 0) break;
    std::string name = w.substr(0, eq), value = w.substr(eq + 1);
    if (!(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_') ||
        !std::all_of(name.begin(), name.end(), is_name_char))
      break;
    if (value.size() >= 2 && (value[0] == '"' || value[0] == '\'') && value.back() == value[0])
      value = value.substr(1, value.size() - 2);
    // An open quote: `DOCO="docker compose -f x.yml"` keeps a command in a variable; no prefix of
    // it.
    if (value.find_first_of("\"'") != std::string::npos) break;
    out.emplace_back(name, value);
  }
  std::reverse(out.begin(), out.end());
  return out;
}

struct Reader {
  const FileSource& source;
  const std::function<std::vector<std::string>(const std::string&)>& default_files;
  std::vector<ComposeUsage> out;

  // Each combination of the resolved files (a placeholder may match several), at most kMostMatches.
  void add(const std::vector<std::vector<std::string>>& files,
           const std::vector<std::vector<std::string>>& envs, ComposeUsage u) {
    std::vector<ComposeUsage> combos = {u};
    auto expand = [&](const std::vector<std::vector<std::string>>& lists, bool env) {
      for (const auto& choices : lists) {
        std::vector<ComposeUsage> next;
        for (const auto& c : combos) {
          for (const auto& path : choices) {
            next.push_back(c);
            (env ? next.back().env_files : next.back().files).push_back(path);
          }
        }
        combos = std::move(next);
        if (combos.size() > kMostMatches) return false;
      }
      return true;
    };
    if (!expand(files, false) || !expand(envs, true)) return;
    for (auto& c : combos) {
      if (c.files.empty()) continue;
      std::vector<std::string> sorted = c.files;
      std::sort(sorted.begin(), sorted.end());
      if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end())
        continue;  // a file twice: not a chain
      if (std::find(out.begin(), out.end(), c) == out.end()) out.push_back(std::move(c));
    }
  }

  // One `docker compose ...` at line `line_no` of `path`.
  void command(const std::string& path, size_t line_no, std::string_view before,
               std::string_view rest) {
    std::string dir = dirname(path);
    std::vector<std::string> words = shell_split(command_rest(rest, ends_with(path, ".json")));
    std::vector<std::string> files, envs;
    ComposeUsage u;
    u.where = path + ":" + std::to_string(line_no);
    for (size_t i = 0; i < words.size(); ++i) {
      const std::string& w = words[i];
      auto value = [&](std::string_view long_name, std::string_view short_name, std::string* v) {
        if (w == long_name || (!short_name.empty() && w == short_name)) {
          if (i + 1 >= words.size()) return false;
          *v = words[++i];
          return true;
        }
        if (starts_with(w, std::string(long_name) + "=")) {
          *v = w.substr(long_name.size() + 1);
          return true;
        }
        return false;
      };
      std::string v;
      if (value("--file", "-f", &v))
        files.push_back(v);
      else if (value("--env-file", "", &v))
        envs.push_back(v);
      else if (value("--profile", "", &v))
        u.profiles.push_back(v);
      else if (value("--project-directory", "", &v))
        return;  // paths relative to elsewhere: not guessed
      else if (value("--project-name", "-p", &v) || value("--ansi", "", &v) ||
               value("--parallel", "", &v) || value("--progress", "", &v))
        continue;
      else if (starts_with(w, "-"))
        continue;
      // the subcommand: what follows is its own (`logs -f` follows)
      else
        break;
    }
    std::string compose_file, separator = ":";
    for (auto& [name, val] : assignments_before(before)) {
      if (val.find('$') != std::string::npos || val.find('`') != std::string::npos) continue;
      if (name == "COMPOSE_FILE")
        compose_file = val;
      else if (name == "COMPOSE_PATH_SEPARATOR" && !val.empty())
        separator = val;
      else if (name == "COMPOSE_PROFILES") {
        for (auto& p : split(val, ','))
          if (!p.empty()) u.profiles.push_back(p);
      } else if (!starts_with(name, "COMPOSE_") && !starts_with(name, "DOCKER_")) {
        u.environment.emplace_back(name, val);
      }
    }
    if (files.empty() && !compose_file.empty()) files = split_files(compose_file, separator);
    std::vector<std::vector<std::string>> file_choices, env_choices;
    for (const auto& f : files) {
      file_choices.push_back(resolve(source, f, dir));
      if (file_choices.back().empty()) return;
    }
    for (const auto& e : envs) {
      env_choices.push_back(resolve(source, e, dir));
      if (env_choices.back().empty()) return;
    }
    if (file_choices.empty()) {
      // No file named: the command reads the defaults where it runs. Only worth a check of its own
      // with something the defaults alone do not have (an env file, a profile, a variable).
      if (envs.empty() && u.profiles.empty() && u.environment.empty()) return;
      // Where it runs: the mentioning file's folder; the root for a file at the root or in a hidden
      // folder (.github/workflows/ and the like run from the root).
      std::vector<std::string> defaults = default_files(dir);
      if (defaults.empty() && (dir.empty() || starts_with(dir, "."))) defaults = default_files("");
      if (defaults.empty()) return;
      for (const auto& d : defaults) file_choices.push_back({d});
    }
    add(file_choices, env_choices, std::move(u));
  }

  static std::vector<std::string> split_files(const std::string& value,
                                              const std::string& separator) {
    std::vector<std::string> out;
    for (size_t start = 0; start <= value.size();) {
      size_t end = value.find(separator, start);
      if (end == std::string::npos) end = value.size();
      if (end > start) out.push_back(value.substr(start, end - start));
      start = end + separator.size();
    }
    return out;
  }

  // The value of `NAME: value` / `NAME=value` / `export NAME=value` in a line; "" when it does not
  // set NAME.
  static std::string setting(std::string_view line, std::string_view name) {
    size_t at = line.find(name);
    if (at == std::string_view::npos ||
        (at > 0 && (is_name_char(line[at - 1]) || line[at - 1] == '$')))
      return "";
    std::string_view rest = line.substr(at + name.size());
    size_t i = 0;
    while (i < rest.size() && (rest[i] == ' ' || rest[i] == '\t')) ++i;
    if (i >= rest.size() || (rest[i] != '=' && rest[i] != ':')) return "";
    if (rest[i] == ':' && (i + 1 >= rest.size() || rest[i + 1] != ' '))
      return "";  // "NAME:x" is no YAML key
    rest = trim(rest.substr(i + 1));
    // The value ends at a blank, but not inside ${...} / ${{ ... }} (a workflow's expressions have
    // blanks).
    size_t end = 0;
    for (int depth = 0; end < rest.size(); ++end) {
      if (rest[end] == '{')
        ++depth;
      else if (rest[end] == '}' && depth > 0)
        --depth;
      else if (depth == 0 && (rest[end] == ' ' || rest[end] == '\t' || rest[end] == '#'))
        break;
    }
    std::string value(rest.substr(0, end));
    if (value.size() >= 2 && (value[0] == '"' || value[0] == '\'')) {
      size_t close = value.find(value[0], 1);
      value = value.substr(1, close == std::string::npos ? std::string::npos : close - 1);
    }
    return value;
  }

  // COMPOSE_FILE set for what follows: `export COMPOSE_FILE=...` in a script, or a CI workflow's
  // `env:` mapping, whose other variables (COMPOSE_ENV_FILES, COMPOSE_PROFILES, NAME: value) are
  // the chain's too. A workflow's `${{ expression }}` in a value is unknown here: it reads as "x".
  void compose_file_setting(const std::string& path,
                            const std::vector<std::pair<size_t, std::string>>& lines, size_t k) {
    std::string value = setting(lines[k].second, "COMPOSE_FILE");
    if (value.empty()) return;
    ComposeUsage u;
    u.where = path + ":" + std::to_string(lines[k].first);
    u.from_variable = true;
    std::vector<std::vector<std::string>> files, envs;
    for (const auto& f : split_files(value, ":")) {
      files.push_back(resolve(source, f, dirname(path)));
      if (files.back().empty()) return;
    }
    if (ends_with(path, ".yml") || ends_with(path, ".yaml")) {
      static const RE2 key(R"(( *)([A-Za-z_][A-Za-z0-9_]*): (.*))");
      std::string indent, name, rest, own_indent;
      if (!RE2::FullMatch(lines[k].second, key, &own_indent, &name, &rest)) return;
      auto sibling = [&](size_t j) {
        const std::string& line = lines[j].second;
        if (trim(line).empty() || starts_with(trim(line), "#")) return 1;  // skipped over
        if (!RE2::FullMatch(line, key, &indent, &name, &rest) || indent != own_indent) return 0;
        std::string v = setting(line, name);
        for (size_t at; (at = v.find("${{")) != std::string::npos;) {
          size_t close = v.find("}}", at);
          if (close == std::string::npos) break;
          v.replace(at, close + 2 - at, "x");
        }
        if (name == "COMPOSE_ENV_FILES") {
          for (const auto& e : split_files(v, ","))
            envs.push_back(resolve(source, e, dirname(path)));
        } else if (name == "COMPOSE_PROFILES") {
          for (const auto& p : split_files(v, ",")) u.profiles.push_back(p);
        } else if (!starts_with(name, "COMPOSE_") && v.find('$') == std::string::npos) {
          u.environment.emplace_back(name, v);
        }
        return 1;
      };
      size_t first = k;
      while (first > 0 && sibling(first - 1)) --first;
      for (size_t j = k + 1; j < lines.size() && sibling(j);) ++j;
      for (const auto& e : envs)
        if (e.empty()) return;
      std::sort(u.environment.begin(), u.environment.end());
    }
    add(files, envs, std::move(u));
  }

  void file(const std::string& path, const std::string& text) {
    // Logical lines: a trailing backslash continues a line on the next one.
    std::vector<std::pair<size_t, std::string>> lines;  // (number of its first line, text)
    size_t line_no = 0;
    for (size_t start = 0; start < text.size();) {
      std::string line;
      size_t first = ++line_no;
      while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        std::string_view piece(text.data() + start, end - start);
        if (!piece.empty() && piece.back() == '\r') piece.remove_suffix(1);
        start = end + 1;
        if (!piece.empty() && piece.back() == '\\') {
          line.append(piece.substr(0, piece.size() - 1));
          line += ' ';
          ++line_no;
          continue;
        }
        line.append(piece);
        break;
      }
      lines.emplace_back(first, std::move(line));
    }
    for (size_t k = 0; k < lines.size(); ++k) {
      std::string_view line = lines[k].second;
      auto mentions = compose_mentions(line);
      for (size_t m = 0; m < mentions.size(); ++m) {
        size_t from = m == 0 ? 0 : mentions[m - 1].second;
        command(path, lines[k].first, line.substr(from, mentions[m].first - from),
                line.substr(mentions[m].second));
      }
      if (mentions.empty()) compose_file_setting(path, lines, k);
    }
  }
};

}  // namespace

bool is_usage_file(std::string_view path) {
  if (path.find("node_modules/") != std::string_view::npos || starts_with(path, "vendor/") ||
      path.find("/vendor/") != std::string_view::npos)
    return false;
  std::string_view name = basename(path);
  for (const char* n :
       {"Makefile", "makefile", "GNUmakefile", "Justfile", "justfile", "Taskfile.yml",
        "Taskfile.yaml", "package.json", "Jenkinsfile", ".gitlab-ci.yml", ".drone.yml",
        "bitbucket-pipelines.yml", "azure-pipelines.yml", "Procfile"})
    if (name == n) return true;
  for (const char* ext :
       {".sh", ".bash", ".zsh", ".mk", ".md", ".mdx", ".markdown", ".rst", ".adoc"})
    if (ends_with(name, ext)) return true;
  bool yaml = ends_with(name, ".yml") || ends_with(name, ".yaml");
  for (const char* dir : {".github/workflows/", ".gitea/workflows/", ".forgejo/workflows/",
                          ".gitlab/", ".circleci/", ".woodpecker/", ".buildkite/"})
    if (yaml && starts_with(path, dir)) return true;
  return false;
}

std::vector<ComposeUsage> find_compose_usages(
    const FileSource& source,
    const std::function<std::vector<std::string>(const std::string&)>& default_files) {
  Reader r{source, default_files, {}};
  std::string text, scratch, err;
  for (const auto& path : source.paths()) {
    if (!is_usage_file(path)) continue;
    BoundedRead got = source.read_at_most(path, kLargestText, &text, &err);
    if (got.status != ReadStatus::Ok || got.too_large) continue;
    if (text.find("compose") == std::string::npos && text.find("COMPOSE_FILE") == std::string::npos)
      continue;
    r.file(path, text);
  }
  return std::move(r.out);
}

}  // namespace smokehook
