"""Writes a case list as YAML flow mappings with JSON-quoted strings (valid YAML)."""
import json

def dump(path, header, cases, fixtures=None):
    out = [f"# {line}" if line else "#" for line in header.strip().splitlines()]
    if fixtures:
        out.append("fixtures: " + json.dumps(fixtures, ensure_ascii=False))
    out.append("cases:")
    for c in cases:
        out.append("  - " + json.dumps(c, ensure_ascii=False))
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
