"""Paths of the test's runfiles (Bazel sets TEST_SRCDIR and TEST_WORKSPACE)."""

import os


def path(relative: str) -> str:
    """`relative` (from the workspace root) in the runfiles tree."""
    root = os.environ.get("TEST_SRCDIR")
    if not root:
        raise RuntimeError("TEST_SRCDIR is not set: run this under `bazel test`")
    candidate = os.path.join(root, os.environ.get("TEST_WORKSPACE", "forkcheck"), relative)
    if not os.path.exists(candidate):
        raise FileNotFoundError(f"{relative} is not in the runfiles ({candidate})")
    return candidate
