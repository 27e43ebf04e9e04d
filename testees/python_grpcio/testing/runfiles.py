"""Paths of the test's runfiles (Bazel sets TEST_SRCDIR and TEST_WORKSPACE),
or of the runfiles tree this module is in (a testonly py_binary run from
bazel-bin, e.g. trial_cost)."""

import os


def _workspace_root() -> str:
    root = os.environ.get("TEST_SRCDIR")
    if root:
        return os.path.join(root, os.environ.get("TEST_WORKSPACE", "forkcheck"))
    # abspath, not realpath: the runfiles tree's files are symlinks to the
    # sources, and the tree is what holds the binaries beside them.
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.normpath(os.path.join(here, "..", "..", ".."))
    if ".runfiles" + os.sep not in root + os.sep:
        raise RuntimeError("TEST_SRCDIR is not set and this is not a runfiles tree: run this under `bazel test`")
    return root


def path(relative: str) -> str:
    """`relative` (from the workspace root) in the runfiles tree."""
    candidate = os.path.join(_workspace_root(), relative)
    if not os.path.exists(candidate):
        raise FileNotFoundError(f"{relative} is not in the runfiles ({candidate})")
    return candidate
