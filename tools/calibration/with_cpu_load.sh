#!/usr/bin/env bash
# Runs a command while N busy loops compete with it for the CPU, and stops
# them when it ends (whatever way it ends). Some failure rates depend on how
# busy the machine is (a fork racing a destroyed client's threads crashed in 2
# of 40 trials quiet and 18 of 40 beside 3 busy loops on 2 cores), so
# expectations are recorded, and the check measured, quiet and loaded:
#
#   tools/calibration/with_cpu_load.sh --busy=3 -- COMMAND [ARGS...]
#
# Exit status: the command's; 2 on bad arguments.
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
[[ "$busy" =~ ^[1-9][0-9]*$ ]] || { echo "with_cpu_load: --busy must be a positive whole number" >&2; exit 2; }
[ $# -gt 0 ] || { echo "with_cpu_load: no command after --" >&2; exit 2; }

loops=()
stop_loops() { [ ${#loops[@]} -eq 0 ] || kill "${loops[@]}" 2>/dev/null; wait "${loops[@]}" 2>/dev/null; }
trap stop_loops EXIT
trap 'exit 130' INT TERM
for _ in $(seq "$busy"); do
  (trap - INT TERM; while :; do :; done) &
  loops+=($!)
done
"$@"
