// Opens each PDF given on the command line with pdf.js (Mozilla's reader, as in Firefox) and prints
// one JSON line per file:
//   {"file", "ok", "numPages", "sigAnnotations", "sigFields", "sandboxPages", "messages", "error", "millis"}
// sigAnnotations: widget annotations with fieldType "Sig" over all pages; sigFields: signature
// fields from getFieldObjects(); sandboxPages: 1-based pages whose extracted text contains
// "SANDBOX"; messages: pdf.js warnings and errors logged while reading that file.
//
// One node process serves a whole batch (ReaderPanel runs it once per check). pdf.js is imported
// from corpus/node_modules (npm ci --prefix corpus), or from the directory in $PDFJS_DIST.
import { readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import path from "node:path";

const distDir = process.env.PDFJS_DIST;
const pdfjs = distDir
  ? await import(pathToFileURL(path.join(distDir, "legacy/build/pdf.mjs")).href)
  : await import("pdfjs-dist/legacy/build/pdf.mjs");
const pkgDir = distDir
  ? distDir
  : path.dirname(path.dirname(path.dirname(new URL(import.meta.resolve("pdfjs-dist/legacy/build/pdf.mjs")).pathname)));

const PER_FILE_MS = Number(process.env.PDFJS_TIMEOUT_MS || 60000);
// Encrypted files: $PANEL_PASSWORDS is a JSON object from file path to user password.
const PASSWORDS = JSON.parse(process.env.PANEL_PASSWORDS || "{}");

// pdf.js reports warnings through console.log("Warning: ...") and errors through console.error /
// console.log; capture everything logged while a file is read.
let captured = [];
const original = { log: console.log, warn: console.warn, error: console.error, info: console.info };
for (const level of ["log", "warn", "error", "info"]) {
  console[level] = (...args) => captured.push(args.map(String).join(" "));
}
const out = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");

async function check(file) {
  const data = new Uint8Array(await readFile(file));
  const task = pdfjs.getDocument({
    data,
    ...(PASSWORDS[file] !== undefined ? { password: PASSWORDS[file] } : {}),
    verbosity: pdfjs.VerbosityLevel.WARNINGS,
    standardFontDataUrl: path.join(pkgDir, "standard_fonts") + path.sep,
    cMapUrl: path.join(pkgDir, "cmaps") + path.sep,
    cMapPacked: true,
    useSystemFonts: false,
    isEvalSupported: false,
    stopAtErrors: true,
  });
  const doc = await task.promise;
  try {
    let sigAnnotations = 0;
    const sandboxPages = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const annotations = await page.getAnnotations();
      sigAnnotations += annotations.filter((a) => a.fieldType === "Sig").length;
      const text = await page.getTextContent();
      const joined = text.items.map((i) => i.str || "").join("").replace(/\s+/g, "");
      if (joined.toUpperCase().includes("SANDBOX")) sandboxPages.push(n);
      page.cleanup();
    }
    let sigFields = 0;
    const fields = await doc.getFieldObjects();
    if (fields) {
      for (const list of Object.values(fields)) {
        // One entry per field name: count it once when any of its parts is a signature.
        if (list.some((f) => f.type === "signature")) sigFields++;
      }
    }
    return { ok: true, numPages: doc.numPages, sigAnnotations, sigFields, sandboxPages };
  } finally {
    await doc.destroy();
  }
}

for (const file of process.argv.slice(2)) {
  captured = [];
  const started = Date.now();
  let result;
  let timer;
  try {
    result = await Promise.race([
      check(file),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${PER_FILE_MS} ms`)), PER_FILE_MS);
      }),
    ]);
  } catch (e) {
    result = { ok: false, error: `${e && e.name ? e.name + ": " : ""}${e && e.message ? e.message : e}` };
  } finally {
    clearTimeout(timer);
  }
  out({ file, ...result, messages: captured, millis: Date.now() - started });
}
Object.assign(console, original);
process.exit(0);
