// A foreign signer from npm for the corpus: @signpdf/signpdf (node-forge CMS), the Node signer behind many
// e-signature backends.
//   node corpus/producers/signpdf.mjs plain|pdflib IN.pdf OUT.pdf SIGNER.p12 PASSWORD REASON
// plain:  @signpdf/placeholder-plain appends an incremental update of its own (signature field, widget on page 1,
//         a new /AcroForm) with a classic xref table, then signs it (adbe.pkcs7.detached)
// pdflib: @signpdf/placeholder-pdf-lib adds the field with pdf-lib, which writes the whole file again (one
//         revision), then signs it
// The CMS: SHA-256, signed attributes content-type, message-digest and signing-time; RSA (node-forge reads only
// RSA keys, from a PKCS#12 file with the legacy 3DES/RC2 encryption: openssl pkcs12 -export -legacy).
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { SignPdf } = require('@signpdf/signpdf');
const { P12Signer } = require('@signpdf/signer-p12');
const { plainAddPlaceholder } = require('@signpdf/placeholder-plain');
const { pdflibAddPlaceholder } = require('@signpdf/placeholder-pdf-lib');
const { PDFDocument } = require('pdf-lib');

const [mode, input, output, p12, passphrase, reason] = process.argv.slice(2);
if (!reason || !['plain', 'pdflib'].includes(mode)) {
  console.error('usage: signpdf.mjs plain|pdflib IN.pdf OUT.pdf SIGNER.p12 PASSWORD REASON');
  process.exit(2);
}
const signer = new P12Signer(await readFile(p12), { passphrase });
const placeholder = {
  reason, contactInfo: 'foreign@example.invalid', name: 'Foreign Signer signpdf', location: '127.0.0.1',
  signatureLength: 8192,
};
let pdf = await readFile(input);
if (mode === 'plain') {
  pdf = plainAddPlaceholder({ pdfBuffer: pdf, ...placeholder });
} else {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  pdflibAddPlaceholder({ pdfDoc: doc, ...placeholder, widgetRect: [0, 0, 0, 0] });
  pdf = Buffer.from(await doc.save({ useObjectStreams: false }));
}
await writeFile(output, await new SignPdf().sign(pdf, signer));
