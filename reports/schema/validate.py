#!/usr/bin/env python3
"""Validates isobench result documents against the committed JSON Schema.

usage: validate.py FILE.json...   exit 0 if all are valid, 1 otherwise (one line per problem)
"""
import json
import os
import sys

import jsonschema

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "results-v1.schema.json")) as f:
    schema = json.load(f)
validator = jsonschema.Draft202012Validator(schema)
bad = 0
for path in sys.argv[1:]:
    try:
        with open(path) as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        print(f"{path}: {e}")
        bad += 1
        continue
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    for e in errors[:10]:
        print(f"{path}: {'/'.join(map(str, e.path))}: {e.message}")
    bad += bool(errors)
    if not errors:
        print(f"{path}: valid")
sys.exit(1 if bad else 0)
