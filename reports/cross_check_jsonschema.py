#!/usr/bin/env python3
"""Validates documents against a JSON Schema with python3-jsonschema.

  cross_check_jsonschema.py SCHEMA DOC...

Prints one tab-separated line per document, "valid<TAB>DOC" or
"invalid<TAB>DOC<TAB><first error>", and exits 0. Exit 2: bad usage, or SCHEMA is not a valid draft 2020-12 schema.
Exit 3: python3-jsonschema is missing.

The validator is Draft202012Validator with one change that mirrors
reports/json_schema.h: "integer" means a number written without a fraction
or exponent (Python's json gives int for 1, float for 1.0), not any number
with a zero fraction. Duplicate object keys make a document invalid, as
common/json_fields.h's ParseStrict does.
"""

import json
import sys

try:
    import jsonschema
except ImportError:
    sys.stderr.write(
        "python3-jsonschema is not installed: install it with "
        "`apt-get install -y python3-jsonschema` (Debian package "
        "python3-jsonschema; add it to the project's package list)\n")
    sys.exit(3)


def _is_integer(_checker, instance):
    return isinstance(instance, int) and not isinstance(instance, bool)


_BASE = jsonschema.Draft202012Validator
Validator = jsonschema.validators.extend(
    _BASE, type_checker=_BASE.TYPE_CHECKER.redefine("integer", _is_integer))


def _reject_duplicates(pairs):
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError("duplicate key %r" % key)
        seen[key] = value
    return seen


def _load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f, object_pairs_hook=_reject_duplicates)


def main(argv):
    if len(argv) < 3:
        sys.stderr.write("usage: %s SCHEMA DOC...\n" % argv[0])
        return 2
    try:
        schema = _load(argv[1])
        Validator.check_schema(schema)
    except (OSError, ValueError, jsonschema.exceptions.SchemaError) as e:
        sys.stderr.write("%s: bad schema: %s\n" % (argv[1], e))
        return 2
    validator = Validator(schema)
    for path in argv[2:]:
        try:
            document = _load(path)
        except ValueError as e:  # not JSON, or a duplicate key
            print("invalid\t%s\tnot JSON: %s" % (path, e))
            continue
        error = jsonschema.exceptions.best_match(validator.iter_errors(document))
        if error is None:
            print("valid\t%s" % path)
        else:
            print("invalid\t%s\t/%s: %s" % (
                path, "/".join(str(p) for p in error.absolute_path),
                error.message))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
