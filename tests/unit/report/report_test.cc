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
  CHECK(j["version"] == "0.3.0");
  CHECK(j["mode"] == "all");
  CHECK(j["checks"].size() == 14);
  for (const auto& c : j["checks"]) {
    CHECK(c.size() == 6);
    for (const char* key : {"id", "title", "status", "message", "duration_ms", "findings"})
      CHECK(c.contains(key));
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
  CHECK(j["summary"] ==
        nlohmann::json(
            {{"passed", o.report.passed()}, {"failed", o.report.failed()}, {"skipped", 0}}));
}

TEST_CASE(
    "human report: sections, PASS/FAIL lines, findings and the banner; colour only when asked",
    "[report]") {
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
    if (r.contains("locations") &&
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "docker-compose.yml")
      located = true;
  CHECK(located);
  std::string x = junit.str();
  CHECK(x.find("<testsuite ") != std::string::npos);
  CHECK(x.find("tests=\"14\"") != std::string::npos);
  CHECK(x.find("<failure ") != std::string::npos);
}

namespace {
size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}
}  // namespace

TEST_CASE("human report: a commit that affects no check is one line; JSON still lists every check",
          "[report]") {
  Outcome o = run_staged(example_app(), {"README.md"});
  std::ostringstream human, quiet, verbose, json;
  report_human(o.report, HumanStyle{false, false, false}, human);
  CHECK(human.str() == "smokehook: 1 file changed, 0 of 14 checks affected: nothing to run ✅\n");
  report_human(o.report, HumanStyle{false, true, false}, quiet);
  CHECK(quiet.str() == human.str());
  report_human(o.report, HumanStyle{false, false, true}, verbose);  // -v lists them, as before
  CHECK(count(verbose.str(), "SKIP: ") == 14);
  CHECK(verbose.str().find("NO CHECK TO RUN") != std::string::npos);
  report_json(o.report, json);
  auto j = nlohmann::json::parse(json.str());
  CHECK(j["checks"].size() == 14);
  CHECK(j["summary"]["skipped"] == 14);
}

TEST_CASE(
    "human report: one cause, one finding, naming every check it fails; JSON keeps each check's "
    "own",
    "[report]") {
  // The anchor every service after migrate merges names a service that does not exist: compose
  // reports it for each service that merges it, in every project that loads the base file.
  MemorySource app = example_app();
  edit(app, "docker-compose.yml", "  redis:\n    condition: service_started",
       "  rediss:\n    condition: service_started");
  Outcome o = run_all(app);
  std::ostringstream human;
  report_human(o.report, HumanStyle{false, false, false}, human);
  std::string h = human.str();
  INFO(h);
  CHECK(count(h, "depends on undefined service 'rediss'") == 1);
  CHECK(h.find("   docker-compose.yml:17:3: service 'api' depends on undefined service 'rediss' "
               "(the same for 'worker', "
               "'worker-high', 'worker-default', 'worker-low')\n"
               "   ↳ also fails compose.prod, compose.profile.multi-worker, "
               "compose.profile.multi-shard, "
               "compose.profile.combined\n") != std::string::npos);
  CHECK(h.find(" error") == std::string::npos);  // no "docker-compose.yml: 2 errors" count lines
  for (const char* id : {"compose.base", "compose.prod", "compose.profile.multi-worker",
                         "compose.profile.multi-shard", "compose.profile.combined"})
    CHECK(h.find(std::string("[") + id + "]\n") != std::string::npos);
  CHECK(count(h, "❌ FAIL: ") == o.failed().size());
  // Every check keeps its status and its own findings: a JSON reader looks at one check at a time.
  std::ostringstream json;
  report_json(o.report, json);
  auto j = nlohmann::json::parse(json.str());
  std::map<std::string, size_t> findings;
  for (const auto& c : j["checks"]) findings[c["id"]] = c["findings"].size();
  CHECK(findings["compose.base"] == 2);                  // api, worker
  CHECK(findings["compose.profile.multi-worker"] == 5);  // and the three profile workers
  CHECK(o["compose.base"].message == "docker-compose.yml: 2 errors");
}

TEST_CASE("human report: two mistakes stay two causes, each said once", "[report]") {
  MemorySource app = example_app();
  edit(app, "docker-compose.yml", "  redis:\n    condition: service_started",
       "  rediss:\n    condition: service_started");
  edit(app, "docker-compose.yml", "    image: redis:7-alpine",
       "    image: redis:7-alpine\n    depends_on: [ghost]");
  Outcome o = run_all(app);
  std::ostringstream human;
  report_human(o.report, HumanStyle{false, true, false}, human);
  std::string h = human.str();
  INFO(h);
  CHECK(count(h, "undefined service 'rediss'") == 1);
  CHECK(count(h, "service 'redis' depends on undefined service 'ghost'\n") ==
        1);  // its own line, no "the same for"
  CHECK(count(h, "↳ also fails") == 2);
}
