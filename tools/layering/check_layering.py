#!/usr/bin/env python3
"""Checks that forkcheck's rooms depend on each other one way only.

Reads the dependency graph of //... as `bazel query --output=graph
--nograph:factored` prints it (on stdin, or runs bazel itself with
--query), and the rooms' layers from rooms.txt. Edges to package groups
(visibility: who may depend on a target, not what it depends on) are not
dependencies. Prints every edge that runs
from a room to a room of its own or a higher layer, and every room missing
from rooms.txt. Exit status: 0 when there are none, 1 when there are, 2 on
bad input.
"""

import argparse
import re
import subprocess
import sys

EDGE = re.compile(r'^\s*"([^"]+)"\s*->\s*"([^"]+)"')


def parse_rooms(text):
    """{room: layer} from rooms.txt's `layer: room room ...` lines."""
    layers = {}
    for number, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        layer, sep, rooms = line.partition(":")
        if not sep or not layer.strip().isdigit() or not rooms.split():
            raise ValueError(f"rooms.txt:{number}: expected `N: room ...`, got {line!r}")
        for room in rooms.split():
            if room in layers:
                raise ValueError(f"rooms.txt:{number}: {room} is listed twice")
            layers[room] = int(layer)
    return layers


def room_of(label):
    """The top-level directory of a label of this workspace, or None."""
    if not label.startswith("//"):
        return None  # @system_libs//..., external repositories
    package = label[2:].split(":", 1)[0]
    return package.split("/", 1)[0] if package else ""


def parse_edges(text):
    """(from, to) label pairs of a graph output."""
    edges = []
    for line in text.splitlines():
        match = EDGE.match(line)
        if match:
            edges.append((match.group(1), match.group(2)))
    return edges


def violations(edges, layers):
    """Readable lines, one per room pair that breaks the layering."""
    problems = {}
    unknown = set()
    for source, target in edges:
        a, b = room_of(source), room_of(target)
        if a is None or b is None or a == b:
            continue
        for room in (a, b):
            if room not in layers:
                unknown.add(room)
        if a not in layers or b not in layers:
            continue
        if layers[b] >= layers[a]:
            problems.setdefault((a, b), []).append(f"{source} -> {target}")
    lines = [f"room {room!r} is not in rooms.txt" for room in sorted(unknown)]
    for (a, b), examples in sorted(problems.items()):
        relation = "the same layer" if layers[a] == layers[b] else "a higher layer"
        lines.append(
            f"{a} (layer {layers[a]}) depends on {b}, {relation} "
            f"({layers[b]}): {len(examples)} edge(s), e.g. {examples[0]}")
    return lines


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rooms", required=True, help="rooms.txt")
    parser.add_argument("--query", action="store_true",
                        help="run bazel query in the current workspace "
                             "instead of reading the graph on stdin")
    args = parser.parse_args(argv)
    try:
        with open(args.rooms, encoding="utf-8") as f:
            layers = parse_rooms(f.read())
    except (OSError, ValueError) as error:
        print(f"check_layering: {error}", file=sys.stderr)
        return 2
    if args.query:
        run = subprocess.run(
            ["bazel", "query",
             "let all = deps(//..., 1) in $all except kind(\"package group\", $all)",
             "--output=graph", "--nograph:factored", "--noshow_progress"],
            capture_output=True, text=True, timeout=600)
        if run.returncode != 0:
            print(f"check_layering: bazel query failed:\n{run.stderr}",
                  file=sys.stderr)
            return 2
        graph = run.stdout
    else:
        graph = sys.stdin.read()
    edges = parse_edges(graph)
    if not edges:
        print("check_layering: no edges in the graph", file=sys.stderr)
        return 2
    problems = violations(edges, layers)
    for line in problems:
        print(line)
    rooms = {room_of(label) for edge in edges for label in edge} - {None}
    if problems:
        print(f"check_layering: {len(problems)} problem(s) among "
              f"{len(rooms)} rooms")
        return 1
    print(f"check_layering: {len(edges)} edges, {len(rooms)} rooms, every "
          "dependency runs downwards")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
