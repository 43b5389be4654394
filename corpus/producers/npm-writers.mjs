// PDF writers from npm besides pdf-lib, for the corpus:  node corpus/producers/npm-writers.mjs OUTDIR
// writes
//   pdfkit-text.pdf         PDFKit: three pages (one landscape), DejaVu Sans embedded and subset, Latin/Greek/Cyrillic
//                           text, a link annotation; compressed content streams, classic xref table
//   pdfkit-form.pdf         PDFKit: an AcroForm made by PDFKit's form API (text field, check box, push button)
//   pdfkit-owner-aes.pdf    PDFKit's own encryption: owner password only (empty user password), AES-128 (PDF 1.7),
//                           every permission but high-resolution printing
//   jspdf-text.pdf          jsPDF: two pages (the second landscape), standard 14 font, uncompressed content
//   jspdf-owner-rc4.pdf     jsPDF's own encryption: owner password only, RC4 40-bit (V 1, R 2), printing and
//                           modifying allowed
import { writeFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const PDFDocument = require('pdfkit');
const { jsPDF } = require('jspdf');

const out = process.argv[2];
if (!out) {
  console.error('usage: npm-writers.mjs OUTDIR');
  process.exit(2);
}
const FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf'; // Debian fonts-dejavu-core
const fixed = new Date(Date.UTC(2024, 0, 1, 12, 0, 0));

function pdfkit(file, options, body) {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ info: { Title: 'Certyneo corpus: ' + file, CreationDate: fixed }, ...options });
    const stream = createWriteStream(join(out, file));
    stream.on('finish', resolve);
    stream.on('error', reject);
    doc.pipe(stream);
    body(doc);
    doc.end();
  });
}

await pdfkit('pdfkit-text.pdf', {}, doc => {
  doc.font(FONT).fontSize(20).text('PDFKit document');
  doc.fontSize(11).text('Ünïcödé — Ελληνικά — Русский. Written by PDFKit (JavaScript) for the certyneo signing corpus.');
  doc.fillColor('blue').text('A link', { link: 'https://example.com/', underline: true }).fillColor('black');
  doc.addPage().text('Page two of the PDFKit document.');
  doc.addPage({ layout: 'landscape' }).text('Page three, landscape.');
});
await pdfkit('pdfkit-form.pdf', {}, doc => {
  doc.font(FONT).fontSize(14).text('PDFKit form');
  doc.initForm();
  doc.fontSize(10).text('Name:', 50, 100);
  doc.formText('name', 100, 95, 200, 20);
  doc.text('Agreed:', 50, 140);
  doc.formCheckbox('agreed', 100, 135, 15, 15);
  doc.formPushButton('submit', 100, 180, 80, 20, { label: 'Submit' });
});
await pdfkit('pdfkit-owner-aes.pdf', {
  pdfVersion: '1.7', ownerPassword: 'corpus-owner',
  permissions: { printing: 'lowResolution', modifying: true, copying: true, annotating: true, fillingForms: true,
    contentAccessibility: true, documentAssembly: true },
}, doc => {
  doc.font(FONT).fontSize(14).text('PDFKit document protected by an owner password only (AES-128).');
});

function jspdf(file, options, body) {
  const doc = new jsPDF(options);
  doc.setProperties({ title: 'Certyneo corpus: ' + file });
  doc.setCreationDate(fixed);
  body(doc);
  return writeFile(join(out, file), Buffer.from(doc.output('arraybuffer')));
}

await jspdf('jspdf-text.pdf', { compress: false }, doc => {
  doc.setFontSize(20).text('jsPDF document', 20, 25);
  doc.setFontSize(11).text('Written by jsPDF (JavaScript) for the certyneo signing corpus.', 20, 40);
  doc.addPage('a4', 'landscape').text('Page two, landscape.', 20, 25);
});
await jspdf('jspdf-owner-rc4.pdf', {
  encryption: { userPassword: '', ownerPassword: 'corpus-owner', userPermissions: ['print', 'modify', 'annot-forms', 'copy'] },
}, doc => {
  doc.setFontSize(14).text('jsPDF document protected by an owner password only (RC4 40-bit).', 20, 25);
});
