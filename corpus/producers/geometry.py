"""Page-geometry edge cases, written by hand (producer "handmade"): run with /usr/bin/python3.

    geometry.py OUTDIR

Each page shows some text (standard Helvetica, not embedded) where it fits, so that a watermark or a visible
signature placed on it can be checked against the page's visible area.

  handmade-rotate.pdf     /Rotate 90, 180, 270 on A4 portrait pages, and /Rotate 90 on an A4 landscape MediaBox
  handmade-cropbox.pdf    a CropBox offset inside the MediaBox; a MediaBox with a negative origin plus an offset
                          CropBox, BleedBox, TrimBox and ArtBox
  handmade-userunit.pdf   /UserUnit 2 (a 612 x 792 unit page that is 1224 x 1584 pt)
  handmade-inherited.pdf  pages that inherit /MediaBox, /Resources and /Rotate from their /Pages ancestors
                          (one through an intermediate /Pages node that overrides /MediaBox, one page overriding
                          /Rotate)
  handmade-tiny.pdf       a 3 x 3 pt page
  handmade-strip.pdf      a 14400 x 200 pt strip (the largest width PDF allows)
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rawpdf import RawPDF, pdf_string, text_ops  # noqa: E402

HELVETICA = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"


def frame(x0, y0, x1, y1, rgb="0 0 0"):
    return f"q {rgb} RG 2 w {x0 + 1} {y0 + 1} {x1 - x0 - 2} {y1 - y0 - 2} re S Q\n"


def info(doc, title):
    return doc.add(f"<< /Title {pdf_string(title)} /Producer (certyneo corpus handmade writer) "
                   f"/CreationDate (D:20240101120000Z) >>")


def simple_document(path, title, pages, version="1.7"):
    """pages: dicts with 'media' [x0 y0 x1 y1], 'content' str and optional extra page-dictionary entries."""
    doc = RawPDF(version)
    font = doc.add(HELVETICA)
    pages_num = doc.reserve()
    kids = []
    for page in pages:
        content = doc.add_stream("", page["content"])
        media = " ".join(str(v) for v in page["media"])
        extra = page.get("extra", "")
        kids.append(doc.add(f"<< /Type /Page /Parent {pages_num} 0 R /MediaBox [{media}] {extra} "
                            f"/Resources << /Font << /F1 {font} 0 R >> >> /Contents {content} 0 R >>"))
    doc.add(f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>", pages_num)
    root = doc.add(f"<< /Type /Catalog /Pages {pages_num} 0 R >>")
    doc.write(path, root, info(doc, title))


def rotate(path):
    pages = []
    for angle in (90, 180, 270):
        content = frame(0, 0, 595, 842) + text_ops(60, 760, 28, f"/Rotate {angle}")
        content += text_ops(60, 720, 14, "Text drawn upright in unrotated user space;")
        content += text_ops(60, 700, 14, f"viewers turn the page {angle} degrees clockwise.")
        content += text_ops(60, 80, 12, "bottom-left corner of the MediaBox")
        pages.append({"media": [0, 0, 595, 842], "content": content, "extra": f"/Rotate {angle}"})
    content = frame(0, 0, 842, 595, "0 0 0.8") + text_ops(60, 520, 28, "Landscape MediaBox, /Rotate 90")
    content += text_ops(60, 480, 14, "An 842 x 595 MediaBox turned 90 degrees: it displays as portrait.")
    pages.append({"media": [0, 0, 842, 595], "content": content, "extra": "/Rotate 90"})
    simple_document(path, "Certyneo corpus: rotated pages", pages)


def cropbox(path):
    content = frame(0, 0, 612, 792, "0.7 0.7 0.7") + frame(90, 120, 500, 700, "0.8 0 0")
    content += text_ops(10, 770, 12, "Outside the CropBox: viewers must not show this line")
    content += text_ops(110, 660, 18, "CropBox [90 120 500 700]")
    content += text_ops(110, 635, 12, "inside MediaBox [0 0 612 792]; the red frame is the CropBox.")
    content += text_ops(110, 140, 12, "bottom-left of the visible (cropped) area")
    page1 = {"media": [0, 0, 612, 792], "content": content, "extra": "/CropBox [90 120 500 700]"}

    content = frame(-300, -400, 312, 392, "0.7 0.7 0.7") + frame(-250, -350, 262, 342, "0 0 0.8")
    content += text_ops(-230, 300, 16, "MediaBox [-300 -400 312 392]")
    content += text_ops(-230, 278, 12, "negative origin; CropBox [-250 -350 262 342]")
    content += text_ops(-230, 260, 12, "BleedBox, TrimBox and ArtBox nested inside it")
    content += text_ops(-230, -330, 12, "bottom-left of the CropBox")
    content += text_ops(-10, 0, 12, "(0,0) is here")
    page2 = {"media": [-300, -400, 312, 392], "content": content,
             "extra": "/CropBox [-250 -350 262 342] /BleedBox [-245 -345 257 337] "
                      "/TrimBox [-240 -340 252 332] /ArtBox [-235 -335 247 327]"}
    simple_document(path, "Certyneo corpus: CropBox and page boxes", [page1, page2])


def userunit(path):
    content = frame(0, 0, 612, 792) + text_ops(60, 700, 24, "/UserUnit 2")
    content += text_ops(60, 670, 12, "MediaBox [0 0 612 792] in units of 2/72 inch: 1224 x 1584 pt (17 x 22 in).")
    content += text_ops(60, 60, 12, "bottom-left corner")
    simple_document(path, "Certyneo corpus: UserUnit 2",
                    [{"media": [0, 0, 612, 792], "content": content, "extra": "/UserUnit 2"}], version="1.6")


def inherited(path):
    doc = RawPDF("1.7")
    font = doc.add(HELVETICA)
    resources = doc.add(f"<< /Font << /F1 {font} 0 R >> /ProcSet [/PDF /Text] >>")
    root_pages = doc.reserve()
    middle = doc.reserve()

    c1 = frame(0, 0, 500, 700) + text_ops(40, 640, 16, "Page 1 inherits everything")
    c1 += text_ops(40, 615, 11, "MediaBox [0 0 500 700], Resources and /Rotate 90 from the root /Pages")
    p1 = doc.add(f"<< /Type /Page /Parent {root_pages} 0 R /Contents {doc.add_stream('', c1)} 0 R >>")

    c2 = frame(0, 0, 400, 300, "0 0.5 0") + text_ops(30, 250, 16, "Page 2: MediaBox from middle /Pages")
    c2 += text_ops(30, 225, 11, "[0 0 400 300]; Resources and /Rotate 90 from the root")
    p2 = doc.add(f"<< /Type /Page /Parent {middle} 0 R /Contents {doc.add_stream('', c2)} 0 R >>")

    c3 = frame(0, 0, 400, 300, "0.6 0 0") + text_ops(30, 250, 16, "Page 3 overrides /Rotate 0")
    c3 += text_ops(30, 225, 11, "MediaBox from the middle node, Resources from the root")
    p3 = doc.add(f"<< /Type /Page /Parent {middle} 0 R /Rotate 0 /Contents {doc.add_stream('', c3)} 0 R >>")

    doc.add(f"<< /Type /Pages /Parent {root_pages} 0 R /Kids [{p2} 0 R {p3} 0 R] /Count 2 "
            f"/MediaBox [0 0 400 300] >>", middle)
    doc.add(f"<< /Type /Pages /Kids [{p1} 0 R {middle} 0 R] /Count 3 /MediaBox [0 0 500 700] "
            f"/Resources {resources} 0 R /Rotate 90 >>", root_pages)
    root = doc.add(f"<< /Type /Catalog /Pages {root_pages} 0 R >>")
    doc.write(path, root, info(doc, "Certyneo corpus: inherited page attributes"))


def tiny(path):
    content = "q 0.85 0.85 1 rg 0 0 3 3 re f Q\n" + text_ops(0.4, 0.7, 2.4, "S", rgb=(0.8, 0, 0))
    simple_document(path, "Certyneo corpus: 3 x 3 pt page", [{"media": [0, 0, 3, 3], "content": content}])


def strip(path):
    content = frame(0, 0, 14400, 200, "0 0 0.6")
    for x in range(40, 14400, 1800):
        content += text_ops(x, 120, 36, f"Strip 14400 x 200 pt, x = {x}")
        content += text_ops(x, 60, 18, "the widest page PDF allows")
    simple_document(path, "Certyneo corpus: 14400 x 200 pt strip", [{"media": [0, 0, 14400, 200], "content": content}])


def main():
    out = sys.argv[1]
    rotate(os.path.join(out, "handmade-rotate.pdf"))
    cropbox(os.path.join(out, "handmade-cropbox.pdf"))
    userunit(os.path.join(out, "handmade-userunit.pdf"))
    inherited(os.path.join(out, "handmade-inherited.pdf"))
    tiny(os.path.join(out, "handmade-tiny.pdf"))
    strip(os.path.join(out, "handmade-strip.pdf"))


if __name__ == "__main__":
    main()
