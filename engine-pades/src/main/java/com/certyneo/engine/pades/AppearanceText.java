package com.certyneo.engine.pades;

import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSStream;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDResources;
import org.apache.pdfbox.pdmodel.font.PDType0Font;

import java.awt.Font;
import java.awt.FontFormatException;
import java.awt.font.FontRenderContext;
import java.awt.font.GlyphVector;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.Bidi;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The text of a visible signature, shaped and drawn with the engine's own fonts, so that any name renders the same
 * in every reader: Latin, Greek and Cyrillic in Noto Sans, Arabic in Noto Sans Arabic, Chinese, Japanese and Korean
 * in Droid Sans Fallback (the fonts and their licences are in {@code resources/.../pades/fonts}). Each run of text
 * gets the first font of that chain that has its characters ({@link Face#of}); a character no font has is drawn as
 * '?' in Noto Sans.
 *
 * <p>Bidirectional text and shaping: {@link Bidi} (the JDK's Unicode bidirectional algorithm) splits a line into
 * directional runs in visual order, and the JDK's OpenType layout ({@link Font#layoutGlyphVector}, HarfBuzz inside
 * the JDK) shapes each run with the font's own GSUB/GPOS tables: Arabic gets its contextual forms and lam-alef
 * ligatures and reads right to left; no extra dependency (ICU4J's ArabicShaping would only map to presentation
 * forms, and weighs 14 MB). The glyphs are written by glyph id (Identity-H) with {@code TJ} adjustments for the
 * shaped advances, and the font's {@code /ToUnicode} is rewritten to map each glyph to the characters it stands for
 * (a ligature to both letters), so text extraction gives the logical characters.
 *
 * <p>Instances are per appearance (one document); the font programs and AWT fonts are loaded once per JVM, each
 * only when a text first needs it, and are immutable.
 */
final class AppearanceText {

    /** The engine's fonts, in fallback order. */
    enum Face {
        /** Latin, Greek, Cyrillic and common punctuation. */
        SANS("NotoSans-Regular.ttf"),
        /** Arabic. */
        ARABIC("NotoSansArabic-Regular.ttf"),
        /** Chinese, Japanese, Korean. */
        CJK("DroidSansFallbackFull.ttf");

        private final String file;
        private volatile byte[] bytes;
        private volatile Font awt;

        Face(String file) {
            this.file = file;
        }

        /** The font program (read from the jar on first use). */
        byte[] bytes() {
            byte[] b = bytes;
            if (b == null) {
                synchronized (this) {
                    if (bytes == null) {
                        try (InputStream in = AppearanceText.class.getResourceAsStream("fonts/" + file)) {
                            if (in == null) {
                                throw new IllegalStateException("The font fonts/" + file + " is missing from engine-pades");
                            }
                            bytes = in.readAllBytes();
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }
                    b = bytes;
                }
            }
            return b;
        }

        /** The font at 1000 points: its layout positions are in the PDF's glyph space (1/1000 em). */
        Font awt() {
            Font f = awt;
            if (f == null) {
                synchronized (this) {
                    if (awt == null) {
                        try {
                            awt = Font.createFont(Font.TRUETYPE_FONT, new ByteArrayInputStream(bytes())).deriveFont(1000f);
                        } catch (FontFormatException | IOException e) {
                            throw new IllegalStateException("The font fonts/" + file + " cannot be read", e);
                        }
                    }
                    f = awt;
                }
            }
            return f;
        }

        boolean has(int codePoint) {
            return awt().canDisplay(codePoint);
        }

        /** The face for a character: Arabic script in the Arabic font, else the first face that has it. */
        static Face of(int codePoint) {
            if (Character.UnicodeScript.of(codePoint) == Character.UnicodeScript.ARABIC && ARABIC.has(codePoint)) {
                return ARABIC;
            }
            if (SANS.has(codePoint)) {
                return SANS;
            }
            if (codePoint >= 0x2E80 && CJK.has(codePoint)) {
                return CJK;
            }
            return ARABIC.has(codePoint) ? ARABIC : null;
        }
    }

    private static final FontRenderContext FRC = new FontRenderContext(null, true, true);

    /** One font's glyphs, in visual order, with the advance (1/1000 em) and characters of each. */
    record Run(Face face, int[] glyphs, float[] advances, String[] text, float width) {
    }

    /** A shaped line: its runs in visual order, its width (1/1000 em) and whether it reads right to left. */
    record Line(List<Run> runs, float width, boolean rightToLeft) {
    }

    private final Map<String, Line> shaped = new HashMap<>();

    /** Shapes one line of logical text (cached: wrapping measures the same words again and again). */
    Line shape(String text) {
        return shaped.computeIfAbsent(text, AppearanceText::shapeLine);
    }

    /** @return the width of {@code text} at {@code size} points */
    float width(String text, float size) {
        return shape(text).width() / 1000f * size;
    }

    private static Line shapeLine(String logical) {
        String text = printable(logical);
        if (text.isEmpty()) {
            return new Line(List.of(), 0, false);
        }
        char[] chars = text.toCharArray();
        Bidi bidi = new Bidi(text, Bidi.DIRECTION_DEFAULT_LEFT_TO_RIGHT);
        int count = bidi.getRunCount();
        byte[] levels = new byte[count];
        Integer[] order = new Integer[count];
        for (int i = 0; i < count; i++) {
            levels[i] = (byte) bidi.getRunLevel(i);
            order[i] = i;
        }
        Bidi.reorderVisually(levels, 0, order, 0, count);
        List<Run> runs = new ArrayList<>();
        float width = 0;
        for (int r : order) {
            int start = bidi.getRunStart(r);
            int limit = bidi.getRunLimit(r);
            boolean rtl = (bidi.getRunLevel(r) & 1) == 1;
            List<int[]> segments = segments(text, start, limit); // {start, limit, face ordinal}, logical order
            if (rtl) {
                java.util.Collections.reverse(segments);
            }
            for (int[] s : segments) {
                Run run = layout(Face.values()[s[2]], chars, s[0], s[1], rtl);
                runs.add(run);
                width += run.width();
            }
        }
        return new Line(List.copyOf(runs), width, !bidi.baseIsLeftToRight());
    }

    /** Control characters dropped, characters no face has replaced by '?'. */
    private static String printable(String text) {
        StringBuilder b = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> {
            if (Character.getType(cp) == Character.FORMAT && cp != 0x200C && cp != 0x200D || Character.isISOControl(cp)) {
                return; // bidi controls and the like: the bidi algorithm has the text's own directions
            }
            b.append(Face.of(cp) == null ? "?" : Character.toString(cp));
        });
        return b.toString();
    }

    /**
     * Splits {@code [start, limit)} into runs of one face: a character of the Common or Inherited script (a space,
     * a digit, punctuation, a combining mark) stays in the run before it when that face has it.
     */
    private static List<int[]> segments(String text, int start, int limit) {
        List<int[]> segments = new ArrayList<>();
        Face current = null;
        int from = start;
        for (int i = start; i < limit; ) {
            int cp = text.codePointAt(i);
            Character.UnicodeScript script = Character.UnicodeScript.of(cp);
            boolean neutral = script == Character.UnicodeScript.COMMON || script == Character.UnicodeScript.INHERITED;
            Face face = current != null && (neutral || cp == 0x200C || cp == 0x200D) && current.has(cp) ? current : Face.of(cp);
            if (face == null) {
                face = Face.SANS;
            }
            if (current != null && face != current) {
                segments.add(new int[] {from, i, current.ordinal()});
                from = i;
            }
            current = face;
            i += Character.charCount(cp);
        }
        if (current != null) {
            segments.add(new int[] {from, limit, current.ordinal()});
        }
        return segments;
    }

    private static Run layout(Face face, char[] chars, int start, int limit, boolean rtl) {
        GlyphVector vector = face.awt().layoutGlyphVector(FRC, chars, start, limit,
                rtl ? Font.LAYOUT_RIGHT_TO_LEFT : Font.LAYOUT_LEFT_TO_RIGHT);
        int n = vector.getNumGlyphs();
        TreeSet<Integer> starts = new TreeSet<>();
        for (int i = 0; i < n; i++) {
            starts.add(vector.getGlyphCharIndex(i) + start);
        }
        List<Integer> glyphs = new ArrayList<>();
        List<Float> advances = new ArrayList<>();
        List<String> text = new ArrayList<>();
        TreeSet<Integer> named = new TreeSet<>();
        float[] positions = vector.getGlyphPositions(0, n + 1, null);
        for (int i = 0; i < n; i++) {
            int glyph = vector.getGlyphCode(i);
            float advance = positions[2 * (i + 1)] - positions[2 * i];
            if (glyph >= 0xFFFE) { // the JDK's invisible glyph (a joiner): keep its advance on the previous glyph
                if (!advances.isEmpty()) {
                    advances.set(advances.size() - 1, advances.get(advances.size() - 1) + advance);
                }
                continue;
            }
            int from = vector.getGlyphCharIndex(i) + start;
            Integer next = starts.higher(from);
            glyphs.add(glyph);
            advances.add(advance);
            text.add(named.add(from) ? new String(chars, from, (next == null ? limit : next) - from) : "");
        }
        float[] a = new float[advances.size()];
        int[] g = new int[glyphs.size()];
        float width = 0;
        for (int i = 0; i < g.length; i++) {
            g[i] = glyphs.get(i);
            a[i] = advances.get(i);
            width += a[i];
        }
        return new Run(face, g, a, text.toArray(String[]::new), width);
    }

    // ------------------------------------------------------------------------------------------------
    // Writing

    /**
     * The fonts of one appearance: each face used is loaded (as a subset Type0 font with Identity-H) into the
     * document and the form's resources when {@link #fonts} first sees it.
     */
    static final class Fonts {
        private final PDDocument document;
        private final PDResources resources;
        private final Map<Face, PDType0Font> fonts = new EnumMap<>(Face.class);
        private final Map<Face, COSName> names = new EnumMap<>(Face.class);
        private final Map<Face, TreeMap<Integer, String>> unicode = new EnumMap<>(Face.class);

        Fonts(PDDocument document, PDResources resources) {
            this.document = document;
            this.resources = resources;
        }

        /** Registers the glyphs of {@code lines}. */
        void use(List<Line> lines) throws IOException {
            for (Line line : lines) {
                for (Run run : line.runs()) {
                    PDType0Font font = font(run.face());
                    TreeMap<Integer, String> map = unicode.get(run.face());
                    TreeSet<Integer> ids = new TreeSet<>();
                    for (int i = 0; i < run.glyphs().length; i++) {
                        ids.add(run.glyphs()[i]);
                        if (!run.text()[i].isEmpty()) {
                            map.putIfAbsent(run.glyphs()[i], run.text()[i]);
                        }
                    }
                    font.addGlyphsToSubset(ids);
                }
            }
        }

        private PDType0Font font(Face face) throws IOException {
            PDType0Font font = fonts.get(face);
            if (font == null) {
                font = PDType0Font.load(document, new ByteArrayInputStream(face.bytes()), true);
                fonts.put(face, font);
                names.put(face, resources.add(font));
                unicode.put(face, new TreeMap<>());
            }
            return font;
        }

        /**
         * Subsets every font (PDDocument.save would; the engine writes the revision itself) and gives each a
         * {@code /ToUnicode} from the shaped glyphs to the characters they show.
         */
        void finish() throws IOException {
            for (Map.Entry<Face, PDType0Font> e : fonts.entrySet()) {
                PDType0Font font = e.getValue();
                font.subset();
                COSStream cmap = document.getDocument().createCOSStream();
                try (OutputStream out = cmap.createOutputStream(COSName.FLATE_DECODE)) {
                    out.write(toUnicode(unicode.get(e.getKey())).getBytes(StandardCharsets.US_ASCII));
                }
                font.getCOSObject().setItem(COSName.TO_UNICODE, cmap);
            }
        }

        /**
         * The text operators drawing {@code line} at the current text position, {@code size} points. The glyphs
         * stand in visual order, as in any PDF; readers with a bidi-aware extraction (poppler's pdftotext) give
         * right-to-left words back in logical order. No {@code /ActualText}: poppler and MuPDF reverse it as if it
         * were visual text.
         */
        void show(StringBuilder content, Line line, float size) throws IOException {
            Face current = null;
            for (Run run : line.runs()) {
                if (run.glyphs().length == 0) {
                    continue;
                }
                PDType0Font font = font(run.face());
                if (run.face() != current) {
                    content.append('/').append(names.get(run.face()).getName()).append(' ').append(number(size))
                            .append(" Tf\n");
                    current = run.face();
                }
                content.append('[');
                for (int i = 0; i < run.glyphs().length; i++) {
                    int glyph = run.glyphs()[i];
                    content.append('<').append(String.format("%04X", glyph)).append('>');
                    // TJ moves by the font's width minus the number: make the move the shaped advance
                    float adjust = Math.round(font.getWidthFromFont(glyph)) - run.advances()[i];
                    if (Math.abs(adjust) >= 0.01f) {
                        content.append(number(adjust));
                    }
                }
                content.append("] TJ\n");
            }
        }
    }

    private static String toUnicode(TreeMap<Integer, String> map) {
        StringBuilder b = new StringBuilder();
        b.append("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n")
                .append("/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n")
                .append("/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n")
                .append("1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
        List<Map.Entry<Integer, String>> entries = new ArrayList<>(map.entrySet());
        for (int i = 0; i < entries.size(); i += 100) {
            List<Map.Entry<Integer, String>> block = entries.subList(i, Math.min(entries.size(), i + 100));
            b.append(block.size()).append(" beginbfchar\n");
            for (Map.Entry<Integer, String> e : block) {
                b.append('<').append(String.format("%04X", e.getKey())).append("> <");
                for (char c : e.getValue().toCharArray()) {
                    b.append(String.format("%04X", (int) c));
                }
                b.append(">\n");
            }
            b.append("endbfchar\n");
        }
        b.append("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
        return b.toString();
    }

    /** A number for the content stream, to 3 decimals (a thousandth of a point or of an em). */
    static String number(float value) {
        return CosWriter.real(Math.round(value * 1000) / 1000f);
    }
}
