// A finding: something wrong at a place in a file. The unit every check, the
// compose engine and the configuration loader report in.
#pragma once

#include <string>
#include <vector>

namespace smokehook {

struct Finding {
  std::string path;  // repository-relative, '/'-separated; may be empty
  int line = 0;      // 1-based; 0 = unknown
  int column = 0;    // 1-based; 0 = unknown
  std::string message;

  // "path:line:col: message", leaving out the parts that are unknown.
  std::string to_string() const;
};

using Findings = std::vector<Finding>;

}  // namespace smokehook
