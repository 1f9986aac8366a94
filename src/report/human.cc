// The human report, modelled on the original prod_smoke.sh output: sections,
// one line per check, findings as path:line:col: message, a closing banner.
#include <cstdio>

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

std::string plural(size_t n, const char* word) { return std::to_string(n) + " " + word + (n == 1 ? "" : "s"); }

}  // namespace

void report_human(const Report& report, const HumanStyle& style, std::ostream& out) {
  Palette c = palette(style.color);
  // Another project's suite failing on names this repository never had would read as this
  // repository's fault: say first which suite ran, and how to get one of its own.
  if (report.config == "built-in")
    out << c.yellow << "smokehook: no .smokehook.yml here: running the built-in production smoke suite (of the "
        << "application smokehook was made for); `smokehook init` writes a configuration for this repository"
        << c.reset << "\n";
  if (report.mode == "range" && !report.note.empty())
    out << "smokehook: " << report.note << "\n";
  else if (report.mode == "staged" || report.mode == "range" || report.mode == "files")
    out << "smokehook: " << plural(report.changed_files, "file") << " changed, " << report.affected << " of "
        << plural(report.rows.size(), "check") << " affected\n";
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
      out << "\n" << c.bold << "→ " << row.ref << " (" << row.commit.substr(0, 12) << ")" << c.reset << "\n";
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
        out << style.failure_prefix << c.red << "❌ FAIL: " << c.reset << row.check->title << c.dim << " [" << row.check->id << "]" << c.reset;
        break;
      case CheckStatus::Skip:
        out << c.yellow << "⏭️  SKIP: " << c.reset << row.check->title << c.dim << " (" << r.message << ")" << c.reset;
        break;
    }
    if (style.verbose && r.status != CheckStatus::Skip) {
      char ms[32];
      std::snprintf(ms, sizeof ms, " %.2f ms", r.duration_ms);
      out << c.dim << ms << c.reset;
    }
    out << "\n";
    if (!r.warning.empty() && r.status == CheckStatus::Pass) out << "   " << c.yellow << "⚠️  " << r.warning << c.reset << "\n";
    if (r.status == CheckStatus::Fail) {
      // The message first, unless it only repeats the first finding; then every finding.
      bool repeats = !r.findings.empty() && r.message.find(r.findings.front().message) != std::string::npos;
      if (!repeats) out << style.failure_prefix << "   " << r.message << "\n";
      for (const auto& f : r.findings)
        if (!(f.path.empty() && f.message == r.message)) out << style.failure_prefix << "   " << f.to_string() << "\n";
    }
  }
  int failed = report.failed();
  const char* bar = "════════════════════════════════════════";
  out << "\n" << bar << "\n";
  if (report.rows.size() == static_cast<size_t>(report.skipped()))
    out << "  " << c.green << c.bold << "NO CHECK TO RUN ✅" << c.reset << "\n";
  else if (failed == 0)
    out << "  " << c.green << c.bold << "ALL " << report.passed() << (report.passed() == 1 ? " CHECK" : " CHECKS")
        << " PASSED ✅" << c.reset << "\n";
  else
    out << "  " << c.red << c.bold << failed << " OF " << (report.rows.size() - report.skipped())
        << (report.rows.size() - report.skipped() == 1 ? " CHECK" : " CHECKS") << " FAILED ❌"
        << c.reset << "\n";
  out << bar << "\n";
  out << "smokehook: " << report.passed() << (report.passed() == 1 ? " check" : " checks") << " passed, " << failed << " failed, " << report.skipped()
      << " skipped\n";
  if (failed && style.server)  // no client option skips a server's hook
    out << style.failure_prefix << "the push was rejected: fix the commits named above and push again\n";
  else if (failed && (report.mode == "staged" || report.mode == "push"))
    out << c.dim << "(to bypass once: git " << (report.mode == "push" ? "push" : "commit")
        << " --no-verify, or SMOKEHOOK_SKIP=<id> for one check)" << c.reset << "\n";
}

}  // namespace smokehook
