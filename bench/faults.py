#!/usr/bin/env python3
"""Measures the fault matrix (tests/e2e/faults.rs: every peer x every fault, through the built
binary against the fake server) and writes it into docs/reliability.md, between the
`<!-- matrix -->` and `<!-- /matrix -->` lines. The figures are what this run measured.

    python3 bench/faults.py            # from the repository's root
"""
import os
import pathlib
import subprocess
import sys
import tempfile

root = pathlib.Path(__file__).resolve().parent.parent
doc = root / "docs" / "reliability.md"

with tempfile.TemporaryDirectory() as tmp:
    table = pathlib.Path(tmp) / "matrix.md"
    env = dict(os.environ, DINGTALK_FAULT_MATRIX=str(table))
    test = subprocess.run(
        ["cargo", "test", "--quiet", "--test", "e2e", "faults::every_peer"],
        cwd=root, env=env, capture_output=True, text=True,
    )
    if not table.exists():
        sys.exit(f"the matrix test wrote no table:\n{test.stdout}\n{test.stderr}")
    measured = table.read_text().rstrip("\n")

if test.returncode != 0:
    measured += "\n\n**The test failed on this run:** cells above differ from the expected table."
text = doc.read_text()
start, end = "<!-- matrix -->\n", "<!-- /matrix -->"
if start not in text or end not in text:
    sys.exit(f"{doc} has no {start.strip()} ... {end} block")
head, rest = text.split(start, 1)
_, tail = rest.split(end, 1)
doc.write_text(head + start + measured + "\n" + end + tail)
print(measured)
sys.exit(test.returncode)
