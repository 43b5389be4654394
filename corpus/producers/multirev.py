"""Append genuine incremental updates to a PDF (producer "handmade"): run with /usr/bin/python3.

    multirev.py BASE.pdf OUT.pdf classic|xrefstream

The base file's bytes are kept unchanged; three updates are appended, each with new and changed objects and a new
cross-reference section whose trailer (or cross-reference stream dictionary) has /Prev pointing to the one before:

  revision 2  a sticky-note annotation on page 1 (new object; page or /Annots rewritten) and a new /ModDate
              in the document information dictionary
  revision 3  visible text added to page 1: a new font and two new content streams (q ... Q wrapping the old
              content), page 1 (and its resources) rewritten
  revision 4  a new last page: the root /Pages node rewritten with the new /Kids and /Count

classic     each update ends with a classic "xref" table and "trailer" (the first one also re-lists object 0)
xrefstream  each update ends with a cross-reference stream (the base must end with one too) that has an entry for
            itself and the right /Size, /Index and /Prev; revision 2's is uncompressed, revision 3's is
            Flate-compressed and revision 4's is Flate with a PNG Up predictor (/DecodeParms /Predictor 12)
"""

import hashlib
import os
import re
import sys
import zlib

import pikepdf

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rawpdf import last_startxref, pdf_string, text_ops  # noqa: E402


def ref(obj):
    return f"{obj.objgen[0]} {obj.objgen[1]} R"


def dict_text(dictionary, replace=None, drop=()):
    """<< ... >> for a pikepdf dictionary with some keys replaced (values given as PDF syntax) or dropped."""
    replace = dict(replace or {})
    parts = []
    for key in dictionary.keys():
        if key in drop:
            continue
        if key in replace:
            parts.append(f"{key} {replace.pop(key)}")
        else:
            parts.append(f"{key} {value_text(dictionary, key)}")
    for key, value in replace.items():
        parts.append(f"{key} {value}")
    return "<< " + " ".join(parts) + " >>"


def value_text(dictionary, key):
    """PDF syntax of dictionary[key]: a reference if the value is an indirect object (pikepdf hands direct
    scalars back as Python values, which are unparsed through a one-element array)."""
    value = dictionary.get(key)
    if isinstance(value, pikepdf.Object):
        if value.is_indirect:
            return ref(value)
        return bytes(value.unparse()).decode("latin-1")
    return bytes(pikepdf.Array([value]).unparse()).decode("latin-1")[1:-1].strip()


