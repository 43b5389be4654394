package com.certyneo.engine.pades.adversarial;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One incremental update appended to a PDF, written byte by byte: the new or redefined objects, then a
 * classic cross-reference table ({@code xref}, subsections, {@code trailer} with {@code /Prev}) or a
 * cross-reference stream ({@code /Type /XRef}, {@code /W [1 4 2]}, uncompressed, with its own entry),
 * then {@code startxref} and an end marker that may be left out or mangled on purpose. Entries may
 * also free an object or point an object number at bytes that are already in the file (an "alias").
 * Nothing here checks that the result makes sense: producing nonsense is the point.
 */
final class IncrementalUpdate {

    /** The kind of cross-reference section to write. */
    enum Form {
        CLASSIC, STREAM
    }

    private sealed interface Entry permits Obj, Free, Alias {
        int number();

        int generation();
    }

    private record Obj(int number, int generation, byte[] body) implements Entry {
    }

    private record Free(int number, int generation) implements Entry {
    }

    private record Alias(int number, int generation, long offset) implements Entry {
    }

    private final byte[] base;
    private final long prev;
    private final List<Entry> entries = new ArrayList<>();
    private final Map<String, String> trailer = new LinkedHashMap<>();
    private final Map<Integer, Long> offsets = new TreeMap<>();
    private int size;
    private Form form;
    private String ending = "%%EOF\n";
    private byte[] trailing = new byte[0];
    private long xrefOffset = -1;
    private byte[] built;

    /**
     * @param base    the file to append to (not changed)
     * @param trailer the trailer the update carries over (/Root, /Info, /ID) and the current /Size
     * @param form    the kind of cross-reference section
     */
    IncrementalUpdate(byte[] base, PdfFacts.Trailer trailer, Form form) {
        this.base = base;
        this.prev = lastStartxref(base);
        this.size = trailer.size();
        this.form = form;
        this.trailer.put("Root", trailer.root());
        if (trailer.info() != null) {
            this.trailer.put("Info", trailer.info());
        }
        if (trailer.id() != null) {
            this.trailer.put("ID", trailer.id());
        }
    }

    /** @return an update of {@code facts}' file, in the form of its last cross-reference section */
    static IncrementalUpdate on(PdfFacts facts) {
        return new IncrementalUpdate(facts.bytes(), facts.trailer(), facts.xrefStream() ? Form.STREAM : Form.CLASSIC);
    }

    /** @return a new object number (the current /Size, which then grows) */
    int allocate() {
        return size++;
    }

    /** Adds or redefines object {@code number} (generation 0) with {@code body} (a dictionary, array, …). */
    IncrementalUpdate object(int number, String body) {
        return object(number, 0, body);
    }

    /** Adds or redefines object {@code number} at {@code generation}. */
    IncrementalUpdate object(int number, int generation, String body) {
        entries.add(new Obj(number, generation, Cos.latin1(body)));
        size = Math.max(size, number + 1);
        return this;
    }

