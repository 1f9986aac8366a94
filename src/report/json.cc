// The JSON report, exactly as interface.md specifies it.
#include <nlohmann/json.hpp>

#include <cmath>

#include "report/report.h"
#include "version.h"

namespace smokehook {

void report_json(const Report& report, std::ostream& out) {
  using json = nlohmann::ordered_json;
  json checks = json::array();
  for (const auto& row : report.rows) {
    json c;
    c["id"] = row.check->id;
    c["title"] = row.check->title;
    c["status"] = status_name(row.result.status);
    c["message"] = row.result.message;
    c["duration_ms"] = std::round(row.result.duration_ms * 1000) / 1000;
    json findings = json::array();
    for (const auto& f : row.result.findings) {
      json j;
      j["path"] = f.path;
      if (f.line > 0) j["line"] = f.line;
      if (f.line > 0 && f.column > 0) j["column"] = f.column;
      j["message"] = f.message;
      findings.push_back(std::move(j));
    }
    c["findings"] = std::move(findings);
    if (report.mode == "push") {
      c["ref"] = row.ref;
      c["commit"] = row.commit;
    }
    checks.push_back(std::move(c));
  }
  json doc;
  doc["version"] = SMOKEHOOK_VERSION;
  doc["mode"] = report.mode;
  doc["source"] = report.source;
  doc["config"] = report.config.empty() ? "built-in" : report.config;
  if (!report.note.empty()) doc["message"] = report.note;
  doc["checks"] = std::move(checks);
  doc["summary"] = {
      {"passed", report.passed()}, {"failed", report.failed()}, {"skipped", report.skipped()}};
  out << doc.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
}

}  // namespace smokehook
