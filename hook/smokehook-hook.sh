#!/bin/sh
# smokehook:managed-hook:v2
# Installed by `smokehook install`; `smokehook uninstall` removes it and puts
# back the hook that was here before (kept beside it as @HOOK@.smokehook-orig;
# smokehook runs that one first). The shell form of hook/launcher.c, for the
# machines that one is not built for, or when SMOKEHOOK_HOOK_SCRIPT=1 at install.
# git's stdin (pre-push's and pre-receive's ref lines) goes to smokehook untouched.
hook=@HOOK@
installed=@SMOKEHOOK_BIN@
config=@CONFIG@

bin=$installed
if [ ! -x "$bin" ]; then
  bin=$(command -v smokehook 2>/dev/null) || bin=
fi
if [ -z "$bin" ]; then
  echo "smokehook: the $hook hook cannot find smokehook: it is not at $installed (where it was installed from) nor on PATH." >&2
  echo "smokehook: reinstall it and run 'smokehook install' again, or run 'smokehook uninstall' to remove this hook." >&2
  case $hook in
    pre-commit) echo "smokehook: to commit once without the hook: git commit --no-verify" >&2 ;;
    pre-merge-commit) echo "smokehook: to merge once without the hook: git merge --no-verify" >&2 ;;
    pre-push) echo "smokehook: to push once without the hook: git push --no-verify" >&2 ;;
    *) echo "smokehook: every push is refused until then." >&2 ;;
  esac
  exit 1
fi
exec "$bin" --hook-file "$0" ${config:+--config "$config"} --hook "$hook" "$@"
