#include "support/scratch.h"

#include <sys/stat.h>
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace smokehook::test {

TempDir::TempDir(const std::string& label) {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/smokehook-" + label + ".XXXXXX";
  REQUIRE(::mkdtemp(pattern.data()) != nullptr);
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_,
                              ec);  // a test that made a folder unreadable must not fail here
}

std::string TempDir::write(const std::string& name, const std::string& text, mode_t mode) const {
  std::filesystem::path file = std::filesystem::path(path_) / name;
  std::filesystem::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary | std::ios::trunc) << text;
  REQUIRE(::chmod(file.c_str(), mode) == 0);
  return file.string();
}

ScratchRepo::ScratchRepo(const std::string& label) : tmp_(label) {
  sh("git init -q -b main . && git config user.name t && git config user.email t@example.com && "
     "git config core.autocrlf false && git config commit.gpgsign false");
}

void ScratchRepo::sh(const std::string& script) const {
  INFO(script);
  REQUIRE(std::system(("cd '" + dir() + "' && (" + script + ") >/dev/null 2>&1").c_str()) == 0);
}

std::string ScratchRepo::out(const std::string& script) const {
  FILE* p = ::popen(("cd '" + dir() + "' && " + script).c_str(), "r");
  REQUIRE(p != nullptr);
  std::string text;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) text.append(buf, n);
  ::pclose(p);
  return text;
}

}  // namespace smokehook::test
