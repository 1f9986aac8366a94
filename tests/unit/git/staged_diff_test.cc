// The index reader and the staged diff, against git itself: each scenario is
// made with real git commands, and the changed paths must equal what
// `git diff --cached --name-only --no-renames` prints, whatever the index
// version, whether its cache-tree is whole, invalidated or missing, whether it
// is split or sparse, and with submodules (gitlinks) among the paths.
#include <catch2/catch.hpp>

#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>

#include "base/file_source.h"
#include "git/change_set.h"
#include "git/disk_source.h"
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

// Our changed and present paths equal git's. A submodule is a changed path
// as git lists it, but never present: its content is not a file of this repository.
void check_against_git(const ScratchRepo& r) {
  ChangeSet c = ours(r);
  bool born =
      std::system(("git -C '" + r.dir() + "' rev-parse -q --verify HEAD >/dev/null").c_str()) == 0;
  std::string base = born ? "HEAD" : "4b825dc642cb6eb9a060e54bf8d69288fbee4904";  // the empty tree
  INFO("index version " << r.out("git update-index --show-index-version 2>/dev/null || true"));
  CHECK(c.changed == lines(r.out("git diff --cached --name-only --no-renames " + base)));
  std::vector<std::string> present =
      lines(r.out("git diff --cached --name-only --no-renames --diff-filter=ACMRT " + base));
  std::vector<std::string> gitlinks =
      lines(r.out("git ls-files -s | awk '$1 == \"160000\" {print $4}'"));
  present.erase(std::remove_if(present.begin(), present.end(),
                               [&](const std::string& p) {
                                 return std::binary_search(gitlinks.begin(), gitlinks.end(), p);
                               }),
                present.end());
  CHECK(c.present == present);
}

std::unique_ptr<GitIndex> read_index(const ScratchRepo& r) {
  std::string err;
  std::unique_ptr<GitIndex> index = GitIndex::open(r.dir() + "/.git/index", &err);
  INFO(err);
  REQUIRE(index);
  return index;
}

size_t sparse_dirs(const GitIndex& index) {
  return static_cast<size_t>(
      std::count_if(index.entries().begin(), index.entries().end(),
                    [](const GitIndex::Entry& e) { return e.is_sparse_dir(); }));
}

void seed_tree(const ScratchRepo& r) {
  for (const char* p : {"README.md", "a/one.py", "a/two.py", "a/b/three.py", "a/b/c/four.py",
                        "a-b/five.py", "a.txt", "z/deep/er/still/six.py", "z/seven.py"})
    r.write(p, std::string("content of ") + p + "\n");
  r.sh("git add -A && git commit -q -m seed");
}

