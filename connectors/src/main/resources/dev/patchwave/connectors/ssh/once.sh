# Runs a step at most once per idempotency key on this host, and answers its outcome.
# Arguments: mode (run, or status to only read the marker), marker name, seconds to wait for a
# step already running, step, verify command, success exit codes (space separated), bytes of
# step output to print.
# The marker is a set of files next to each other: NAME.pid is the claim, a symbolic link whose
# target is the claim's text, made whole and at once by ln -s so that two execs can never both
# win it (wrappers before it wrote a file and hard-linked it into place: both are read).
# NAME.exit and NAME.result are each written once, by a single short write, so a reader takes
# an empty one for one not written yet; a wrapper finishing for a runner that died writes its
# NAME.result to a temporary file and renames it, since another may be finishing too.
# NAME.verify is complete before NAME.result appears.
# Every process costs the host a fork and an exec, and a wave runs this on many hosts at once:
# what the shell can do itself (read a file, set a variable, fork a copy of itself) it does
# without starting one.
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
# it lives, writes NAME.verify and NAME.result itself; a wrapper finishing for a runner that died
# writes copies of its own and renames them, since another may be finishing too.
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
  if [ "$1" = "$m.verify" ]; then
    echo "exit=$c verify=$v" > "$m.result"
  else
    echo "exit=$c verify=$v" > "$m.result.$$" && mv -f "$m.result.$$" "$m.result"
  fi
}
# Sets s to the marker's state.
state() {
  if [ -s "$m.result" ]; then s=finished; return; fi
  if [ -h "$m.pid" ]; then
    set -- $(readlink "$m.pid")
    p=$1 b=$2
  elif [ -f "$m.pid" ]; then read -r p b o < "$m.pid"
  else s=none; return; fi
  if [ "$b" = "$boot" ] && alive "$p"; then s=running
  elif [ -s "$m.result" ]; then s=finished
  elif [ -s "$m.exit" ]; then s=unverified
  else s=interrupted; fi
}
# Runs the step in a copy of this shell that reads and writes only files and ignores hangups: a
# dropped connection, a killed controller or a closed channel leaves it running, and it records
# how the step ended. The claim names it and this wrapper; in a copy $$ is still the wrapper's.
runner() {
  trap '' HUP
  exec < /dev/null > /dev/null 2>&1
  { read -r self rest < /proc/self/stat; } 2> /dev/null || self=$(exec sh -c 'echo $PPID')
  # 3: another runner holds the claim.
  ln -s "$self $boot $$" "$m.pid" || exit 3
  sh -c "$step" > "$m.out" 2>&1
  echo "$?" > "$m.exit"
  finish "$m.verify"
  exit 0
}
[ -d "$HOME/.patchwave" ] || mkdir -p "$HOME/.patchwave" || exit 70
if [ "$mode" = status ]; then how=read; else how=before; fi
state
if [ "$mode" = run ] && [ "$s" = none ]; then
  runner &
  wait $!
  r=$?
  state
  how=ran
  [ "$r" -ne 3 ] || how=joined
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
