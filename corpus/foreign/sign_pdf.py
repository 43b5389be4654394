#!/usr/bin/python3
"""sign_pdf.py - a small PDF signer that is deliberately NOT the project's implementation.

It exists to produce "foreign" signed PDFs for the test corpus: signatures made by another
implementation (Python + the openssl command line) than the project's Java/PDFBox/DSS code.

Subcommands
  sign       append one incremental update holding a new invisible signature field + signature
  add-field  append one incremental update holding an empty signature field on page 1 (prints its number)
  add-dss    append one incremental update holding a /DSS dictionary (PAdES LTV: /Certs, /CRLs, /OCSPs)

pikepdf is only used to READ the input (catalog, first page, /AcroForm, /Annots, object numbers,
/Size, trailer /Info and /ID). The bytes of the appended revision - objects, cross-reference
section and trailer - are written here by hand. The cross-reference section has the same form as
the input's newest one: a classic `xref` table + `trailer` with /Prev, or a cross-reference stream
(own entry, /Size, /Index, /W, /Prev).

The CMS is made by `openssl cms -sign` (signed attributes content-type, message-digest,
signing-time; with --cades also signing-certificate-v2). `--signing-time` replaces the
signing-time attribute that openssl sets to "now" by the given time and signs the attributes again
with `openssl dgst -sign` (openssl cms has no option to choose the signing time).

Always run with the Debian interpreter: /usr/bin/python3 (it has python3-pikepdf).
"""
import argparse
import base64
import datetime
import hashlib
import os
import re
import subprocess
import sys
import tempfile
import zlib
from decimal import Decimal

import pikepdf

SUBFILTERS = ("adbe.pkcs7.detached", "ETSI.CAdES.detached", "adbe.pkcs7.sha1")
PRODUCER = "foreign-sign_pdf.py"


def die(msg):
    print("sign_pdf.py: " + msg, file=sys.stderr)
    sys.exit(2)


# --------------------------------------------------------------------------------------------
# PDF serialisation (our own writer; pikepdf objects are only read)
# --------------------------------------------------------------------------------------------

_DELIMS = b"()<>[]{}/%#"


def ser_name(name):
    """'/Foo Bar' -> b'/Foo#20Bar'"""
    s = str(name)
    if not s.startswith("/"):
        raise ValueError("not a name: %r" % s)
    out = bytearray(b"/")
    for ch in s[1:].encode("utf-8"):
        if ch < 0x21 or ch > 0x7E or ch in _DELIMS:
            out += b"#%02X" % ch
        else:
            out.append(ch)
    return bytes(out)


def ser_hexstring(raw):
    return b"<" + raw.hex().upper().encode("ascii") + b">"


def ser_literal(text):
    """A PDF literal string for our own ASCII/Latin-1 text (or UTF-16BE with BOM otherwise)."""
    try:
        raw = text.encode("latin-1")
        if any(c < 0x20 for c in raw):
            raise UnicodeEncodeError("latin-1", text, 0, 1, "control")
    except UnicodeEncodeError:
        return ser_hexstring(b"\xfe\xff" + text.encode("utf-16-be"))
    raw = raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    return b"(" + raw + b")"


def ser_number(v):
    if isinstance(v, bool):
        return b"true" if v else b"false"
    if isinstance(v, int):
        return str(v).encode("ascii")
    if isinstance(v, Decimal):
        s = format(v, "f")
        if "." in s:
            s = s.rstrip("0").rstrip(".") or "0"
        return s.encode("ascii")
    if isinstance(v, float):
        return ser_number(Decimal(repr(v)))
    raise TypeError(type(v))


def ref(objgen):
    return b"%d %d R" % tuple(objgen)


def ser(o, top=False):
    """Serialise a pikepdf object (or Python scalar) as PDF syntax; indirect children -> 'n g R'."""
    if o is None:
        return b"null"
    if isinstance(o, (bool, int, Decimal, float)):
        return ser_number(o)
    if isinstance(o, bytes):  # already serialised
        return o
    if isinstance(o, pikepdf.Object):
        if not top and o.is_indirect:
            return ref(o.objgen)
        if isinstance(o, pikepdf.Name):
            return ser_name(o)
        if isinstance(o, pikepdf.String):
            return ser_hexstring(bytes(o))
        if isinstance(o, pikepdf.Array):
            return ser_array(o)
        if isinstance(o, pikepdf.Stream):
            raise ValueError("streams are never rewritten by this writer")
        if isinstance(o, pikepdf.Dictionary):
            return ser_dict(o)
        # pikepdf.Object of other type (e.g. null, operator) -> let pikepdf tell its type
        tc = o._type_code
        if tc == pikepdf.ObjectType.null:
            return b"null"
        raise TypeError("unsupported object type %r" % tc)
    raise TypeError("unsupported value %r" % (o,))


