# Sourced by record.sh and cases_test.sh: how a case folder is read, so that
# the recording and the replay can never read one differently (record.sh
# documents the files).
# --variables: the names only (a variable written twice shows either default, as a Go map's order falls).
names() { if [ "$1" = --variables ]; then awk '{print $1}'; else cat; fi; }
listings="--services --volumes --networks --profiles --images --models --variables --environment"
# read_case DIR: sets args (global options), run (the folder to run from) and options (config's own).
read_case() {
  args="-p x"
  [ -f "$1/args" ] && args=$(cat "$1/args")
  run=$1
  [ -f "$1/cwd" ] && run=$1/$(cat "$1/cwd")
  options=""
  [ -f "$1/options" ] && options=$(cat "$1/options")
  return 0
}
