// --hook pre-receive: a server's checks of a push (docs/pre-receive.md).
//
// git's receive-pack runs this with the pushed objects in a quarantine folder
// and the refs not yet updated. Every branch and tag the push sets gets every
// non-live check on its new commit's tree; exit 1 rejects the whole push. The
// rules are the server's: the file installed with `install --config`, else the
// default branch's .smokehook.yml as it was before this push (the branch HEAD
// names, or when that one does not exist the only branch), else the built-in
// suite; only a repository's first push (no branch at all yet) is checked by
// the pushed commit's own configuration. Nothing is written to the repository.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <iostream>
#include <iterator>

#include "checks/config_cache.h"
#include "checks/verdict_cache.h"
#include "cli/commands.h"
#include "cli/workspace.h"
#include "git/pre_receive.h"
#include "git/source.h"
#include "report/report.h"

namespace smokehook {
namespace {

enum class Rules { Server, Pushed };

// Loads the server's rules into `config`. Returns false after printing why;
// sets `rules` to Pushed when each pushed commit's own configuration applies,
// and `config_id` to the blob id of the default branch's .smokehook.yml, if any.
bool server_config(const Options& o, const Repository& repo, Config* config, Rules* rules,
                   std::string* config_id) {
  *rules = Rules::Server;
  if (!o.config.empty()) {
    MemorySource none;  // --config is read from the server's disk
    if (!load_config(o, none, config)) return false;
    std::cerr << "smokehook: the rules of " << o.config << " (this server's)\n";
    return true;
  }
  using Status = Repository::DefaultBranch::Status;
  Repository::DefaultBranch d = repo.default_branch();
  switch (d.status) {
    case Status::Error:
      usage_error("pre-receive: " + d.message);
      return false;
    case Status::NoBranch:  // the repository's first push: nothing else to take rules from
      *rules = Rules::Pushed;
      std::cerr << "smokehook: the repository holds no branch yet: each pushed commit is checked "
                   "by its own "
                   ".smokehook.yml\n";
      return true;
    case Status::Ambiguous: {
      std::string names;
      for (const std::string& b : d.branches)
        names += (names.empty() ? "" : ", ") + b.substr(std::string("refs/heads/").size());
      std::cerr
          << o.failure_prefix
          << "smokehook: push rejected: the rules come from the default branch, and HEAD names "
          << d.head << ", which does not exist, while there are several branches (" << names
          << "). On the server, name the default branch with `git symbolic-ref HEAD "
             "refs/heads/NAME`, or install "
             "smokehook with --config FILE\n";
      return false;
    }
    case Status::Found:
      break;
  }
  const std::string& name = d.ref;
  if (!d.head.empty()) {
    std::cerr << "smokehook: HEAD names " << d.head << ", which does not exist: the only branch, "
              << name << ", is the default one\n";
  }
  std::string err;
  const git_oid& id = d.commit;
  TreePtr tree = repo.commit_tree(id, &err);
  if (!tree) {
    usage_error("pre-receive: " + name + ": " + err);
    return false;
  }
  TreeSource source(repo, std::move(tree), oid_hex(id));
  if (!load_config(o, source, config)) return false;
  *config_id = source.blob_id(".smokehook.yml");
  std::cerr << "smokehook: the rules of " << name << " (" << oid_hex(id).substr(0, 12)
            << "), as before this push: "
            << (source.exists(".smokehook.yml") ? ".smokehook.yml" : "the built-in suite") << "\n";
  return true;
}

// Whether the pushed tree's .smokehook.yml, when it has one that differs from
// the rules in force (`server_id`, its blob id), loads: the rules of a later
// push once it reaches the default branch. Prints the error when it does not.
// Nothing of it applies to this push.
bool pushed_config_loads(const Options& o, const FileSource& pushed, const std::string& server_id) {
  std::string id = pushed.blob_id(".smokehook.yml");
  if (id.empty() || id == server_id) return true;
  Config ignored;
  return load_config(o, pushed, &ignored);
}

}  // namespace

int receive_timeout_message(double seconds, char* buf, size_t size) {
  const char* gl = std::getenv("GL_ID");
  const char* prefix = gl && *gl ? "GL-HOOK-ERR: " : "";
  int n = std::snprintf(
      buf, size,
      "%ssmokehook: push rejected: the checks ran out of time (%g s budget). Raise it with "
      "SMOKEHOOK_TIMEOUT=SECONDS in the hook's environment; on GitHub Enterprise all "
      "pre-receive hooks share one 5 s budget.\n",
      prefix, seconds);
  return n < 0 ? 0 : std::min(n, static_cast<int>(size) - 1);
}

int cmd_receive(const Options& given) {
  Options o = given;
  if (const char* gl = std::getenv("GL_ID"); gl && *gl) o.failure_prefix = "GL-HOOK-ERR: ";
  std::optional<Repository> repo;
  if (!open_repository(&repo)) return 2;
  if (!repo) return usage_error("pre-receive: not a git repository: " + current_dir());
  std::string err;
  if (!repo->add_object_dirs_from_env(&err)) return usage_error("pre-receive: " + err);
  std::string input =
      o.push_input ? *o.push_input : std::string(std::istreambuf_iterator<char>(std::cin), {});
  std::vector<ReceivedRef> refs;
  if (!parse_pre_receive(input, &refs, &err))
    return usage_error("pre-receive: malformed input on stdin, " + err);

  Report report;
  report.mode = "push";
  report.source = "push";
  Selection sel;
  sel.live = false;  // never: nothing a push brings is executed
  sel.only = o.only;
  if (const char* skip = std::getenv("SMOKEHOOK_SKIP")) sel.skip = split_ids(skip);

  // Blobs found clean by earlier pushes under the same rules are not inflated again.
  VerdictCache verdicts(ParsedConfigCache::default_dir());
  std::deque<Config> configs(1);  // rows point at their checks: keep every configuration alive
  Rules rules = Rules::Server;
  std::string server_config_id;
  bool loaded = false;
  for (const ReceivedRef& ref : refs) {
    if (ref.deletion()) continue;  // deleting a ref brings no content
    if (!ref.branch_or_tag()) {
      report.warnings.push_back(ref.ref + ": not a branch or a tag: not checked");
      continue;
    }
    if (!loaded) {
      if (!server_config(o, *repo, &configs.front(), &rules, &server_config_id)) return 2;
      if (rules == Rules::Server && !validate_only(o, configs.front())) return 2;
      loaded = true;
    }
    Repository::Peeled pushed = repo->peel_to_commit(ref.new_oid);
    if (pushed.status == Repository::Peeled::Status::Error)
      return usage_error("pre-receive: " + ref.ref + ": " + pushed.message);
    if (pushed.status == Repository::Peeled::Status::NotACommit) {
      report.warnings.push_back(ref.ref + " points at a " + pushed.message +
                                ", not a commit: not checked");
      continue;
    }
    TreePtr tree = repo->commit_tree(pushed.commit, &err);
    if (!tree) return usage_error("pre-receive: " + ref.ref + ": " + err);
    std::string hex = oid_hex(pushed.commit);
    TreeSource source(*repo, std::move(tree), hex);
    const Config* config = &configs.front();
    if (rules == Rules::Server && o.config.empty() &&
        !pushed_config_loads(o, source, server_config_id)) {
      std::cerr << o.failure_prefix << "smokehook: push rejected: " << ref.ref
                << " brings a .smokehook.yml that does not load (above); on the default branch it "
                   "would refuse "
                   "every later push\n";
      exit_now(1);
    }
    if (rules == Rules::Pushed) {
      configs.emplace_back();
      if (!load_config(o, source, &configs.back()) || !validate_only(o, configs.back())) return 2;
      config = &configs.back();
    }
    RunContext ctx(source, nullptr, process_environment());
    ctx.verdicts = &verdicts;
    run_checks(*config, ctx, sel, ref.ref, hex, &report);
  }
  verdicts.save();
  exit_now(finish(o, report));
}

}  // namespace smokehook
