#!/usr/bin/env python3
"""Checks //stats:mann_whitney_cli against scipy.stats.mannwhitneyu.

Usage: cross_check_mann_whitney.py MANN_WHITNEY_CLI

Generates a fixed set of cases (seeded: the same every run) covering both of
scipy's methods: small samples without ties (exact distribution), ties and
larger samples (normal approximation with tie and continuity corrections),
complete separation, all-equal samples and lopsided sizes. Prints one line
per disagreement; exits 1 if there is any, 0 otherwise.
"""
import random
import subprocess
import sys

from scipy.stats import mannwhitneyu


def cases():
    rng = random.Random(20261202)
    out = [
        ([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]),
        ([1.0] * 5, [1.0] * 5),
        ([1, 2], [3]),
        ([3.5], [3.5]),
        (list(range(8)), [x + 100 for x in range(300)]),
        (list(range(40)), [x + 0.5 for x in range(40)]),
    ]
    for _ in range(400):
        n1 = rng.randint(1, 25)
        n2 = rng.randint(1, 25)
        shift = rng.choice([0.0, 0.3, 1.0, 3.0])
        if rng.random() < 0.5:  # continuous: no ties
            x = [rng.gauss(0, 1) for _ in range(n1)]
            y = [rng.gauss(shift, 1) for _ in range(n2)]
        else:  # coarse values: ties
            x = [float(rng.randint(0, 6)) for _ in range(n1)]
            y = [float(rng.randint(0, 6) + round(shift)) for _ in range(n2)]
        out.append((x, y))
    return out


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    all_cases = cases()
    stdin = "".join(
        " ".join(repr(v) for v in x) + " | " + " ".join(repr(v) for v in y) + "\n"
        for x, y in all_cases)
    ours = subprocess.run([sys.argv[1]], input=stdin, capture_output=True,
                          text=True, timeout=60, check=True).stdout.splitlines()
    if len(ours) != len(all_cases):
        sys.exit(f"{len(ours)} results for {len(all_cases)} cases")
    disagreements = 0
    methods = {"exact": 0, "asymptotic": 0}
    for (x, y), line in zip(all_cases, ours):
        u, p, method = line.split()
        u, p = float(u), float(p)
        ties = len(set(x + y)) < len(x) + len(y)
        expected_method = ("exact" if min(len(x), len(y)) <= 8 and not ties
                           else "asymptotic")
        reference = mannwhitneyu(x, y, alternative="two-sided", method="auto")
        methods[method] += 1
        ok = (abs(u - reference.statistic) < 1e-9 and
              abs(p - reference.pvalue) <= 1e-12 + 1e-9 * reference.pvalue and
              method == expected_method)
        if not ok:
            disagreements += 1
            print(f"DISAGREE x={x} y={y}: ours U={u} p={p!r} {method}; "
                  f"scipy U={reference.statistic} p={reference.pvalue!r} "
                  f"{expected_method}")
    print(f"{len(all_cases)} cases ({methods['exact']} exact, "
          f"{methods['asymptotic']} asymptotic), {disagreements} disagree")
    sys.exit(1 if disagreements else 0)


if __name__ == "__main__":
    main()
