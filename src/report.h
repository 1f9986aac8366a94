// Reporters: one per format, each a function of the Report.
#pragma once

#include <ostream>

#include "runner.h"

namespace smokehook {

struct HumanStyle {
  bool color = false;
  bool quiet = false;    // only failures and the summary
  bool verbose = false;  // timing per check
};

void report_human(const Report& report, const HumanStyle& style, std::ostream& out);
void report_json(const Report& report, std::ostream& out);
void report_sarif(const Report& report, std::ostream& out);  // SARIF 2.1.0
void report_junit(const Report& report, std::ostream& out);  // JUnit XML

}  // namespace smokehook
