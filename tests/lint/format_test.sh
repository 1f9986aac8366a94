#!/bin/sh
# Every C and C++ source of the project is as clang-format (.clang-format)
# writes it. Prints the files that are not and how to fix them.
set -eu
cd "${SMOKEHOOK_SOURCE:-$(dirname "$0")/../..}"
command -v clang-format >/dev/null 2>&1 || { echo "clang-format is not installed (apt-get install clang-format)"; exit 77; }
bad=0
for f in $(git ls-files 'src/*.cc' 'src/*.h' 'tests/*.cc' 'tests/*.h' 'bench/*.cc' 'hook/*.c' 'hook/*.h' 2>/dev/null ||
           find src tests bench hook -name '*.cc' -o -name '*.h' -o -name '*.c'); do
  if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
    echo "not formatted: $f"
    bad=1
  fi
done
[ "$bad" -eq 0 ] || { echo "fix with: clang-format -i FILE... (or git clang-format for a change)"; exit 1; }
echo "every source is formatted"
