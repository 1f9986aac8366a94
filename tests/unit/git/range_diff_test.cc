// Range mode's producer of the ChangeSet (--from-ref A --to-ref B), against
// git and against staged mode's producer: on scripted and random histories the
// changed and present paths equal what `git diff --name-only --no-renames
// A...B` prints (a submodule whose commit moved included), and what staged mode computes when the
// merge base is checked out and B's tree is in the index. The runner selects
// checks from a ChangeSet alone, so equal change sets are equal selections.
#include <catch2/catch.hpp>

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <sstream>

#include "git/change_set.h"
#include "git/repo.h"
#include "git/source.h"
#include "support/scratch.h"

using namespace smokehook;

namespace {

std::vector<std::string> sorted_lines(const std::string& text) {
  std::vector<std::string> v;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) v.push_back(line);
  std::sort(v.begin(), v.end());
  return v;
}

git_oid commit_of(const Repository& repo, const std::string& rev) {
  std::string err;
  std::optional<git_oid> id = repo.resolve_commit(rev, &err);
  INFO(rev << ": " << err);
  REQUIRE(id);
  return *id;
}

// Both producers on A...B, and git's answer, must agree.
void check_range(const test::ScratchRepo& s, const std::string& a, const std::string& b) {
  INFO(a << "..." << b);
  std::string err, why;
  std::optional<Repository> repo = Repository::open(s.dir(), &err);
  REQUIRE(repo);
  ChangeSet range;
  INFO(why);
  REQUIRE(range_changes(*repo, commit_of(*repo, a), commit_of(*repo, b), &range, &why) ==
          RangeStatus::Okay);
  std::string diff = "git diff --name-only --no-renames " + a + "..." + b;
  CHECK(range.changed == sorted_lines(s.out(diff)));
  // A submodule is changed, but never present: its content is not a file here.
  std::vector<std::string> present = sorted_lines(s.out(diff + " --diff-filter=ACMRT")),
                           gitlinks = sorted_lines(s.out("git ls-tree -r " + b +
                                                         " | awk '$1 == \"160000\" {print $4}'"));
  present.erase(std::remove_if(present.begin(), present.end(),
                               [&](const std::string& p) {
                                 return std::binary_search(gitlinks.begin(), gitlinks.end(), p);
                               }),
                present.end());
  CHECK(range.present == present);

  // Staged mode on the same change: the merge base checked out, B's tree staged.
  std::string head = s.out("git rev-parse HEAD");
  s.sh("git checkout -q --detach \"$(git merge-base " + a + " " + b + ")\" && git read-tree " + b);
  std::unique_ptr<IndexSource> index = IndexSource::open(*repo, s.dir() + "/.git/index", &err);
  REQUIRE(index);
  ChangeSet staged;
  REQUIRE(staged_changes(*repo, *index, &staged, &err));
  CHECK(staged.changed == range.changed);
  CHECK(staged.present == range.present);
  s.sh("git reset -q --hard && git checkout -q --detach " + head);
}

void seed(const test::ScratchRepo& s) {
  s.sh(
      "mkdir -p a/b/c z/deep/er a-b && for f in README.md a/one.py a/two.py a/b/three.py "
      "a/b/c/four.py "
      "a-b/five.py a.txt z/deep/er/six.py z/seven.py; do echo \"content of $f\" >$f; done && "
      "git add -A && git commit -qm seed");
}

}  // namespace

TEST_CASE("range diff: scripted changes on a branch, with the base moving on", "[range]") {
  const std::vector<std::pair<const char*, const char*>> scenarios = {
      {"nothing changed", "git commit -q --allow-empty -m empty"},
      {"a deep file modified", "echo more >>a/b/c/four.py"},
      {"a file added in a new folder", "mkdir -p n/m && echo n >n/m/new.py"},
      {"a folder deleted", "git rm -rq a/b"},
      {"a file becomes a folder", "git rm -q a.txt && mkdir a.txt && echo x >a.txt/in"},
      {"a folder becomes a file", "git rm -rq z/deep && echo f >z/deep"},
      {"executable bit", "chmod +x a/one.py"},
      {"a symbolic link", "ln -s a/one.py link"},
      {"a rename", "git mv a/two.py a/b/two.py"},
      {"names that sort around a folder", "echo 1 >a- && echo 2 >a0 && echo 3 >a/0"},
      {"a submodule added", "git update-index --add --cacheinfo 160000,$(git rev-parse HEAD),sub"},
  };
  for (const auto& [name, script] : scenarios) {
    SECTION(name) {
      test::ScratchRepo s;
      seed(s);
      s.sh("git checkout -q -b topic && " + std::string(script) +
           " && git add -A && git commit -q --allow-empty -m topic");
      // main moves on after the branch point: A...B is the branch's own change, not main's.
      s.sh("git checkout -q main && echo later >>z/seven.py && git commit -qam later");
      check_range(s, "main", "topic");
      check_range(s, "topic", "main");
      check_range(s, "topic", "topic");
    }
  }
}

