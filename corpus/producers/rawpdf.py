"""A minimal hand-rolled PDF writer and incremental-update helper for the corpus's "handmade" files.

Only used where no real producer can write the structure we want (page-geometry edge cases, hybrid-reference
files, incremental updates). Everything is plain bytes so that object numbers, direct/indirect placement and the
cross-reference layout are exactly what the caller asks for.
"""

import hashlib
import re
import zlib


def pdf_string(text):
    """A PDF literal string for `text` (PDFDocEncoding/Latin-1 subset; UTF-16BE with BOM otherwise)."""
    try:
        raw = text.encode("latin-1")
    except UnicodeEncodeError:
        return "<" + ("\ufeff" + text).encode("utf-16-be").hex().upper() + ">"
    out = raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    out = out.replace(b"\r", b"\\r").replace(b"\n", b"\\n")
    return "(" + out.decode("latin-1") + ")"


def text_ops(x, y, size, text, font="/F1", rgb=(0, 0, 0)):
    """Content-stream operators that show one line of text at (x, y)."""
    r, g, b = rgb
    return f"BT {r} {g} {b} rg {font} {size} Tf {x} {y} Td {pdf_string(text)} Tj ET\n"


def as_bytes(value):
    return value if isinstance(value, bytes) else value.encode("latin-1")


class RawPDF:
    """Collects numbered objects and writes them with a classic cross-reference table."""

    def __init__(self, version="1.7"):
        self.version = version
        self.objects = {}  # number -> bytes of the object body (between "n 0 obj" and "endobj")
        self.next_number = 1

    def reserve(self):
        number = self.next_number
        self.next_number += 1
        return number

    def add(self, body, number=None):
        if number is None:
            number = self.reserve()
        self.objects[number] = as_bytes(body)
        return number

    def add_stream(self, dictionary, data, number=None, compress=True):
        """A stream object; `dictionary` is the inside of << >> without /Length and /Filter."""
        data = as_bytes(data)
        extra = ""
        if compress:
            data = zlib.compress(data, 9)
            extra = " /Filter /FlateDecode"
        body = (b"<< " + as_bytes(dictionary) + as_bytes(extra) + b" /Length %d >>\nstream\n" % len(data)
                + data + b"\nendstream")
        return self.add(body, number)

    def write(self, path, root, info=None, trailer_extra=""):
        out = bytearray(b"%PDF-" + self.version.encode() + b"\n%\xe2\xe3\xcf\xd3\n")
        offsets = {}
        for number in sorted(self.objects):
            offsets[number] = len(out)
            out += b"%d 0 obj\n" % number + self.objects[number] + b"\nendobj\n"
        size = max(self.objects) + 1
        xref_offset = len(out)
        out += b"xref\n0 %d\n" % size
        out += b"0000000000 65535 f\r\n"
        for number in range(1, size):
            if number in offsets:
                out += b"%010d 00000 n\r\n" % offsets[number]
            else:
                out += b"0000000000 00001 f\r\n"
        file_id = hashlib.md5(bytes(out)).hexdigest().upper()
        trailer = f"<< /Size {size} /Root {root} 0 R"
        if info:
            trailer += f" /Info {info} 0 R"
        trailer += f" /ID [<{file_id}> <{file_id}>]{trailer_extra} >>"
        out += b"trailer\n" + trailer.encode() + b"\nstartxref\n%d\n%%%%EOF\n" % xref_offset
        with open(path, "wb") as handle:
            handle.write(out)


def last_startxref(data):
    """The offset named by the last startxref keyword of a file."""
    matches = list(re.finditer(rb"startxref\s+(\d+)", data))
    if not matches:
        raise ValueError("no startxref")
    return int(matches[-1].group(1))


def unparse(obj):
    """PDF syntax of a pikepdf object; indirect children stay references."""
    return bytes(obj.unparse(resolved=True)).decode("latin-1")


def unparse_object(obj):
    """The body of an indirect pikepdf object as bytes, streams with their raw (still encoded) data.

    The stream dictionary gets a direct /Length equal to the data written."""
    import pikepdf

    if isinstance(obj, pikepdf.Stream):
        raw = obj.read_raw_bytes()
        dictionary = pikepdf.Dictionary(obj.stream_dict)  # a direct copy; indirect children stay references
        dictionary.Length = len(raw)
        return bytes(dictionary.unparse()) + b"\nstream\n" + raw + b"\nendstream"
    return unparse(obj).encode("latin-1")
