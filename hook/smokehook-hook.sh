#!/bin/sh
# smokehook:managed-hook:v2
# Installed by `smokehook install`; `smokehook uninstall` removes it and puts
# back the hook that was here before (kept beside it as @HOOK@.smokehook-orig;
# smokehook runs that one first). The shell form of hook/launcher.c, for the
# machines that one is not built for, or when SMOKEHOOK_HOOK_SCRIPT=1 at install.
hook=@HOOK@
installed=@SMOKEHOOK_BIN@

bin=$installed
if [ ! -x "$bin" ]; then
  bin=$(command -v smokehook 2>/dev/null) || bin=
fi
if [ -z "$bin" ]; then
  action=commit
  [ "$hook" = pre-push ] && action=push
  echo "smokehook: the $hook hook cannot find smokehook: it is not at $installed (where it was installed from) nor on PATH." >&2
  echo "smokehook: reinstall it and run 'smokehook install' again, or run 'smokehook uninstall' to remove this hook." >&2
  echo "smokehook: to $action once without the hook: git $action --no-verify" >&2
  exit 1
fi
exec "$bin" --hook-file "$0" --hook "$hook" "$@"