TEST_CASE("range diff: random branches and merges, equal to git and to staged mode", "[range]") {
  test::ScratchRepo s;
  seed(s);
  std::mt19937 rng(20261202);
  const std::vector<std::string> folders = {"",   "a/",         "a/b/", "a/b/c/",
                                            "z/", "z/deep/er/", "q/r/", "a-b/"};
  std::vector<std::string> commits = {"main"};
  for (int round = 0; round < 14; ++round) {
    std::string from = commits[rng() % commits.size()];
    std::string branch = "b" + std::to_string(round);
    std::string script = "git checkout -q -b " + branch + " " + from;
    int ops = 1 + static_cast<int>(rng() % 5);
    for (int op = 0; op < ops; ++op) {
      std::string f = folders[rng() % folders.size()] + "f" + std::to_string(rng() % 4) + ".py";
      switch (rng() % 3) {
        case 0:
          script +=
              " && mkdir -p \"$(dirname " + f + ")\" && echo " + std::to_string(rng()) + " >>" + f;
          break;
        case 1:
          script += " && rm -f " + f;
          break;
        default:
          script += " && { [ ! -f " + f + " ] || chmod +x " + f + "; }";
          break;
      }
    }
    s.sh(script + " && git add -A && git commit -q --allow-empty -m r" + std::to_string(round));
    if (round % 4 == 3) {  // a merge of an earlier branch, conflicts resolved by taking this side
      std::string other = commits[rng() % commits.size()];
      s.sh("git merge -q --no-edit -X ours " + other +
           " || (git checkout -q --ours . ; git add -A; "
           "git commit -q --no-edit)");
    }
    commits.push_back(branch);
  }
  for (int pair = 0; pair < 16; ++pair)
    check_range(s, commits[rng() % commits.size()], commits[rng() % commits.size()]);
}

TEST_CASE("range diff: a submodule whose commit moved is a changed path, never present",
          "[range]") {
  test::ScratchRepo s;
  seed(s);
  s.sh(
      "git update-index --add --cacheinfo 160000,$(git rev-parse HEAD),vendor/sub && git commit "
      "-qm sub");
  s.sh(
      "git checkout -q -b topic && echo t >>a/one.py && git add -A && "
      "git update-index --add --cacheinfo 160000,$(git rev-parse HEAD),vendor/sub && git commit "
      "-qm moved");
  check_range(s, "main", "topic");
  std::string err, why;
  std::optional<Repository> repo = Repository::open(s.dir(), &err);
  REQUIRE(repo);
  ChangeSet c;
  REQUIRE(range_changes(*repo, commit_of(*repo, "main"), commit_of(*repo, "topic"), &c, &why) ==
          RangeStatus::Okay);
  CHECK(c.changed == std::vector<std::string>{"a/one.py", "vendor/sub"});
  CHECK(c.present == std::vector<std::string>{"a/one.py"});
}

TEST_CASE("range diff: no common history is said, not guessed", "[range]") {
  test::ScratchRepo s;
  seed(s);
  s.sh("git checkout -q --orphan other && echo o >o.py && git add -A && git commit -qm other");
  std::string err, why;
  std::optional<Repository> repo = Repository::open(s.dir(), &err);
  REQUIRE(repo);
  ChangeSet c;
  REQUIRE(range_changes(*repo, commit_of(*repo, "main"), commit_of(*repo, "other"), &c, &why) ==
          RangeStatus::NoBase);
  CHECK(c.changed.empty());
  CHECK(why == "the two commits have no common history");
}
