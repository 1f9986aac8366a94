// Running the checks: staged (pre-commit), --all (working tree or --rev),
// range (--from-ref, CI) and pre-push (each pushed tip's tree).
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <functional>
#include <iostream>
#include <iterator>
#include <sstream>

#include "cli/commands.h"
#include "cli/workspace.h"
#include "git/change_set.h"
#include "git/disk_source.h"
#include "git/hooks.h"
#include "git/pre_push.h"
#include "git/source.h"
#include "report/report.h"

namespace smokehook {
namespace {

// The repository path of a --config file inside the working tree ("" when
// outside it): a gate does not scan it, and a staged change to it runs everything.
std::string config_repo_path(const std::string& file, const Repository* repo) {
  if (!repo || repo->bare()) return "";
  char* real = ::realpath(file.c_str(), nullptr);
  char* root = ::realpath(repo->workdir().c_str(), nullptr);
  std::string path = real ? real : "", top = root ? root : "";
  std::free(real);
  std::free(root);
  if (top.empty() || path.size() <= top.size() + 1 || path.compare(0, top.size(), top) != 0 ||
      path[top.size()] != '/')
    return "";
  return path.substr(top.size() + 1);
}

Selection selection(const Options& o, const Repository* repo = nullptr) {
  Selection sel;
  sel.live = o.full;
  sel.only = o.only;
  if (const char* skip = std::getenv("SMOKEHOOK_SKIP")) sel.skip = split_ids(skip);
  if (!o.config.empty()) sel.config_path = config_repo_path(o.config, repo);
  return sel;
}

bool use_color(const Options& o) {
  if (o.color == "always") return true;
  if (o.color == "never") return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color && *no_color) return false;
  return ::isatty(STDOUT_FILENO) == 1;
}

}  // namespace

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
    case Format::Human: {
      HumanStyle style{use_color(o), o.quiet, o.verbose};
      style.failure_prefix = o.failure_prefix;
      style.server = !o.hook.empty() && o.hook[0] == "pre-receive";
      report_human(report, style, std::cout);
      break;
    }
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

namespace {

// Runs a configuration's live.up / live.down command; its output goes to
// stderr so that stdout stays the report.
bool run_live_command(const char* what, const std::string& command) {
  if (command.empty()) return true;
  std::cerr << "smokehook: live." << what << ": " << command << "\n";
  std::cerr.flush();
  std::cout.flush();
  int status = std::system(("exec 1>&2; " + command).c_str());
  if (status == 0) return true;
  usage_error(std::string("live.") + what + " failed (status " +
              std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : status) + "): " + command);
  return false;
}

bool wants_live(const Config& config, const Selection& sel) {
  if (!sel.live) return false;
  for (const auto& c : config.checks)
    if (c->live &&
        (sel.only.empty() || std::find(sel.only.begin(), sel.only.end(), c->id) != sel.only.end()))
      return true;
  return false;
}

int run_staged(const Options& o, const Repository& repo) {
  if (repo.bare())
    return usage_error("a bare repository has no index to check; use --all --rev REV");
  std::string err;
  std::unique_ptr<IndexSource> index = IndexSource::open(repo, current_index_path(repo), &err);
  if (!index) return usage_error(err);
  ChangeSet changes;
  if (!staged_changes(repo, *index, &changes, &err)) return usage_error(err);
  // Only .env and env_file targets git does not track are read from the working tree.
  DiskSource worktree(repo.workdir(), &repo);
  // A configuration on disk that the commit does not hold would be ignored, and the built-in suite
  // run in its place.
  if (o.config.empty() && !index->exists(".smokehook.yml") && worktree.exists(".smokehook.yml")) {
    return usage_error(
        std::string(".smokehook.yml is in the working tree but not in the index") +
        (repo.ignores(".smokehook.yml") ? " (git ignores it: a .gitignore rule)" : "") +
        ", so this commit would be checked without it: `git add" +
        (repo.ignores(".smokehook.yml") ? " -f" : "") + " .smokehook.yml` to use it");
  }
  Config config;
  if (!load_config(o, *index, &config) || !validate_only(o, config)) return 2;
  RunContext ctx(*index, &worktree, process_environment());
  ctx.changes = &changes;
  ctx.full_scan = false;
  Report report;
  report.mode = "staged";
  report.source = "index";
  Selection sel = selection(o, &repo);
  run_checks(config, ctx, sel, "", "", &report);
  exit_now(finish(o, report));
}

int run_all(const Options& o, const std::optional<Repository>& repo) {
  std::string err;
  Report report;
  report.mode = "all";
  Config config;
  Selection sel = selection(o, repo ? &*repo : nullptr);
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
  if (repo && repo->bare())
    return usage_error("a bare repository has no working tree; use --all --rev REV");
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
  std::string why;
  RangeStatus range = range_changes(repo, *from, *to, &changes, &why);
  if (range == RangeStatus::Error) return usage_error(why);
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
  if (range == RangeStatus::Okay) {
    ctx.changes = &changes;
    ctx.full_scan = false;
  } else {
    report.note = "no merge base of " + o.from_ref + "..." + to_ref +
                  " is reachable, so every check ran on " + to_ref + " (" + why + ")";
    if (o.format != Format::Human) report.warnings.push_back("warning: " + report.note);
  }
  Selection sel = selection(o);
  run_checks(config, ctx, sel, "", "", &report);
  exit_now(finish(o, report));
}