// A random batch of edits as a shell script: `ops` times, a file fN.py (N below `names`) in one
// of `folders` is appended to, removed, or made executable; with `remove_any`, a fourth kind
// removes another such file (or folder) wherever it is.
std::string random_edits(std::mt19937& rng, const std::vector<std::string>& folders, int ops,
                         int names, bool remove_any) {
  std::string script = "true";
  for (int op = 0; op < ops; ++op) {
    std::string f = folders[rng() % folders.size()] + "f" + std::to_string(rng() % names) + ".py";
    switch (rng() % (remove_any ? 4 : 3)) {
      case 0:
        script +=
            " && mkdir -p \"$(dirname " + f + ")\" && echo " + std::to_string(rng()) + " >>" + f;
        break;
      case 1:
        script += " && rm -f " + f;
        break;
      case 2:
        script += " && { [ ! -f " + f + " ] || chmod +x " + f + "; }";
        break;
      default:
        script += " && rm -rf " + folders[rng() % folders.size()] + "f" +
                  std::to_string(rng() % names) + ".py";
        break;
    }
  }
  return script;
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
      {"a file becomes a folder",
       "git rm -q a.txt && mkdir a.txt && echo x >a.txt/in && git add a.txt"},
      {"a folder becomes a file", "git rm -rq z/deep && echo f >z/deep && git add z/deep"},
      {"executable bit", "chmod +x a/one.py && git add a/one.py"},
      {"a symbolic link", "ln -s a/one.py link && git add link"},
      {"a rename", "git mv a/two.py a/b/two.py"},
      {"names that sort around a folder",
       "echo 1 >a- && echo 2 >a0 && echo 3 >a/0 && git add a- a0 a/0"},
      {"intent to add",
       "echo i >ita.py && git add -N ita.py && echo m >>a/one.py && git add a/one.py"},
      {"removed from the index, added back with intent to add",
       "git rm -q --cached a/one.py && git add -N a/one.py"},
      {"staged then reverted to HEAD's content",
       "echo t >>README.md && git add README.md && git checkout HEAD -- README.md"},
      {"git reset --soft: a whole cache-tree that is not HEAD's",
       "echo s >>a/b/c/four.py && git rm -q z/seven.py && git commit -qam s && git reset -q --soft "
       "HEAD~1"},
      {"index version 4",
       "git update-index --index-version 4 && echo v >>a/b/three.py && git add a/b/three.py && "
       "echo w >a/b/new.py && git add a/b/new.py"},
      {"index version 2", "git update-index --index-version 2 && git rm -q a-b/five.py"},
      {"a submodule added",
       "git update-index --add --cacheinfo 160000,$(git rev-parse HEAD),vendor/sub"},
      {"a submodule's commit moved",
       "git update-index --add --cacheinfo 160000,$(git rev-parse HEAD),sub && git commit -qm sub "
       "&& "
       "git update-index --cacheinfo 160000,$(git rev-parse HEAD),sub"},
      {"a submodule removed, a file in its place",
       "git update-index --add --cacheinfo 160000,$(git rev-parse HEAD),sub && git commit -qm sub "
       "&& "
       "git update-index --force-remove sub && echo f >sub && git add sub"},
      {"a split index",
       "git update-index --split-index && echo s >>a/one.py && git add a/one.py && "
       "git rm -q z/seven.py && echo n >a/b/n.py && git add a/b/n.py"},
      {"a split index whose shared file is never rewritten",
       "git config splitIndex.maxPercentChange 100 && git update-index --split-index && git commit "
       "-qm s --allow-empty && "
       "echo s >>a/b/c/four.py && git add -A && git commit -qm t && git rm -q a/two.py && echo x "
       ">x.py && git add x.py && "
       "chmod +x a/one.py && git add a/one.py"},
      {"a split index, version 4",
       "git update-index --index-version 4 --split-index && echo v >>a/b/three.py && "
       "git add a/b/three.py && git rm -q a.txt"},
      {"a sparse index, a change inside the cone",
       "git sparse-checkout set --sparse-index a && echo c >>a/one.py && echo n >a/new.py && git "
       "add a"},
      {"a sparse index, changes outside the cone (git reset --soft)",
       "echo s >>z/deep/er/six.py && git rm -q z/seven.py && echo q >z/new.py && mkdir -p y && "
       "echo y >y/f.py && "
       "git add -A && git commit -qm s && git sparse-checkout set --sparse-index a && git reset -q "
       "--soft HEAD~1"},
      {"a sparse index, a folder outside the cone added (git reset --soft)",
       "mkdir -p q/r && echo q >q/r/f.py && git add q && git commit -qm q && "
       "git sparse-checkout set --sparse-index a && git reset -q --soft HEAD~1"},
      {"a sparse index, a folder outside the cone removed (git reset --soft)",
       "git rm -rq a-b && git commit -qm rm && git sparse-checkout set --sparse-index a && git "
       "reset -q --soft HEAD~1"},
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

TEST_CASE("staged diff: an index without a cache-tree, and one with a whole cache-tree",
          "[staged]") {
  ScratchRepo r;
  seed_tree(r);
  std::string err;
  REQUIRE(GitIndex::open(r.dir() + "/.git/index", &err)->trees().size() >
          1);  // git commit wrote it
  CHECK(ours(r).changed.empty());
  r.sh(
      "rm .git/index && git ls-tree -r HEAD | git update-index --index-info && echo q >>z/seven.py "
      "&& git add z/seven.py");
  REQUIRE(GitIndex::open(r.dir() + "/.git/index", &err)->trees().empty());
  check_against_git(r);
  CHECK(ours(r).changed == std::vector<std::string>{"z/seven.py"});
}

TEST_CASE(
    "sparse index: a folder equal to HEAD's is not read, and files below folders are readable",
    "[staged]") {
  ScratchRepo r;
  seed_tree(r);
  r.sh("git sparse-checkout set --sparse-index a && echo c >>a/one.py && git add a/one.py");
  std::unique_ptr<GitIndex> index = read_index(r);
  REQUIRE(index->sparse());
  REQUIRE(sparse_dirs(*index) == 2);  // a-b/ and z/
  // A folder entry whose tree is missing would fail the diff if it were read: it is HEAD's, so it
  // is not.
  std::string zdir = r.out("git rev-parse HEAD:z");
  zdir.pop_back();
  r.sh("mv .git/objects/" + zdir.substr(0, 2) + "/" + zdir.substr(2) + " " + r.dir() + "/z-tree");
  ChangeSet c = ours(r);
  CHECK(c.changed == std::vector<std::string>{"a/one.py"});
  r.sh("mv z-tree .git/objects/" + zdir.substr(0, 2) + "/" + zdir.substr(2));
  std::string err;
  std::optional<Repository> repo = Repository::open(r.dir(), &err);
  REQUIRE(repo);
  std::unique_ptr<IndexSource> source = IndexSource::open(*repo, r.dir() + "/.git/index", &err);
  REQUIRE(source);
  std::string text;
  CHECK(source->read("z/deep/er/still/six.py", &text, &err) == ReadStatus::Ok);
  CHECK(text == "content of z/deep/er/still/six.py\n");
  CHECK(source->exists("a-b/five.py"));
  CHECK_FALSE(source->exists("z/deep"));
  CHECK_FALSE(source->exists("z/missing.py"));
  CHECK(source->paths() == lines(r.out("git ls-files")));
}

TEST_CASE("split index: entries merged with the shared file as git merges them", "[staged]") {
  ScratchRepo r;
  seed_tree(r);
  r.sh(
      "git config splitIndex.maxPercentChange 100 && git update-index --split-index && echo s "
      ">>a/one.py && "
      "git add a/one.py && git rm -q z/seven.py && echo n >a/n.py && git add a/n.py && git "
      "update-index --chmod=+x a.txt");
  std::unique_ptr<GitIndex> index = read_index(r);
  REQUIRE(index->split());
  std::string listed;
  for (const GitIndex::Entry& e : index->entries()) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%06o", e.mode());
    listed += std::string(mode) + " " + std::string(e.path()) + "\n";
  }
  CHECK(listed == r.out("git ls-files -s | awk '{print $1, $4}'"));
  check_against_git(r);
  // The shared file gone: an error naming it, never an index without its entries.
  r.sh("mkdir -p ../kept-" + r.dir().substr(r.dir().rfind('/') + 1) +
       " && mv .git/sharedindex.* ../kept-" + r.dir().substr(r.dir().rfind('/') + 1) + "/");
  std::string err;
  CHECK(GitIndex::open(r.dir() + "/.git/index", &err) == nullptr);
  CHECK(err.find("a split index whose shared index " + r.dir() + "/.git/sharedindex.") !=
        std::string::npos);
  r.sh("mv ../kept-" + r.dir().substr(r.dir().rfind('/') + 1) + "/* .git/ && rmdir ../kept-" +
       r.dir().substr(r.dir().rfind('/') + 1));
}

