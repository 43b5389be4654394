"""ReportLab producers for the corpus: run with Debian's /usr/bin/python3 (python3-reportlab, python3-pikepdf).

    reportlab_docs.py OUTDIR

writes
  reportlab-plain.pdf            platypus document: headings, paragraphs, a table; 2 pages
  reportlab-outline-acroform.pdf canvas with nested outline (bookmarks) and an AcroForm (text field, check boxes); 3 pages
  reportlab-annotations.pdf      canvas with ReportLab's own annotations (Link, Text, FreeText, Highlight), to which
                                 pikepdf adds the other common kinds (Square, Circle, Stamp, FileAttachment, Popup,
                                 Underline, StrikeOut, Line, Ink, more Text/FreeText/Highlight/Link) - some with an /AP
                                 appearance stream and some without, some indirect objects and some direct dictionaries
                                 inside the page's /Annots array; 2 pages
"""

import os
import sys

import pikepdf
from pikepdf import Array, Dictionary, Name, Stream, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle


def plain(path):
    styles = getSampleStyleSheet()
    doc = SimpleDocTemplate(path, pagesize=A4, title="Certyneo corpus: ReportLab plain", author="certyneo corpus",
                            subject="platypus document", invariant=1)
    story = [
        Paragraph("Delivery note", styles["Title"]),
        Paragraph("This document was written by ReportLab's platypus layout engine for the certyneo signing "
                  "corpus. It has a title, running text, a table and a second page.", styles["BodyText"]),
        Spacer(1, 6 * mm),
    ]
    table = Table([["Article", "Quantity", "Unit price"],
                   ["Signing token", "2", "45.00"],
                   ["Card reader", "1", "19.90"],
                   ["Support (hours)", "3", "80.00"]])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey)]))
    story += [table, Spacer(1, 6 * mm)]
    story += [Paragraph("Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 3, styles["BodyText"])]
    story += [PageBreak(), Paragraph("Second page", styles["Heading1"]),
              Paragraph("The goods were received in good condition.", styles["BodyText"])]
    doc.build(story)


def outline_acroform(path):
    c = canvas.Canvas(path, pagesize=A4, invariant=1)
    c.setTitle("Certyneo corpus: ReportLab outline and AcroForm")
    c.setAuthor("certyneo corpus")
    width, height = A4
    chapters = [("1 Application", "p1"), ("2 Conditions", "p2"), ("3 Signatures", "p3")]
    for index, (title, key) in enumerate(chapters):
        c.bookmarkPage(key)
        c.addOutlineEntry(title, key, level=0)
        c.setFont("Helvetica-Bold", 20)
        c.drawString(72, height - 90, title)
        c.setFont("Helvetica", 11)
        c.drawString(72, height - 115, f"Page {index + 1} of a ReportLab document with bookmarks and a form.")
        if index == 0:
            c.bookmarkHorizontal("p1-form", 0, height - 150)
            c.addOutlineEntry("1.1 Form fields", "p1-form", level=1)
            c.drawString(72, height - 170, "Applicant name:")
            c.acroForm.textfield(name="applicant", value="Bob Example", x=180, y=height - 180, width=250,
                                 height=22, borderColor=colors.black, fillColor=colors.white,
                                 textColor=colors.black, tooltip="Applicant name", fontName="Helvetica",
                                 fontSize=11)
            c.drawString(72, height - 215, "Terms accepted:")
            c.acroForm.checkbox(name="terms", checked=True, x=180, y=height - 222, size=16,
                                buttonStyle="check", borderColor=colors.black, fillColor=colors.white,
                                textColor=colors.black, tooltip="Terms accepted", fieldFlags="")
            c.drawString(72, height - 250, "Newsletter:")
            c.acroForm.checkbox(name="newsletter", checked=False, x=180, y=height - 257, size=16,
                                buttonStyle="cross", borderColor=colors.black, fillColor=colors.white,
                                textColor=colors.black, tooltip="Newsletter", fieldFlags="")
        if index == 1:
            c.bookmarkHorizontal("p2-a", 0, height - 140)
            c.addOutlineEntry("2.1 Scope", "p2-a", level=1)
            c.drawString(72, height - 150, "2.1 Scope: the conditions apply to every signature.")
            c.bookmarkHorizontal("p2-b", 0, height - 180)
            c.addOutlineEntry("2.2 Liability", "p2-b", level=1)
            c.drawString(72, height - 190, "2.2 Liability: limited to the fees paid.")
        c.showPage()
    c.showOutline()
    c.save()


# ---------------------------------------------------------------- annotations

def _ap(pdf, bbox, content, resources=None):
    """A form XObject appearance stream."""
    stream = Stream(pdf, content.encode("latin-1"))
    stream.Type = Name.XObject
    stream.Subtype = Name.Form
    stream.BBox = Array(bbox)
    if resources is not None:
        stream.Resources = resources
    return stream


def _helv(pdf):
    return pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica,
                                        Encoding=Name.WinAnsiEncoding))


