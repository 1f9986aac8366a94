// The text gates: forbid (a word or regex must appear in no matching file)
// and require (regexes or literals must all appear in one file). RE2 only:
// linear time whatever the pattern, so no configuration can hang a commit.
#include <re2/re2.h>

#include <cstring>
#include <optional>

#include "change_set.h"
#include "check_kinds.h"
#include "parallel.h"
#include "text.h"
#include "verdict_cache.h"

namespace smokehook {
namespace {

constexpr long long kDefaultMaxFileSize = 16 << 20;  // larger files are skipped, with a warning

// 1-based line and column of `offset` in `text`.
void locate(std::string_view text, size_t offset, int* line, int* column) {
  int l = 1;
  size_t line_start = 0;
  for (const char* p = text.data(); (p = static_cast<const char*>(std::memchr(p, '\n', text.data() + offset - p)));) {
    ++l;
    ++p;
    line_start = static_cast<size_t>(p - text.data());
  }
  *line = l;
  *column = static_cast<int>(offset - line_start) + 1;
}

bool looks_binary(std::string_view text) {
  return std::memchr(text.data(), '\0', std::min<size_t>(text.size(), 8000)) != nullptr;
}

class Forbid : public Check {
 public:
  std::shared_ptr<const Regex> re;  // the `pattern`, or the `word` between \b
  std::string literal;  // a string every match contains: files without it are not searched
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

  bool selected(const std::string& path) const {
    return (paths.empty() || paths.matches(path)) && !except.matches(path);
  }

  // One file's outcome, kept by position so that the report's order is the paths' order.
  struct FileOutcome {
    std::vector<Finding> findings;
    bool scanned = false;
    uint64_t too_large = 0;  // the size of a skipped file
    std::optional<BlobId> clean;  // with a verdict cache: a blob scanned and found clean
  };

  // Everything that decides the verdict on a file's bytes: a verdict cache's key.
  std::string fingerprint() const {
    return "forbid\n" + re->pattern() + "\n" + literal + "\n" + std::to_string(max_file_size);
  }

  // scan(), or nothing when the cache knows the blob clean under these settings.
  void scan_or_recall(const FileSource& source, const CleanBlobs* cache, const std::string& path, std::string* text,
                      FileOutcome* out) const {
    BlobId blob;
    bool have_id = cache && blob_id_from_hex(source.blob_id(path), &blob);
    if (have_id && cache->known(blob)) {
      out->scanned = true;
      return;
    }
    scan(source, path, text, out);
    if (have_id && out->scanned && out->findings.empty()) out->clean = blob;
  }

  void scan(const FileSource& source, const std::string& path, std::string* text, FileOutcome* out) const {
    std::string err;
    BoundedRead got = source.read_at_most(path, static_cast<uint64_t>(max_file_size), text, &err);
    if (got.status == ReadStatus::NotFound) return;
    if (got.status == ReadStatus::Error) {
      out->findings.push_back(Finding{path, 0, 0, "cannot read: " + err});
      return;
    }
    if (got.too_large) {
      out->too_large = got.size;
      return;
    }
    out->scanned = true;
    if (!literal.empty() && !::memmem(text->data(), text->size(), literal.data(), literal.size())) return;
    if (looks_binary(*text)) return;
    const RE2& rx = re->re2();
    if (!rx.ok()) {
      out->findings.push_back(Finding{path, 0, 0, "the regex /" + re->pattern() + "/ cannot be compiled: " + rx.error()});
      return;
    }
    re2::StringPiece whole(*text), match;
    size_t pos = 0;
    while (pos <= text->size() && rx.Match(whole, pos, text->size(), RE2::UNANCHORED, &match, 1)) {
      size_t offset = static_cast<size_t>(match.data() - text->data());
      int line, column;
      locate(*text, offset, &line, &column);
      out->findings.push_back(Finding{path, line, column, what + " is not allowed here"});
      if (out->findings.size() == 20) break;  // enough to fix the file; keeps a pathological file linear
      pos = offset + std::max<size_t>(match.size(), 1);
    }
  }

  CheckResult run(RunContext& ctx) const override {
    CheckResult r;
    const std::vector<std::string>& candidates =
        ctx.changes && !ctx.full_scan ? ctx.changes->present : ctx.source().paths();
    // Reading dominates (every file of a large tree on --all and pre-push), then matching
    // the globs: both on every core, one buffer per worker, outcomes kept in path order.
    std::vector<FileOutcome> outcomes(candidates.size());
    std::vector<std::string> buffers(workers_for(candidates.size()));
    const FileSource& source = ctx.source();
    if (candidates.size() > 1) source.prepare_bulk_read();
    CleanBlobs* cache = ctx.verdicts ? ctx.verdicts->gate(fingerprint()) : nullptr;
    parallel_for(candidates.size(), [&](unsigned worker, size_t i) {
      if (selected(candidates[i])) scan_or_recall(source, cache, candidates[i], &buffers[worker], &outcomes[i]);
    });
    size_t scanned = 0;
    for (size_t i = 0; i < candidates.size(); ++i) {
      FileOutcome& o = outcomes[i];
      if (o.clean) cache->add(*o.clean);
      if (o.too_large)
        ctx.warnings.push_back("warning: " + candidates[i] + ": skipped by " + id + " (" + std::to_string(o.too_large) +
                               " bytes, more than max_file_size " + std::to_string(max_file_size) + ")");
      scanned += o.scanned;
      for (Finding& f : o.findings) r.findings.push_back(std::move(f));
    }
    if (!r.findings.empty()) {
      r.status = CheckStatus::Fail;
      r.message = std::to_string(r.findings.size()) + " forbidden use" + (r.findings.size() == 1 ? "" : "s") + " of " + what;
    } else {
      r.message = "no " + what + " in " + std::to_string(scanned) + " file" + (scanned == 1 ? "" : "s") + " scanned";
    }
    return r;
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
      r.message = path + (st == ReadStatus::NotFound ? " does not exist" : " cannot be read: " + err);
      r.findings.push_back(Finding{path, 0, 0, st == ReadStatus::NotFound ? "required file is missing" : err});
      return r;
    }
    for (const auto& re : patterns) {
      if (!re->re2().ok())
        r.findings.push_back(Finding{path, 0, 0, "the regex /" + re->pattern() + "/ cannot be compiled: " + re->re2().error()});
      else if (!re->search(text))
        r.findings.push_back(Finding{path, 0, 0, "no match for /" + re->pattern() + "/"});
    }
    for (const auto& lit : literals)
      if (text.find(lit) == std::string::npos) r.findings.push_back(Finding{path, 0, 0, "'" + lit + "' not found"});
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
  if (!r.string("word", &word, false) || !r.regex("pattern", &c->re, false) || !r.globs("paths", &c->paths, false) ||
      !r.globs("except", &c->except, false) || !r.integer("max_file_size", &c->max_file_size, false))
    return nullptr;
  if (word.empty() == !c->re) {
    r.fail(r.node(), "a forbid check needs exactly one of 'word' and 'pattern'");
    return nullptr;
  }
  if (!word.empty()) {
    // \b on both sides: LEGACY_X is another word than X. The literal is searched first (memmem-fast).
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