TEST_CASE("staged diff: a merge conflict lists its path, which is not readable", "[staged]") {
  ScratchRepo r;
  seed_tree(r);
  r.sh(
      "git checkout -q -b other && echo theirs >a/one.py && git commit -qam theirs && git checkout "
      "-q main && "
      "echo ours >a/one.py && git commit -qam ours && (git merge -q other || true)");
  ChangeSet c = ours(r);
  CHECK(c.contains("a/one.py"));
  CHECK(std::find(c.present.begin(), c.present.end(), "a/one.py") == c.present.end());
}

TEST_CASE("staged diff: random edits over several commits, equal to git's", "[staged]") {
  ScratchRepo r;
  seed_tree(r);
  std::mt19937 rng(20261128);
  const std::vector<std::string> folders = {"",   "a/",         "a/b/", "a/b/c/",
                                            "z/", "z/deep/er/", "q/r/", "a-b/"};
  for (int round = 0; round < 6; ++round) {
    std::string script = random_edits(rng, folders, 12, 6, true);
    r.sh(script + " && git add -A");
    if (round == 3) r.sh("git update-index --index-version 4");
    INFO("round " << round);
    check_against_git(r);
    if (round % 2 == 1) r.sh("git commit -q -m round --allow-empty");
    check_against_git(r);
  }
}

