#!/usr/bin/env python3
"""Writes a copy of the schema SDL (argv[1]) with one field removed to argv[2]: the breaking
change the schema check must refuse (CI runs the check on it to prove the check can fail)."""

import sys

from graphql import build_schema, print_schema

schema = build_schema(open(sys.argv[1]).read())
handoff = schema.type_map["Handoff"]
removed = next(iter(handoff.fields))
del handoff.fields[removed]
open(sys.argv[2], "w").write(print_schema(schema))
print(f"removed Handoff.{removed}")
