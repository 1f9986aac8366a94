// The text gates: forbid (a word or regex must appear in no matching file)
// and require (regexes or literals must all appear in one file). RE2 only:
// linear time whatever the pattern, so no configuration can hang a commit.
#include <re2/re2.h>

#include <cstring>
#include <optional>

#include "base/parallel.h"
#include "base/text.h"
#include "checks/kinds.h"
#include "checks/verdict_cache.h"
#include "git/change_set.h"

namespace smokehook {
namespace {

// A file a gate cannot read whole fails it: the limit only bounds memory. Files
// below it are scanned whatever their size (generated code runs to tens of MiB).
constexpr long long kDefaultMaxFileSize = 256LL << 20;

// Lines and columns of increasing offsets in one text: each byte is counted once,
// however many findings a large file has.
class Locator {
 public:
  explicit Locator(std::string_view text) : text_(text) {}
  // 1-based line and column of `offset`, which is not before the last one asked.
  void locate(size_t offset, int* line, int* column) {
    const char* end = text_.data() + offset;
    for (const char* p = text_.data() + pos_;
         (p = static_cast<const char*>(std::memchr(p, '\n', end - p)));) {
      ++line_;
      ++p;
      line_start_ = static_cast<size_t>(p - text_.data());
    }
    pos_ = offset;
    *line = line_;
    *column = static_cast<int>(offset - line_start_) + 1;
  }

 private:
  std::string_view text_;
  size_t pos_ = 0, line_start_ = 0;
  int line_ = 1;
};

bool looks_binary(std::string_view text) {
  return std::memchr(text.data(), '\0', std::min<size_t>(text.size(), 8000)) != nullptr;
}

bool is_plain_path(std::string_view glob) {
  return glob.find_first_of("*?[{\\") == std::string_view::npos;
}

class Forbid : public Check {
 public:
  std::shared_ptr<const Regex> re;  // the `pattern`, or the `word` between \b
  std::string literal;  // the `word`: every match starts with it, so only its occurrences are tried
  std::string what;     // for messages: "the word 'X'" or "/re/"
  GlobSet paths, except;
  long long max_file_size = kDefaultMaxFileSize;

  Triggers triggers(RunContext&) const override {
    Triggers t;
    t.globs = paths;
    if (paths.empty()) {
      std::string err;
      t.globs.add(*Glob::compile("**", &err));
    }
    return t;
  }

  // Whether `paths` names the configuration file itself: a glob without
  // wildcards equal to its path ("/.smokehook.yml" too). Only then is it scanned.
  bool names_explicitly(const std::string& config_path) const {
    for (const Glob& g : paths.globs()) {
      std::string_view p = g.pattern();
      if (!p.empty() && p[0] == '/') p.remove_prefix(1);
      if (is_plain_path(p) && p == config_path) return true;
    }
    return false;
  }

  bool selected(const std::string& path) const {
    return (paths.empty() || paths.matches(path)) && !except.matches(path);
  }

  // One file's outcome, kept by position so that the report's order is the paths' order.
  struct FileOutcome {
    std::vector<Finding> findings;
    bool selected = false;
    bool scanned = false;
    std::optional<BlobId> clean;  // with a verdict cache: a blob scanned and found clean
  };

  // Everything that decides the verdict on a file's bytes: a verdict cache's key.
  std::string fingerprint() const {
    return "forbid\n" + re->pattern() + "\n" + literal + "\n" + std::to_string(max_file_size);
  }

  // scan(), or nothing when the cache knows the blob clean under these settings.
  void scan_or_recall(const FileSource& source, const CleanBlobs* cache, const std::string& path,
                      std::string* scratch, FileOutcome* out) const {
    BlobId blob;
    bool have_id = cache && blob_id_from_hex(source.blob_id(path), &blob);
    if (have_id && cache->known(blob)) {
      out->scanned = true;
      return;
    }
    scan(source, path, scratch, out);
    if (have_id && out->scanned && out->findings.empty()) out->clean = blob;
  }