// The random history again, over a split index, then a sparse index (git
// refuses the two together), with submodules: HEAD moved anywhere in the
// history (git reset --soft) makes changes outside the sparse cone, which the
// index keeps as folder entries.
TEST_CASE(
    "staged diff: random histories over a split index, a sparse index and submodules, equal to "
    "git's",
    "[staged]") {
  ScratchRepo r;
  seed_tree(r);
  std::mt19937 rng(20261207);
  const std::vector<std::string> folders = {"",   "a/",         "a/b/", "a/b/c/",
                                            "z/", "z/deep/er/", "q/r/", "a-b/"};
  const std::vector<std::string> gitlinks = {"a/mod", "z/mod", "q/mod"};
  std::vector<std::string> commits = {r.out("git rev-parse HEAD")};
  auto edits = [&](const std::vector<std::string>& where) {
    std::string script = random_edits(rng, where, 10, 5, false);
    return script + " && git add -A";
  };
  auto bump = [&](const std::string& link) {  // a submodule moved to another commit of the history
    std::string c = commits[rng() % commits.size()];
    c.erase(c.find_last_not_of('\n') + 1);
    return "git update-index --add --cacheinfo 160000," + c + "," + link;
  };
  // The history: edits everywhere, submodules moving, on a split index.
  r.sh(
      "git config core.splitIndex true && git config splitIndex.maxPercentChange 30 && git "
      "update-index --split-index");
  for (int round = 0; round < 6; ++round) {
    r.sh(edits(folders) + " && " + bump(gitlinks[rng() % gitlinks.size()]));
    INFO("history round " << round);
    check_against_git(r);
    r.sh("git commit -q -m round --allow-empty");
    commits.push_back(r.out("git rev-parse HEAD"));
  }
  REQUIRE(read_index(r)->split());
  // Sparse from here (git keeps a sparse index whole, never split): only a/ is
  // checked out; q/, z/ and a-b/ are folder entries.
  r.sh(
      "git config core.splitIndex false && git update-index --no-split-index && git "
      "sparse-checkout set --sparse-index a");
  for (int round = 0; round < 8; ++round) {
    std::string to = commits[rng() % commits.size()];
    to.erase(to.find_last_not_of('\n') + 1);
    r.sh("git reset -q --soft " + to + " && " + edits({"a/", "a/b/", "a/b/c/"}) + " && " +
         bump("a/mod"));
    std::unique_ptr<GitIndex> index = read_index(r);
    INFO("sparse round " << round);
    REQUIRE(index->sparse());
    REQUIRE(sparse_dirs(*index) >= 2);
    check_against_git(r);
    if (round % 3 == 2) {
      r.sh("git commit -q -m sparse --allow-empty");
      commits.push_back(r.out("git rev-parse HEAD"));
      check_against_git(r);
    }
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
  bad(std::string("DIRC\0\0\0\2\0\0\0\1", 12) + checksum);          // one entry, no bytes for it
  bad(std::string("DIRC\0\0\0\2\xff\xff\xff\xff", 12) + checksum);  // more entries than bytes
  bad(header + "link" + std::string("\0\0\0\0", 4) + checksum);     // a split index
  bad(header + "abcd" + std::string("\0\0\0\0", 4) + checksum);     // a required unknown extension
  bad(header + "TREE" + std::string("\0\0\0\5", 4) + std::string("\0-1 1\n", 6).substr(0, 5) +
      checksum);
  bad(header + "TREE" + std::string("\0\0\0\x10", 4) + "x" + checksum);  // shorter than it says
  // An entry without a path is corrupt, unless a split index's link extension
  // follows: there it replaces a shared entry, and the split index is named.
  std::string one_empty = std::string("DIRC\0\0\0\2\0\0\0\1", 12) + std::string(64, '\0');
  bad(one_empty + checksum);
  CHECK(err.find("an empty path at byte 12") != std::string::npos);
  bad(one_empty + "link" + std::string("\0\0\0\0", 4) + checksum);
  CHECK(err.find("a truncated link extension") != std::string::npos);
  // A link naming a shared index that is not there.
  bad(one_empty + "link" + std::string("\0\0\0\x14", 4) + std::string(20, '\x11') + checksum);
  CHECK(err.find("a split index whose shared index "
                 "sharedindex.1111111111111111111111111111111111111111 is missing") !=
        std::string::npos);
  // A replace bitmap naming a shared entry past the shared file's end.
  std::string shared = std::string("DIRC\0\0\0\2\0\0\0\0", 12) + checksum;
  std::string bitmaps = std::string("\0\0\0\0\0\0\0\0\0\0\0\0", 12) +  // delete: no word
                        std::string("\0\0\0\1\0\0\0\2", 8) +
                        std::string("\0\0\0\2\0\0\0\0", 8) +  // a marker: 1 literal
                        std::string("\0\0\0\0\0\0\0\1", 8) + std::string("\0\0\0\0", 4);  // bit 0
  std::string link = "link" + std::string("\0\0\0", 3) + static_cast<char>(20 + bitmaps.size()) +
                     std::string(20, '\x11') + bitmaps;
  CHECK(GitIndex::parse(one_empty + link + checksum, "idx", &err, shared) == nullptr);
  CHECK(err.find("a bad replace bitmap in the link extension") != std::string::npos);
  // A folder entry in an index that is not sparse.
  std::string dir_entry = std::string("DIRC\0\0\0\2\0\0\0\1", 12) + std::string(24, '\0') +
                          std::string("\0\0\x40\0", 4) + std::string(32, '\0') +
                          std::string("\0\2", 2) + "d/" + std::string(8, '\0');
  bad(dir_entry + checksum);
  CHECK(err.find("a folder entry ('d/') outside a sparse index") != std::string::npos);
  CHECK(GitIndex::parse(dir_entry + "sdir" + std::string("\0\0\0\0", 4) + checksum, "idx", &err) !=
        nullptr);
  // An optional extension this reader does not know is skipped.
  CHECK(GitIndex::parse(header + "ZZZZ" + std::string("\0\0\0\1", 4) + "q" + checksum, "idx",
                        &err) != nullptr);
}

TEST_CASE("worktree listing: what git ls-files --cached --others --exclude-standard lists",
          "[staged]") {
  ScratchRepo r;
  seed_tree(r);
  r.sh(
      "printf 'build/\\n*.log\\n!keep.log\\nz/deep/er/\\n' >.gitignore && mkdir -p build/x "
      "node_modules/m && "
      "echo b >build/x/out.js && echo l >a/b/debug.log && echo k >a/keep.log && echo n "
      ">node_modules/m/i.js && "
      "echo u >a/b/c/untracked.py && mkdir -p empty && mkdir -p nested && git -C nested init -q && "
      "echo q >nested/q.py && "
      "echo t >z/deep/er/tracked-but-ignored-folder.py && git add -f "
      "z/deep/er/tracked-but-ignored-folder.py && "
      "echo i >z/deep/er/ignored.py && mkfifo a/b/fifo.py && git rm -q --cached a/two.py");
  std::string err;
  std::optional<Repository> repo = Repository::open(r.dir(), &err);
  REQUIRE(repo);
  DiskSource disk(r.dir(), &*repo);
  std::vector<std::string> expected =
      lines(r.out("git ls-files --cached --others --exclude-standard"));
  // git lists a nested repository as "nested/"; it holds no file of this one.
  expected.erase(std::remove(expected.begin(), expected.end(), "nested/"), expected.end());
  CHECK(disk.paths() == expected);
  CHECK_FALSE(disk.exists("a/b/fifo.py"));  // listed by git, never read: a FIFO would block
  std::string text;
  CHECK(disk.read("a/b/fifo.py", &text, &err) == ReadStatus::NotFound);
}