def ser_array(arr, extra=()):
    items = [ser(v) for v in arr] + list(extra)
    return b"[" + b" ".join(items) + b"]"


def ser_dict(d, overrides=None, drop=()):
    """Serialise dictionary d; overrides maps '/Key' -> already serialised bytes (added or replaced)."""
    overrides = dict(overrides or {})
    parts = []
    if d is not None:
        for k in list(d.keys()):
            if k in drop:
                continue
            if k in overrides:
                parts.append(ser_name(k) + b" " + overrides.pop(k))
            else:
                parts.append(ser_name(k) + b" " + ser(d.get(k)))
    for k, v in overrides.items():
        parts.append(ser_name(k) + b" " + v)
    return b"<<" + b" ".join(parts) + b">>"


def pdf_date(dt):
    dt = dt.astimezone(datetime.timezone.utc)
    return "D:" + dt.strftime("%Y%m%d%H%M%S") + "+00'00'"


# --------------------------------------------------------------------------------------------
# reading the input's newest cross-reference section
# --------------------------------------------------------------------------------------------

def last_xref(data):
    """Return (offset of the newest xref section, 'table' | 'stream')."""
    i = data.rfind(b"startxref")
    if i < 0:
        die("no startxref in input")
    m = re.match(rb"startxref\s+(\d+)", data[i:])
    if not m:
        die("unreadable startxref")
    off = int(m.group(1))
    if off >= len(data):
        die("startxref points past the end of the file")
    if data[off:off + 4] == b"xref":
        return off, "table"
    if re.match(rb"\d+\s+\d+\s+obj\b", data[off:off + 40]):
        return off, "stream"
    die("startxref %d points at neither an xref table nor an xref stream" % off)


class Revision:
    """Collects the objects of one incremental update, then writes objects + xref + trailer."""

    def __init__(self, data, pdf):
        self.data = data
        self.pdf = pdf
        self.prev, self.form = last_xref(data)
        self.size = int(pdf.trailer.Size)
        self.next_num = self.size
        self.objects = []  # (num, gen, body bytes)

    def alloc(self):
        n = self.next_num
        self.next_num += 1
        return n

    def put(self, num, gen, body):
        self.objects.append((num, gen, body))

    def _trailer_common(self):
        t = self.pdf.trailer
        out = {"/Root": ref(self.pdf.Root.objgen)}
        if "/Info" in t and t.Info.is_indirect:
            out["/Info"] = ref(t.Info.objgen)
        if "/ID" in t:
            out["/ID"] = ser(t.ID)
        return out

    def build(self):
        base = self.data
        out = bytearray(base)
        if not base.endswith((b"\n", b"\r")):
            out += b"\n"
        offsets = {}
        for num, gen, body in self.objects:
            offsets[num] = (len(out), gen)
            out += b"%d %d obj\n" % (num, gen) + body + b"\nendobj\n"

        if self.form == "table":
            size = max(self.size, max(offsets) + 1)
            xref_off = len(out)
            out += b"xref\n"
            # Restate the head of the free list (object 0) as the first subsection, as iText and
            # poppler do: legal, and pypdf (strict) warns about tables that do not start at 0.
            if 0 not in offsets:
                out += b"0 1\n0000000000 65535 f\r\n"
            for start, nums in _runs(sorted(offsets)):
                out += b"%d %d\n" % (start, len(nums))
                for n in nums:
                    off, gen = offsets[n]
                    out += b"%010d %05d n\r\n" % (off, gen)
            tr = {"/Size": str(size).encode()}
            tr.update(self._trailer_common())
            tr["/Prev"] = str(self.prev).encode()
            out += b"trailer\n" + ser_dict(None, tr) + b"\n"
        else:
            xnum = self.alloc()
            xref_off = len(out)
            offsets[xnum] = (xref_off, 0)
            size = max(self.size, xnum + 1)
            nums = sorted(offsets)
            w2 = 4 if max(o for o, _ in offsets.values()) < 2 ** 32 else 8
            rows = bytearray()
            index = []
            for start, run in _runs(nums):
                index += [start, len(run)]
                for n in run:
                    off, gen = offsets[n]
                    rows += b"\x01" + off.to_bytes(w2, "big") + gen.to_bytes(2, "big")
            stream = zlib.compress(bytes(rows))
            d = {
                "/Type": b"/XRef",
                "/Size": str(size).encode(),
                "/Index": b"[" + b" ".join(str(i).encode() for i in index) + b"]",
                "/W": b"[1 %d 2]" % w2,
            }
            d.update(self._trailer_common())
            d["/Prev"] = str(self.prev).encode()
            d["/Filter"] = b"/FlateDecode"
            d["/Length"] = str(len(stream)).encode()
            out += (b"%d 0 obj\n" % xnum) + ser_dict(None, d) + b"\nstream\n" + stream + b"\nendstream\nendobj\n"
        out += b"startxref\n%d\n%%%%EOF\n" % xref_off
        return out


