# Runs a step at most once per idempotency key on this host, and answers its outcome.
# Arguments: mode (run, status, or detached for the copy that runs the step), marker name,
# seconds to wait for a step already running, step, verify command, success exit codes
# (space separated), bytes of step output to print, and for detached the pid of the exec.
# The marker is a set of files next to each other: NAME.pid is the claim, a symbolic link whose
# target is the claim's text, made whole and at once by ln -s so that two execs can never both
# win it (wrappers before it wrote a file and hard-linked it into place: both are read); NAME.exit
# and NAME.result are written to a temporary file and renamed, so a reader sees them whole or not
# at all. NAME.verify is complete before NAME.result appears.
# Every process costs the host a fork and an exec, and a wave runs this on many hosts at once:
# what the shell can do itself (read a file, set a variable) it does without starting one.
mode=$1 name=$2 wait=$3 step=$4 verify=$5 ok=$6 tail=$7
m="$HOME/.patchwave/$name"
umask 077
boot=
{ read -r boot < /proc/sys/kernel/random/boot_id; } 2> /dev/null
# The claim names the runner; a pid alone could have been reused since the runner died.
alive() {
  kill -0 "$1" 2> /dev/null || return 1
  [ ! -r "/proc/$1/cmdline" ] || grep -qF -- "$name" "/proc/$1/cmdline"
}
# Verifies and records the result; $1 is the file the verify writes to: the runner, alone while
# it lives, writes NAME.verify itself; a wrapper finishing for a runner that died writes a copy of
# its own and renames it, since another may be finishing too.
finish() {
  read -r c < "$m.exit"
  v=-
  case " $ok " in *" $c "*)
    if [ -n "$verify" ]; then
      sh -c "$verify" > "$1" 2>&1 < /dev/null
      v=$?
      [ "$1" = "$m.verify" ] || mv -f "$1" "$m.verify"
    fi ;;
  esac
  echo "exit=$c verify=$v" > "$m.result.$$" && mv -f "$m.result.$$" "$m.result"
}
# Sets s to the marker's state.
state() {
  if [ -f "$m.result" ]; then s=finished; return; fi
  if [ -h "$m.pid" ]; then
    set -- $(readlink "$m.pid")
    p=$1 b=$2 o=$3
  elif [ -f "$m.pid" ]; then read -r p b o < "$m.pid"
  else s=none; return; fi
  if [ "$b" = "$boot" ] && alive "$p"; then s=running
  elif [ -f "$m.result" ]; then s=finished
  elif [ -f "$m.exit" ]; then s=unverified
  else s=interrupted; fi
}
if [ "$mode" = detached ]; then
  unset w
  # 3: another runner holds the claim.
  ln -s "$$ $boot $8" "$m.pid" 2> /dev/null || exit 3
  sh -c "$step" > "$m.out" 2>&1 < /dev/null
  echo "$?" > "$m.exit.$$" && mv -f "$m.exit.$$" "$m.exit"
  finish "$m.verify"
  exit 0
fi
[ -d "$HOME/.patchwave" ] || mkdir -p "$HOME/.patchwave" || exit 70
if [ "$mode" = status ]; then how=read; else how=before; fi
state
if [ "$mode" = run ] && [ "$s" = none ]; then
  # In a session of its own, reading and writing only files: a dropped connection, a
  # killed controller or a closed channel leaves it running, and it records how it ended.
  if command -v setsid > /dev/null 2>&1; then detach=setsid; else detach=nohup; fi
  $detach sh -c 'eval "$w"' patchwave detached "$name" 0 "$step" "$verify" "$ok" 0 "$$" \
    < /dev/null > /dev/null 2>&1 &
  wait $!
  runner=$?
  state
  how=ran
  [ "$runner" -ne 3 ] || how=joined
fi
if [ "$mode" = run ] && [ "$s" = running ]; then
  [ "$how" = ran ] || how=joined
  end=$(( $(date +%s) + wait ))
  while [ "$s" = running ] && [ "$(date +%s)" -lt "$end" ]; do
    sleep 0.2 2> /dev/null || sleep 1
    state
  done
fi
# The step ended but its runner died before verifying (a reboot right after the install).
if [ "$s" = unverified ]; then
  finish "$m.verify.$$"
  s=finished
fi
if [ "$s" = finished ]; then
  tail -c "$tail" "$m.out" 2> /dev/null
  echo
  echo PATCHWAVE-VERIFY
  tail -c 1024 "$m.verify" 2> /dev/null
  echo
  read -r r < "$m.result"
  echo "PATCHWAVE-RESULT state=finished how=$how $r"
else
  echo "PATCHWAVE-RESULT state=$s how=$how"
fi
