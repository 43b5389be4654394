package com.certyneo.engine.audit;

import com.certyneo.engine.audit.FontSet.Style;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;

import java.awt.Color;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal flow layout on A4 pages: a cursor moving down, headings, wrapped paragraphs and tables
 * whose rows wrap, split across pages when taller than a page, and whose header row repeats on each
 * new page. Running headers and "page i of n" footers are drawn once all pages exist.
 */
final class PageLayout {

    static final Color INK = new Color(0x1A, 0x1A, 0x1A);
    static final Color MUTED = new Color(0x5F, 0x66, 0x70);
    static final Color ACCENT = new Color(0x0B, 0x4F, 0x8A);
    static final Color RULE = new Color(0xC8, 0xCC, 0xD2);
    static final Color SHADE = new Color(0xF1, 0xF3, 0xF6);
    static final Color HEADER_FILL = new Color(0xE1, 0xE8, 0xF0);
    static final Color RED = new Color(0xC0, 0x00, 0x00);
    static final Color GREEN = new Color(0x1E, 0x6B, 0x2E);

    static final PDRectangle A4 = PDRectangle.A4;
    static final float LEFT = 48;
    static final float RIGHT = A4.getWidth() - 48;
    static final float WIDTH = RIGHT - LEFT;
    private static final float BOTTOM = 52;
    private static final float PAD = 3;

    /** Draws the running header and footer of a page once the page count is known. */
    interface PageDecorator {
        void decorate(PageLayout layout, PDPageContentStream content, int pageNumber, int pageCount) throws IOException;
    }

    private final PDDocument document;
    private final FontSet fonts;
    private final float top;
    private final List<PDPage> pages = new ArrayList<>();
    private PDPageContentStream content;
    private float y;

    PageLayout(PDDocument document, FontSet fonts, float top) {
        this.document = document;
        this.fonts = fonts;
        this.top = top;
    }

    float y() {
        return y;
    }

    int pageCount() {
        return pages.size();
    }

    void newPage() throws IOException {
        closeContent();
        PDPage page = new PDPage(A4);
        document.addPage(page);
        pages.add(page);
        content = new PDPageContentStream(document, page);
        y = top;
    }

    /** Makes sure {@code height} points fit below the cursor, else starts a new page. */
    void ensure(float height) throws IOException {
        if (content == null || y - height < BOTTOM) {
            newPage();
        }
    }

    void space(float points) {
        y -= points;
    }

    void finish(PageDecorator decorator) throws IOException {
        closeContent();
        for (int i = 0; i < pages.size(); i++) {
            try (PDPageContentStream c = new PDPageContentStream(document, pages.get(i), PDPageContentStream.AppendMode.APPEND,
                    true, true)) {
                decorator.decorate(this, c, i + 1, pages.size());
            }
        }
    }

    private void closeContent() throws IOException {
        if (content != null) {
            content.close();
            content = null;
        }
    }

    // ------------------------------------------------------------------ text primitives

    void text(PDPageContentStream c, float x, float baseline, String s, Style style, float size, Color color) throws IOException {
        if (s.isEmpty()) {
            return;
        }
        c.beginText();
        c.setNonStrokingColor(color);
        c.newLineAtOffset(x, baseline);
        for (FontSet.Run run : fonts.runs(s, style)) {
            c.setFont(run.font(), size);
            c.showText(run.text());
        }
        c.endText();
    }

    void textRight(PDPageContentStream c, float right, float baseline, String s, Style style, float size, Color color)
            throws IOException {
        text(c, right - FontSet.width(s, style, size), baseline, s, style, size, color);
    }

    static void rule(PDPageContentStream c, float x1, float x2, float yy, Color color, float width) throws IOException {
        c.setStrokingColor(color);
        c.setLineWidth(width);
        c.moveTo(x1, yy);
        c.lineTo(x2, yy);
        c.stroke();
    }

    /** Breaks text into lines no wider than {@code width}: at spaces, else inside long tokens (hashes, user agents). */
    static List<String> wrap(String text, Style style, float size, float width) {
        List<String> lines = new ArrayList<>();
        for (String paragraph : clean(text).split("\n", -1)) {
            StringBuilder line = new StringBuilder();
            float lineWidth = 0;
            float space = FontSet.width(" ", style, size);
            for (String word : paragraph.split(" ", -1)) {
                float w = FontSet.width(word, style, size);
                float needed = line.length() == 0 ? w : lineWidth + space + w;
                if (needed <= width) {
                    if (line.length() > 0) {
                        line.append(' ');
                    }
                    line.append(word);
                    lineWidth = needed;
                    continue;
                }
                if (line.length() > 0 && w <= width) {
                    lines.add(line.toString());
                    line.setLength(0);
                    line.append(word);
                    lineWidth = w;
                    continue;
                }
                // A token wider than the column: break it by characters.
                if (line.length() > 0) {
                    line.append(' ');
                    lineWidth += space;
                }
                for (int i = 0; i < word.length(); ) {
                    int cp = word.codePointAt(i);
                    float a = FontSet.advance(cp, style) * size / 1000f;
                    if (lineWidth + a > width && line.length() > 0) {
                        lines.add(line.toString());
                        line.setLength(0);
                        lineWidth = 0;
                    }
                    line.appendCodePoint(cp);
                    lineWidth += a;
                    i += Character.charCount(cp);
                }
            }
            lines.add(line.toString());
        }
        return lines;
    }

