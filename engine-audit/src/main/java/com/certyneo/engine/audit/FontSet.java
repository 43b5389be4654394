package com.certyneo.engine.audit;

import org.apache.fontbox.ttf.CmapLookup;
import org.apache.fontbox.ttf.TTFParser;
import org.apache.fontbox.ttf.TrueTypeFont;
import org.apache.pdfbox.io.RandomAccessReadBuffer;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.font.PDType0Font;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The fonts of one audit-trail document, embedded as subsets (PDF/A): DejaVu Sans (regular, bold)
 * and DejaVu Sans Mono cover Latin, Greek and Cyrillic; Droid Sans Fallback covers CJK. Text is
 * split into runs per font, choosing for every character the first font that has a glyph for it
 * (the style's own font, then DejaVu Sans, then the fallback); characters no font has become '?'.
 * Fonts are loaded into the document on first use, so a Latin-only trail never embeds the CJK font.
 */
final class FontSet {

    /** Text styles. */
    enum Style { REGULAR, BOLD, MONO }

    private static final String DIR = "/com/certyneo/engine/audit/fonts/";
    private static final Face REGULAR = new Face("DejaVuSans.ttf");
    private static final Face BOLD = new Face("DejaVuSans-Bold.ttf");
    private static final Face MONO = new Face("DejaVuSansMono.ttf");
    private static final Face FALLBACK = new Face("DroidSansFallbackFull.ttf");

    private final PDDocument document;
    private final Map<Face, PDType0Font> loaded = new ConcurrentHashMap<>();

    FontSet(PDDocument document) {
        this.document = document;
    }

    /** A run of text drawn with one font. */
    record Run(PDType0Font font, String text) {
    }

    List<Run> runs(String text, Style style) {
        List<Run> runs = new ArrayList<>();
        Face current = null;
        StringBuilder buffer = new StringBuilder();
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            Face face = faceFor(cp, style);
            if (face == null) {
                face = primary(style);
                cp = '?';
            }
            if (face != current && buffer.length() > 0) {
                runs.add(new Run(pdFont(current), buffer.toString()));
                buffer.setLength(0);
            }
            current = face;
            buffer.appendCodePoint(cp);
        }
        if (buffer.length() > 0) {
            runs.add(new Run(pdFont(current), buffer.toString()));
        }
        return runs;
    }

    /** @return the width in points of {@code text} at {@code size} */
    static float width(CharSequence text, Style style, float size) {
        float units = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = Character.codePointAt(text, i);
            i += Character.charCount(cp);
            units += advance(cp, style);
        }
        return units * size / 1000f;
    }

    /** @return the advance of one code point in 1/1000 em */
    static float advance(int cp, Style style) {
        Face face = faceFor(cp, style);
        return face == null ? primary(style).advance('?') : face.advance(cp);
    }

    private static Face primary(Style style) {
        return switch (style) {
            case REGULAR -> REGULAR;
            case BOLD -> BOLD;
            case MONO -> MONO;
        };
    }

    private static Face faceFor(int cp, Style style) {
        Face primary = primary(style);
        if (primary.covers(cp)) {
            return primary;
        }
        if (primary != REGULAR && REGULAR.covers(cp)) {
            return REGULAR;
        }
        return FALLBACK.covers(cp) ? FALLBACK : null;
    }

    private PDType0Font pdFont(Face face) {
        return loaded.computeIfAbsent(face, f -> {
            try {
                return PDType0Font.load(document, new RandomAccessReadBuffer(f.bytes()), true, false);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot embed font " + f.file, e);
            }
        });
    }

    /**
     * A bundled TrueType font: its bytes, and its cmap and advance widths for measuring (parsed once
     * per JVM, read under the face's lock).
     */
    private static final class Face {
        private final String file;
        private volatile byte[] bytes;
        private TrueTypeFont ttf;
        private CmapLookup cmap;
        private float unitsPerEm;
        private final Map<Integer, Float> advances = new ConcurrentHashMap<>();
        private final Map<Integer, Boolean> coverage = new ConcurrentHashMap<>();

        Face(String file) {
            this.file = file;
        }

        byte[] bytes() {
            byte[] b = bytes;
            if (b == null) {
                synchronized (this) {
                    if (bytes == null) {
                        try (InputStream in = FontSet.class.getResourceAsStream(DIR + file)) {
                            if (in == null) {
                                throw new IllegalStateException("Font resource " + DIR + file + " is missing from the jar");
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

        private synchronized void parse() {
            if (ttf == null) {
                try {
                    ttf = new TTFParser().parse(new RandomAccessReadBuffer(bytes()));
                    cmap = ttf.getUnicodeCmapLookup();
                    unitsPerEm = ttf.getUnitsPerEm();
                } catch (IOException e) {
                    throw new UncheckedIOException("Cannot parse font " + file, e);
                }
            }
        }

        boolean covers(int cp) {
            return coverage.computeIfAbsent(cp, c -> {
                synchronized (this) {
                    parse();
                    return cmap.getGlyphId(c) != 0;
                }
            });
        }

        float advance(int cp) {
            return advances.computeIfAbsent(cp, c -> {
                synchronized (this) {
                    parse();
                    try {
                        return ttf.getAdvanceWidth(cmap.getGlyphId(c)) * 1000f / unitsPerEm;
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            });
        }
    }
}
