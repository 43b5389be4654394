// Opens each PDF given on the command line with PDFium (Chrome's PDF engine, as WebAssembly: @hyzyla/pdfium) and
// prints one JSON line per file:
//   {"file", "ok", "version", "validXref", "numPages", "rendered", "revisions", "signatures": [{"subFilter",
//    "byteRange", "contentsLength", "contentsSha256", "docMdp"}], "error", "millis"}
// validXref: FPDF_DocumentHasValidCrossReferenceTable (false when PDFium had to rebuild the table by scanning the
// file); revisions: FPDF_GetTrailerEnds; signatures: every signature field, an empty one with no contents and no byte
// range; rendered: pages rendered (every page, at a tenth of its size, form fields
// included). Encrypted files: $PANEL_PASSWORDS is a JSON object from file path to user password.
import { readFile } from "node:fs/promises";
import { createHash } from "node:crypto";
import { PDFiumLibrary } from "@hyzyla/pdfium";

const PASSWORDS = JSON.parse(process.env.PANEL_PASSWORDS || "{}");
const out = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");
const library = await PDFiumLibrary.init();
const m = library.module;

function withBuffer(bytes, fn) {
  const ptr = m.wasmExports.malloc(Math.max(bytes, 1));
  try {
    return fn(ptr);
  } finally {
    m.wasmExports.free(ptr);
  }
}

function signature(doc, i) {
  const sig = m._FPDF_GetSignatureObject(doc, i);
  const ranges = m._FPDFSignatureObj_GetByteRange(sig, 0, 0);
  const byteRange = withBuffer(4 * ranges, (p) => {
    m._FPDFSignatureObj_GetByteRange(sig, p, ranges);
    return Array.from(new Int32Array(m.HEAPU8.buffer.slice(p, p + 4 * ranges)));
  });
  const contentsLength = m._FPDFSignatureObj_GetContents(sig, 0, 0);
  const contentsSha256 = withBuffer(contentsLength, (p) => {
    m._FPDFSignatureObj_GetContents(sig, p, contentsLength);
    return createHash("sha256").update(m.HEAPU8.subarray(p, p + contentsLength)).digest("hex");
  });
  const subFilterLength = m._FPDFSignatureObj_GetSubFilter(sig, 0, 0);
  const subFilter = withBuffer(subFilterLength, (p) => {
    m._FPDFSignatureObj_GetSubFilter(sig, p, subFilterLength);
    return Buffer.from(m.HEAPU8.subarray(p, p + Math.max(subFilterLength - 1, 0))).toString("latin1");
  });
  return { subFilter, byteRange, contentsLength, contentsSha256, docMdp: m._FPDFSignatureObj_GetDocMDPPermission(sig) };
}

async function check(file) {
  const data = new Uint8Array(await readFile(file));
  const document = await library.loadDocument(data, PASSWORDS[file] || "");
  try {
    const doc = document.documentIdx;
    const version = withBuffer(4, (p) => (m._FPDF_GetFileVersion(doc, p) ? new Int32Array(m.HEAPU8.buffer.slice(p, p + 4))[0] : null));
    const validXref = !!m._FPDF_DocumentHasValidCrossReferenceTable(doc);
    const revisions = m._FPDF_GetTrailerEnds(doc, 0, 0);
    const signatures = [];
    const count = m._FPDF_GetSignatureCount(doc);
    for (let i = 0; i < count; i++) signatures.push(signature(doc, i));
    const numPages = document.getPageCount();
    let rendered = 0;
    for (let n = 0; n < numPages; n++) {
      const page = document.getPage(n);
      await page.render({ scale: 0.1, render: "bitmap", renderFormFields: true });
      rendered++;
    }
    return { ok: true, version, validXref, numPages, rendered, revisions, signatures };
  } finally {
    document.destroy();
  }
}

for (const file of process.argv.slice(2)) {
  const started = Date.now();
  let result;
  try {
    result = await check(file);
  } catch (e) {
    result = { ok: false, error: String(e && e.message ? e.message : e) };
  }
  out({ file, ...result, millis: Date.now() - started });
}
library.destroy();
