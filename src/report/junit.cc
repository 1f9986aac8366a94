// JUnit XML: one testsuite, one testcase per check; <failure> carries the
// findings, <skipped/> the reason.
#include <cstdio>

#include "report/report.h"

namespace smokehook {
namespace {

std::string xml_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        if (c < 0x20 && c != '\n' && c != '\t' && c != '\r')
          out += "?";  // not allowed in XML 1.0
        else
          out += static_cast<char>(c);
    }
  }
  return out;
}

std::string seconds(double ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6f", ms / 1000.0);
  return buf;
}

}  // namespace

void report_junit(const Report& report, std::ostream& out) {
  double total = 0;
  for (const auto& row : report.rows) total += row.result.duration_ms;
  std::string counts = " tests=\"" + std::to_string(report.rows.size()) + "\" failures=\"" +
                       std::to_string(report.failed()) + "\" errors=\"0\" skipped=\"" +
                       std::to_string(report.skipped()) + "\" time=\"" + seconds(total) + "\"";
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"smokehook\"" << counts << ">\n";
  out << "  <testsuite name=\"smokehook." << xml_escape(report.mode) << "\"" << counts << ">\n";
  for (const auto& row : report.rows) {
    std::string name = row.check->id + (row.ref.empty() ? "" : " [" + row.ref + "]");
    out << "    <testcase classname=\"smokehook." << xml_escape(row.check->kind) << "\" name=\""
        << xml_escape(name) << "\" time=\"" << seconds(row.result.duration_ms) << "\"";
    const CheckResult& r = row.result;
    if (r.status == CheckStatus::Pass) {
      out << "/>\n";
      continue;
    }
    out << ">\n";
    if (r.status == CheckStatus::Skip) {
      out << "      <skipped message=\"" << xml_escape(r.message) << "\"/>\n";
    } else {
      out << "      <failure message=\"" << xml_escape(r.message) << "\" type=\""
          << xml_escape(row.check->kind) << "\">";
      for (const auto& f : r.findings) out << xml_escape(f.to_string()) << "\n";
      out << "</failure>\n";
    }
    out << "    </testcase>\n";
  }
  out << "  </testsuite>\n</testsuites>\n";
}

}  // namespace smokehook
