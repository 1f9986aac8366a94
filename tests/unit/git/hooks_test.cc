// The installed hook files, and the kept hook smokehook runs before its checks.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>
#include <cstdlib>
#include <fstream>

#include "base/text.h"
#include "git/hooks.h"
#include "hook_slot.h"
#include "support/scratch.h"

using namespace smokehook;

namespace {

// A folder of hooks: executable unless told otherwise.
struct HookDir : test::TempDir {
  HookDir() : TempDir("hooks") {}
  std::string write(const std::string& name, const std::string& text, mode_t mode = 0755) const {
    return TempDir::write(name, text, mode);
  }
  std::string read(const std::string& name) const {
    std::string text, err;
    read_whole_file(path() + "/" + name, &text, &err);
    return text;
  }
};

}  // namespace

TEST_CASE("the shell hook records the binary quoted for sh") {
  std::string text, err;
  REQUIRE(hook_file_content(HookForm::Shell, "pre-push", "/opt/it's here/smokehook", &text, &err));
  CHECK(starts_with(text, "#!/bin/sh\n"));
  CHECK(is_smokehook_hook(text));
  CHECK(text.find("hook=pre-push\n") != std::string::npos);
  CHECK(text.find("installed='/opt/it'\\''s here/smokehook'\n") != std::string::npos);
  CHECK(text.find("@HOOK@") == std::string::npos);
  CHECK(text.find("@SMOKEHOOK_BIN@") == std::string::npos);
}

TEST_CASE("the compiled hook has the hook and the binary in its slot, and nothing else changed") {
  if (default_hook_form() != HookForm::Compiled) {
    WARN("this build installs the shell hook");
    return;
  }
  std::string pre_commit, pre_push, err;
  REQUIRE(hook_file_content(HookForm::Compiled, "pre-commit", "/usr/local/bin/smokehook",
                            &pre_commit, &err));
  REQUIRE(hook_file_content(HookForm::Compiled, "pre-push", "/b", &pre_push, &err));
  CHECK(starts_with(pre_commit,
                    "\x7f"
                    "ELF"));
  CHECK(is_smokehook_hook(pre_commit));
  const std::string head = SMOKEHOOK_SLOT_HEAD;
  size_t at = pre_commit.find(head);
  REQUIRE(at != std::string::npos);
  const std::string fields("hook=pre-commit\0bin=/usr/local/bin/smokehook\0\0", 46);
  CHECK(pre_commit.compare(at + head.size(), fields.size(), fields) == 0);
  REQUIRE(pre_commit.size() == pre_push.size());
  size_t differing = 0;
  for (size_t i = 0; i < pre_commit.size(); i++) differing += pre_commit[i] != pre_push[i];
  CHECK(differing > 0);
  CHECK(differing <= SMOKEHOOK_SLOT_SIZE);
}

TEST_CASE("a binary path too long for the compiled hook is refused, not cut") {
  if (default_hook_form() != HookForm::Compiled) {
    WARN("this build installs the shell hook");
    return;
  }
  std::string text, err;
  CHECK_FALSE(hook_file_content(HookForm::Compiled, "pre-commit", "/" + std::string(5000, 'x'),
                                &text, &err));
  CHECK(err.find("too long") != std::string::npos);
  CHECK(hook_file_content(HookForm::Compiled, "pre-commit", "/" + std::string(4000, 'x'), &text,
                          &err));
}

TEST_CASE("a hook is ours by its marker line, not by a word") {
  CHECK(is_smokehook_hook("#!/bin/sh\n# smokehook:managed-hook:v2\nexec x\n"));
  CHECK(is_smokehook_hook("#!/bin/sh\n# smokehook:managed-hook:v1\n"));
  CHECK_FALSE(
      is_smokehook_hook("#!/bin/sh\nsmokehook --hook pre-commit # smokehook:managed-hook:v2\n"));
  CHECK_FALSE(is_smokehook_hook("#!/bin/sh\nexec smokehook\n"));
}

TEST_CASE("the kept hook is found beside the hook git ran") {
  CHECK(kept_hook_path(".git/hooks/pre-commit", "pre-commit") ==
        ".git/hooks/pre-commit.smokehook-orig");
  CHECK(kept_hook_path("/r/.githooks/pre-push", "pre-push") ==
        "/r/.githooks/pre-push.smokehook-orig");
  CHECK(kept_hook_path("pre-commit", "pre-commit") == "./pre-commit.smokehook-orig");
}

