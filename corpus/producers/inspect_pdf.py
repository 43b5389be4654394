"""Facts about a corpus PDF for manifest.tsv, read from the file's bytes: run with /usr/bin/python3.

    inspect_pdf.py FILE

prints one line: "xref=<classic|stream|hybrid> sections=<n>", where the form is that of the cross-reference
section that the last startxref names ("hybrid" when that is a table whose trailer has /XRefStm) and sections
counts the sections reached by following /Prev from it (one per revision, but two in a linearized file).
"""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rawpdf import last_startxref  # noqa: E402


def section(data, offset):
    """(form, prev offset or None) of the cross-reference section at offset."""
    head = data[offset:offset + 64]
    if head.lstrip().startswith(b"xref"):
        match = re.search(rb"trailer\s*<<", data[offset:])
        if not match:
            raise SystemExit("no trailer after xref table")
        start = offset + match.end()
        end = data.find(b"startxref", start)
        trailer = data[start:end if end != -1 else len(data)]
        form = "hybrid" if b"/XRefStm" in trailer else "classic"
        prev = re.search(rb"/Prev\s+(\d+)", trailer)
    elif re.match(rb"\s*\d+\s+\d+\s+obj", head):
        end = data.find(b"stream", offset)
        dictionary = data[offset:end]
        if b"/XRef" not in dictionary:
            raise SystemExit(f"object at {offset} is not a cross-reference stream")
        form = "stream"
        prev = re.search(rb"/Prev\s+(\d+)", dictionary)
    else:
        raise SystemExit(f"no cross-reference section at {offset}")
    return form, int(prev.group(1)) if prev else None


def main():
    with open(sys.argv[1], "rb") as handle:
        data = handle.read()
    offset = last_startxref(data)
    form, prev = section(data, offset)
    sections, seen = 1, {offset}
    while prev is not None and prev not in seen and sections < 100:
        seen.add(prev)
        _, prev = section(data, prev)
        sections += 1
    print(f"xref={form} sections={sections}")


if __name__ == "__main__":
    main()
