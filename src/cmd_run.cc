// Running the checks: staged (pre-commit), --all (working tree or --rev),
// range (--from-ref, CI) and pre-push (each pushed tip's tree).
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <iostream>
#include <iterator>

#include "change_set.h"
#include "commands.h"
#include "git_source.h"
#include "hooks.h"
#include "pre_push.h"
#include "report.h"
#include "workspace.h"

namespace smokehook {
namespace {

Selection selection(const Options& o) {
  Selection sel;
  sel.live = o.full;
  sel.only = o.only;
  if (const char* skip = std::getenv("SMOKEHOOK_SKIP")) sel.skip = split_ids(skip);
  return sel;
}

bool use_color(const Options& o) {
  if (o.color == "always") return true;
  if (o.color == "never") return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color && *no_color) return false;
  return ::isatty(STDOUT_FILENO) == 1;
}

int finish(const Options& o, const Report& report) {
  for (const auto& w : report.warnings) std::cerr << "smokehook: " << w << "\n";
  switch (o.format) {
    case Format::Json:
      report_json(report, std::cout);
      break;
    case Format::Sarif:
      report_sarif(report, std::cout);
      break;
    case Format::Junit:
      report_junit(report, std::cout);
      break;
    case Format::Human:
      report_human(report, HumanStyle{use_color(o), o.quiet, o.verbose}, std::cout);
      break;
  }
  std::cout.flush();
  return report.failed() > 0 ? 1 : 0;
}

// A run is over once its report is out: the process ends here. The kernel takes
// back the index, the object database's maps and caches and the configuration
// all at once; freeing them piece by piece first cost a quarter of a
// millisecond of every commit (bench/commit_overhead.py, in a hook).
[[noreturn]] void exit_now(int status) {
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  std::_Exit(status);
}

// Runs a configuration's live.up / live.down command; its output goes to
// stderr so that stdout stays the report.
bool run_live_command(const char* what, const std::string& command) {
  if (command.empty()) return true;
  std::cerr << "smokehook: live." << what << ": " << command << "\n";
  std::cerr.flush();
  std::cout.flush();
  int status = std::system(("exec 1>&2; " + command).c_str());
  if (status == 0) return true;
  usage_error(std::string("live.") + what + " failed (status " + std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : status) + "): " + command);
  return false;
}

bool wants_live(const Config& config, const Selection& sel) {
  if (!sel.live) return false;
  for (const auto& c : config.checks)
    if (c->live && (sel.only.empty() || std::find(sel.only.begin(), sel.only.end(), c->id) != sel.only.end())) return true;
  return false;
}

int run_staged(const Options& o, const Repository& repo) {
  if (repo.bare()) return usage_error("a bare repository has no index to check; use --all --rev REV");
  std::string err;
  std::unique_ptr<IndexSource> index = IndexSource::open(repo, current_index_path(repo), &err);
  if (!index) return usage_error(err);
  ChangeSet changes;
  if (!staged_changes(repo, *index, &changes, &err)) return usage_error(err);
  // Only .env and env_file targets git does not track are read from the working tree.
  DiskSource worktree(repo.workdir(), &repo);
  Config config;
  if (!load_config(o, *index, &config) || !validate_only(o, config)) return 2;
  RunContext ctx(*index, &worktree, process_environment());
  ctx.changes = &changes;
  ctx.full_scan = false;
  Report report;
  report.mode = "staged";
  report.source = "index";
  Selection sel = selection(o);
  run_checks(config, ctx, sel, "", "", &report);
  exit_now(finish(o, report));
}

int run_all(const Options& o, const std::optional<Repository>& repo) {
  std::string err;
  Report report;
  report.mode = "all";
  Config config;
  Selection sel = selection(o);
  if (!o.rev.empty()) {
    std::optional<git_oid> id = repo->resolve_commit(o.rev, &err);
    if (!id) return usage_error("--rev: " + err);
    TreePtr tree = repo->commit_tree(*id, &err);
    if (!tree) return usage_error(err);
    TreeSource source(*repo, std::move(tree), oid_hex(*id));
    std::unique_ptr<DiskSource> worktree;
    if (!repo->bare()) worktree = std::make_unique<DiskSource>(repo->workdir(), &*repo);
    if (worktree) source.allow_worktree_reuse(*worktree);
    if (!load_config(o, source, &config) || !validate_only(o, config)) return 2;
    RunContext ctx(source, worktree.get(), process_environment());
    report.source = source.name();
    run_checks(config, ctx, sel, "", "", &report);
    exit_now(finish(o, report));
  }
  if (repo && repo->bare()) return usage_error("a bare repository has no working tree; use --all --rev REV");
  DiskSource source(repo ? repo->workdir() : current_dir(), repo ? &*repo : nullptr);
  if (!load_config(o, source, &config) || !validate_only(o, config)) return 2;
  RunContext ctx(source, &source, process_environment());
  report.source = "worktree";
  bool live = wants_live(config, sel);
  if (live && !run_live_command("up", config.live_up)) {
    run_live_command("down", config.live_down);
    return 2;
  }
  run_checks(config, ctx, sel, "", "", &report);
  if (live && !run_live_command("down", config.live_down)) return 2;
  exit_now(finish(o, report));
}

