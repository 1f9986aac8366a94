// A check: one line of the report. Each kind (checks/kinds.h; compose checks in
// check_compose.cc, text gates in check_text.cc, live probes in check_live.cc)
// is a function of its settings and a FileSource; the runner decides which
// run, and the reporters print the results.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "base/finding.h"
#include "base/glob.h"
#include "compose/project.h"

namespace smokehook {

struct ChangeSet;
class VerdictCache;

enum class CheckStatus { Pass, Fail, Skip };
const char* status_name(CheckStatus s);  // "pass", "fail", "skip"

struct CheckResult {
  CheckStatus status = CheckStatus::Pass;
  std::string message;  // one line
  // A pass that checked less than it seems to (a gate whose globs select no
  // file): the human report shows it under the check's line; `message` holds it too.
  std::string warning;
  Findings findings;
  // The message only sums up the findings ("docker-compose.yml: 2 errors"): the human report, which
  // shows them, leaves it out. JSON keeps it.
  bool message_sums_up = false;
  double duration_ms = 0;
};

// What a check reads: exact paths and globs. A change to one of them makes it affected.
struct Triggers {
  std::vector<std::string> paths;
  GlobSet globs;
  std::vector<std::string> describe() const;  // for `smokehook list`
};

// Everything a check may use while it runs. Compose projects are loaded once
// per (files, profiles) and shared by the checks that name the same project.
class RunContext {
 public:
  RunContext(const FileSource& source, const FileSource* fallback, VariableLookup environment);

  const FileSource& source() const { return source_; }
  // What changed, when the run is about a change (staged mode, a range, a hook manager's
  // --files): gates then scan only changed files, unless `full_scan`. Null: every file.
  const ChangeSet* changes = nullptr;
  bool full_scan = true;
  // The configuration file's repository path: gates do not scan it unless their
  // paths name it (its own forbidden words are there on purpose).
  std::string config_path = ".smokehook.yml";
  // A server's pre-receive run: gates skip blobs already found clean under the same settings
  // (verdict_cache.h).
  VerdictCache* verdicts = nullptr;

  const Project& project(const ProjectSpec& spec);
  // Whether a compose check must load its projects to learn which other files
  // they pull in (.env, env_file, label_file, extends, include): always when
  // `changes` is null; with a change set only when a compose file's text names a
  // changed file, includes or extends others, or names an env_file or
  // label_file through a variable or an alias. Keeps unaffected commits from
  // parsing YAML.
  bool discover_inputs(const std::vector<ProjectSpec>& projects);
  ComposeContext compose_context() const;
  // The id of the compose validity check of `spec`, when the configuration has one.
  std::map<std::string, std::string> validity_check_ids;  // key: project_key(spec)
  std::vector<std::string> warnings;                      // printed on stderr
  // Whether project() passes a project's warnings on to `warnings`. Off while the runner asks
  // checks what they read: a project loaded only to learn its inputs, for a check the change does
  // not affect, is no file this run checks, and its unset variables are not this commit's business.
  bool collect_warnings = true;

 private:
  const FileSource& source_;
  const FileSource* fallback_;
  VariableLookup environment_;
  std::map<std::string, std::unique_ptr<Project>> projects_;
  mutable ComposeCache compose_cache_;         // filling it does not change what the context is
  std::map<std::string, bool> needs_loading_;  // per compose file, for discover_inputs
  std::set<const Project*> warned_;            // projects whose warnings are in `warnings`
  std::set<std::string> warning_keys_;         // what each warning is about: see collect()
  void collect(const Project& p);
};

std::string project_key(const ProjectSpec& spec);

class Check {
 public:
  virtual ~Check() = default;

  std::string id;
  std::string kind;
  std::string title;
  std::string section;
  bool live = false;  // probes a running service: only with --full

  // The files that, when changed, make this check affected.
  virtual Triggers triggers(RunContext& ctx) const = 0;
  virtual CheckResult run(RunContext& ctx) const = 0;
  // The compose projects it validates (validity checks only): lets other checks name it.
  virtual std::vector<ProjectSpec> validates() const { return {}; }
};

using CheckList = std::vector<std::unique_ptr<Check>>;

}  // namespace smokehook
