// The libgit2 seam: owning handles, opening the repository, and the few
// repository facts the rest of the program needs. Expected failures
// (not a repository, unknown revision) are results; everything else is an
// error string built from git_error_last().
#pragma once

#include <git2.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace smokehook {

template <typename T, void (*Free)(T*)>
struct GitDeleter {
  void operator()(T* p) const { Free(p); }
};
template <typename T, void (*Free)(T*)>
using GitPtr = std::unique_ptr<T, GitDeleter<T, Free>>;

using RepoPtr = GitPtr<git_repository, git_repository_free>;
using TreePtr = GitPtr<git_tree, git_tree_free>;
using CommitPtr = GitPtr<git_commit, git_commit_free>;
using ObjectPtr = GitPtr<git_object, git_object_free>;
using TreeEntryPtr = GitPtr<git_tree_entry, git_tree_entry_free>;
using ConfigPtr = GitPtr<git_config, git_config_free>;
using OdbPtr = GitPtr<git_odb, git_odb_free>;
using OdbObjectPtr = GitPtr<git_odb_object, git_odb_object_free>;

// "what: <libgit2's last error message>"
std::string libgit2_error(const std::string& what);

// Initialises libgit2 once, on first use (it costs milliseconds: never on a
// path that does not need git).
void ensure_libgit2();

class Repository {
 public:
  // Opens the repository containing `dir` (searching upwards, as git does; GIT_DIR
  // and GIT_WORK_TREE are honoured). Returns nullopt with `err` empty when there
  // is no repository, or with `err` set on a real failure.
  static std::optional<Repository> open(const std::string& dir, std::string* err);

  git_repository* get() const { return repo_.get(); }
  bool bare() const { return git_repository_is_bare(repo_.get()) != 0; }
  // The working tree root with no trailing slash; empty for a bare repository.
  std::string workdir() const;
  std::string git_dir() const;     // this worktree's git dir, no trailing slash
  std::string common_dir() const;  // shared by linked worktrees, no trailing slash
  // Where git runs hooks from: core.hooksPath (relative to the working tree) or <common dir>/hooks.
  std::string hooks_dir(std::string* err) const;

  // The branch a server's rules come from (pre-receive): the one HEAD names;
  // when HEAD names a branch that does not exist (`git init --bare` leaves it
  // at master whatever is pushed), the only branch there is.
  struct DefaultBranch {
    enum class Status {
      Found,      // `ref` at `commit`
      NoBranch,   // the repository holds no branch at all: its first push
      Ambiguous,  // HEAD names no existing branch and there are several (`branches`)
      Error,      // `message` says why
    };
    Status status = Status::Error;
    std::string ref;  // refs/heads/NAME, or "HEAD" when it is detached
    git_oid commit{};
    std::string head;  // what HEAD names when that is not `ref` (it does not exist)
    std::vector<std::string> branches;  // Ambiguous: every branch
    std::string message;
  };
  DefaultBranch default_branch() const;

  // What a pushed object id names, an annotated tag peeled (through tags of tags).
  struct Peeled {
    enum class Status { Commit, NotACommit, Error };
    Status status = Status::Error;
    git_oid commit{};     // Commit
    std::string message;  // NotACommit: the object's type ("tree", "blob"); Error: why
  };
  Peeled peel_to_commit(const std::string& hex) const;

  // HEAD's tree, or null with `err` empty for an unborn HEAD.
  TreePtr head_tree(std::string* err) const;
  // The commit a revision names; nullopt with `err` set when it names none.
  std::optional<git_oid> resolve_commit(const std::string& rev, std::string* err) const;
  TreePtr commit_tree(const git_oid& commit, std::string* err) const;

  // The object database for the calling thread, or null with git's error set.
  // A libgit2 object is used by one thread at a time: the thread that opened
  // the repository gets the repository's own, each other thread one of its own.
  git_odb* odb() const;
  // Whether git's ignore rules ignore `path` ("dir/" asks about a folder). False in a bare
  // repository.
  bool ignores(std::string_view path) const;

  // Reads objects also from the folders git names in GIT_OBJECT_DIRECTORY and
  // GIT_ALTERNATE_OBJECT_DIRECTORIES (':'-separated, an entry may be
  // "C-quoted"), relative to the current folder. During a push, receive-pack
  // keeps the pushed objects in a quarantine folder named there until its
  // pre-receive hook accepts them; libgit2 1.5 reads those variables only with
  // GIT_REPOSITORY_OPEN_FROM_ENV (which also takes GIT_WORK_TREE and more, and
  // fails where those are set), so they are added here as alternates, to the
  // repository's object database and to every thread's. Nothing is written.
  bool add_object_dirs_from_env(std::string* err);
  const std::vector<std::string>& extra_object_dirs() const { return object_dirs_; }

 private:
  explicit Repository(RepoPtr repo) : repo_(std::move(repo)), owner_(std::this_thread::get_id()) {}
  RepoPtr repo_;
  std::thread::id owner_;
  mutable OdbPtr odb_;
  std::vector<std::string> object_dirs_;  // from add_object_dirs_from_env
};

// GIT_ALTERNATE_OBJECT_DIRECTORIES' entries, as git splits them.
std::vector<std::string> split_object_dirs(std::string_view list);

std::string oid_hex(const git_oid& oid);
// 40 (or 64) hex digits as an object id; nullopt for anything else.
std::optional<git_oid> oid_from_hex(const std::string& hex);
// The id git gives `bytes` as a blob (`git hash-object`), in hex; "" on failure.
std::string blob_id_of(std::string_view bytes);

}  // namespace smokehook
