// The index reader and the staged diff, against git itself: each scenario is
// made with real git commands, and the changed paths must equal what
// `git diff --cached --name-only --no-renames` prints, whatever the index
// version and whether its cache-tree is whole, invalidated or missing.
#include <catch2/catch.hpp>

#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>

#include "git/disk_source.h"
#include "git/change_set.h"
#include "base/file_source.h"
#include "git/index.h"
#include "git/repo.h"
#include "git/source.h"
#include "support/scratch.h"

using namespace smokehook;

namespace {

using test::ScratchRepo;

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(line);
  std::sort(out.begin(), out.end());
  return out;
}

ChangeSet ours(const ScratchRepo& r) {
  std::string err;
  std::optional<Repository> repo = Repository::open(r.dir(), &err);
  REQUIRE(repo);
  std::unique_ptr<IndexSource> index = IndexSource::open(*repo, r.dir() + "/.git/index", &err);
  INFO(err);
  REQUIRE(index);
  ChangeSet changes;
  REQUIRE(staged_changes(*repo, *index, &changes, &err));
  return changes;
}

// Our changed and present paths equal git's.
void check_against_git(const ScratchRepo& r) {
  ChangeSet c = ours(r);
  bool born = std::system(("git -C '" + r.dir() + "' rev-parse -q --verify HEAD >/dev/null").c_str()) == 0;
  std::string base = born ? "HEAD" : "4b825dc642cb6eb9a060e54bf8d69288fbee4904";  // the empty tree
  INFO("index version " << r.out("git update-index --show-index-version 2>/dev/null || true"));
  CHECK(c.changed == lines(r.out("git diff --cached --name-only --no-renames --ignore-submodules " + base)));
  CHECK(c.present ==
        lines(r.out("git diff --cached --name-only --no-renames --ignore-submodules --diff-filter=ACMRT " + base)));
}

void seed_tree(const ScratchRepo& r) {
  for (const char* p : {"README.md", "a/one.py", "a/two.py", "a/b/three.py", "a/b/c/four.py", "a-b/five.py",
                        "a.txt", "z/deep/er/still/six.py", "z/seven.py"})
    r.write(p, std::string("content of ") + p + "\n");
  r.sh("git add -A && git commit -q -m seed");
}

}  // namespace

TEST_CASE("staged diff: nothing staged, and an unborn HEAD", "[staged]") {
  ScratchRepo r;
  CHECK(ours(r).changed.empty());  // no index file at all
  r.write("a/x.py", "x\n");
  r.write("b.py", "b\n");
  r.sh("git add -A");
  check_against_git(r);
  r.sh("git commit -q -m one");
  CHECK(ours(r).changed.empty());
  check_against_git(r);
}

TEST_CASE("staged diff: one scenario at a time, equal to git's", "[staged]") {
  const std::vector<std::pair<const char*, const char*>> scenarios = {
      {"a deep file modified", "echo more >>a/b/c/four.py && git add a/b/c/four.py"},
      {"a file added in a new folder", "mkdir -p n/m && echo n >n/m/new.py && git add n"},
      {"a folder deleted", "git rm -rq a/b"},
      {"a file becomes a folder", "git rm -q a.txt && mkdir a.txt && echo x >a.txt/in && git add a.txt"},
      {"a folder becomes a file", "git rm -rq z/deep && echo f >z/deep && git add z/deep"},
      {"executable bit", "chmod +x a/one.py && git add a/one.py"},
      {"a symbolic link", "ln -s a/one.py link && git add link"},
      {"a rename", "git mv a/two.py a/b/two.py"},
      {"names that sort around a folder", "echo 1 >a- && echo 2 >a0 && echo 3 >a/0 && git add a- a0 a/0"},
      {"intent to add", "echo i >ita.py && git add -N ita.py && echo m >>a/one.py && git add a/one.py"},
      {"removed from the index, added back with intent to add", "git rm -q --cached a/one.py && git add -N a/one.py"},
      {"staged then reverted to HEAD's content", "echo t >>README.md && git add README.md && git checkout HEAD -- README.md"},
      {"git reset --soft: a whole cache-tree that is not HEAD's",
       "echo s >>a/b/c/four.py && git rm -q z/seven.py && git commit -qam s && git reset -q --soft HEAD~1"},
      {"index version 4", "git update-index --index-version 4 && echo v >>a/b/three.py && git add a/b/three.py && "
                          "echo w >a/b/new.py && git add a/b/new.py"},
      {"index version 2", "git update-index --index-version 2 && git rm -q a-b/five.py"},
  };
  for (const auto& [name, script] : scenarios) {
    SECTION(name) {
      ScratchRepo r;
      seed_tree(r);
      r.sh(script);
      check_against_git(r);
    }
  }
}

TEST_CASE("staged diff: an index without a cache-tree, and one with a whole cache-tree", "[staged]") {
  ScratchRepo r;
  seed_tree(r);
  std::string err;
  REQUIRE(GitIndex::open(r.dir() + "/.git/index", &err)->trees().size() > 1);  // git commit wrote it
  CHECK(ours(r).changed.empty());
  r.sh("rm .git/index && git ls-tree -r HEAD | git update-index --index-info && echo q >>z/seven.py && git add z/seven.py");
  REQUIRE(GitIndex::open(r.dir() + "/.git/index", &err)->trees().empty());
  check_against_git(r);
  CHECK(ours(r).changed == std::vector<std::string>{"z/seven.py"});
}

