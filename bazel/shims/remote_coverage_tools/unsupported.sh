#!/bin/sh
echo "forkcheck: coverage is not supported in the offline build (no coverage tools are available)." >&2
exit 1
