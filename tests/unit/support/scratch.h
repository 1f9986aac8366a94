// Scratch folders and repositories for the unit tests, as ccache's TestContext
// gives each test a fresh folder: made under $TMPDIR (or /tmp), checked, and
// removed with everything in it when the test ends, pass or fail.
#pragma once

#include <sys/types.h>

#include <string>

namespace smokehook::test {

class TempDir {
 public:
  explicit TempDir(const std::string& label = "test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // Writes `text` to `name` below the folder (its folders made first) and sets its mode; its path.
  std::string write(const std::string& name, const std::string& text, mode_t mode = 0644) const;

 private:
  std::string path_;
};

// A git repository in a TempDir: `git init -b main`, an author, no signing, no
// line-ending conversion. Commands run with its folder as the current one.
class ScratchRepo {
 public:
  explicit ScratchRepo(const std::string& label = "repo");

  const std::string& dir() const { return tmp_.path(); }
  // Runs a shell script there; the test fails (naming the script) unless it succeeds.
  void sh(const std::string& script) const;
  // Runs a shell script there and returns its standard output.
  std::string out(const std::string& script) const;
  void write(const std::string& path, const std::string& content) const {
    tmp_.write(path, content);
  }

 private:
  TempDir tmp_;
};

}  // namespace smokehook::test
