// Golden files for every report format: a fixed failing run (a compose error
// with a location, a missing call without one, a skipped check) rendered as
// human, JSON, SARIF and JUnit, compared byte for byte with tests/unit/report/golden.
// Regenerate after a deliberate change: SMOKEHOOK_UPDATE_GOLDEN=1 ./smokehook_tests "[golden]"
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "base/text.h"
#include "report/report.h"
#include "support/test_support.h"

using namespace smokehook;
using namespace smokehook::test;

namespace {

Report golden_report() {
  static Outcome o = [] {
    MemorySource app = example_app();
    edit(app, "docker-compose.yml", "    image: redis:7-alpine", "    imag: redis:7-alpine");
    edit(app, "server/app_factory.py", "    register_metrics_endpoint(app)\n", "");
    return run_all(app);
  }();
  Report r = o.report;
  r.source = "worktree";
  for (auto& row : r.rows) {
    row.result.duration_ms = 0;  // the one thing that varies
    if (row.check->id == "wiring.calls-slots") {
      row.result = CheckResult{};
      row.result.status = CheckStatus::Skip;
      row.result.message = "skipped by SMOKEHOOK_SKIP";
    }
  }
  return r;
}

void compare(const std::string& name, const std::string& actual) {
  std::string path = std::string(SMOKEHOOK_GOLDEN_DIR) + "/" + name;
  if (std::getenv("SMOKEHOOK_UPDATE_GOLDEN")) {
    std::ofstream(path, std::ios::binary) << actual;
    WARN("updated " << path);
    return;
  }
  std::string expected, err;
  INFO("golden file " << path << " (SMOKEHOOK_UPDATE_GOLDEN=1 regenerates it)");
  REQUIRE(read_whole_file(path, &expected, &err));
  CHECK(actual == expected);
}

}  // namespace

TEST_CASE("golden: human report", "[report][golden]") {
  std::ostringstream plain, color;
  report_human(golden_report(), HumanStyle{false, false, false}, plain);
  report_human(golden_report(), HumanStyle{true, false, false}, color);
  compare("report.txt", plain.str());
  compare("report-color.txt", color.str());
}

TEST_CASE("golden: json report", "[report][golden]") {
  std::ostringstream out;
  report_json(golden_report(), out);
  compare("report.json", out.str());
}

TEST_CASE("golden: sarif report", "[report][golden]") {
  std::ostringstream out;
  report_sarif(golden_report(), out);
  compare("report.sarif", out.str());
}

TEST_CASE("golden: junit report", "[report][golden]") {
  std::ostringstream out;
  report_junit(golden_report(), out);
  compare("report.xml", out.str());
}
