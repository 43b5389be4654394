package com.certyneo.testvectors;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Writes a small hybrid-reference file (ISO 32000-1, 7.5.8.4) by hand, since neither PDFBox nor
 * qpdf writes that layout: objects 1-4 and 6-7 are listed in a classic xref table; the font (object
 * 5) lives in an object stream (6) and is listed only in the cross-reference stream (7) that the
 * trailer's {@code /XRefStm} points at. A PDF 1.4 reader sees a page without its font; a 1.5+ reader
 * merges both sections.
 */
final class HybridXrefWriter {

    private HybridXrefWriter() {
    }

    static byte[] write() {
        Out out = new Out();
        out.ascii("%PDF-1.5\n");
        out.bytes(new byte[] {'%', (byte) 0xE2, (byte) 0xE3, (byte) 0xCF, (byte) 0xD3, '\n'});
        long[] offsets = new long[8];
        offsets[1] = out.object(1, "<< /Type /Catalog /Pages 2 0 R >>");
        offsets[2] = out.object(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
        offsets[3] = out.object(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
                + "/Resources << /Font << /F1 5 0 R >> >> >>");
        String content = "BT /F1 14 Tf 72 742 Td (Certyneo test vector - hybrid-reference file) Tj ET\n";
        offsets[4] = out.stream(4, "", content);
        String font = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>";
        String header = "5 0 ";
        offsets[6] = out.stream(6, "/Type /ObjStm /N 1 /First " + header.length() + " ", header + font);
        // Cross-reference stream covering object 5 only: type 2, in object stream 6, index 0. W [1 2 1].
        byte[] entry = {2, 0, 6, 0};
        offsets[7] = out.binaryStream(7, "/Type /XRef /Size 8 /Index [5 1] /W [1 2 1] ", entry);
        long xref = out.size();
        StringBuilder table = new StringBuilder("xref\n0 8\n");
        table.append("0000000000 65535 f\r\n");
        for (int i = 1; i <= 7; i++) {
            if (i == 5) {
                table.append("0000000000 00001 f\r\n");
            } else {
                table.append(String.format("%010d 00000 n\r\n", offsets[i]));
            }
        }
        out.ascii(table.toString());
        String id = HexFormat.of().formatHex(PdfFactory.md5("certyneo-test-vectors/hybrid".getBytes(StandardCharsets.US_ASCII)));
        out.ascii("trailer\n<< /Size 8 /Root 1 0 R /XRefStm " + offsets[7] + " /ID [<" + id + "> <" + id + ">] >>\n"
                + "startxref\n" + xref + "\n%%EOF\n");
        return out.toByteArray();
    }

    private static final class Out extends ByteArrayOutputStream {
        void ascii(String s) {
            bytes(s.getBytes(StandardCharsets.ISO_8859_1));
        }

        void bytes(byte[] b) {
            write(b, 0, b.length);
        }

        long object(int number, String body) {
            long offset = size();
            ascii(number + " 0 obj\n" + body + "\nendobj\n");
            return offset;
        }

        long stream(int number, String dictionaryEntries, String data) {
            return binaryStream(number, dictionaryEntries, data.getBytes(StandardCharsets.ISO_8859_1));
        }

        long binaryStream(int number, String dictionaryEntries, byte[] data) {
            long offset = size();
            ascii(number + " 0 obj\n<< " + dictionaryEntries + "/Length " + data.length + " >>\nstream\n");
            bytes(data);
            ascii("\nendstream\nendobj\n");
            return offset;
        }
    }
}
