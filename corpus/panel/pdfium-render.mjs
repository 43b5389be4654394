// Renders one page of a PDF with PDFium (Chrome's PDF engine, as WebAssembly: @hyzyla/pdfium) to a PNG, form fields
// (widget appearances, so visible signatures) included, as Chrome shows the page:
//   node corpus/panel/pdfium-render.mjs IN.pdf PAGE SCALE OUT.png
// Used by the visible-signature render test beside poppler, MuPDF and pdf.js.
import { readFile, writeFile } from "node:fs/promises";
import { deflateSync } from "node:zlib";
import { PDFiumLibrary } from "@hyzyla/pdfium";

const [file, pageNumber, scale, outFile] = process.argv.slice(2);
const library = await PDFiumLibrary.init();
const document = await library.loadDocument(new Uint8Array(await readFile(file)));
const page = document.getPage(Number(pageNumber) - 1);
// the wrapper renders with FPDF_REVERSE_BYTE_ORDER: its "BGRA" bitmap holds red, green, blue, alpha in that order
const image = await page.render({ scale: Number(scale), render: "bitmap", renderFormFields: true });
document.destroy();
library.destroy();
await writeFile(outFile, png(image.width, image.height, image.data));

/** A PNG (8-bit RGB) of RGBA pixels, composited on white. */
function png(width, height, rgba) {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    raw[row] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const a = rgba[i + 3] / 255;
      const o = row + 1 + x * 3;
      for (let k = 0; k < 3; k++) raw[o + k] = Math.round(rgba[i + k] * a + 255 * (1 - a));
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: RGB
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", header),
    chunk("IDAT", deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]);
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function crc32(bytes) {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}
