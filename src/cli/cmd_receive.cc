// --hook pre-receive: a server's checks of a push (docs/pre-receive.md).
//
// git's receive-pack runs this with the pushed objects in a quarantine folder
// and the refs not yet updated. Every branch and tag the push sets gets every
// non-live check on its new commit's tree; exit 1 rejects the whole push. The
// rules are the server's: the file installed with `install --config`, else the
// default branch's .smokehook.yml as it was before this push, else the built-in
// suite; only a repository's first push (no default branch yet) is checked by
// the pushed commit's own configuration. Nothing is written to the repository.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <iostream>
#include <iterator>

#include "cli/commands.h"
#include "checks/config_cache.h"
#include "git/source.h"
#include "git/pre_receive.h"
#include "report/report.h"
#include "checks/verdict_cache.h"
#include "cli/workspace.h"

namespace smokehook {
namespace {

enum class Rules { Server, Pushed };

// The default branch's commit before this push (the refs are not updated yet),
// or nullopt with `err` empty when it does not exist: the repository's first push.
std::optional<git_oid> default_branch(const Repository& repo, std::string* name, std::string* err) {
  git_reference* raw = nullptr;
  if (git_reference_lookup(&raw, repo.get(), "HEAD") < 0) {
    *err = libgit2_error("cannot read HEAD");
    return std::nullopt;
  }
  GitPtr<git_reference, git_reference_free> head(raw);
  git_oid id;
  if (git_reference_type(head.get()) == GIT_REFERENCE_SYMBOLIC) {
    *name = git_reference_symbolic_target(head.get());
    int rc = git_reference_name_to_id(&id, repo.get(), name->c_str());
    if (rc == GIT_ENOTFOUND) {
      git_error_clear();
      return std::nullopt;
    }
    if (rc < 0) {
      *err = libgit2_error("cannot read " + *name);
      return std::nullopt;
    }
  } else {
    *name = "HEAD";
    id = *git_reference_target(head.get());
  }
  return id;
}

// Loads the server's rules into `config`. Returns false after printing why;
// sets `rules` to Pushed when each pushed commit's own configuration applies,
// and `config_id` to the blob id of the default branch's .smokehook.yml, if any.
bool server_config(const Options& o, const Repository& repo, Config* config, Rules* rules, std::string* config_id) {
  *rules = Rules::Server;
  if (!o.config.empty()) {
    MemorySource none;  // --config is read from the server's disk
    if (!load_config(o, none, config)) return false;
    std::cerr << "smokehook: the rules of " << o.config << " (this server's)\n";
    return true;
  }
  std::string name, err;
  std::optional<git_oid> id = default_branch(repo, &name, &err);
  if (!err.empty()) {
    usage_error("pre-receive: " + err);
    return false;
  }
  if (!id) {
    *rules = Rules::Pushed;
    std::cerr << "smokehook: " << (name.empty() ? "the default branch" : name)
              << " does not exist yet: each pushed commit is checked by its own .smokehook.yml\n";
    return true;
  }
  TreePtr tree = repo.commit_tree(*id, &err);
  if (!tree) {
    usage_error("pre-receive: " + name + ": " + err);
    return false;
  }
  TreeSource source(repo, std::move(tree), oid_hex(*id));
  if (!load_config(o, source, config)) return false;
  *config_id = source.blob_id(".smokehook.yml");
  std::cerr << "smokehook: the rules of " << name << " (" << oid_hex(*id).substr(0, 12) << "), as before this push: "
            << (source.exists(".smokehook.yml") ? ".smokehook.yml" : "the built-in suite") << "\n";
  return true;
}

// The commit a pushed id names (an annotated tag peeled); nullopt with `skip`
// saying why when it names no commit, or with `err` set when it cannot be read.
std::optional<git_oid> pushed_commit(const Repository& repo, const ReceivedRef& ref, std::string* skip,
                                     std::string* err) {
  git_oid id;
  git_object* raw = nullptr;
  if (git_oid_fromstr(&id, ref.new_oid.c_str()) < 0 || git_object_lookup(&raw, repo.get(), &id, GIT_OBJECT_ANY) < 0) {
    *err = libgit2_error(ref.ref + ": cannot read the pushed object " + ref.new_oid);
    return std::nullopt;
  }
  ObjectPtr object(raw);
  if (git_object_type(object.get()) == GIT_OBJECT_TAG) {  // an annotated tag: what it tags, through tags of tags
    git_object* target = nullptr;
    if (git_object_peel(&target, object.get(), GIT_OBJECT_ANY) < 0) {
      *err = libgit2_error(ref.ref + ": cannot peel the tag " + ref.new_oid);
      return std::nullopt;
    }
    object.reset(target);
  }
  git_object_t type = git_object_type(object.get());
  if (type != GIT_OBJECT_COMMIT) {
    *skip = ref.ref + " points at a " + git_object_type2string(type) + ", not a commit: not checked";
    return std::nullopt;
  }
  return *git_object_id(object.get());
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
  int n = std::snprintf(buf, size,
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
  std::string input = o.push_input ? *o.push_input : std::string(std::istreambuf_iterator<char>(std::cin), {});
  std::vector<ReceivedRef> refs;
  if (!parse_pre_receive(input, &refs, &err)) return usage_error("pre-receive: malformed input on stdin, " + err);

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
    std::string skip;
    std::optional<git_oid> commit = pushed_commit(*repo, ref, &skip, &err);
    if (!commit) {
      if (!err.empty()) return usage_error("pre-receive: " + err);
      report.warnings.push_back(skip);
      continue;
    }
    TreePtr tree = repo->commit_tree(*commit, &err);
    if (!tree) return usage_error("pre-receive: " + ref.ref + ": " + err);
    std::string hex = oid_hex(*commit);
    TreeSource source(*repo, std::move(tree), hex);
    const Config* config = &configs.front();
    if (rules == Rules::Server && o.config.empty() && !pushed_config_loads(o, source, server_config_id)) {
      std::cerr << o.failure_prefix << "smokehook: push rejected: " << ref.ref
                << " brings a .smokehook.yml that does not load (above); on the default branch it would refuse "
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
