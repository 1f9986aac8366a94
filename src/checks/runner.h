// Selection and execution: which checks run (all, affected by a change set,
// --only, SMOKEHOOK_SKIP, live only with --full), in configuration order.
#pragma once

#include <string>
#include <vector>

#include "checks/check.h"
#include "checks/config.h"

namespace smokehook {

struct ResultRow {
  const Check* check = nullptr;
  CheckResult result;
  std::string ref;            // push mode: the local ref
  std::string commit;         // push mode: its commit id
  bool not_affected = false;  // with a change set: skipped because the change cannot affect it
};

struct Report {
  std::string mode;    // "staged", "all", "push", "range"
  std::string source;  // "index", "worktree", a commit id, "push"
  std::string config;  // "built-in" (no .smokehook.yml), else the configuration's path
  std::vector<ResultRow> rows;
  std::vector<std::string> warnings;
  size_t changed_files = 0;  // with a change set
  size_t affected = 0;       // with a change set: checks that ran
  std::string note;  // range mode with no merge base: why every check ran (human first line, JSON
                     // "message")
  int passed() const;
  int failed() const;
  int skipped() const;
};

struct Selection {
  bool live = false;                           // --full: include live checks
  std::vector<std::string> only;               // --only (validated ids); empty = every check
  std::vector<std::string> skip;               // SMOKEHOOK_SKIP
  std::string config_path = ".smokehook.yml";  // a staged change to it affects every check
};

// Runs the configuration's checks in `ctx`. With ctx.changes set (staged mode,
// a range, a hook manager's --files), only affected checks run; the others are
// reported as skipped.
void run_checks(const Config& config, RunContext& ctx, const Selection& sel, const std::string& ref,
                const std::string& commit, Report* report);

std::vector<std::string> split_ids(const std::string& list);  // "a,b, c" -> {a, b, c}

}  // namespace smokehook
