// The human report, modelled on the original prod_smoke.sh output: sections,
// one line per check, findings as path:line:col: message, a closing banner.
// Each cause is said once: a finding that several checks share (one file that
// several projects load) is printed under the first of them, with the others named.
#include <algorithm>
#include <cstdio>
#include <map>

#include "report/report.h"

namespace smokehook {
namespace {

struct Palette {
  const char* green = "";
  const char* red = "";
  const char* yellow = "";
  const char* dim = "";
  const char* bold = "";
  const char* reset = "";
};

Palette palette(bool color) {
  Palette p;
  if (color) p = Palette{"\033[32m", "\033[31m", "\033[33m", "\033[2m", "\033[1m", "\033[0m"};
  return p;
}

std::string plural(size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

// A message cut at its single quotes: text, 'word', text, 'word', text. A message with an odd
// number of quotes has no words.
struct Shape {
  std::vector<std::string> parts;  // even indexes: text; odd: the quoted words
};

Shape shape_of(const std::string& message) {
  Shape s;
  size_t start = 0;
  for (size_t q; (q = message.find('\'', start)) != std::string::npos; start = q + 1)
    s.parts.push_back(message.substr(start, q - start));
  s.parts.push_back(message.substr(start));
  if (s.parts.size() % 2 == 0) s.parts = {message};
  return s;
}

// The index of the one quoted word in which two messages differ, or -1 (equal, or other
// differences).
int one_word_apart(const Shape& a, const Shape& b) {
  if (a.parts.size() != b.parts.size()) return -1;
  int differs = -1;
  for (size_t i = 0; i < a.parts.size(); ++i) {
    if (a.parts[i] == b.parts[i]) continue;
    if (i % 2 == 0 || differs >= 0) return -1;
    differs = static_cast<int>(i);
  }
  return differs;
}

// One cause: a finding, the values its one varying word takes in the findings at the same place
// that say the same thing of something else ("service 'api' ...", "service 'worker' ..."), and the
// checks it fails.
struct Cause {
  Finding finding;
  Shape shape;
  int varying = -1;
  std::vector<std::string> others;     // the varying word's other values, in the order met
  std::vector<const ResultRow*> rows;  // the failed checks it belongs to, in report order
  bool shown = false;

  bool absorbs(const Finding& f) {
    if (f.path != finding.path || f.line != finding.line || f.column != finding.column)
      return false;
    if (f.message == finding.message) return true;
    if (finding.line == 0) return false;  // no place: only the same words are the same cause
    Shape s = shape_of(f.message);
    int k = one_word_apart(shape, s);
    if (k < 0 || (varying >= 0 && k != varying)) return false;
    varying = k;
    if (std::find(others.begin(), others.end(), s.parts[k]) == others.end())
      others.push_back(s.parts[k]);
    return true;
  }

  std::string text() const {
    std::string out = finding.to_string();
    if (others.empty()) return out;
    out += " (the same for ";
    for (size_t i = 0; i < others.size(); ++i) out += (i ? ", '" : "'") + others[i] + "'";
    return out + ")";
  }
};

// The causes of a report's failures, gathered before anything is printed so that the first check
// that shows a cause can name the others it fails. Pushed refs are reported apart: each its own.
class Causes {
 public:
  explicit Causes(const Report& report) {
    for (const auto& row : report.rows) {
      if (row.result.status != CheckStatus::Fail) continue;
      std::vector<size_t>& mine = of_row_[&row];
      for (const Finding& f : row.result.findings) {
        if (f.path.empty() && f.message == row.result.message) continue;  // the message says it
        size_t i = find(row.ref, f);
        if (std::find(mine.begin(), mine.end(), i) != mine.end()) continue;
        mine.push_back(i);
        causes_[i].rows.push_back(&row);
      }
    }
  }
  const std::vector<size_t>& of(const ResultRow& row) const {
    static const std::vector<size_t> none;
    auto it = of_row_.find(&row);
    return it == of_row_.end() ? none : it->second;
  }
  Cause& operator[](size_t i) { return causes_[i]; }

 private:
  size_t find(const std::string& ref, const Finding& f) {
    for (size_t i : of_ref_[ref])
      if (causes_[i].absorbs(f)) return i;
    Cause c;
    c.finding = f;
    c.shape = shape_of(f.message);
    causes_.push_back(std::move(c));
    of_ref_[ref].push_back(causes_.size() - 1);
    return causes_.size() - 1;
  }

  std::vector<Cause> causes_;
  std::map<std::string, std::vector<size_t>> of_ref_;
  std::map<const ResultRow*, std::vector<size_t>> of_row_;
};

// A commit the checks do not look at: one line, not a report.
bool nothing_affected(const Report& report) {
  if (report.mode != "staged" && report.mode != "range" && report.mode != "files") return false;
  if (!report.note.empty()) return false;
  return std::all_of(report.rows.begin(), report.rows.end(),
                     [](const ResultRow& r) { return r.not_affected; });
}

}  // namespace

void report_human(const Report& report, const HumanStyle& style, std::ostream& out) {
  Palette c = palette(style.color);
  // Another project's suite failing on names this repository never had would read as this
  // repository's fault: say first which suite ran, and how to get one of its own.
  if (report.config == "built-in") {
    out << c.yellow
        << "smokehook: no .smokehook.yml here: running the built-in production smoke suite (of the "
        << "application smokehook was made for); `smokehook init` writes a configuration for this "
           "repository"
        << c.reset << "\n";
  }
  if (nothing_affected(report) && !style.verbose) {
    out << "smokehook: " << plural(report.changed_files, "file") << " changed, 0 of "
        << plural(report.rows.size(), "check") << " affected: nothing to run " << c.green << "✅"
        << c.reset << "\n";
    return;
  }
  if (report.mode == "range" && !report.note.empty()) {
    out << "smokehook: " << report.note << "\n";
  } else if (report.mode == "staged" || report.mode == "range" || report.mode == "files") {
    out << "smokehook: " << plural(report.changed_files, "file") << " changed, " << report.affected
        << " of " << plural(report.rows.size(), "check") << " affected\n";
  }
  Causes causes(report);
  std::string section, ref;
  for (const auto& row : report.rows) {
    const CheckResult& r = row.result;
    bool show = !style.quiet || r.status == CheckStatus::Fail;
    // On every commit, the unaffected checks are noise: counted in the first line, listed with -v.
    if (r.status == CheckStatus::Skip && row.not_affected && !style.verbose) show = false;
    if (!show) continue;
    if (row.ref != ref && !row.ref.empty()) {
      ref = row.ref;
      section.clear();
      out << "\n"
          << c.bold << "→ " << row.ref << " (" << row.commit.substr(0, 12) << ")" << c.reset
          << "\n";
    }
    if (!style.quiet && row.check->section != section && !row.check->section.empty()) {
      section = row.check->section;
      out << "\nℹ️  INFO: === " << section << " ===\n";
    }
    switch (r.status) {
      case CheckStatus::Pass:
        out << c.green << "✅ PASS: " << c.reset << row.check->title;
        break;
      case CheckStatus::Fail:
        out << style.failure_prefix << c.red << "❌ FAIL: " << c.reset << row.check->title << c.dim
            << " [" << row.check->id << "]" << c.reset;
        break;
      case CheckStatus::Skip:
        out << c.yellow << "⏭️  SKIP: " << c.reset << row.check->title << c.dim << " ("
            << r.message << ")" << c.reset;
        break;
    }
    if (style.verbose && r.status != CheckStatus::Skip) {
      char ms[32];
      std::snprintf(ms, sizeof ms, " %.2f ms", r.duration_ms);
      out << c.dim << ms << c.reset;
    }
    out << "\n";
    if (!r.warning.empty() && r.status == CheckStatus::Pass)
      out << "   " << c.yellow << "⚠️  " << r.warning << c.reset << "\n";
    if (r.status != CheckStatus::Fail) continue;
    // The message first, unless it only sums up the findings or repeats the first; then each cause
    // not shown yet, with the other checks it fails.
    bool repeats =
        !r.findings.empty() &&
        (r.message_sums_up || r.message.find(r.findings.front().message) != std::string::npos);
    if (!repeats) out << style.failure_prefix << "   " << r.message << "\n";
    for (size_t i : causes.of(row)) {
      Cause& cause = causes[i];
      if (cause.shown) continue;
      cause.shown = true;
      out << style.failure_prefix << "   " << cause.text() << "\n";
      if (cause.rows.size() < 2) continue;
      out << style.failure_prefix << "   " << c.dim << "↳ also fails";
      const char* sep = " ";
      for (const ResultRow* other : cause.rows)
        if (other != &row) out << sep << other->check->id, sep = ", ";
      out << c.reset << "\n";
    }
  }
  int failed = report.failed();
  const char* bar = "════════════════════════════════════════";
  out << "\n" << bar << "\n";
  if (report.rows.size() == static_cast<size_t>(report.skipped())) {
    out << "  " << c.green << c.bold << "NO CHECK TO RUN ✅" << c.reset << "\n";
  } else if (failed == 0) {
    out << "  " << c.green << c.bold << "ALL " << report.passed()
        << (report.passed() == 1 ? " CHECK" : " CHECKS") << " PASSED ✅" << c.reset << "\n";
  } else {
    out << "  " << c.red << c.bold << failed << " OF " << (report.rows.size() - report.skipped())
        << (report.rows.size() - report.skipped() == 1 ? " CHECK" : " CHECKS") << " FAILED ❌"
        << c.reset << "\n";
  }
  out << bar << "\n";
  out << "smokehook: " << report.passed() << (report.passed() == 1 ? " check" : " checks")
      << " passed, " << failed << " failed, " << report.skipped() << " skipped\n";
  if (failed && style.server) {  // no client option skips a server's hook
    out << style.failure_prefix
        << "the push was rejected: fix the commits named above and push again\n";
  } else if (failed && (report.mode == "staged" || report.mode == "push")) {
    out << c.dim << "(to bypass once: git " << (report.mode == "push" ? "push" : "commit")
        << " --no-verify, or SMOKEHOOK_SKIP=<id> for one check)" << c.reset << "\n";
  }
}

}  // namespace smokehook