  void search(std::string_view text, const std::string& path, FileOutcome* out) const {
    out->scanned = true;
    if (!literal.empty() && !::memmem(text.data(), text.size(), literal.data(), literal.size()))
      return;
    if (looks_binary(text)) return;
    const RE2& rx = re->re2();
    if (!rx.ok()) {
      out->findings.push_back(Finding{
          path, 0, 0, "the regex /" + re->pattern() + "/ cannot be compiled: " + rx.error()});
      return;
    }
    Locator where(text);
    re2::StringPiece whole(text.data(), text.size()), match;
    auto found = [&](size_t offset) {
      int line, column;
      where.locate(offset, &line, &column);
      out->findings.push_back(Finding{path, line, column, what + " is not allowed here"});
      return out->findings.size() < 20;  // enough to fix the file; keeps a pathological file linear
    };
    if (!literal.empty()) {
      // A word: RE2 tried at each occurrence of it only (a leading \b turns off RE2's own
      // literal search, and the DFA would walk every byte of a large file).
      for (size_t pos = 0; pos < text.size();) {
        const void* hit =
            ::memmem(text.data() + pos, text.size() - pos, literal.data(), literal.size());
        if (!hit) break;
        size_t offset = static_cast<size_t>(static_cast<const char*>(hit) - text.data());
        if (!rx.Match(whole, offset, text.size(), RE2::ANCHOR_START, &match, 1)) {
          pos = offset + 1;
          continue;
        }
        if (!found(offset)) break;
        pos = offset + std::max<size_t>(match.size(), 1);
      }
      return;
    }
    size_t pos = 0;
    while (pos <= text.size() && rx.Match(whole, pos, text.size(), RE2::UNANCHORED, &match, 1)) {
      size_t offset = static_cast<size_t>(match.data() - text.data());
      if (!found(offset)) break;
      pos = offset + std::max<size_t>(match.size(), 1);
    }
  }

  void scan(const FileSource& source, const std::string& path, std::string* scratch,
            FileOutcome* out) const {
    std::string err;
    auto use = [&](std::string_view text) { search(text, path, out); };
    BoundedRead got =
        source.visit_at_most(path, static_cast<uint64_t>(max_file_size), scratch, use, &err);
    if (got.status == ReadStatus::NotFound) return;
    if (got.status == ReadStatus::Error) {
      out->findings.push_back(Finding{path, 0, 0, "cannot read: " + err});
      return;
    }
    if (got.too_large) {
      out->findings.push_back(Finding{
          path, 0, 0,
          "not scanned: " + std::to_string(got.size) + " bytes, more than max_file_size " +
              std::to_string(max_file_size) + " (raise max_file_size, or list it in except)"});
    }
  }

  CheckResult run(RunContext& ctx) const override {
    CheckResult r;
    bool whole_source = !ctx.changes || ctx.full_scan;
    const std::vector<std::string>& candidates =
        whole_source ? ctx.source().paths() : ctx.changes->present;
    // The configuration holds the forbidden words on purpose: left out unless named.
    const std::string* config = names_explicitly(ctx.config_path) ? nullptr : &ctx.config_path;
    // Reading dominates (every file of a large tree on --all and pre-push), then matching
    // the globs: both on every core, one buffer per worker, outcomes kept in path order.
    std::vector<FileOutcome> outcomes(candidates.size());
    std::vector<std::string> buffers(workers_for(candidates.size()));
    const FileSource& source = ctx.source();
    if (candidates.size() > 1) source.prepare_bulk_read();
    CleanBlobs* cache = ctx.verdicts ? ctx.verdicts->gate(fingerprint()) : nullptr;
    parallel_for(candidates.size(), [&](unsigned worker, size_t i) {
      if (!selected(candidates[i]) || (config && candidates[i] == *config)) return;
      outcomes[i].selected = true;
      scan_or_recall(source, cache, candidates[i], &buffers[worker], &outcomes[i]);
    });
    size_t scanned = 0, selected_files = 0;
    for (FileOutcome& o : outcomes) {
      if (o.clean) cache->add(*o.clean);
      scanned += o.scanned;
      selected_files += o.selected;
      for (Finding& f : o.findings) r.findings.push_back(std::move(f));
    }
    if (!r.findings.empty()) {
      r.status = CheckStatus::Fail;
      size_t uses = 0;
      for (const Finding& f : r.findings) uses += f.line > 0;
      r.message =
          uses ? std::to_string(uses) + " forbidden use" + (uses == 1 ? "" : "s") + " of " + what
               : r.findings.front().message;
      if (uses && uses < r.findings.size()) {
        r.message += "; " + std::to_string(r.findings.size() - uses) + " file" +
                     (r.findings.size() - uses == 1 ? "" : "s") + " not scanned";
      }
    } else if (whole_source && selected_files == 0) {
      // Staged mode looks at the changed files only: there, selecting none is the usual case.
      r.warning = "warning: no file matches " + describe_paths() + ": nothing was scanned";
      r.message = r.warning;
    } else {
      r.message = "no " + what + " in " + std::to_string(scanned) + " file" +
                  (scanned == 1 ? "" : "s") + " scanned";
    }
    return r;
  }

