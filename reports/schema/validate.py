#!/usr/bin/env python3
"""Validates isobench result documents against the committed JSON Schema of their version
(results-v<schema_version>.schema.json: 1 and 2; isobench writes 2).

usage: validate.py FILE.json...   exit 0 if all are valid, 1 otherwise (one line per problem)
"""
import json
import os
import sys

import jsonschema

here = os.path.dirname(os.path.abspath(__file__))
validators = {}
for v in (1, 2):
    with open(os.path.join(here, f"results-v{v}.schema.json")) as f:
        validators[v] = jsonschema.Draft202012Validator(json.load(f))
bad = 0
for path in sys.argv[1:]:
    try:
        with open(path) as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        print(f"{path}: {e}")
        bad += 1
        continue
    version = doc.get("schema_version") if isinstance(doc, dict) else None
    if version not in validators:
        print(f"{path}: schema_version {version!r} is not one this validator knows (1, 2)")
        bad += 1
        continue
    errors = sorted(validators[version].iter_errors(doc), key=lambda e: list(e.path))
    for e in errors[:10]:
        print(f"{path}: {'/'.join(map(str, e.path))}: {e.message}")
    bad += bool(errors)
    if not errors:
        print(f"{path}: valid")
sys.exit(1 if bad else 0)
