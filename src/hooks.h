// `smokehook install` / `uninstall`: the pre-commit and pre-push shims
// (hook/smokehook-hook.sh), written where git runs hooks from. A hook that is
// not smokehook's is never lost: it is moved beside ours, still runs first,
// and is put back byte for byte by uninstall.
#pragma once

#include <ostream>
#include <string>

namespace smokehook {

class Repository;

extern const char kHookMarker[];  // the line that identifies our hooks

// Exit status 0, or 2 with `err` set.
int install_hooks(const Repository& repo, const std::string& binary, bool force, std::ostream& out, std::string* err);
int uninstall_hooks(const Repository& repo, std::ostream& out, std::string* err);

// The shim for `hook` ("pre-commit" / "pre-push") calling `binary`.
std::string hook_script(const std::string& hook, const std::string& binary);
bool is_smokehook_hook(const std::string& content);

}  // namespace smokehook
