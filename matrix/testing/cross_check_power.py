#!/usr/bin/env python3
"""The expected values of check_power_test and expectations_test, from scipy.

Usage: cross_check_power.py  (python3-scipy; prints one line per case)

The same sum as matrix/check_power.cc, written independently: for a record
of f0 failures in n0 trials and m new trials failing at the shifted share,
the chance that Fisher's two-sided p (scipy.stats.fisher_exact) is at most
the threshold, and the first failure count flagged in the shift's
direction.
"""
from scipy.stats import binom, fisher_exact


def power(f0, n0, m, shift, threshold):
    share = f0 / n0
    moved = share + shift if share <= 0.5 else share - shift
    moved = min(max(moved, 0.0), 1.0)
    rise = moved > share
    chance, needed = 0.0, -1
    for k in range(m + 1):
        if fisher_exact([[f0, n0 - f0], [k, m - k]])[1] > threshold:
            continue
        chance += binom.pmf(k, m, moved)
        if rise and k / m > share and needed < 0:
            needed = k
        if not rise and k / m < share:
            needed = k
    return moved, needed, chance


CASES = [
    # check_power_test: the default run's C++ threshold, 0.005 / 146.
    (0, 1000, 50, 0.005 / 146), (0, 1000, 30, 0.005 / 146),
    (0, 300, 50, 0.005 / 146), (0, 100, 30, 0.005 / 146),
    (0, 8, 50, 0.005 / 146), (0, 36, 50, 0.005 / 146),
    (100, 100, 50, 0.005 / 146), (50, 100, 50, 0.005 / 146),
    # expectations_test: four tests at alpha 0.01.
    (0, 1000, 50, 0.01 / 4), (0, 8, 50, 0.01 / 4), (36, 36, 50, 0.01 / 4),
    (1000, 1000, 50, 0.01 / 4), (0, 1000, 5, 0.01 / 4),
]

for f0, n0, m, threshold in CASES:
    moved, needed, chance = power(f0, n0, m, 0.2, threshold)
    print(f"record {f0}/{n0}, {m} new trials at {moved:.2f}, threshold "
          f"{threshold:.3g}: flagged from {needed}, power {chance:.6g}")