class Update:
    def __init__(self, path):
        self.path = path
        with open(path, "rb") as handle:
            self.data = handle.read()
        self.pdf = pikepdf.open(path)
        self.size = int(self.pdf.trailer.Size)
        self.prev = last_startxref(self.data)
        self.objects = {}  # (number, gen) -> body bytes

    def new_number(self):
        number = self.size
        self.size += 1
        return number

    def put(self, number, body, gen=0):
        self.objects[(number, gen)] = body.encode("latin-1") if isinstance(body, str) else body

    def new(self, body):
        number = self.new_number()
        self.put(number, body)
        return number

    def new_stream(self, content):
        data = zlib.compress(content.encode("latin-1"), 9)
        return self.new(b"<< /Filter /FlateDecode /Length %d >>\nstream\n" % len(data) + data + b"\nendstream")

    def rewrite(self, obj, text):
        number, gen = obj.objgen
        self.put(number, text, gen)

    def trailer_items(self):
        trailer = self.pdf.trailer
        items = [f"/Root {ref(self.pdf.Root)}"]
        if "/Info" in trailer:
            items.append(f"/Info {ref(trailer.Info)}")
        old_id = bytes(trailer.ID[0]) if "/ID" in trailer else hashlib.md5(self.data[:4096]).digest()
        new_id = hashlib.md5(self.data + repr(sorted(self.objects)).encode()).digest()
        items.append(f"/ID [<{old_id.hex().upper()}> <{new_id.hex().upper()}>]")
        return items

    def write(self, out_path, mode, revision):
        out = bytearray(self.data)
        if not out.endswith(b"\n"):
            out += b"\n"
        offsets = {}
        for (number, gen) in sorted(self.objects):
            offsets[(number, gen)] = len(out)
            out += b"%d %d obj\n" % (number, gen) + self.objects[(number, gen)] + b"\nendobj\n"
        if mode == "classic":
            xref_offset = len(out)
            entries = {number: (offset, gen) for (number, gen), offset in offsets.items()}
            if revision == 2:
                entries[0] = None  # the first update re-lists object 0 as Acrobat does; the later ones do not
            out += b"xref\n"
            for start, run in runs(sorted(entries)):
                out += b"%d %d\n" % (start, len(run))
                for number in run:
                    if entries[number] is None:
                        out += b"0000000000 65535 f\r\n"
                    else:
                        offset, gen = entries[number]
                        out += b"%010d %05d n\r\n" % (offset, gen)
            items = [f"/Size {self.size}"] + self.trailer_items() + [f"/Prev {self.prev}"]
            out += b"trailer\n<< " + " ".join(items).encode("latin-1") + b" >>\n"
        else:
            xref_number = self.new_number()
            xref_offset = len(out)
            entries = {number: (1, offset, gen) for (number, gen), offset in offsets.items()}
            entries[xref_number] = (1, xref_offset, 0)
            rows = []
            for number in sorted(entries):
                kind, offset, gen = entries[number]
                rows.append(bytes([kind]) + offset.to_bytes(4, "big") + gen.to_bytes(2, "big"))
            index = " ".join(f"{start} {len(run)}" for start, run in runs(sorted(entries)))
            items = [f"/Type /XRef /Size {self.size} /Index [{index}] /W [1 4 2]"] + self.trailer_items()
            items.append(f"/Prev {self.prev}")
            if revision == 2:
                data = b"".join(rows)
            elif revision == 3:
                data = zlib.compress(b"".join(rows), 9)
                items.append("/Filter /FlateDecode")
            else:
                data = zlib.compress(png_up(rows), 9)
                items.append("/Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 7 >>")
            items.append(f"/Length {len(data)}")
            out += (b"%d 0 obj\n<< " % xref_number + " ".join(items).encode("latin-1") + b" >>\nstream\n" + data
                    + b"\nendstream\nendobj\n")
        out += b"startxref\n%d\n%%%%EOF\n" % xref_offset
        self.pdf.close()
        with open(out_path, "wb") as handle:
            handle.write(out)


def runs(numbers):
    """Consecutive runs of sorted object numbers: [(start, [numbers...]), ...]."""
    result = []
    for number in numbers:
        if result and result[-1][1][-1] + 1 == number:
            result[-1][1].append(number)
        else:
            result.append((number, [number]))
    return result


def png_up(rows):
    """PNG 'Up' predictor rows (filter byte 2) for equal-length rows."""
    out = bytearray()
    previous = bytes(len(rows[0]))
    for row in rows:
        out.append(2)
        out += bytes((a - b) & 0xFF for a, b in zip(row, previous))
        previous = row
    return bytes(out)


def mod_date(update, stamp):
    trailer = update.pdf.trailer
    if "/Info" in trailer and trailer.Info.is_indirect:
        info = trailer.Info
        update.rewrite(info, dict_text(info, {"/ModDate": pdf_string(stamp)}))


def revision2(update):
    page = update.pdf.pages[0].obj
    box = [float(v) for v in update.pdf.pages[0].mediabox]
    x, y = box[0] + 40, box[3] - 40
    note = update.new(f"<< /Type /Annot /Subtype /Text /Rect [{x} {y - 20} {x + 20} {y}] /P {ref(page)} /F 4 "
                      f"/Contents {pdf_string('Added in revision 2 by an incremental update.')} "
                      f"/T (corpus) /Name /Comment /C [1 1 0] /M (D:20240102120000Z) >>")
    annots = page.get("/Annots")
    if annots is not None and annots.is_indirect:
        items = " ".join(value_text_item(a) for a in annots)
        update.rewrite(annots, f"[{items} {note} 0 R]")
    else:
        items = " ".join(value_text_item(a) for a in annots) if annots is not None else ""
        update.rewrite(page, dict_text(page, {"/Annots": f"[{items} {note} 0 R]"}))
    mod_date(update, "D:20240102120000Z")