TEST_CASE("staged diff: a merge conflict lists its path, which is not readable", "[staged]") {
  ScratchRepo r;
  seed_tree(r);
  r.sh("git checkout -q -b other && echo theirs >a/one.py && git commit -qam theirs && git checkout -q main && "
       "echo ours >a/one.py && git commit -qam ours && (git merge -q other || true)");
  ChangeSet c = ours(r);
  CHECK(c.contains("a/one.py"));
  CHECK(std::find(c.present.begin(), c.present.end(), "a/one.py") == c.present.end());
}

TEST_CASE("staged diff: random edits over several commits, equal to git's", "[staged]") {
  ScratchRepo r;
  seed_tree(r);
  std::mt19937 rng(20261128);
  const std::vector<std::string> folders = {"", "a/", "a/b/", "a/b/c/", "z/", "z/deep/er/", "q/r/", "a-b/"};
  for (int round = 0; round < 6; ++round) {
    std::string script = "true";
    for (int op = 0; op < 12; ++op) {
      std::string f = folders[rng() % folders.size()] + "f" + std::to_string(rng() % 6) + ".py";
      switch (rng() % 4) {
        case 0: script += " && mkdir -p \"$(dirname " + f + ")\" && echo " + std::to_string(rng()) + " >>" + f; break;
        case 1: script += " && rm -f " + f; break;
        case 2: script += " && { [ ! -f " + f + " ] || chmod +x " + f + "; }"; break;
        default: script += " && rm -rf " + folders[rng() % folders.size()] + "f" + std::to_string(rng() % 6) + ".py"; break;
      }
    }
    r.sh(script + " && git add -A");
    if (round == 3) r.sh("git update-index --index-version 4");
    INFO("round " << round);
    check_against_git(r);
    if (round % 2 == 1) r.sh("git commit -q -m round --allow-empty");
    check_against_git(r);
  }
}

TEST_CASE("index reader: a damaged index is an error naming the file and the byte", "[staged]") {
  std::string err;
  auto bad = [&](const std::string& data) {
    err.clear();
    CHECK(GitIndex::parse(data, "idx", &err) == nullptr);
    CHECK(err.rfind("cannot read the index idx: ", 0) == 0);
    CHECK(err.find(" at byte ") != std::string::npos);
  };
  std::string header("DIRC\0\0\0\2\0\0\0\0", 12);
  std::string checksum(20, '\0');
  REQUIRE(GitIndex::parse(header + checksum, "idx", &err) != nullptr);
  bad("DIRC");
  bad("XXXX" + header.substr(4) + checksum);
  bad(std::string("DIRC\0\0\0\7\0\0\0\0", 12) + checksum);
  bad(std::string("DIRC\0\0\0\2\0\0\0\1", 12) + checksum);                    // one entry, no bytes for it
  bad(std::string("DIRC\0\0\0\2\xff\xff\xff\xff", 12) + checksum);            // more entries than bytes
  bad(header + "link" + std::string("\0\0\0\0", 4) + checksum);               // a split index
  bad(header + "abcd" + std::string("\0\0\0\0", 4) + checksum);               // a required unknown extension
  bad(header + "TREE" + std::string("\0\0\0\5", 4) + std::string("\0-1 1\n", 6).substr(0, 5) + checksum);
  bad(header + "TREE" + std::string("\0\0\0\x10", 4) + "x" + checksum);       // shorter than it says
  // An entry without a path is corrupt, unless a split index's link extension
  // follows: there it replaces a shared entry, and the split index is named.
  std::string one_empty = std::string("DIRC\0\0\0\2\0\0\0\1", 12) + std::string(64, '\0');
  bad(one_empty + checksum);
  CHECK(err.find("an empty path at byte 12") != std::string::npos);
  bad(one_empty + "link" + std::string("\0\0\0\0", 4) + checksum);
  CHECK(err.find("a split index") != std::string::npos);
  // An optional extension this reader does not know is skipped.
  CHECK(GitIndex::parse(header + "ZZZZ" + std::string("\0\0\0\1", 4) + "q" + checksum, "idx", &err) != nullptr);
}

TEST_CASE("worktree listing: what git ls-files --cached --others --exclude-standard lists", "[staged]") {
  ScratchRepo r;
  seed_tree(r);
  r.sh("printf 'build/\\n*.log\\n!keep.log\\nz/deep/er/\\n' >.gitignore && mkdir -p build/x node_modules/m && "
       "echo b >build/x/out.js && echo l >a/b/debug.log && echo k >a/keep.log && echo n >node_modules/m/i.js && "
       "echo u >a/b/c/untracked.py && mkdir -p empty && mkdir -p nested && git -C nested init -q && echo q >nested/q.py && "
       "echo t >z/deep/er/tracked-but-ignored-folder.py && git add -f z/deep/er/tracked-but-ignored-folder.py && "
       "echo i >z/deep/er/ignored.py && mkfifo a/b/fifo.py && git rm -q --cached a/two.py");
  std::string err;
  std::optional<Repository> repo = Repository::open(r.dir(), &err);
  REQUIRE(repo);
  DiskSource disk(r.dir(), &*repo);
  std::vector<std::string> expected = lines(r.out("git ls-files --cached --others --exclude-standard"));
  // git lists a nested repository as "nested/"; it holds no file of this one.
  expected.erase(std::remove(expected.begin(), expected.end(), "nested/"), expected.end());
  CHECK(disk.paths() == expected);
  CHECK_FALSE(disk.exists("a/b/fifo.py"));  // listed by git, never read: a FIFO would block
  std::string text;
  CHECK(disk.read("a/b/fifo.py", &text, &err) == ReadStatus::NotFound);
}
