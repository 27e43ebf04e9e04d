#!/usr/bin/env bash
# Runs a command while N busy loops compete with it for the CPU, and stops
# them when it ends. Some failure rates depend on how busy the machine is (a
# fork racing a destroyed client's threads failed in 2 of 40 trials quiet and
# 18 of 40 beside 3 busy loops on 2 cores), so expectations are recorded,
# and the check measured, quiet and loaded:
#
#   tools/calibration/with_cpu_load.sh --busy=3 -- COMMAND [ARGS...]
#
# The command runs in the foreground, as it would alone: its standard input,
# Ctrl-C and exit status are its own (a death by a signal included); a
# signal sent to this script alone ends the loops, not the command. 2 on
# bad arguments.
set -uo pipefail

busy=''
while [ $# -gt 0 ]; do
  case "$1" in
    --busy=*) busy="${1#*=}" ;;
    --) shift; break ;;
    *) echo "with_cpu_load: unknown argument $1 (usage: --busy=N -- COMMAND...)" >&2; exit 2 ;;
  esac
  shift
done
[[ "$busy" =~ ^[1-9][0-9]?$ ]] || { echo "with_cpu_load: --busy must be a whole number from 1 to 99" >&2; exit 2; }
[ $# -gt 0 ] || { echo "with_cpu_load: no command after --" >&2; exit 2; }

# Each loop checks every fraction of a second that this script still runs,
# so none outlives it however it ends (SIGKILL and the OOM killer too, which
# leave no trap to run); the trap only stops them sooner.
loops=()
stop_loops() {
  [ ${#loops[@]} -eq 0 ] || kill "${loops[@]}" 2>/dev/null
  wait "${loops[@]}" 2>/dev/null
}
trap stop_loops EXIT
for _ in $(seq "$busy"); do
  bash -c 'while kill -0 "$1" 2>/dev/null; do
             for ((i = 0; i < 200000; i++)); do :; done
           done' busy_loop "$$" </dev/null &
  loops+=($!)
done
"$@"