// --from-ref A [--to-ref B]: the checks `git diff A...B` affects, on B's tree
// from the object database (CI: no working tree needed). Selection is staged
// mode's: the same ChangeSet, made by the range producer, and the same runner.
int run_range(const Options& o, const Repository& repo) {
  std::string err;
  std::optional<git_oid> from = repo.resolve_commit(o.from_ref, &err);
  if (!from) return usage_error("--from-ref: " + err);
  const std::string to_ref = o.to_ref.empty() ? "HEAD" : o.to_ref;
  std::optional<git_oid> to = repo.resolve_commit(to_ref, &err);
  if (!to) return usage_error("--to-ref: " + err);
  ChangeSet changes;
  std::string no_base;
  if (!range_changes(repo, *from, *to, &changes, &no_base, &err)) return usage_error(err);
  TreePtr tree = repo.commit_tree(*to, &err);
  if (!tree) return usage_error(err);
  TreeSource source(repo, std::move(tree), oid_hex(*to));
  std::unique_ptr<DiskSource> worktree;
  if (!repo.bare()) worktree = std::make_unique<DiskSource>(repo.workdir(), &repo);
  if (worktree) source.allow_worktree_reuse(*worktree);
  Config config;
  if (!load_config(o, source, &config) || !validate_only(o, config)) return 2;
  RunContext ctx(source, worktree.get(), process_environment());
  Report report;
  report.mode = "range";
  report.source = source.name();
  if (no_base.empty()) {
    ctx.changes = &changes;
    ctx.full_scan = false;
  } else {
    report.note = "no merge base of " + o.from_ref + "..." + to_ref + " is reachable, so every check ran on " +
                  to_ref + " (" + no_base + ")";
    if (o.format != Format::Human) report.warnings.push_back("warning: " + report.note);
  }
  Selection sel = selection(o);
  run_checks(config, ctx, sel, "", "", &report);
  exit_now(finish(o, report));
}

int run_pre_push(const Options& o, const Repository& repo) {
  std::vector<PushedRef> refs;
  std::string err;
  // The pre-commit framework consumes git's stdin and passes the pushed commit
  // in PRE_COMMIT_TO_REF (with PRE_COMMIT_LOCAL_BRANCH) instead.
  const char* framework_to = std::getenv("PRE_COMMIT_TO_REF");
  if (framework_to && *framework_to) {
    std::optional<git_oid> id = repo.resolve_commit(framework_to, &err);
    if (!id) return usage_error("pre-push: PRE_COMMIT_TO_REF: " + err);
    const char* branch = std::getenv("PRE_COMMIT_LOCAL_BRANCH");
    refs.push_back(PushedRef{branch && *branch ? branch : framework_to, oid_hex(*id), "", ""});
  } else {
    std::string input = o.push_input ? *o.push_input : std::string(std::istreambuf_iterator<char>(std::cin), {});
    if (!parse_pre_push(input, &refs, &err)) return usage_error("pre-push: malformed input on stdin, " + err);
  }
  Report report;
  report.mode = "push";
  report.source = "push";
  Selection sel = selection(o);
  sel.live = false;
  std::unique_ptr<DiskSource> worktree;
  if (!repo.bare()) worktree = std::make_unique<DiskSource>(repo.workdir(), &repo);
  std::deque<Config> configs;  // rows point at their checks: keep every configuration alive
  for (const PushedRef& ref : refs) {
    if (ref.deletion()) continue;  // deleting a remote branch pushes no content
    git_oid id;
    if (git_oid_fromstr(&id, ref.local_oid.c_str()) < 0) return usage_error("pre-push: bad object id " + ref.local_oid);
    TreePtr tree = repo.commit_tree(id, &err);
    if (!tree) return usage_error("pre-push: " + ref.local_ref + ": " + err);
    TreeSource source(repo, std::move(tree), ref.local_oid);
    if (worktree) source.allow_worktree_reuse(*worktree);
    configs.emplace_back();
    if (!load_config(o, source, &configs.back()) || !validate_only(o, configs.back())) return 2;
    RunContext ctx(source, worktree.get(), process_environment());
    run_checks(configs.back(), ctx, sel, ref.local_ref, ref.local_oid, &report);
  }
  exit_now(finish(o, report));
}

}  // namespace

int run_kept_hook(Options* o) {
  // git's pre-push lines go to both hooks: read them once.
  if (o->hook[0] == "pre-push")
    o->push_input.emplace(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  std::string err;
  std::vector<std::string> args(o->hook.begin() + 1, o->hook.end());
  const std::string* input = o->push_input ? &*o->push_input : nullptr;
  int rc = run_kept_hook(kept_hook_path(o->hook_file, o->hook[0]), args, input, &err);
  if (!err.empty()) usage_error(err);
  return rc;
}

int cmd_run(const Options& o) {
  std::optional<Repository> repo;
  if (!open_repository(&repo)) return 2;
  bool push = !o.hook.empty() && o.hook[0] == "pre-push";
  bool staged = !o.all && !push;
  if ((staged || push || !o.rev.empty()) && !repo)
    return usage_error("not a git repository (or any parent up to /): " + current_dir() +
                       (staged ? "\n(outside a repository, 'smokehook --all' checks the folder)" : ""));
  if (!o.from_ref.empty()) {
    if (!repo) return usage_error("--from-ref needs a git repository; not one: " + current_dir());
    return run_range(o, *repo);
  }
  if (push) return run_pre_push(o, *repo);
  if (staged) return run_staged(o, *repo);
  return run_all(o, repo);
}

}  // namespace smokehook
