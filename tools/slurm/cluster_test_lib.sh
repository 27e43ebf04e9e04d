# shellcheck shell=bash
# Sourced by the tests of tools/slurm, after common/testing/sh_test_lib.sh:
# whether a cluster of single_node_cluster.sh left anything behind.

# leftovers DIR: every live process whose command line, environment or
# open files name the cluster directory DIR (the daemons name it in their
# arguments; job processes carry FORKCHECK_SLURM_CLUSTER=DIR; slurmstepd
# keeps the node daemon's log open).
leftovers() {
  ps -eo pid=,args= | grep -F -- "$1" | grep -v -e grep -e "$NAME" || true
  grep -lzxF "FORKCHECK_SLURM_CLUSTER=$1" /proc/[0-9]*/environ 2>/dev/null || true
  find /proc/[0-9]*/fd -maxdepth 1 -lname "$1/*" 2>/dev/null || true
}

# expect_gone DIR: DIR is removed and no process of its cluster is alive.
expect_gone() {
  [ ! -e "$1" ] || die "the cluster directory $1 is still there"
  local left
  left=$(leftovers "$1")
  [ -z "$left" ] || die "processes of the cluster $1 outlived it: $left"
}
