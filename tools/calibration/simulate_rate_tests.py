#!/usr/bin/python3
"""How the expectations check's rate tests behave on runs whose rate moves.

Simulates a cell part recorded over K runs of 30 trials and checked against
one new run of 30, and counts how often each way of testing calls the new
run a change at --alpha: Fisher's exact test on every recorded trial; the
quasi-binomial test against the runs always; and the check's rule, the
quasi-binomial test only where Pearson's chi-square over the recorded runs
rejects one rate at --runs_disagree_alpha (matrix/expectations.h), Fisher's
otherwise. Runs either share one rate (binomial) or draw their rate from a
beta law (a beta-binomial of intra-run correlation 0.1: dispersion 3.9 at
30 trials, about what the idle-write parent part showed over 13 runs;
matrix/README.md, "Runs are not all alike").

A computation of the tests' behaviour under those laws, independent of the
C++ (scipy): a planning aid, not a measurement of forkcheck's runs.

  /usr/bin/python3 tools/calibration/simulate_rate_tests.py --draws=3000
"""
import argparse
import math
import sys

try:
    import numpy as np
    from scipy import stats
except ImportError as error:  # Debian: python3-scipy (./forkcheck setup)
    sys.exit(f"simulate_rate_tests: {error}; install python3-scipy")

TRIALS = 30


def dispersion(runs):
    failures = sum(f for f, _ in runs)
    trials = sum(n for _, n in runs)
    if len(runs) < 2 or failures in (0, trials):
        return None
    rate = failures / trials
    chi = sum((f - rate * n) ** 2 / (rate * n * (1 - rate)) for f, n in runs)
    df = len(runs) - 1
    return chi / df, df, stats.chi2.sf(chi, df)


def quasi_p(runs, now):
    ratio, df, _ = dispersion(runs)
    failures = sum(f for f, _ in runs)
    trials = sum(n for _, n in runs)
    rate = (failures + now[0]) / (trials + now[1])
    se = math.sqrt(max(1, ratio) * rate * (1 - rate) * (1 / now[1] + 1 / trials))
    return 2 * stats.t.sf(abs(now[0] / now[1] - failures / trials) / se, df)


def fisher_p(runs, now):
    failures = sum(f for f, _ in runs)
    trials = sum(n for _, n in runs)
    return stats.fisher_exact(
        [[failures, trials - failures], [now[0], now[1] - now[0]]])[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--draws", type=int, default=3000)
    parser.add_argument("--alpha", type=float, default=0.005)
    parser.add_argument("--runs_disagree_alpha", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.draws < 1 or not 0 < args.alpha < 1 or not 0 < args.runs_disagree_alpha < 1:
        sys.exit("simulate_rate_tests: --draws >= 1, --alpha and "
                 "--runs_disagree_alpha in (0, 1)")
    random = np.random.default_rng(args.seed)

    def run(mean, correlation):
        rate = mean
        if correlation > 0:
            rate = random.beta(mean * (1 - correlation) / correlation,
                               (1 - mean) * (1 - correlation) / correlation)
        return int(random.binomial(TRIALS, rate)), TRIALS

    scenarios = [
        ("no change, runs spread (mean 0.7)", 0.7, 0.1, 0.7, 0.1),
        ("no change, one rate (0.3)", 0.3, 0, 0.3, 0),
        ("0.3 -> 0.8, one rate", 0.3, 0, 0.8, 0),
        ("0.3 -> 0.9, runs spread", 0.3, 0.1, 0.9, 0),
    ]
    print(f"share of {args.draws} draws called a change at p < {args.alpha} "
          f"(new run: {TRIALS} trials; recorded runs: {TRIALS} each; rule: "
          f"quasi-binomial where the runs disagree at "
          f"{args.runs_disagree_alpha})")
    print("| recorded runs | scenario | Fisher | quasi-binomial always | the check's rule |")
    print("|---:|---|---:|---:|---:|")
    for runs_recorded in (2, 4, 8):
        for name, mean, correlation, new_mean, new_correlation in scenarios:
            counts = [0, 0, 0]
            for _ in range(args.draws):
                recorded = [run(mean, correlation) for _ in range(runs_recorded)]
                now = run(new_mean, new_correlation)
                spread = dispersion(recorded)
                fisher = fisher_p(recorded, now)
                always = quasi_p(recorded, now) if spread else fisher
                rule = (quasi_p(recorded, now)
                        if spread and spread[2] < args.runs_disagree_alpha
                        else fisher)
                for i, p in enumerate((fisher, always, rule)):
                    counts[i] += p < args.alpha
            shares = " | ".join(f"{100 * c / args.draws:.1f}%" for c in counts)
            print(f"| {runs_recorded} | {name} | {shares} |")


if __name__ == "__main__":
    main()
