// Renders one page of a PDF with pdf.js (Mozilla's reader, as in Firefox) to a PNG, annotations (widget
// appearances) included, as the reader shows the page:
//   node corpus/panel/pdfjs-render.mjs IN.pdf PAGE SCALE OUT.png
// Used by the visible-signature render test to compare pdf.js with poppler and MuPDF. pdf.js is imported from
// corpus/node_modules (npm ci --prefix corpus), or from the directory in $PDFJS_DIST; it draws with the
// @napi-rs/canvas it depends on.
import { readFile, writeFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import path from "node:path";

const distDir = process.env.PDFJS_DIST;
const pdfjs = distDir
  ? await import(pathToFileURL(path.join(distDir, "legacy/build/pdf.mjs")).href)
  : await import("pdfjs-dist/legacy/build/pdf.mjs");
const pkgDir = distDir
  ? distDir
  : path.dirname(path.dirname(path.dirname(new URL(import.meta.resolve("pdfjs-dist/legacy/build/pdf.mjs")).pathname)));

const [file, pageNumber, scale, outFile] = process.argv.slice(2);
const doc = await pdfjs.getDocument({
  data: new Uint8Array(await readFile(file)),
  verbosity: pdfjs.VerbosityLevel.ERRORS,
  standardFontDataUrl: path.join(pkgDir, "standard_fonts") + path.sep,
  cMapUrl: path.join(pkgDir, "cmaps") + path.sep,
  cMapPacked: true,
  useSystemFonts: false,
  isEvalSupported: false,
}).promise;
const page = await doc.getPage(Number(pageNumber));
const viewport = page.getViewport({ scale: Number(scale) });
const { canvas, context } = doc.canvasFactory.create(Math.ceil(viewport.width), Math.ceil(viewport.height));
context.fillStyle = "#ffffff";
context.fillRect(0, 0, canvas.width, canvas.height);
await page.render({ canvasContext: context, viewport, annotationMode: pdfjs.AnnotationMode.ENABLE }).promise;
await writeFile(outFile, canvas.toBuffer("image/png"));
await doc.destroy();
process.exit(0);
