# Sourced by tests/hostile/run inside a case's fresh folder. A case sets up what a user (or an
# attacker) would have there, calls `begin`, runs commands with `expect`, and ends; `finish`
# (called by the runner) then checks that nothing but the named outputs changed since `begin`.

declare -a hostile_outputs=()
hostile_begun=0

fail() {
  echo "$CASE: $*"
  exit 1
}

# The state of every entry under the folder: type, mode, size, link target and content hash.
# Special files are never opened.
hostile_state() {
  find . -mindepth 1 -printf '%p %y %m %l\n' | sort >"$1.list"
  : >"$1.sums"
  while IFS= read -r -d '' file; do
    sha256sum "$file" >>"$1.sums"
  done < <(find . -mindepth 1 -type f -print0 | sort -z)
}

# Everything in the folder now is the user's: it must be unchanged at the end, but for the
# paths named with `output`.
begin() {
  hostile_state "$HOSTILE_STATE.before"
  hostile_begun=1
}

# PATH... may change (created, replaced or removed) by the commands that follow.
output() { hostile_outputs+=("$@"); }

# expect CODE [--message REGEX] [--stdin FILE] -- funnelsim ARGS...
# Runs funnelsim under the address-space cap and the timeout; fails when the exit code is not
# CODE (124: a hang, 134/139: a crash), or when stderr does not match REGEX (extended, grep -E).
expect() {
  local code=$1
  shift
  local pattern="" stdin=/dev/null
  while (($# > 0)); do
    case $1 in
      --message) pattern=$2; shift 2 ;;
      --stdin) stdin=$2; shift 2 ;;
      --) shift; break ;;
      *) fail "expect: unknown option $1" ;;
    esac
  done
  [ "$1" = funnelsim ] || fail "expect: the command must start with 'funnelsim'"
  shift
  local status
  (
    # "unlimited" under the sanitizers (.ci/sanitizers), whose shadow memory needs no cap.
    ulimit -v "$FUNNELSIM_HOSTILE_LIMIT_KB"
    exec timeout -k 5 "$FUNNELSIM_HOSTILE_TIMEOUT" "$FUNNELSIM" "$@"
  ) <"$stdin" >"$HOSTILE_STATE.out" 2>"$HOSTILE_STATE.err"
  status=$?
  echo "\$ funnelsim $*   -> exit $status"
  sed 's/^/  stderr: /' "$HOSTILE_STATE.err" | head -n 20
  ((status == 124 || status == 137)) && fail "timed out after ${FUNNELSIM_HOSTILE_TIMEOUT} s"
  ((status >= 128)) && fail "crashed with signal $((status - 128))"
  ((status == code)) || fail "exit $status, expected $code"
  if [ -n "$pattern" ] && ! grep -Eq -- "$pattern" "$HOSTILE_STATE.err"; then
    fail "stderr does not match /$pattern/"
  fi
  return 0
}

# The standard output of the last `expect`.
last_stdout() { cat "$HOSTILE_STATE.out"; }

finish() {
  ((hostile_begun)) || fail "the case never called begin"
  hostile_state "$HOSTILE_STATE.after"
  local filter=()
  local path
  for path in "${hostile_outputs[@]}"; do
    filter+=(-e "^\./${path}[ /]" -e "^[0-9a-f]*  \./${path}\$" -e "^[0-9a-f]*  \./${path}/")
  done
  local diff_list diff_sums
  if ((${#filter[@]} > 0)); then
    diff_list=$(diff <(grep -v "${filter[@]}" "$HOSTILE_STATE.before.list") \
                     <(grep -v "${filter[@]}" "$HOSTILE_STATE.after.list"))
    diff_sums=$(diff <(grep -v "${filter[@]}" "$HOSTILE_STATE.before.sums") \
                     <(grep -v "${filter[@]}" "$HOSTILE_STATE.after.sums"))
  else
    diff_list=$(diff "$HOSTILE_STATE.before.list" "$HOSTILE_STATE.after.list")
    diff_sums=$(diff "$HOSTILE_STATE.before.sums" "$HOSTILE_STATE.after.sums")
  fi
  # Modification times are not compared; type, mode, link target and content are.
  if [ -n "$diff_list$diff_sums" ]; then
    echo "$diff_list"
    echo "$diff_sums"
    fail "files other than the named outputs changed"
  fi
  rm -f "$HOSTILE_STATE".*
}
