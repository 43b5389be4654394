#!/usr/bin/python3
"""pick_base.py OUTDIR - print the path of a PDF in OUTDIR that can serve as the base of the
foreign signatures (or nothing). Also: pick_base.py --make-own FILE  (reportlab base)
                                       pick_base.py --variant table|stream IN OUT
                                       pick_base.py --poppler-ready IN OUT
                                       pick_base.py --form FILE   (table | stream)

Suitable: opens without password, not encrypted, has a page, not linearized, not hybrid
(no /XRefStm), no signed signature field, no DocMDP/UR /Perms, no XFA, < 5 MB, and a readable
startxref. Files are tried in manifest.tsv order, then the other *.pdf in name order; files whose
name starts with "foreign-" are ignored. The caller still checks the candidate with qpdf/pypdf.
"""
import os
import re
import shutil
import sys

import pikepdf


def newest_trailer_is_hybrid(data):
    i = data.rfind(b"startxref")
    m = re.match(rb"startxref\s+(\d+)", data[i:]) if i >= 0 else None
    if not m:
        return None
    off = int(m.group(1))
    if data[off:off + 4] == b"xref":
        t = data.find(b"trailer", off)
        end = data.find(b"startxref", t)
        return t >= 0 and b"/XRefStm" in data[t:end]
    if re.match(rb"\d+\s+\d+\s+obj\b", data[off:off + 40]):
        return False
    return None


def suitable(path):
    try:
        if os.path.getsize(path) > 5 * 1024 * 1024:
            return False
        data = open(path, "rb").read()
        hybrid = newest_trailer_is_hybrid(data)
        if hybrid is None or hybrid:
            return False
        with pikepdf.open(path) as pdf:
            if pdf.is_encrypted or pdf.is_linearized or len(pdf.pages) == 0:
                return False
            if "/Perms" in pdf.Root:
                return False
            acro = pdf.Root.get("/AcroForm")
            if acro is not None:
                if "/XFA" in acro:
                    return False
                stack = list(acro.get("/Fields", []))
                while stack:
                    f = stack.pop()
                    if not isinstance(f, pikepdf.Dictionary):
                        continue
                    if f.get("/FT") == "/Sig" and "/V" in f:
                        return False
                    stack.extend(f.get("/Kids", []))
            if not pdf.pages[0].obj.is_indirect:
                return False
        return True
    except Exception:
        return False


def candidates(outdir):
    seen = []
    man = os.path.join(outdir, "manifest.tsv")
    if os.path.exists(man):
        for i, line in enumerate(open(man, encoding="utf-8", errors="replace")):
            if i == 0:
                continue
            name = line.split("\t", 1)[0].strip()
            if name.lower().endswith(".pdf") and name not in seen:
                seen.append(name)
    for name in sorted(os.listdir(outdir)):
        if name.lower().endswith(".pdf") and name not in seen:
            seen.append(name)
    for name in seen:
        if os.path.basename(name).startswith("foreign-"):
            continue
        p = os.path.join(outdir, name)
        if os.path.isfile(p):
            yield p


def make_own(path):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas
    c = canvas.Canvas(path, pagesize=A4, invariant=1)
    c.setTitle("Foreign-signature base document")
    c.setAuthor("corpus/foreign.sh")
    for n in (1, 2):
        c.setFont("Helvetica", 14)
        c.drawString(72, 770, "Base document for the foreign signatures - page %d of 2" % n)
        c.setFont("Helvetica", 11)
        y = 740
        for line in ("This page was made with reportlab; signatures are appended as",
                     "incremental updates by corpus/foreign/sign_pdf.py (openssl cms)",
                     "and by poppler's pdfsig, with a throw-away foreign PKI."):
            c.drawString(72, y, line)
            y -= 16
        c.showPage()
    c.save()


def variant(form, src, dst):
    mode = pikepdf.ObjectStreamMode.disable if form == "table" else pikepdf.ObjectStreamMode.generate
    with pikepdf.open(src) as pdf:
        pdf.save(dst, object_stream_mode=mode, compress_streams=True, linearize=False)


def poppler_ready(src, dst):
    """poppler 22.12's pdfsig -add-signature does not register its new field when /AcroForm is a
    direct dictionary of the catalog or when /Fields is an indirect array (the written file then has
    a widget that /AcroForm /Fields does not list). Give it an indirect /AcroForm with a direct
    /Fields array; print what was done."""
    with pikepdf.open(src) as pdf:
        acro = pdf.Root.get("/AcroForm")
        if acro is None or (acro.is_indirect and not (acro.get("/Fields") is not None and acro.Fields.is_indirect)):
            shutil.copyfile(src, dst)
            print("as is")
            return
        if not acro.is_indirect:
            pdf.Root.AcroForm = pdf.make_indirect(acro)
            acro = pdf.Root.AcroForm
        if acro.get("/Fields") is not None and acro.Fields.is_indirect:
            acro.Fields = pikepdf.Array(list(acro.Fields))
        pdf.save(dst, object_stream_mode=pikepdf.ObjectStreamMode.disable, linearize=False)
        print("rewritten by pikepdf with an indirect /AcroForm and a direct /Fields array")


if __name__ == "__main__":
    if sys.argv[1] == "--make-own":
        make_own(sys.argv[2])
    elif sys.argv[1] == "--variant":
        variant(sys.argv[2], sys.argv[3], sys.argv[4])
    elif sys.argv[1] == "--poppler-ready":
        poppler_ready(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "--form":
        d = open(sys.argv[2], "rb").read()
        off = int(re.match(rb"startxref\s+(\d+)", d[d.rfind(b"startxref"):]).group(1))
        print("table" if d[off:off + 4] == b"xref" else "stream")
    elif sys.argv[1] == "--candidates":
        for p in candidates(sys.argv[2]):
            if suitable(p):
                print(p)
    else:
        sys.exit("usage: pick_base.py --candidates OUTDIR | --form FILE | --poppler-ready IN OUT | --make-own FILE | --variant table|stream IN OUT")