// --- The pre-commit framework's entry (.pre-commit-hooks.yaml; prek reads the same file) ---
//
// `smokehook --framework FILE...`, with `pass_filenames: true` and
// `require_serial: true`. The framework tells a hook little about why it runs,
// and may split a long file list over several invocations, so:
//   PRE_COMMIT_FROM_REF/TO_REF set (`run --from-ref A --to-ref B`)  -> range mode on A...B
//   the framework's own command line has --all-files (or -a)        -> every check, working tree
//   GIT_INDEX_FILE set (git runs the framework's pre-commit hook)   -> staged mode
//   otherwise (`run --files F...`, `run` by hand)                   -> the checks the passed files
//                                                                      affect, on the working tree
// The first three ignore the files and run once per framework run: the later
// invocations of the same run (same parent process) find its marker and stop.
// The last needs no marker: each invocation runs what its own files affect
// and a gate scans only those files, so a split list costs one pass in total.

std::string read_file_or_empty(const std::string& path) {
  std::string text;
  if (FILE* f = std::fopen(path.c_str(), "rb")) {
    char buf[4096];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) text.append(buf, n);
    std::fclose(f);
  }
  return text;
}

// The framework's process (our parent): its arguments, and its start time,
// which together with its id names one framework run. Linux's /proc; empty elsewhere.
std::vector<std::string> parent_arguments() {
  std::string raw = read_file_or_empty("/proc/" + std::to_string(::getppid()) + "/cmdline");
  std::vector<std::string> args;
  for (size_t at = 0; at < raw.size();) {
    size_t end = raw.find('\0', at);
    if (end == std::string::npos) end = raw.size();
    args.emplace_back(raw, at, end - at);
    at = end + 1;
  }
  return args;
}

// A process's start time (clock ticks since boot, field 22 of /proc/PID/stat); empty when it is
// gone.
std::string start_time_of(const std::string& pid) {
  std::string stat = read_file_or_empty("/proc/" + pid + "/stat");
  size_t close = stat.rfind(')');  // the name may hold spaces and parentheses
  if (close == std::string::npos || close + 2 > stat.size()) return "";
  std::istringstream rest(stat.substr(close + 2));
  std::string field;
  for (int k = 3; k <= 22 && rest >> field; ++k)
    if (k == 22) return field;
  return "";
}

// `pre-commit run --all-files`, `prek run -a`, `pre-commit try-repo R --all-files`...
bool framework_runs_all_files(const std::vector<std::string>& args) {
  for (size_t k = 1; k < args.size(); ++k) {
    const std::string& a = args[k];
    if (a == "--") break;
    if (a.size() >= 5 && std::string("--all-files").compare(0, a.size(), a) == 0)
      return true;  // argparse abbreviations
    if (a.size() >= 2 && a[0] == '-' && a[1] != '-' &&
        a.find_first_not_of("abcdefghijklmnopqrstuvwxyz", 1) == std::string::npos &&
        a.find('a') != std::string::npos)
      return true;  // -a, -av
  }
  return false;
}

// True for the first invocation of this framework run in `mode`; false for the later
// ones. When no marker can be made, every invocation runs (never a skipped check).
// `mode` names what the invocation runs, its options included: two entries of one
// framework run that differ in options (--config, --only) are two runs of their own.
bool first_of_framework_run(const Options& o, const std::string& what) {
  const std::string mode = what + '\0' + o.framework_options;
  std::string start = start_time_of(std::to_string(::getppid()));
  if (start.empty()) return true;
  std::string boot = read_file_or_empty("/proc/sys/kernel/random/boot_id");
  boot.erase(std::remove(boot.begin(), boot.end(), '\n'), boot.end());
  const char* runtime = std::getenv("XDG_RUNTIME_DIR");
  std::string dir = (runtime && *runtime == '/' ? std::string(runtime) : std::string("/tmp")) +
                    "/smokehook-framework-" + std::to_string(::getuid());
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return true;
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != ::getuid() ||
      (st.st_mode & 077) != 0)
    return true;  // not ours alone: do not trust it
  // The folder too: prek runs a workspace's projects, each in its own folder, from one process.
  // Refs and folders hold slashes: they enter the name hashed.
  char key[17];
  std::snprintf(key, sizeof key, "%016zx", std::hash<std::string>{}(mode + '\0' + current_dir()));
  std::string name = std::to_string(::getppid()) + "-" + start + "-" + boot + "-" + key;
  // Markers of framework runs whose process is gone are removed on the way.
  if (DIR* d = ::opendir(dir.c_str())) {
    while (dirent* e = ::readdir(d)) {
      std::string entry = e->d_name;
      size_t dash = entry.find('-');
      if (entry[0] == '.' || dash == std::string::npos) continue;
      std::string started = start_time_of(entry.substr(0, dash));
      bool alive = !started.empty() &&
                   entry.compare(dash + 1, started.size() + 1, started + "-") == 0 &&
                   entry.find(boot) != std::string::npos;
      if (!alive) ::unlinkat(::dirfd(d), e->d_name, 0);
    }
    ::closedir(d);
  }
  int fd = ::open((dir + "/" + name).c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                  0600);
  if (fd >= 0) {
    ::close(fd);
    return true;
  }
  return errno != EEXIST;
}

