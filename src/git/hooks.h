// `smokehook install` / `uninstall`: the pre-commit, pre-merge-commit and pre-push hooks, written
// where git runs hooks from; in a bare repository (a server's), the pre-receive
// hook alone. Each is the compiled hook (hook/launcher.c) with the
// hook's name and smokehook's path filled in, or where that is not built, or with
// SMOKEHOOK_HOOK_SCRIPT=1, the shell hook (hook/smokehook-hook.sh). A hook that is
// not smokehook's is never lost: it is moved beside ours, smokehook runs it
// first, and uninstall puts it back byte for byte.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace smokehook {

class Repository;

// Exit status 0, or 2 with `err` set. `config` (an absolute path, or empty) is
// the configuration file the pre-receive hook passes to smokehook on every push.
int install_hooks(const Repository& repo, const std::string& binary, const std::string& config,
                  bool force, std::ostream& out, std::string* err);
int uninstall_hooks(const Repository& repo, std::ostream& out, std::string* err);

enum class HookForm { Compiled, Shell };
// Compiled when this build has it and SMOKEHOOK_HOOK_SCRIPT is not 1.
HookForm default_hook_form();
// The hook file for `hook` ("pre-commit" / "pre-merge-commit" / "pre-push" / "pre-receive") running
// `binary`, with `--config config` when `config` is not empty; false with `err`
// set when they cannot be recorded in it (paths too long).
bool hook_file_content(HookForm form, const std::string& hook, const std::string& binary,
                       std::string* content, std::string* err, const std::string& config = "");
bool is_smokehook_hook(const std::string& content);

// The hook that was there before smokehook: <hook>.smokehook-orig beside the
// hook file git ran.
std::string kept_hook_path(const std::string& hook_file, const std::string& hook);
// Runs it, if it is there and executable, as git would: `args` after its path,
// `input` (when not null: git's pre-push or pre-receive lines) on its stdin, a file without a #!
// line through /bin/sh. Returns its exit status: 0 when there is none, 128+N when signal N ended
// it, 2 with `err` set when it could not be started.
int run_kept_hook(const std::string& path, const std::vector<std::string>& args,
                  const std::string* input, std::string* err);

}  // namespace smokehook
