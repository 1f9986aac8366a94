#!/bin/sh
# smokehook:managed-hook:v1
# Installed by `smokehook install`; `smokehook uninstall` removes it and puts
# back the hook that was here before (kept beside it as @HOOK@.smokehook-orig).
hook=@HOOK@
bin=@SMOKEHOOK_BIN@
orig="${0%/*}/$hook.smokehook-orig"  # no dirname: a fork on every commit

# git gives pre-push its refs on stdin: keep them for both hooks.
if [ "$hook" = pre-push ]; then
  refs=$(cat; echo .)
  refs=${refs%.}
fi

# The hook that was here first still runs, first, and its failure fails this hook.
if [ -x "$orig" ]; then
  if [ "$hook" = pre-push ]; then
    printf '%s' "$refs" | "$orig" "$@" || exit $?
  else
    "$orig" "$@" || exit $?
  fi
fi

if [ ! -x "$bin" ]; then
  bin=$(command -v smokehook 2>/dev/null) || bin=
fi
if [ -z "$bin" ]; then
  action=commit
  [ "$hook" = pre-push ] && action=push
  echo "smokehook: the $hook hook cannot find smokehook: it is not at @SMOKEHOOK_BIN@ (where it was installed from) nor on PATH." >&2
  echo "smokehook: reinstall it and run 'smokehook install' again, or run 'smokehook uninstall' to remove this hook." >&2
  echo "smokehook: to $action once without the hook: git $action --no-verify" >&2
  exit 1
fi

if [ "$hook" = pre-push ]; then
  printf '%s' "$refs" | "$bin" --hook pre-push "$@"
else
  "$bin" --hook "$hook"
fi
status=$?
# Killed or crashed: the commit or push is blocked, and says so.
if [ "$status" -gt 128 ]; then
  echo "smokehook: the $hook check was interrupted (signal $((status - 128))); nothing was let through." >&2
  echo "smokehook: run it again, or bypass it once with --no-verify." >&2
fi
exit "$status"
