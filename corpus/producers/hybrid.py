"""Make a hybrid-reference PDF from a base PDF (producer "handmade"): run with /usr/bin/python3.

    hybrid.py BASE.pdf OUT.pdf

qpdf and the other writers here cannot write hybrid files, so this rewrites the base's objects by hand:

  * the catalog, the page tree, the pages, the document information dictionary and every stream are ordinary
    objects, listed in a classic cross-reference table;
  * every other dictionary/array object (fonts, font descriptors, outlines, annotations, ...) goes into one
    object stream; the classic table has no entry for those object numbers (it is split into subsections around
    them) and a cross-reference stream, named by /XRefStm in the classic trailer, lists them as compressed
    (type 2) entries - the layout of ISO 32000-1, 7.5.8.4. A PDF 1.4 reader sees the classic part only; a
    PDF 1.5 reader merges both.
"""

import sys
import os
import zlib

import pikepdf

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rawpdf import unparse_object  # noqa: E402

KEEP_CLASSIC_TYPES = {"/Catalog", "/Pages", "/Page", "/XRef", "/ObjStm"}


def main():
    base, out_path = sys.argv[1], sys.argv[2]
    pdf = pikepdf.open(base)
    trailer = pdf.trailer
    info_og = trailer.Info.objgen if "/Info" in trailer and trailer.Info.is_indirect else None

    classic = {}  # number -> body bytes
    packed = {}   # number -> body bytes (inside the object stream)
    for obj in pdf.objects:
        number, gen = obj.objgen
        if number == 0:
            continue
        if isinstance(obj, pikepdf.Stream):
            kind = obj.stream_dict.get("/Type")
            if kind is not None and str(kind) in ("/XRef", "/ObjStm"):
                continue  # structure of the base file itself
            if gen != 0:
                raise SystemExit(f"{base}: object {number} {gen} has a non-zero generation; use a renumbered base")
            classic[number] = unparse_object(obj)
            continue
        if gen != 0:
            raise SystemExit(f"{base}: object {number} {gen} has a non-zero generation; use a renumbered base")
        body = unparse_object(obj)
        kind = obj.get("/Type") if isinstance(obj, pikepdf.Dictionary) else None
        if (number, gen) == info_og or (kind is not None and str(kind) in KEEP_CLASSIC_TYPES):
            classic[number] = body
        else:
            packed[number] = body
    if not packed:
        raise SystemExit(f"{base}: no object that could go into the object stream")

    objstm_number = max(list(classic) + list(packed)) + 1
    xref_number = objstm_number + 1
    size = xref_number + 1

    version = max(pdf.pdf_version, "1.5")
    out = bytearray(b"%PDF-" + version.encode() + b"\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(classic):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + classic[number] + b"\nendobj\n"

    # The object stream.
    header, bodies, index = [], bytearray(), {}
    for i, number in enumerate(sorted(packed)):
        index[number] = i
        header.append(b"%d %d" % (number, len(bodies)))
        bodies += packed[number] + b"\n"
    head = b" ".join(header) + b"\n"
    data = zlib.compress(bytes(head + bodies), 9)
    offsets[objstm_number] = len(out)
    out += (b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
            % (objstm_number, len(packed), len(head), len(data)) + data + b"\nendstream\nendobj\n")

    # The cross-reference stream for the packed objects (W [1 4 2]: type, object stream number, index).
    rows = bytearray()
    index_pairs = []
    for number in sorted(packed):
        rows += bytes([2]) + objstm_number.to_bytes(4, "big") + index[number].to_bytes(2, "big")
        if index_pairs and index_pairs[-1][0] + index_pairs[-1][1] == number:
            index_pairs[-1][1] += 1
        else:
            index_pairs.append([number, 1])
    data = zlib.compress(bytes(rows), 9)
    xref_stream_offset = len(out)
    offsets[xref_number] = xref_stream_offset
    index_text = " ".join(f"{a} {b}" for a, b in index_pairs)
    out += (b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Index [%s] /Filter /FlateDecode /Length %d >>\n"
            b"stream\n" % (xref_number, size, index_text.encode(), len(data)) + data + b"\nendstream\nendobj\n")

    # The classic table lists only the ordinary objects (in subsections around the gaps): an object that also had a
    # free entry in this same section would be ambiguous (ISO 32000-1 7.5.8.4 expects the free entry, if any, in an
    # earlier section) and poppler, for one, lets such a free entry hide the XRefStm entry.
    xref_offset = len(out)
    out += b"xref\n"
    numbers = [0] + sorted(offsets)
    start = 0
    while start < len(numbers):
        end = start
        while end + 1 < len(numbers) and numbers[end + 1] == numbers[end] + 1:
            end += 1
        out += b"%d %d\n" % (numbers[start], end - start + 1)
        for number in numbers[start:end + 1]:
            out += b"0000000000 65535 f\r\n" if number == 0 else b"%010d 00000 n\r\n" % offsets[number]
        start = end + 1
    items = [f"/Size {size}", f"/Root {pdf.Root.objgen[0]} 0 R"]
    if info_og:
        items.append(f"/Info {info_og[0]} 0 R")
    if "/ID" in trailer:
        items.append("/ID " + bytes(trailer.ID.unparse()).decode("latin-1"))
    items.append(f"/XRefStm {xref_stream_offset}")
    out += b"trailer\n<< " + " ".join(items).encode("latin-1") + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref_offset
    with open(out_path, "wb") as handle:
        handle.write(out)


if __name__ == "__main__":
    main()