TEST_CASE("the kept hook runs as git would run it") {
  HookDir dir;
  std::string err;

  SECTION("none, or one that is not executable: nothing to run") {
    CHECK(run_kept_hook(dir.path() + "/absent", {}, nullptr, &err) == 0);
    std::string plain = dir.write("plain", "#!/bin/sh\nexit 3\n", 0644);
    CHECK(run_kept_hook(plain, {}, nullptr, &err) == 0);
    CHECK(err.empty());
  }
  SECTION("its exit status, its arguments and its stdin") {
    std::string hook =
        dir.write("hook", "#!/bin/sh\necho \"$@\" >\"$0.args\"\ncat >\"$0.in\"\nexit 3\n");
    std::string input = "refs/heads/main 1 refs/heads/main 2\n";
    CHECK(run_kept_hook(hook, {"origin", "ssh://x"}, &input, &err) == 3);
    CHECK(err.empty());
    CHECK(dir.read("hook.args") == "origin ssh://x\n");
    CHECK(dir.read("hook.in") == input);
  }
  SECTION("without a #! line, through sh") {
    std::string hook = dir.write("bare", "echo ran >\"$0.log\"\n");
    CHECK(run_kept_hook(hook, {}, nullptr, &err) == 0);
    CHECK(dir.read("bare.log") == "ran\n");
  }
  SECTION("ended by a signal: 128 + N, and why") {
    std::string hook = dir.write("killed", "#!/bin/sh\nkill -9 $$\n");
    CHECK(run_kept_hook(hook, {}, nullptr, &err) == 137);
    CHECK(err.find("interrupted (signal 9)") != std::string::npos);
  }
}

TEST_CASE("a server's hook records the configuration file it passes on every push") {
  std::string text, err;
  REQUIRE(hook_file_content(HookForm::Shell, "pre-receive", "/b/smokehook", &text, &err,
                            "/srv/it's rules.yml"));
  CHECK(text.find("hook=pre-receive\n") != std::string::npos);
  CHECK(text.find("config='/srv/it'\\''s rules.yml'\n") != std::string::npos);
  CHECK(text.find("${config:+--config \"$config\"} --hook \"$hook\"") != std::string::npos);
  REQUIRE(hook_file_content(HookForm::Shell, "pre-commit", "/b/smokehook", &text, &err));
  CHECK(text.find("config=''\n") != std::string::npos);
  if (default_hook_form() != HookForm::Compiled) return;
  REQUIRE(
      hook_file_content(HookForm::Compiled, "pre-receive", "/b", &text, &err, "/srv/rules.yml"));
  const std::string head = SMOKEHOOK_SLOT_HEAD;
  size_t at = text.find(head);
  REQUIRE(at != std::string::npos);
  const std::string fields("hook=pre-receive\0bin=/b\0config=/srv/rules.yml\0\0", 47);
  CHECK(text.compare(at + head.size(), fields.size(), fields) == 0);
  CHECK_FALSE(hook_file_content(HookForm::Compiled, "pre-receive", "/" + std::string(3000, 'x'),
                                &text, &err, "/" + std::string(3000, 'y')));
  CHECK(err.find("too long") != std::string::npos);
}

TEST_CASE(
    "the compiled pre-receive hook runs smokehook with --config before --hook, stdin untouched") {
  if (default_hook_form() != HookForm::Compiled) {
    WARN("this build installs the shell hook");
    return;
  }
  HookDir dir;
  // A stand-in for smokehook: records its arguments and its stdin.
  std::string fake = dir.write("fake", "#!/bin/sh\necho \"$@\" >\"$0.args\"\ncat >\"$0.in\"\n");
  std::string text, err;
  REQUIRE(
      hook_file_content(HookForm::Compiled, "pre-receive", fake, &text, &err, "/srv/rules.yml"));
  std::string hook = dir.write("pre-receive", text);
  std::string input = std::string(40, '0') + " " + std::string(40, 'a') + " refs/heads/main\n";
  CHECK(run_kept_hook(hook, {}, &input, &err) == 0);
  CHECK(dir.read("fake.args") ==
        "--hook-file " + hook + " --config /srv/rules.yml --hook pre-receive\n");
  CHECK(dir.read("fake.in") == input);
}
