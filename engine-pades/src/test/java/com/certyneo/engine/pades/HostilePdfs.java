package com.certyneo.engine.pades;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Hand-made hostile PDFs: valid cross-reference tables around pathological or inconsistent objects. */
final class HostilePdfs {

    static final String PAGE = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>";
    static final String CONTENT = "<< /Length 0 >>\nstream\n\nendstream";
    static final String CATALOG = "<< /Type /Catalog /Pages 2 0 R >>";
    static final String PAGES = "<< /Type /Pages /Kids [3 0 R] /Count 1 >>";

    private HostilePdfs() {
    }

    /** A classic PDF with objects 1..n ({@code objects.get(0)} is object 1, the catalog). */
    static byte[] build(List<String> objects) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, "%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n");
        long[] offsets = new long[objects.size()];
        for (int i = 0; i < objects.size(); i++) {
            offsets[i] = out.size();
            write(out, (i + 1) + " 0 obj\n" + objects.get(i) + "\nendobj\n");
        }
        int xref = out.size();
        StringBuilder table = new StringBuilder("xref\n0 " + (objects.size() + 1) + "\n0000000000 65535 f \n");
        for (long offset : offsets) {
            table.append(String.format("%010d 00000 n \n", offset));
        }
        table.append("trailer\n<< /Size ").append(objects.size() + 1).append(" /Root 1 0 R >>\nstartxref\n")
                .append(xref).append("\n%%EOF\n");
        write(out, table.toString());
        return out.toByteArray();
    }

    static byte[] withObjects(String catalog, String pages, String page, String content) {
        return build(List.of(catalog, pages, page, content));
    }

    /** {@code depth} arrays nested directly inside the catalog. */
    static byte[] nestedArrays(int depth) {
        return withObjects("<< /Type /Catalog /Pages 2 0 R /X " + "[".repeat(depth) + "]".repeat(depth) + " >>",
                PAGES, PAGE, CONTENT);
    }

    /** {@code depth} dictionaries nested directly inside the catalog. */
    static byte[] nestedDictionaries(int depth) {
        return withObjects("<< /Type /Catalog /Pages 2 0 R /X " + "<< /A ".repeat(depth) + "1" + " >>".repeat(depth) + " >>",
                PAGES, PAGE, CONTENT);
    }

    /**
     * A chain of {@code depth} arrays or dictionaries, each in its own object and holding a reference to
     * the next, hung off the catalog: nested {@code depth} levels deep through references.
     */
    static byte[] chained(int depth, boolean arrays) {
        return arrays ? chained(depth, "[]", List.of()) : chained(depth, "<< /A %d 0 R >>", "<< >>", List.of());
    }

    /**
     * A chain of {@code depth} arrays as {@link #chained(int, boolean)}, the last one {@code last} (which may refer
     * to the objects of {@code after}, numbered from {@code 5 + depth + 1}).
     */
    static byte[] chained(int depth, String last, List<String> after) {
        return chained(depth, "[%d 0 R]", last, after);
    }

    private static byte[] chained(int depth, String link, String last, List<String> after) {
        List<String> objects = new ArrayList<>(List.of("<< /Type /Catalog /Pages 2 0 R /X 5 0 R >>", PAGES, PAGE, CONTENT));
        for (int i = 0; i < depth; i++) {
            objects.add(i == depth - 1 ? last : String.format(link, 5 + i + 1));
        }
        objects.addAll(after);
        return build(objects);
    }

    private static void write(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.ISO_8859_1));
    }
}