def _runs(nums):
    run = []
    for n in nums:
        if run and n == run[-1] + 1:
            run.append(n)
        else:
            if run:
                yield run[0], run
            run = [n]
    if run:
        yield run[0], run


# --------------------------------------------------------------------------------------------
# minimal DER handling (only to patch the signing-time attribute of openssl's CMS)
# --------------------------------------------------------------------------------------------

def der_len(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def der_tlv(tag, content):
    return bytes([tag]) + der_len(len(content)) + content


def der_items(buf):
    """Parse a concatenation of TLVs -> [(tag, content)]. Single-byte tags, definite lengths only."""
    pos, out = 0, []
    while pos < len(buf):
        tag = buf[pos]
        if tag & 0x1F == 0x1F:
            die("multi-byte DER tag not supported")
        l = buf[pos + 1]
        pos += 2
        if l == 0x80:
            die("indefinite-length encoding in openssl's output (expected DER)")
        if l & 0x80:
            n = l & 0x7F
            l = int.from_bytes(buf[pos:pos + n], "big")
            pos += n
        out.append((tag, bytes(buf[pos:pos + l])))
        pos += l
    return out


OID_SIGNING_TIME = bytes.fromhex("06092A864886F70D010905")


def der_time(dt):
    dt = dt.astimezone(datetime.timezone.utc)
    if 1950 <= dt.year < 2050:
        return der_tlv(0x17, dt.strftime("%y%m%d%H%M%SZ").encode())
    return der_tlv(0x18, dt.strftime("%Y%m%d%H%M%SZ").encode())


def cms_set_signing_time(cms_der, when, key, md):
    """Replace signing-time in the (single) SignerInfo and re-sign the signed attributes."""
    [(t, ci)] = der_items(cms_der)
    ci_items = der_items(ci)  # contentType OID, [0] EXPLICIT SignedData
    [(_, sd)] = der_items(ci_items[1][1])
    sd_items = der_items(sd)
    si_set_idx = len(sd_items) - 1  # signerInfos is the last field of SignedData
    si_list = der_items(sd_items[si_set_idx][1])
    if len(si_list) != 1:
        die("expected one SignerInfo")
    si = der_items(si_list[0][1])
    ai = [i for i, (tag, _) in enumerate(si) if tag == 0xA0]
    if not ai:
        die("no signed attributes to patch")
    ai = ai[0]
    attrs = der_items(si[ai][1])
    new_attrs, found = [], False
    for tag, content in attrs:
        if content.startswith(OID_SIGNING_TIME):
            content = OID_SIGNING_TIME + der_tlv(0x31, der_time(when))
            found = True
        new_attrs.append(der_tlv(tag, content))
    if not found:
        die("openssl did not add a signing-time attribute")
    new_attrs.sort()  # DER SET OF ordering
    attrs_content = b"".join(new_attrs)
    with tempfile.TemporaryDirectory() as td:
        p = os.path.join(td, "attrs.der")
        with open(p, "wb") as f:
            f.write(der_tlv(0x31, attrs_content))  # signed over the explicit SET OF tag
        sig = subprocess.run(["openssl", "dgst", "-" + md, "-sign", key, "-binary", p],
                             check=True, capture_output=True).stdout
    si[ai] = (0xA0, attrs_content)
    # signature OCTET STRING follows the signatureAlgorithm that follows the signed attributes
    si[ai + 2] = (0x04, sig)
    si_der = der_tlv(0x30, b"".join(der_tlv(a, b) for a, b in si))
    sd_items[si_set_idx] = (0x31, si_der)
    sd_der = der_tlv(0x30, b"".join(der_tlv(a, b) for a, b in sd_items))
    return der_tlv(0x30, der_tlv(*ci_items[0]) + der_tlv(0xA0, sd_der))


# --------------------------------------------------------------------------------------------
# sign
# --------------------------------------------------------------------------------------------

def cert_cn(cert):
    subj = subprocess.run(["openssl", "x509", "-in", cert, "-noout", "-subject", "-nameopt", "RFC2253"],
                          check=True, capture_output=True, text=True).stdout
    m = re.search(r"CN=((?:\\.|[^,])+)", subj)
    return m.group(1).replace("\\", "") if m else "unknown"


def openssl_cms(to_sign, args, md, detached):
    with tempfile.TemporaryDirectory() as td:
        inp = os.path.join(td, "in.bin")
        outp = os.path.join(td, "out.der")
        with open(inp, "wb") as f:
            f.write(to_sign)
        cmd = ["openssl", "cms", "-sign", "-binary", "-in", inp, "-out", outp, "-outform", "DER",
               "-md", md, "-nosmimecap", "-signer", args.cert, "-inkey", args.key]
        if not detached:
            cmd.append("-nodetach")
        if args.chain:
            cmd += ["-certfile", args.chain]
        if args.cades:
            cmd.append("-cades")
        r = subprocess.run(cmd, capture_output=True)
        if r.returncode != 0:
            die("openssl cms failed: " + r.stderr.decode(errors="replace"))
        with open(outp, "rb") as f:
            return f.read()


def unique_field_name(pdf, wanted):
    names = set()
    acro = pdf.Root.get("/AcroForm")
    if acro is not None and "/Fields" in acro:
        stack = list(acro.Fields)
        while stack:
            f = stack.pop()
            if f is None or not isinstance(f, pikepdf.Dictionary):
                continue
            if "/T" in f:
                names.add(str(f.T))
            if "/Kids" in f:
                stack.extend(f.Kids)
    if wanted not in names:
        return wanted
    i = 2
    while "%s_%d" % (wanted, i) in names:
        i += 1
    return "%s_%d" % (wanted, i)


def open_input(path):
    try:
        return pikepdf.open(path)
    except pikepdf.PasswordError:
        die("%s is encrypted with a user password: not supported" % path)
    except pikepdf.PdfError as e:
        die("cannot read %s: %s" % (path, e))


def attach_widget(rev, root, page, field_ref):
    """Puts the merged field/widget field_ref on the page's /Annots and the form's /Fields (made when missing)."""
    # --- page /Annots --------------------------------------------------------------------
    annots = page.get("/Annots")
    if annots is None:
        rev.put(*page.objgen, ser_dict(page, {"/Annots": b"[" + field_ref + b"]"}))
    elif annots.is_indirect:
        rev.put(*annots.objgen, ser_array(annots, [field_ref]))
    else:
        rev.put(*page.objgen, ser_dict(page, {"/Annots": ser_array(annots, [field_ref])}))

    # --- catalog /AcroForm ---------------------------------------------------------------
    acro = root.get("/AcroForm")
    catalog_over = {}
    if acro is None:
        acro_num = rev.alloc()
        rev.put(acro_num, 0, ser_dict(None, {"/Fields": b"[" + field_ref + b"]", "/SigFlags": b"3"}))
        catalog_over["/AcroForm"] = b"%d 0 R" % acro_num
    else:
        over = {"/SigFlags": str(int(acro.get("/SigFlags", 0)) | 3).encode()}
        fields = acro.get("/Fields")
        if fields is None:
            over["/Fields"] = b"[" + field_ref + b"]"
        elif fields.is_indirect:
            rev.put(*fields.objgen, ser_array(fields, [field_ref]))
        else:
            over["/Fields"] = ser_array(fields, [field_ref])
        if acro.is_indirect:
            rev.put(*acro.objgen, ser_dict(acro, over))
        else:
            catalog_over["/AcroForm"] = ser_dict(acro, over)
    if catalog_over:
        rev.put(*root.objgen, ser_dict(root, catalog_over))


def cmd_add_field(args):
    """An empty signature field with a widget on page 1 (for signers that fill existing fields: mutool sign)."""
    data = open(args.input, "rb").read()
    pdf = open_input(args.input)
    if pdf.is_encrypted or len(pdf.pages) == 0 or not pdf.pages[0].obj.is_indirect:
        die("the input must be unencrypted, with an indirect first page")
    rev = Revision(data, pdf)
    page = pdf.pages[0].obj
    field_num = rev.alloc()
    attach_widget(rev, pdf.Root, page, b"%d 0 R" % field_num)
    rect = [Decimal(x) for x in args.rect.split()]
    if len(rect) != 4:
        die("--rect takes four numbers")
    rev.put(field_num, 0, ser_dict(None, {
        "/Type": b"/Annot", "/Subtype": b"/Widget", "/FT": b"/Sig",
        "/T": ser_literal(unique_field_name(pdf, args.field_name)), "/P": ref(page.objgen),
        "/Rect": b"[" + b" ".join(ser_number(x) for x in rect) + b"]", "/F": b"4",
    }))
    with open(args.output, "wb") as f:
        f.write(rev.build())
    print(field_num)


def cmd_sign(args):
    data = open(args.input, "rb").read()
    pdf = open_input(args.input)
    if pdf.is_encrypted:
        die("encrypted input is not supported")
    if len(pdf.pages) == 0:
        die("input has no page")
    rev = Revision(data, pdf)
    root = pdf.Root
    page = pdf.pages[0].obj
    if not page.is_indirect:
        die("first page is not an indirect object")

    when = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    if args.signing_time:
        when = datetime.datetime.fromisoformat(args.signing_time.replace("Z", "+00:00"))
        if when.tzinfo is None:
            when = when.replace(tzinfo=datetime.timezone.utc)

    sig_num = rev.alloc()
    field_num = rev.alloc()
    field_ref = b"%d 0 R" % field_num
    fname = unique_field_name(pdf, args.field_name)

    attach_widget(rev, root, page, field_ref)

    # --- field/widget and signature dictionary -------------------------------------------
    rev.put(field_num, 0, ser_dict(None, {
        "/Type": b"/Annot", "/Subtype": b"/Widget", "/FT": b"/Sig",
        "/T": ser_literal(fname), "/V": b"%d 0 R" % sig_num,
        "/P": ref(page.objgen), "/Rect": b"[0 0 0 0]", "/F": b"132",
    }))
    br_placeholder = b"[0 " + b" " * 33 + b"]"  # room for three 10-digit numbers
    contents_placeholder = b"<" + b"0" * (2 * args.reserve) + b">"
    sigdict = {
        "/Type": b"/Sig", "/Filter": b"/Adobe.PPKLite", "/SubFilter": ser_name("/" + args.subfilter),
        "/ByteRange": br_placeholder, "/Contents": contents_placeholder,
        "/M": ser_literal(pdf_date(when)),
        "/Name": ser_literal(args.name or cert_cn(args.cert)),
    }
    if args.reason:
        sigdict["/Reason"] = ser_literal(args.reason)
    if args.location:
        sigdict["/Location"] = ser_literal(args.location)
    sigdict["/Prop_Build"] = b"<</Filter <</Name /Adobe.PPKLite>> /App <</Name " + ser_name("/" + PRODUCER) + b">>>>"
    rev.put(sig_num, 0, ser_dict(None, sigdict))

    out = rev.build()

    # --- byte range ----------------------------------------------------------------------
    start_search = len(data)
    c0 = out.index(b"/Contents " + contents_placeholder, start_search) + len(b"/Contents ")
    c1 = c0 + len(contents_placeholder)
    br0 = out.index(b"/ByteRange " + br_placeholder, start_search) + len(b"/ByteRange ")
    br = b"[0 %d %d %d" % (c0, c1, len(out) - c1)
    br = br + b" " * (len(br_placeholder) - len(br) - 1) + b"]"
    if len(br) != len(br_placeholder):
        die("byte range does not fit its placeholder")
    out[br0:br0 + len(br)] = br
    signed_bytes = bytes(out[:c0]) + bytes(out[c1:])

    if args.subfilter == "adbe.pkcs7.sha1":
        cms = openssl_cms(hashlib.sha1(signed_bytes).digest(), args, "sha1", detached=False)
        md = "sha1"
    else:
        cms = openssl_cms(signed_bytes, args, args.md, detached=True)
        md = args.md
    if args.signing_time:
        cms = cms_set_signing_time(cms, when, args.key, md)
    hexcms = cms.hex().upper().encode()
    if len(hexcms) > 2 * args.reserve:
        die("CMS (%d bytes) larger than the reserved /Contents (%d bytes); raise --reserve" % (len(cms), args.reserve))
    out[c0 + 1:c0 + 1 + len(hexcms)] = hexcms
    with open(args.output, "wb") as f:
        f.write(out)


# --------------------------------------------------------------------------------------------
# add-dss
# --------------------------------------------------------------------------------------------

def read_der_or_pem(path):
    """All DER objects of a DER file or of a (multi-)PEM file."""
    raw = open(path, "rb").read()
    if b"-----BEGIN" not in raw:
        return [raw]
    return [base64.b64decode(b"".join(m.group(2).split()))
            for m in re.finditer(rb"-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \1-----", raw, re.S)]


def cmd_add_dss(args):
    data = open(args.input, "rb").read()
    pdf = open_input(args.input)
    if pdf.is_encrypted:
        die("encrypted input is not supported")
    rev = Revision(data, pdf)
    root = pdf.Root

    def stream_objs(paths):
        refs = []
        for p in paths or []:
            for der in read_der_or_pem(p):
                n = rev.alloc()
                z = zlib.compress(der)
                rev.put(n, 0, ser_dict(None, {"/Filter": b"/FlateDecode", "/Length": str(len(z)).encode()})
                        + b"\nstream\n" + z + b"\nendstream")
                refs.append(b"%d 0 R" % n)
        return refs

    new = {"/Certs": stream_objs(args.cert),
           "/CRLs": stream_objs(args.crl),
           "/OCSPs": stream_objs(args.ocsp)}
    old = root.get("/DSS")
    over = {}
    for key, refs in new.items():
        existing = old.get(key) if old is not None else None
        if not refs:
            continue
        over[key] = ser_array(existing if existing is not None else [], refs)
    if old is not None and old.is_indirect:
        rev.put(*old.objgen, ser_dict(old, over))
    else:
        dss_num = rev.alloc()
        if old is None:
            over = dict([("/Type", b"/DSS")] + list(over.items()))
        rev.put(dss_num, 0, ser_dict(old, over))
        rev.put(*root.objgen, ser_dict(root, {"/DSS": b"%d 0 R" % dss_num}))
    out = rev.build()
    with open(args.output, "wb") as f:
        f.write(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("sign", help="append an invisible signature")
    s.add_argument("input")
    s.add_argument("output")
    s.add_argument("--key", required=True, help="signer private key (PEM)")
    s.add_argument("--cert", required=True, help="signer certificate (PEM)")
    s.add_argument("--chain", help="PEM file with the intermediate/root certificates to embed")
    s.add_argument("--subfilter", default="adbe.pkcs7.detached", choices=SUBFILTERS)
    s.add_argument("--cades", action="store_true", help="openssl cms -cades (signing-certificate-v2)")
    s.add_argument("--md", default="sha256")
    s.add_argument("--field-name", default="ForeignSignature")
    s.add_argument("--name", help="/Name (default: the certificate's CN)")
    s.add_argument("--reason")
    s.add_argument("--location")
    s.add_argument("--signing-time", help="ISO 8601 time for /M and the CMS signing-time (default: now)")
    s.add_argument("--reserve", type=int, default=16384, help="bytes reserved for the CMS")
    s.set_defaults(func=cmd_sign)
    f = sub.add_parser("add-field", help="append an empty signature field on page 1; prints its object number")
    f.add_argument("input")
    f.add_argument("output")
    f.add_argument("--field-name", default="ForeignField")
    f.add_argument("--rect", default="36 36 236 86", help="the widget's /Rect on page 1 (four numbers)")
    f.set_defaults(func=cmd_add_field)
    d = sub.add_parser("add-dss", help="append a /DSS dictionary (PAdES LTV)")
    d.add_argument("input")
    d.add_argument("output")
    d.add_argument("--cert", action="append", help="certificate(s), PEM or DER")
    d.add_argument("--crl", action="append", help="CRL(s), PEM or DER")
    d.add_argument("--ocsp", action="append", help="OCSP response(s), DER")
    d.set_defaults(func=cmd_add_dss)
    args = ap.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