def value_text_item(item):
    if isinstance(item, pikepdf.Object) and item.is_indirect:
        return ref(item)
    return bytes(item.unparse()).decode("latin-1")


def effective(page, key):
    node = page
    while node is not None:
        if key in node:
            return node.get(key)
        node = node.get("/Parent")
    return None


def revision3(update):
    page = update.pdf.pages[0].obj
    box = [float(v) for v in update.pdf.pages[0].mediabox]
    font = update.new("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
    before = update.new_stream("q\n")
    after = update.new_stream("Q\nq\n" + text_ops(box[0] + 40, box[1] + 40, 14, "Revision 3: text added by an "
                                                  "incremental update", font="/FCorpusRev3", rgb=(0.8, 0, 0)) + "Q\n")
    contents = page.get("/Contents")
    if contents is None:
        old = ""
    elif isinstance(contents, pikepdf.Array):
        old = " ".join(value_text_item(c) for c in contents)
    else:
        old = ref(contents)
    replace = {"/Contents": f"[{before} 0 R {old} {after} 0 R]"}

    resources = effective(page, "/Resources")
    fonts = resources.get("/Font") if resources is not None else None
    font_items = " ".join(f"{k} {value_text(fonts, k)}" for k in fonts.keys()) if fonts is not None else ""
    new_fonts = f"<< {font_items} /FCorpusRev3 {font} 0 R >>"
    if resources is not None and resources.is_indirect:
        update.rewrite(resources, dict_text(resources, {"/Font": new_fonts}))
    elif resources is not None and "/Resources" in page:
        replace["/Resources"] = dict_text(resources, {"/Font": new_fonts})
    else:  # inherited direct dictionary, or none: give the page its own copy
        replace["/Resources"] = (dict_text(resources, {"/Font": new_fonts}) if resources is not None
                                 else f"<< /Font {new_fonts} >>")
    update.rewrite(page, dict_text(page, replace))
    mod_date(update, "D:20240103120000Z")


def revision4(update):
    root_pages = update.pdf.Root.Pages
    first = update.pdf.pages[0]
    box = [float(v) for v in first.mediabox]
    font = update.new("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    content = update.new_stream(text_ops(box[0] + 60, box[3] - 80, 20, "Revision 4: a page added by an incremental "
                                         "update") + text_ops(box[0] + 60, box[3] - 110, 12, "The root /Pages node "
                                                              "was rewritten with the new /Kids and /Count."))
    page = update.new(f"<< /Type /Page /Parent {ref(root_pages)} /MediaBox [{' '.join(f'{v:g}' for v in box)}] "
                      f"/Resources << /Font << /F1 {font} 0 R >> >> /Contents {content} 0 R >>")
    kids = " ".join(value_text_item(k) for k in root_pages.Kids)
    update.rewrite(root_pages, dict_text(root_pages, {"/Kids": f"[{kids} {page} 0 R]",
                                                      "/Count": str(int(root_pages.Count) + 1)}))
    mod_date(update, "D:20240104120000Z")


def main():
    base, out_path, mode = sys.argv[1], sys.argv[2], sys.argv[3]
    if mode not in ("classic", "xrefstream"):
        raise SystemExit("mode must be classic or xrefstream")
    with open(base, "rb") as handle:
        data = handle.read()
    offset = last_startxref(data)
    is_stream = re.match(rb"\s*\d+\s+\d+\s+obj", data[offset:offset + 40]) is not None
    if (mode == "xrefstream") != is_stream:
        raise SystemExit(f"{base}: its last cross-reference section is {'a stream' if is_stream else 'a table'}; "
                         f"mode {mode} needs the other kind")
    current = base
    for revision, step in ((2, revision2), (3, revision3), (4, revision4)):
        update = Update(current)
        step(update)
        update.write(out_path + ".tmp", mode, revision)
        os.replace(out_path + ".tmp", out_path)
        current = out_path


if __name__ == "__main__":
    main()
