#!/usr/bin/env python3
"""A write trial's table as read_table read it back, in the harness's words.

  table_read_back.py STATUS ACCOUNT_FILE

STATUS is read_table's exit status as a shell gives it (128 + N: killed by
signal N); ACCOUNT_FILE holds what it printed, one JSON account. Judges it
as forkcheck's harness does (matrix/table_read_back.cc
TableReadBackFromAccount, supervisor/outcome_classifier.cc
DescribeTableFaults; driver/repro_bundle_test checks the two agree):

  exit 0, nothing printed        the table holds exactly its rows, once each
  exit 0, "table read back: 12 rows missing, 3 duplicated"
                                 it does not: the trial's writers are
                                 wrong_data
  exit 3, why                    the table could not be read, which judges
                                 nothing
"""
import json
import signal
import sys

# The account's counts, and how the harness words each that is not 0, in
# its order.
FAULTS = (("missing_rows", "rows missing"), ("duplicate_rows", "duplicated"),
          ("out_of_range_rows", "out of range"), ("corrupted_rows",
                                                  "corrupted"),
          ("corrupt_responses", "corrupt responses"))
COUNTS = ("rows_received",) + tuple(key for key, _ in FAULTS)


def describe_status(status):
    """As common/subprocess.h DescribeWaitStatus words it."""
    if status > 128:
        try:
            name = signal.Signals(status - 128).name
        except ValueError:
            name = "signal %d" % (status - 128)
        return "killed by signal %s" % name
    return "exited with status %d" % status


def unreadable(why):
    print(why)
    sys.exit(3)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    status = int(sys.argv[1])
    with open(sys.argv[2]) as f:
        line = f.readline()
    if not line:
        unreadable("read_table %s without an account" % describe_status(status))
    if status > 1:
        unreadable("read_table %s (0 or 1 expected)" % describe_status(status))
    try:
        account = json.loads(line)
    except ValueError as e:
        unreadable("read_table's account is not valid JSON: %s" % e)
    if not isinstance(account, dict):
        unreadable("read_table's account is not a JSON object")
    # An error the read did not recover from leaves the table unknown.
    if account.get("error") is not None:
        unreadable("read_table could not read the table: %s" % json.dumps(
            account["error"], sort_keys=True, separators=(",", ":")))
    for key in COUNTS:
        count = account.get(key)
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            unreadable("read_table's account: %s is not a count: %s" %
                       (key, json.dumps(count)))
    faults = ["%d %s" % (account[key], words) for key, words in FAULTS
              if account[key] > 0]
    if faults:
        print("table read back: " + ", ".join(faults))


main()