    /** Tabs become spaces, CR/LF become line breaks, other control characters disappear. */
    private static String clean(String text) {
        StringBuilder b = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\r') {
                if (i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    continue;
                }
                b.append('\n');
            } else if (c == '\t') {
                b.append(' ');
            } else if (c == '\n' || c >= 0x20 && c != 0x7F && !(c >= 0x80 && c < 0xA0)) {
                b.append(c);
            }
        }
        return b.toString();
    }

    // ------------------------------------------------------------------ flow elements

    void heading(String s) throws IOException {
        ensure(16 + 18 + 40);
        space(16);
        text(content, LEFT, y - 12, s, Style.BOLD, 12.5f, ACCENT);
        space(17);
        rule(content, LEFT, RIGHT, y, ACCENT, 0.8f);
        space(8);
    }

    void paragraph(String s, Style style, float size, Color color) throws IOException {
        float leading = size * 1.35f;
        for (String line : wrap(s, style, size, WIDTH)) {
            ensure(leading);
            text(content, LEFT, y - size, line, style, size, color);
            space(leading);
        }
    }

    /** A paragraph of a cell. */
    record Para(String text, Style style, Color color) {
        static Para of(String text) {
            return new Para(text, Style.REGULAR, INK);
        }

        static Para mono(String text) {
            return new Para(text, Style.MONO, INK);
        }

        static Para muted(String text) {
            return new Para(text, Style.REGULAR, MUTED);
        }

        static Para bold(String text) {
            return new Para(text, Style.BOLD, INK);
        }
    }

    /** A table column. */
    record Column(String title, float width) {
    }

    private record Line(String text, Style style, Color color) {
    }

    /**
     * Draws a table. Rows are lists of cells, each cell a list of paragraphs.
     *
     * @param header whether to draw (and repeat) the header row
     * @param shade whether to shade every other row
     */
    void table(List<Column> columns, List<List<List<Para>>> rows, boolean header, boolean shade, float size) throws IOException {
        float leading = size * 1.3f;
        float headerHeight = leading + 2 * PAD;
        boolean needHeader = header;
        int index = 0;
        for (List<List<Para>> row : rows) {
            List<List<Line>> cells = new ArrayList<>();
            int maxLines = 1;
            for (int c = 0; c < columns.size(); c++) {
                List<Line> lines = new ArrayList<>();
                List<Para> paras = c < row.size() ? row.get(c) : List.of();
                for (Para p : paras) {
                    for (String l : wrap(p.text(), p.style(), size, columns.get(c).width() - 2 * PAD)) {
                        lines.add(new Line(l, p.style(), p.color()));
                    }
                }
                cells.add(lines);
                maxLines = Math.max(maxLines, lines.size());
            }
            int from = 0;
            while (from < maxLines) {
                float headerSpace = header && needHeader ? headerHeight : 0;
                float available = y - BOTTOM - headerSpace - 2 * PAD;
                int fit = content == null ? 0 : (int) Math.floor(available / leading);
                int remaining = maxLines - from;
                boolean freshPage = content != null && y == top;
                if (fit < Math.min(remaining, 2) && !(freshPage && fit >= 1)) {
                    newPage();
                    needHeader = header;
                    continue;
                }
                if (fit < remaining && !freshPage && remaining <= (int) Math.floor((top - BOTTOM - headerHeight - 2 * PAD) / leading)) {
                    // The row would fit whole on a new page: move it there instead of splitting it.
                    newPage();
                    needHeader = header;
                    continue;
                }
                if (header && needHeader) {
                    drawHeader(columns, size, headerHeight);
                    needHeader = false;
                }
                int count = Math.min(fit, remaining);
                float height = count * leading + 2 * PAD;
                if (shade && index % 2 == 1) {
                    content.setNonStrokingColor(SHADE);
                    content.addRect(LEFT, y - height, WIDTH, height);
                    content.fill();
                }
                float x = LEFT;
                for (int c = 0; c < columns.size(); c++) {
                    List<Line> lines = cells.get(c);
                    for (int l = from; l < Math.min(lines.size(), from + count); l++) {
                        Line line = lines.get(l);
                        text(content, x + PAD, y - PAD - (l - from) * leading - size, line.text(), line.style(), size, line.color());
                    }
                    x += columns.get(c).width();
                }
                space(height);
                rule(content, LEFT, RIGHT, y, RULE, 0.3f);
                from += count;
                if (from < maxLines) {
                    newPage();
                    needHeader = header;
                }
            }
            index++;
        }
    }

    private void drawHeader(List<Column> columns, float size, float height) throws IOException {
        content.setNonStrokingColor(HEADER_FILL);
        content.addRect(LEFT, y - height, WIDTH, height);
        content.fill();
        float x = LEFT;
        for (Column column : columns) {
            text(content, x + PAD, y - PAD - size, column.title(), Style.BOLD, size, INK);
            x += column.width();
        }
        space(height);
    }

    /** A label/value list as a two-column table without header. */
    void keyValues(List<String[]> pairs, float labelWidth, float size) throws IOException {
        List<List<List<Para>>> rows = new ArrayList<>();
        for (String[] pair : pairs) {
            Style style = pair.length > 2 && "mono".equals(pair[2]) ? Style.MONO : Style.REGULAR;
            rows.add(List.of(List.of(new Para(pair[0], Style.BOLD, MUTED)), List.of(new Para(pair[1], style, INK))));
        }
        table(List.of(new Column("", labelWidth), new Column("", WIDTH - labelWidth)), rows, false, false, size);
    }

    PDPageContentStream content() throws IOException {
        ensure(0);
        return content;
    }
}
