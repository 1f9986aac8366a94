// SARIF 2.1.0: one rule per check, one result per finding (code scanning
// uploads show them inline on a pull request).
#include <nlohmann/json.hpp>

#include "report/report.h"
#include "version.h"

namespace smokehook {

void report_sarif(const Report& report, std::ostream& out) {
  using json = nlohmann::ordered_json;
  json rules = json::array();
  std::vector<std::string> rule_ids;
  json results = json::array();
  for (const auto& row : report.rows) {
    const Check& c = *row.check;
    size_t index = std::find(rule_ids.begin(), rule_ids.end(), c.id) - rule_ids.begin();
    if (index == rule_ids.size()) {
      rule_ids.push_back(c.id);
      rules.push_back(
          {{"id", c.id},
           {"shortDescription", {{"text", c.title}}},
           {"fullDescription", {{"text", c.title + " (smokehook check of kind " + c.kind + ")"}}},
           {"help",
            {{"text", "Configured in .smokehook.yml (or the built-in default) as check '" + c.id +
                          "' of kind " + c.kind + ". Run 'smokehook --all --only " + c.id +
                          "' to reproduce."}}},
           {"defaultConfiguration", {{"level", "error"}}}});
    }
    if (row.result.status != CheckStatus::Fail) continue;
    auto result = [&](const std::string& message) {
      json r = {{"ruleId", c.id},
                {"ruleIndex", index},
                {"level", "error"},
                {"message", {{"text", message}}}};
      if (!row.ref.empty()) r["properties"] = {{"ref", row.ref}, {"commit", row.commit}};
      return r;
    };
    if (row.result.findings.empty()) results.push_back(result(row.result.message));
    for (const auto& f : row.result.findings) {
      json r = result(f.message);
      if (!f.path.empty()) {
        json region = json::object();
        if (f.line > 0) region["startLine"] = f.line;
        if (f.line > 0 && f.column > 0) region["startColumn"] = f.column;
        json physical = {{"artifactLocation", {{"uri", f.path}, {"uriBaseId", "%SRCROOT%"}}}};
        if (!region.empty()) physical["region"] = region;
        r["locations"] = json::array({{{"physicalLocation", physical}}});
      }
      results.push_back(std::move(r));
    }
  }
  json doc = {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
              {"version", "2.1.0"},
              {"runs", json::array({{{"tool",
                                      {{"driver",
                                        {{"name", "smokehook"},
                                         {"version", SMOKEHOOK_VERSION},
                                         {"semanticVersion", SMOKEHOOK_VERSION},
                                         {"rules", rules}}}}},
                                     {"results", results}}})}};
  out << doc.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
}

}  // namespace smokehook
