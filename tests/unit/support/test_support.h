// Helpers for the unit tests: the example app in memory, and running a
// configuration on a source.
#pragma once

#include <map>
#include <string>

#include "base/file_source.h"
#include "checks/check.h"
#include "checks/config.h"
#include "checks/runner.h"
#include "compose/compose_support.h"

namespace smokehook::test {

// examples/prod-app, every file, in memory.
MemorySource example_app();

// Replaces the first occurrence of `from` in `path` (the test fails if absent).
void edit(MemorySource& src, const std::string& path, const std::string& from,
          const std::string& to);

struct Outcome {
  Report report;
  std::map<std::string, CheckResult> by_id;
  const CheckResult& operator[](const std::string& id) const;
  std::vector<std::string> failed() const;  // ids, in order
};

// Runs the built-in default (or `config_text`) on `src` like --all does.
Outcome run_all(const FileSource& src, const std::string& config_text = "");

// The same with a selection (--only, SMOKEHOOK_SKIP) as the command line would make it.
Outcome run_selected(const FileSource& src, const std::string& config_text, const Selection& sel);

// Runs the built-in default on `src` like staged mode does, with `changed`
// as the staged changes (all present in `src`).
Outcome run_staged(const FileSource& src, std::vector<std::string> changed);

}  // namespace smokehook::test