def annotations(path):
    tmp = path + ".rl.pdf"
    width, height = A4
    c = canvas.Canvas(tmp, pagesize=A4, invariant=1)
    c.setTitle("Certyneo corpus: annotations of every common kind")
    c.setAuthor("certyneo corpus")

    def label(y, text):
        c.setFont("Helvetica", 9)
        c.drawString(40, y, text)

    c.setFont("Helvetica-Bold", 16)
    c.drawString(40, height - 50, "Annotations of every common kind")
    rows = [height - 90 - 34 * i for i in range(22)]

    # Written by ReportLab itself (indirect objects, no /AP).
    label(rows[0], "1. Link (ReportLab linkURL): indirect, no /AP, URI action")
    c.linkURL("https://example.com/", (330, rows[0] - 4, 500, rows[0] + 12), thickness=1, color=colors.blue)
    c.setFillColor(colors.blue)
    c.drawString(335, rows[0], "https://example.com/")
    c.setFillColor(colors.black)
    label(rows[1], "2. Text / sticky note (ReportLab textAnnotation): indirect, no /AP")
    c.textAnnotation("A sticky note written by ReportLab.", Rect=(330, rows[1] - 4, 350, rows[1] + 16),
                     relative=0)
    label(rows[2], "3. FreeText (ReportLab freeTextAnnotation): indirect, no /AP, /DA only")
    c.freeTextAnnotation("Free text by ReportLab", "(/Helv 10 Tf 0 0 1 rg)", Rect=(330, rows[2] - 6, 520, rows[2] + 14),
                         relative=0)
    label(rows[3], "4. Highlight (ReportLab highlightAnnotation): indirect, no /AP")
    c.drawString(335, rows[3], "highlighted words")
    c.highlightAnnotation("Highlight by ReportLab", Rect=(330, rows[3] - 3, 420, rows[3] + 10),
                          QuadPoints=[330, rows[3] + 10, 420, rows[3] + 10, 330, rows[3] - 3, 420, rows[3] - 3],
                          Color=[1, 1, 0], relative=0)
    # (ReportLab 3.6's inkAnnotation raises NotImplementedError: the Ink annotations come from pikepdf.)
    label(rows[4], "5. Ink without /AP: indirect")

    # Labels for what pikepdf adds below.
    added = [
        "6. Text with /AP and a /Popup: indirect",
        "7. FreeText with /AP: DIRECT dictionary in /Annots",
        "8. Square with /AP: DIRECT",
        "9. Circle without /AP: indirect",
        "10. Highlight with /AP: DIRECT",
        "11. Ink with /AP: indirect",
        "12. Stamp with /AP (APPROVED): indirect",
        "13. Stamp without /AP (/Name /Draft): DIRECT",
        "14. FileAttachment without /AP (/PushPin): indirect",
        "15. FileAttachment with /AP, embedded file: DIRECT",
        "16. Underline without /AP: DIRECT",
        "17. StrikeOut with /AP: indirect",
        "18. Line without /AP: DIRECT",
        "19. Link to page 2 (GoTo), no /AP: DIRECT",
    ]
    for i, text in enumerate(added):
        label(rows[5 + i], text)
        if text.startswith(("10.", "16.", "17.")):
            c.setFont("Helvetica", 10)
            c.drawString(335, rows[5 + i], "marked-up words")
    c.showPage()
    c.setFont("Helvetica-Bold", 16)
    c.drawString(40, height - 50, "Page 2: target of the GoTo link")
    c.setFont("Helvetica", 10)
    c.drawString(40, height - 80, "20. Square without /AP (indirect) and 21. Text with /AP (DIRECT) are on this page.")
    c.showPage()
    c.save()

    pdf = pikepdf.open(tmp)
    page1, page2 = pdf.pages[0], pdf.pages[1]
    p1ref = page1.obj
    annots = page1.obj.get("/Annots")
    if annots is None:
        annots = page1.obj.Annots = pdf.make_indirect(Array())
    helv = _helv(pdf)
    font_res = Dictionary(Font=Dictionary(Helv=helv))

    def row(i):
        return rows[i - 1]

    def rect(i, x0=330, x1=520, lo=-6, hi=14):
        return [x0, row(i) + lo, x1, row(i) + hi]

    # 5. Ink without AP, indirect.
    y = row(5)
    annots.append(pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.Ink, Rect=[328, y - 2, 422, y + 14],
                                               P=p1ref, F=4, C=[0.7, 0, 0.7], BS=Dictionary(W=2),
                                               InkList=[[330, y, 360, y + 12, 390, y, 420, y + 12]],
                                               Contents=String("Ink without AP"))))

    # 6. Text with AP + Popup (both indirect).
    r = rect(6, 330, 350, -4, 16)
    note_ap = _ap(pdf, [0, 0, 20, 20], "1 0.9 0.3 rg 0 0 0 RG 0.5 w 0.5 0.5 19 19 re B 0 g 4 14 m 16 14 l 4 10 m 16 10 l "
                                       "4 6 m 12 6 l S\n")
    text_note = pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.Text, Rect=r, P=p1ref, F=4,
                                             Contents=String("A note with its own appearance stream."),
                                             T=String("Reviewer"), Name=Name.Comment, C=[1, 0.9, 0.3],
                                             NM=String("corpus-text-ap"), M=String("D:20240101120000Z"),
                                             AP=Dictionary(N=note_ap)))
    popup = pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.Popup, Rect=[360, row(6) - 60, 520, row(6) + 10],
                                         Parent=text_note, Open=False, F=28))
    text_note.Popup = popup
    annots.append(text_note)
    annots.append(popup)

    # 7. FreeText with AP, direct.
    r = rect(7)
    annots.append(Dictionary(Type=Name.Annot, Subtype=Name.FreeText, Rect=r, F=4,
                             Contents=String("Free text with AP"), DA=String("/Helv 10 Tf 0.6 0 0 rg"),
                             AP=Dictionary(N=_ap(pdf, [0, 0, 190, 20],
                                                 "0 0 0 RG 0.5 w 0.25 0.25 189.5 19.5 re S BT /Helv 10 Tf 0.6 0 0 rg "
                                                 "4 6 Td (Free text with AP) Tj ET\n", font_res))))

    # 8. Square with AP, direct.
    r = rect(8, 330, 400, -6, 14)
    annots.append(Dictionary(Type=Name.Annot, Subtype=Name.Square, Rect=r, F=4, C=[0, 0.5, 0], IC=[0.8, 1, 0.8],
                             BS=Dictionary(W=2), Contents=String("Square with AP"),
                             AP=Dictionary(N=_ap(pdf, [0, 0, 70, 20], "0 0.5 0 RG 0.8 1 0.8 rg 2 w 1 1 68 18 re B\n"))))

    # 9. Circle without AP, indirect.
    r = rect(9, 330, 400, -6, 14)
    annots.append(pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.Circle, Rect=r, P=p1ref, F=4,
                                               C=[0.8, 0, 0], BS=Dictionary(W=1.5),
                                               Contents=String("Circle without AP"))))

    # 10. Highlight with AP, direct.
    y = row(10)
    annots.append(Dictionary(Type=Name.Annot, Subtype=Name.Highlight, Rect=[333, y - 3, 420, y + 10], F=4,
                             C=[0.5, 1, 1], QuadPoints=[333, y + 10, 420, y + 10, 333, y - 3, 420, y - 3],
                             Contents=String("Highlight with AP"),
                             AP=Dictionary(N=_ap(pdf, [0, 0, 87, 13],
                                                 "/GS0 gs 0.5 1 1 rg 0 0 87 13 re f\n",
                                                 Dictionary(ExtGState=Dictionary(
                                                     GS0=Dictionary(Type=Name.ExtGState, BM=Name.Multiply,
                                                                    ca=0.6)))))))

    # 11. Ink with AP, indirect.
    y = row(11)
    ink_ap = _ap(pdf, [0, 0, 94, 16], "0 0 1 RG 1.5 w 2 2 m 32 14 l 62 2 l 92 14 l S\n")
    annots.append(pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.Ink, Rect=[328, y - 2, 422, y + 14],
                                               P=p1ref, F=4, C=[0, 0, 1], BS=Dictionary(W=1.5),
                                               InkList=[[330, y, 360, y + 12, 390, y, 420, y + 12]],
                                               Contents=String("Ink with AP"), AP=Dictionary(N=ink_ap))))

    # 12. Stamp with AP, indirect.
    r = rect(12, 330, 450, -8, 16)
    stamp_ap = _ap(pdf, [0, 0, 120, 24], "0.8 0 0 RG 2 w 1 1 118 22 re S BT /Helv 14 Tf 0.8 0 0 rg 12 7 Td "
                                         "(APPROVED) Tj ET\n", font_res)
    annots.append(pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.Stamp, Rect=r, P=p1ref, F=4,
                                               Name=Name.Approved, Contents=String("Stamp with AP"),
                                               AP=Dictionary(N=stamp_ap))))

    # 13. Stamp without AP, direct.
    r = rect(13, 330, 450, -8, 16)
    annots.append(Dictionary(Type=Name.Annot, Subtype=Name.Stamp, Rect=r, F=4, Name=Name.Draft,
                             Contents=String("Stamp without AP")))

    def embedded(name, data):
        ef = Stream(pdf, data)
        ef.Type = Name.EmbeddedFile
        ef.Subtype = Name("/text#2Fplain")
        ef.Params = Dictionary(Size=len(data))
        return Dictionary(Type=Name.Filespec, F=String(name), UF=String(name), EF=Dictionary(F=ef))

    # 14. FileAttachment without AP, indirect.
    r = rect(14, 330, 344, -2, 18)
    annots.append(pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.FileAttachment, Rect=r, P=p1ref, F=4,
                                               Name=Name.PushPin, Contents=String("notes.txt"),
                                               FS=embedded("notes.txt", b"Attached notes for the corpus.\n"))))

    # 15. FileAttachment with AP, direct.
    r = rect(15, 330, 344, -2, 18)
    clip_ap = _ap(pdf, [0, 0, 14, 20], "0.3 0.3 0.3 RG 1.2 w 4 3 m 4 16 l 4 19 10 19 10 16 c 10 6 l 10 3 6 3 6 6 c 6 14 l S\n")
    annots.append(Dictionary(Type=Name.Annot, Subtype=Name.FileAttachment, Rect=r, F=4, Name=Name.Paperclip,
                             Contents=String("data.csv"), AP=Dictionary(N=clip_ap),
                             FS=embedded("data.csv", b"id,value\n1,42\n")))

    # 16. Underline without AP, direct.
    y = row(16)
    annots.append(Dictionary(Type=Name.Annot, Subtype=Name.Underline, Rect=[333, y - 3, 420, y + 10], F=4,
                             C=[0, 0.6, 0], QuadPoints=[333, y + 10, 420, y + 10, 333, y - 3, 420, y - 3],
                             Contents=String("Underline without AP")))

    # 17. StrikeOut with AP, indirect.
    y = row(17)
    annots.append(pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.StrikeOut, Rect=[333, y - 3, 420, y + 10],
                                               P=p1ref, F=4, C=[1, 0, 0],
                                               QuadPoints=[333, y + 10, 420, y + 10, 333, y - 3, 420, y - 3],
                                               Contents=String("StrikeOut with AP"),
                                               AP=Dictionary(N=_ap(pdf, [0, 0, 87, 13], "1 0 0 RG 1 w 0 5 m 87 5 l S\n")))))

    # 18. Line without AP, direct.
    y = row(18)
    annots.append(Dictionary(Type=Name.Annot, Subtype=Name.Line, Rect=[328, y - 2, 502, y + 12], F=4, C=[0.5, 0, 0.5],
                             L=[330, y + 5, 500, y + 5], LE=[Name("/None"), Name.OpenArrow],
                             BS=Dictionary(W=1), Contents=String("Line without AP")))

    # 19. Link to page 2, direct.
    r = rect(19, 330, 450, -4, 12)
    annots.append(Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=r, Border=[0, 0, 1],
                             Dest=[page2.obj, Name.XYZ, 0, height, 0]))

    # Page 2: 20. Square without AP (indirect), 21. Text with AP (direct).
    p2annots = page2.obj.get("/Annots")
    if p2annots is None:
        p2annots = page2.obj.Annots = Array()
    p2annots.append(pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.Square, P=page2.obj, F=4,
                                                 Rect=[40, height - 200, 200, height - 110], C=[0, 0, 0.7],
                                                 BS=Dictionary(W=3), Contents=String("Square without AP"))))
    p2annots.append(Dictionary(Type=Name.Annot, Subtype=Name.Text, Rect=[220, height - 130, 240, height - 110], F=4,
                               Contents=String("Direct note with AP"), Name=Name.Note,
                               AP=Dictionary(N=_ap(pdf, [0, 0, 20, 20], "0.6 0.8 1 rg 0 0 1 RG 0 0 20 20 re B\n"))))

    pdf.Root.PageMode = Name.UseNone
    pdf.save(path, compress_streams=True)
    pdf.close()
    os.remove(tmp)


def main():
    out = sys.argv[1]
    plain(os.path.join(out, "reportlab-plain.pdf"))
    outline_acroform(os.path.join(out, "reportlab-outline-acroform.pdf"))
    annotations(os.path.join(out, "reportlab-annotations.pdf"))


if __name__ == "__main__":
    main()
