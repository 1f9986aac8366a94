// Reporters: one per format, each a function of the Report.
#pragma once

#include <ostream>
#include <string>

#include "checks/runner.h"

namespace smokehook {

struct HumanStyle {
  HumanStyle(bool color_ = false, bool quiet_ = false, bool verbose_ = false)
      : color(color_), quiet(quiet_), verbose(verbose_) {}
  bool color = false;
  bool quiet = false;    // only failures and the summary
  bool verbose = false;  // timing per check
  // starts every line about a failure (GitLab shows "GL-HOOK-ERR: " lines)
  std::string failure_prefix;
  bool server = false;  // a pre-receive hook's report: the pusher cannot bypass it
};

void report_human(const Report& report, const HumanStyle& style, std::ostream& out);
void report_json(const Report& report, std::ostream& out);
void report_sarif(const Report& report, std::ostream& out);  // SARIF 2.1.0
void report_junit(const Report& report, std::ostream& out);  // JUnit XML

}  // namespace smokehook