    /** Adds or redefines stream object {@code number}; {@code dictionary} without /Length, e.g. {@code "/Subtype /Form"}. */
    IncrementalUpdate stream(int number, int generation, String dictionary, byte[] data) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(Cos.latin1("<< " + dictionary + " /Length " + data.length + " >>\nstream\n"));
        body.writeBytes(data);
        body.writeBytes(Cos.latin1("\nendstream"));
        entries.add(new Obj(number, generation, body.toByteArray()));
        size = Math.max(size, number + 1);
        return this;
    }

    /** {@link #stream(int, int, String, byte[])} at generation 0 with ISO-8859-1 text. */
    IncrementalUpdate stream(int number, String dictionary, String data) {
        return stream(number, 0, dictionary, Cos.latin1(data));
    }

    /** Frees object {@code number}: an {@code f} entry with generation {@code nextGeneration}. */
    IncrementalUpdate free(int number, int nextGeneration) {
        entries.add(new Free(number, nextGeneration));
        return this;
    }

    /** Points object {@code number} at {@code offset}, bytes already in the file; nothing is written there. */
    IncrementalUpdate alias(int number, int generation, long offset) {
        entries.add(new Alias(number, generation, offset));
        size = Math.max(size, number + 1);
        return this;
    }

    /** Sets ({@code value} non-null) or removes a trailer entry, e.g. {@code trailer("Root", "12 0 R")}. */
    IncrementalUpdate trailer(String key, String value) {
        if (value == null) {
            trailer.remove(key);
        } else {
            trailer.put(key, value);
        }
        return this;
    }

    /** @param form the kind of cross-reference section to write */
    IncrementalUpdate form(Form form) {
        this.form = form;
        return this;
    }

    /** @param ending what follows the startxref offset: {@code "%%EOF\n"} (default), {@code ""}, {@code "%EOF\n"} … */
    IncrementalUpdate ending(String ending) {
        this.ending = ending;
        return this;
    }

    /** @param bytes appended after the end marker (garbage, orphan objects) */
    IncrementalUpdate trailing(byte[] bytes) {
        this.trailing = bytes.clone();
        return this;
    }

    /** @return the base file plus this update */
    byte[] build() {
        if (built != null) {
            return built.clone();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(base.length + 4096);
        out.writeBytes(base);
        if (base.length > 0 && base[base.length - 1] != '\n' && base[base.length - 1] != '\r') {
            out.writeBytes(Cos.latin1("\n"));
        }
        for (Entry entry : entries) {
            if (entry instanceof Obj obj) {
                offsets.put(obj.number(), (long) out.size());
                out.writeBytes(Cos.latin1(obj.number() + " " + obj.generation() + " obj\n"));
                out.writeBytes(obj.body());
                out.writeBytes(Cos.latin1("\nendobj\n"));
            }
        }
        if (form == Form.CLASSIC) {
            xrefOffset = out.size();
            out.writeBytes(Cos.latin1(classicSection()));
        } else {
            int self = allocate();
            xrefOffset = out.size();
            out.writeBytes(streamSection(self));
        }
        out.writeBytes(Cos.latin1("startxref\n" + xrefOffset + "\n" + ending));
        out.writeBytes(trailing);
        built = out.toByteArray();
        return built.clone();
    }

    /** @return the offset of the cross-reference section written by {@link #build()} */
    long xrefOffset() {
        return xrefOffset;
    }

    /** @return where {@link #build()} wrote object {@code number} */
    long offsetOf(int number) {
        Long offset = offsets.get(number);
        if (offset == null) {
            throw new IllegalArgumentException("object " + number + " is not in this update");
        }
        return offset;
    }

    /** @return the /Size after this update */
    int size() {
        return size;
    }

    /** @return a further update on {@link #build()}'s result, with this update's trailer and /Size */
    IncrementalUpdate chain() {
        byte[] bytes = build();
        PdfFacts.Trailer next = new PdfFacts.Trailer(size, trailer.get("Root"), trailer.get("Info"), trailer.get("ID"));
        return new IncrementalUpdate(bytes, next, form);
    }

    /** One line of the table per entry, entry 0 heading the list of free objects. */
    private List<long[]> rows() {
        List<long[]> rows = new ArrayList<>(); // {number, field2 (offset or next free), generation, type (0 f, 1 n)}
        List<Integer> freed = entries.stream().filter(e -> e instanceof Free).map(Entry::number).sorted().toList();
        rows.add(new long[] {0, freed.isEmpty() ? 0 : freed.get(0), 65535, 0});
        for (Entry entry : entries) {
            if (entry instanceof Obj obj) {
                rows.add(new long[] {obj.number(), offsets.get(obj.number()), obj.generation(), 1});
            } else if (entry instanceof Alias alias) {
                rows.add(new long[] {alias.number(), alias.offset(), alias.generation(), 1});
            } else if (entry instanceof Free free) {
                int i = freed.indexOf(free.number());
                rows.add(new long[] {free.number(), i + 1 < freed.size() ? freed.get(i + 1) : 0, free.generation(), 0});
            }
        }
        // one row per number, the last definition winning; sorted
        Map<Long, long[]> byNumber = new TreeMap<>();
        rows.forEach(r -> byNumber.put(r[0], r));
        List<long[]> sorted = new ArrayList<>(byNumber.values());
        sorted.sort(Comparator.comparingLong(r -> r[0]));
        return sorted;
    }

    /** Consecutive runs of rows: {first, count}. */
    private static List<long[]> subsections(List<long[]> rows) {
        List<long[]> runs = new ArrayList<>();
        for (long[] row : rows) {
            long[] last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
            if (last != null && last[0] + last[1] == row[0]) {
                last[1]++;
            } else {
                runs.add(new long[] {row[0], 1});
            }
        }
        return runs;
    }

    private String trailerEntries() {
        StringBuilder t = new StringBuilder("/Size " + size);
        trailer.forEach((k, v) -> t.append(" /").append(k).append(' ').append(v));
        if (prev >= 0) {
            t.append(" /Prev ").append(prev);
        }
        return t.toString();
    }

    private String classicSection() {
        List<long[]> rows = rows();
        StringBuilder x = new StringBuilder("xref\n");
        int i = 0;
        for (long[] run : subsections(rows)) {
            x.append(run[0]).append(' ').append(run[1]).append('\n');
            for (int k = 0; k < run[1]; k++, i++) {
                long[] r = rows.get(i);
                x.append(String.format("%010d %05d %s \n", r[1], r[2], r[3] == 1 ? "n" : "f"));
            }
        }
        x.append("trailer\n<< ").append(trailerEntries()).append(" >>\n");
        return x.toString();
    }

    private byte[] streamSection(int self) {
        offsets.put(self, xrefOffset);
        List<long[]> rows = new ArrayList<>(rows());
        rows.add(new long[] {self, xrefOffset, 0, 1});
        rows.sort(Comparator.comparingLong(r -> r[0]));
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (long[] r : rows) {
            long generation = r[3] == 0 && r[0] == 0 ? 65535 : r[2];
            data.write((int) r[3]);
            for (int shift = 24; shift >= 0; shift -= 8) {
                data.write((int) (r[1] >>> shift) & 0xff);
            }
            data.write((int) (generation >>> 8) & 0xff);
            data.write((int) generation & 0xff);
        }
        StringBuilder index = new StringBuilder();
        for (long[] run : subsections(rows)) {
            index.append(index.isEmpty() ? "" : " ").append(run[0]).append(' ').append(run[1]);
        }
        byte[] table = data.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(Cos.latin1(self + " 0 obj\n<< /Type /XRef " + trailerEntries() + " /Index [" + index
                + "] /W [1 4 2] /Length " + table.length + " >>\nstream\n"));
        out.writeBytes(table);
        out.writeBytes(Cos.latin1("\nendstream\nendobj\n"));
        return out.toByteArray();
    }

    /** @return the offset after the last {@code startxref} keyword of {@code pdf}, or -1 */
    static long lastStartxref(byte[] pdf) {
        String tail = new String(pdf, Math.max(0, pdf.length - 2048), Math.min(pdf.length, 2048), StandardCharsets.ISO_8859_1);
        int at = tail.lastIndexOf("startxref");
        if (at < 0) {
            return -1;
        }
        int i = at + "startxref".length();
        while (i < tail.length() && Character.isWhitespace(tail.charAt(i))) {
            i++;
        }
        int start = i;
        while (i < tail.length() && Character.isDigit(tail.charAt(i))) {
            i++;
        }
        return start == i ? -1 : Long.parseLong(tail.substring(start, i));
    }
}
