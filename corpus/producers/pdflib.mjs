// pdf-lib producer for the corpus:  node corpus/producers/pdflib.mjs OUTDIR
// writes
//   pdflib-form.pdf     text and an AcroForm (text field, check box), saved with pdf-lib's defaults
//                       (useObjectStreams: true, so object streams and a cross-reference stream)
//   pdflib-classic.pdf  the same document saved with useObjectStreams: false (classic xref table)
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PDFDocument, StandardFonts, rgb } from 'pdf-lib';

const out = process.argv[2];
if (!out) {
  console.error('usage: pdflib.mjs OUTDIR');
  process.exit(2);
}

async function build() {
  const doc = await PDFDocument.create();
  doc.setTitle('Certyneo corpus: pdf-lib form');
  doc.setAuthor('certyneo corpus');
  doc.setCreator('certyneo corpus generator');
  const fixed = new Date(Date.UTC(2024, 0, 1, 12, 0, 0));
  doc.setCreationDate(fixed);
  doc.setModificationDate(fixed);
  const helvetica = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);

  const page = doc.addPage([595.28, 841.89]);
  page.drawText('pdf-lib form', { x: 72, y: 760, size: 22, font: bold });
  page.drawText('This page was written by pdf-lib (JavaScript) for the certyneo signing corpus.',
    { x: 72, y: 730, size: 11, font: helvetica });
  page.drawText('Customer number:', { x: 72, y: 680, size: 12, font: helvetica });
  page.drawText('Paperless billing:', { x: 72, y: 640, size: 12, font: helvetica });
  page.drawRectangle({ x: 60, y: 600, width: 470, height: 110, borderColor: rgb(0.2, 0.2, 0.6), borderWidth: 1 });

  const form = doc.getForm();
  const customer = form.createTextField('customer.number');
  customer.setText('C-000123');
  customer.addToPage(page, { x: 190, y: 672, width: 200, height: 22, font: helvetica });
  const paperless = form.createCheckBox('customer.paperless');
  paperless.addToPage(page, { x: 190, y: 634, width: 16, height: 16 });
  paperless.check();

  const second = doc.addPage([595.28, 841.89]);
  second.drawText('Second page of the pdf-lib document.', { x: 72, y: 760, size: 14, font: helvetica });
  return doc;
}

const doc = await build();
await writeFile(join(out, 'pdflib-form.pdf'), await doc.save());
const classic = await build();
await writeFile(join(out, 'pdflib-classic.pdf'), await classic.save({ useObjectStreams: false }));