  std::string describe_paths() const {
    std::string out = "paths [";
    if (paths.empty()) out += "every file";
    for (size_t i = 0; i < paths.globs().size(); ++i)
      out += (i ? ", " : "") + paths.globs()[i].pattern();
    out += "]";
    if (!except.empty()) {
      out += " except [";
      for (size_t i = 0; i < except.globs().size(); ++i)
        out += (i ? ", " : "") + except.globs()[i].pattern();
      out += "]";
    }
    return out;
  }
};

class Require : public Check {
 public:
  std::string path;
  std::vector<std::shared_ptr<const Regex>> patterns;
  std::vector<std::string> literals;

  Triggers triggers(RunContext&) const override {
    Triggers t;
    t.paths.push_back(path);
    return t;
  }

  CheckResult run(RunContext& ctx) const override {
    CheckResult r;
    std::string text, err;
    ReadStatus st = ctx.source().read(path, &text, &err);
    if (st != ReadStatus::Ok) {
      r.status = CheckStatus::Fail;
      r.message =
          path + (st == ReadStatus::NotFound ? " does not exist" : " cannot be read: " + err);
      r.findings.push_back(
          Finding{path, 0, 0, st == ReadStatus::NotFound ? "required file is missing" : err});
      return r;
    }
    for (const auto& re : patterns) {
      if (!re->re2().ok()) {
        r.findings.push_back(
            Finding{path, 0, 0,
                    "the regex /" + re->pattern() + "/ cannot be compiled: " + re->re2().error()});
      } else if (!re->search(text)) {
        r.findings.push_back(Finding{path, 0, 0, "no match for /" + re->pattern() + "/"});
      }
    }
    for (const auto& lit : literals)
      if (text.find(lit) == std::string::npos)
        r.findings.push_back(Finding{path, 0, 0, "'" + lit + "' not found"});
    if (!r.findings.empty()) {
      r.status = CheckStatus::Fail;
      r.message = path + ": " + r.findings.front().message;
    } else {
      r.message = path + " has everything required";
    }
    return r;
  }
};

}  // namespace

std::unique_ptr<Check> make_forbid(CheckReader& r) {
  auto c = std::make_unique<Forbid>();
  std::string word;
  if (!r.string("word", &word, false) || !r.regex("pattern", &c->re, false) ||
      !r.globs("paths", &c->paths, false) || !r.globs("except", &c->except, false) ||
      !r.integer("max_file_size", &c->max_file_size, false))
    return nullptr;
  if (word.empty() == !c->re) {
    r.fail(r.node(), "a forbid check needs exactly one of 'word' and 'pattern'");
    return nullptr;
  }
  if (!word.empty()) {
    // \b on both sides: LEGACY_X is another word than X. The literal is searched first
    // (memmem-fast).
    c->re = std::make_shared<const Regex>("\\b" + RE2::QuoteMeta(word) + "\\b");
    c->literal = word;
    c->what = "the word '" + word + "'";
  } else {
    c->what = "/" + c->re->pattern() + "/";
  }
  return c;
}

std::unique_ptr<Check> make_require(CheckReader& r) {
  auto c = std::make_unique<Require>();
  if (!r.string("path", &c->path, true) || !r.regexes("patterns", &c->patterns, false) ||
      !r.strings("literals", &c->literals, false))
    return nullptr;
  if (c->patterns.empty() && c->literals.empty()) {
    r.fail(r.node(), "a require check needs 'patterns' or 'literals'");
    return nullptr;
  }
  return c;
}

}  // namespace smokehook