// `run --files F...`: the passed files are the change, read from the working tree.
int run_files(const Options& o, const Repository& repo) {
  if (repo.bare()) return usage_error("--framework: a bare repository has no working tree");
  DiskSource source(repo.workdir(), &repo);
  ChangeSet changes = listed_changes(o.framework_files, source);
  Config config;
  if (!load_config(o, source, &config) || !validate_only(o, config)) return 2;
  RunContext ctx(source, &source, process_environment());
  ctx.changes = &changes;
  ctx.full_scan = false;
  Report report;
  report.mode = "files";
  report.source = "worktree";
  run_checks(config, ctx, selection(o), "", "", &report);
  exit_now(finish(o, report));
}

int run_framework(const Options& o, const std::optional<Repository>& repo_opt) {
  const Repository& repo = *repo_opt;
  const char* from = std::getenv("PRE_COMMIT_FROM_REF");
  const char* to = std::getenv("PRE_COMMIT_TO_REF");
  const char* index = std::getenv("GIT_INDEX_FILE");
  if (from && *from && to && *to) {
    if (!first_of_framework_run(o, std::string("range-") + from + "..." + to)) return 0;
    Options r = o;
    r.from_ref = from;
    r.to_ref = to;
    return run_range(r, repo);
  }
  if (framework_runs_all_files(parent_arguments())) {
    if (!first_of_framework_run(o, "all")) return 0;
    Options a = o;
    a.all = true;
    return run_all(a, repo_opt);
  }
  if (index && *index) {
    if (!first_of_framework_run(o, std::string("staged-") + index)) return 0;
    return run_staged(o, repo);
  }
  return run_files(o, repo);
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
    std::string input =
        o.push_input ? *o.push_input : std::string(std::istreambuf_iterator<char>(std::cin), {});
    if (!parse_pre_push(input, &refs, &err))
      return usage_error("pre-push: malformed input on stdin, " + err);
  }
  Report report;
  report.mode = "push";
  report.source = "push";
  Selection sel = selection(o, &repo);
  sel.live = false;
  std::unique_ptr<DiskSource> worktree;
  if (!repo.bare()) worktree = std::make_unique<DiskSource>(repo.workdir(), &repo);
  std::deque<Config> configs;  // rows point at their checks: keep every configuration alive
  for (const PushedRef& ref : refs) {
    if (ref.deletion()) continue;  // deleting a remote branch pushes no content
    std::optional<git_oid> id = oid_from_hex(ref.local_oid);
    if (!id) return usage_error("pre-push: bad object id " + ref.local_oid);
    TreePtr tree = repo.commit_tree(*id, &err);
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
  // git's pre-push (pre-receive) lines go to both hooks: read them once.
  if (o->hook[0] == "pre-push" || o->hook[0] == "pre-receive")
    o->push_input.emplace(std::istreambuf_iterator<char>(std::cin),
                          std::istreambuf_iterator<char>());
  std::string err;
  std::vector<std::string> args(o->hook.begin() + 1, o->hook.end());
  const std::string* input = o->push_input ? &*o->push_input : nullptr;
  int rc = run_kept_hook(kept_hook_path(o->hook_file, o->hook[0]), args, input, &err);
  if (!err.empty()) usage_error(err);
  return rc;
}

int cmd_run(const Options& o) {
  if (!o.hook.empty() && o.hook[0] == "pre-receive") return cmd_receive(o);
  std::optional<Repository> repo;
  if (!open_repository(&repo)) return 2;
  bool push = !o.hook.empty() && o.hook[0] == "pre-push";
  bool staged = !o.all && !push;
  if ((staged || push || !o.rev.empty()) && !repo) {
    return usage_error(
        "not a git repository (or any parent up to /): " + current_dir() +
        (staged ? "\n(outside a repository, 'smokehook --all' checks the folder)" : ""));
  }
  if (o.framework) {
    if (!repo) return usage_error("--framework needs a git repository; not one: " + current_dir());
    return run_framework(o, repo);
  }
  if (!o.from_ref.empty()) {
    if (!repo) return usage_error("--from-ref needs a git repository; not one: " + current_dir());
    return run_range(o, *repo);
  }
  if (push) return run_pre_push(o, *repo);
  if (staged) return run_staged(o, *repo);
  return run_all(o, repo);
}

}  // namespace smokehook
