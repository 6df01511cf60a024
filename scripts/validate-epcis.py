#!/usr/bin/python3
"""Validates EPCIS 2.0 JSON-LD documents against GS1's EPCIS JSON Schema (draft-07), URIs included.

Usage: scripts/validate-epcis.py SCHEMA FILE...   (the report tests run it; Debian python3-jsonschema and
python3-rfc3987, which checks the "uri" format that would otherwise pass unchecked).
Prints "ok FILE" or one line per error; exits 0 when every file is valid, 1 when one is not, 2 on bad usage.
"""
import json
import sys

try:
    import jsonschema
    import rfc3987  # noqa: F401  (jsonschema's "uri" format checker needs it)
except ImportError as missing:
    print(f"validate-epcis: {missing}; install python3-jsonschema and python3-rfc3987 (scripts/bootstrap.sh)")
    sys.exit(2)

if len(sys.argv) < 3:
    print(__doc__.strip().splitlines()[2])
    sys.exit(2)
with open(sys.argv[1], encoding="utf-8") as schema_file:
    schema = json.load(schema_file)
validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
invalid = False
for path in sys.argv[2:]:
    with open(path, encoding="utf-8") as document_file:
        document = json.load(document_file)
    errors = sorted(validator.iter_errors(document), key=lambda error: list(error.absolute_path))
    for error in errors:
        location = "/".join(str(part) for part in error.absolute_path)
        print(f"{path}: {location}: {error.message[:300]}")
    invalid = invalid or bool(errors)
    if not errors:
        print(f"ok {path}")
sys.exit(1 if invalid else 0)
