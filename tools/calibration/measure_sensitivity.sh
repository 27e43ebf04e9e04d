#!/usr/bin/env bash
# Measures how small a slowdown //reports:compare reliably detects, and how
# often it raises a false alarm, on process_models_benchmark (see
# measure_sensitivity_main.cc). Takes a few minutes; run it on an otherwise
# idle machine for figures to quote, or on a busy one to see the worst case.
#
#   tools/calibration/measure_sensitivity.sh            # 5 repetitions a side
#   tools/calibration/measure_sensitivity.sh --rounds=2 --repetitions_per_round=5
#
# Arguments go to the tool (--slowdowns=0,1,2,3,5,10 --trials=5 --rounds=1
# --repetitions_per_round=5 --base_delay_us=20000 --size=8KiB --out=PATH).
set -euo pipefail
cd "$(dirname "$0")/../.."
exec bazel run --config=bench //tools/calibration:measure_sensitivity -- "$@"
