#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <sstream>

#include "report/report.h"
#include "support/test_support.h"

using namespace smokehook;
using namespace smokehook::test;

namespace {
Outcome failing_run() {
  MemorySource app = example_app();
  edit(app, "server/app_factory.py", "    register_metrics_endpoint(app)\n", "");
  edit(app, "docker-compose.yml", "    image: redis:7-alpine", "    imag: redis:7-alpine");
  return run_all(app);
}
}  // namespace

TEST_CASE("json report: the shape of interface.md", "[report]") {
  Outcome o = failing_run();
  std::ostringstream out;
  report_json(o.report, out);
  auto j = nlohmann::json::parse(out.str());
  CHECK(j["version"] == "0.2.0");
  CHECK(j["mode"] == "all");
  CHECK(j["checks"].size() == 14);
  for (const auto& c : j["checks"]) {
    CHECK(c.size() == 6);
    for (const char* key : {"id", "title", "status", "message", "duration_ms", "findings"}) CHECK(c.contains(key));
    CHECK(c["duration_ms"].is_number());
  }
  auto base = j["checks"][0];
  CHECK(base["id"] == "compose.base");
  CHECK(base["status"] == "fail");
  REQUIRE(base["findings"].size() == 1);
  CHECK(base["findings"][0]["path"] == "docker-compose.yml");
  CHECK(base["findings"][0]["line"].is_number_integer());
  CHECK(base["findings"][0]["column"].is_number_integer());
  auto metrics = j["checks"][10];
  CHECK(metrics["id"] == "wiring.metrics");
  CHECK_FALSE(metrics["findings"][0].contains("line"));
  CHECK(j["summary"] == nlohmann::json({{"passed", o.report.passed()}, {"failed", o.report.failed()}, {"skipped", 0}}));
}

TEST_CASE("human report: sections, PASS/FAIL lines, findings and the banner; colour only when asked", "[report]") {
  Outcome o = failing_run();
  std::ostringstream plain, color;
  report_human(o.report, HumanStyle{false, false, false}, plain);
  report_human(o.report, HumanStyle{true, false, false}, color);
  std::string p = plain.str();
  CHECK(p.find("ℹ️  INFO: === Compose Config Validation ===") != std::string::npos);
  CHECK(p.find("❌ FAIL: Base docker-compose.yml valid") != std::string::npos);
  CHECK(p.find("✅ PASS: calls_capacity used in routes_twilio") != std::string::npos);
  CHECK(p.find("   docker-compose.yml:") != std::string::npos);
  CHECK(p.find("CHECKS FAILED ❌") != std::string::npos);
  CHECK(p.find('\033') == std::string::npos);
  CHECK(color.str().find("\033[31m") != std::string::npos);
  std::ostringstream quiet;
  report_human(o.report, HumanStyle{false, true, false}, quiet);
  CHECK(quiet.str().find("PASS") == std::string::npos);
  CHECK(quiet.str().find("FAIL") != std::string::npos);
}

TEST_CASE("sarif and junit reports carry every failure", "[report]") {
  Outcome o = failing_run();
  std::ostringstream sarif, junit;
  report_sarif(o.report, sarif);
  report_junit(o.report, junit);
  auto s = nlohmann::json::parse(sarif.str());
  CHECK(s["version"] == "2.1.0");
  CHECK(s["runs"][0]["tool"]["driver"]["rules"].size() == 14);
  bool located = false;
  for (const auto& r : s["runs"][0]["results"])
    if (r.contains("locations") && r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "docker-compose.yml")
      located = true;
  CHECK(located);
  std::string x = junit.str();
  CHECK(x.find("<testsuite ") != std::string::npos);
  CHECK(x.find("tests=\"14\"") != std::string::npos);
  CHECK(x.find("<failure ") != std::string::npos);
}
