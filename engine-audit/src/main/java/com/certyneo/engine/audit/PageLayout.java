package com.certyneo.engine.audit;

import com.certyneo.engine.audit.FontSet.Style;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.documentinterchange.logicalstructure.PDStructureElement;

import java.awt.Color;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal flow layout on A4 pages: a cursor moving down, headings, wrapped paragraphs and tables
 * whose rows wrap, split across pages when taller than a page, and whose header row repeats on each
 * new page. Running headers and "page i of n" footers are drawn once all pages exist.
 * Everything drawn is tagged (see {@link Tags}): text belongs to a heading, paragraph or table cell of
 * the structure tree; rules, shading, repeated table headers, running headers and footers are artifacts.
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
    private final Tags tags;
    private PDPageContentStream content;
    private PDPage page;
    private float y;

    PageLayout(PDDocument document, FontSet fonts, float top) {
        this.document = document;
        this.fonts = fonts;
        this.top = top;
        this.tags = new Tags(document);
    }

    float y() {
        return y;
    }

    int pageCount() {
        return pages.size();
    }

    void newPage() throws IOException {
        closeContent();
        page = new PDPage(A4);
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

    /** Draws the running headers and footers (as artifacts) and writes the structure tree. */
    void finish(PageDecorator decorator) throws IOException {
        closeContent();
        for (int i = 0; i < pages.size(); i++) {
            try (PDPageContentStream c = new PDPageContentStream(document, pages.get(i), PDPageContentStream.AppendMode.APPEND,
                    true, true)) {
                Tags.beginArtifact(c);
                decorator.decorate(this, c, i + 1, pages.size());
                c.endMarkedContent();
            }
        }
        tags.finish();
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

    /** Draws {@code s} on the current page as content of {@code element}. */
    void tagged(PDStructureElement element, float x, float baseline, String s, Style style, float size, Color color)
            throws IOException {
        if (s.isEmpty()) {
            return;
        }
        tags.begin(content, page, element);
        text(content, x, baseline, s, style, size, color);
        content.endMarkedContent();
    }

    /** A horizontal rule on the current page, as an artifact. */
    private void artifactRule(float yy, Color color, float width) throws IOException {
        Tags.beginArtifact(content);
        rule(content, LEFT, RIGHT, yy, color, width);
        content.endMarkedContent();
    }

    /** A filled rectangle on the current page, as an artifact. */
    private void artifactFill(float x, float yy, float w, float h, Color color) throws IOException {
        Tags.beginArtifact(content);
        content.setNonStrokingColor(color);
        content.addRect(x, yy, w, h);
        content.fill();
        content.endMarkedContent();
    }

    static void rule(PDPageContentStream c, float x1, float x2, float yy, Color color, float width) throws IOException {
        c.setStrokingColor(color);
        c.setLineWidth(width);
        c.moveTo(x1, yy);
        c.lineTo(x2, yy);
        c.stroke();
    }

    /**
     * Breaks text into lines no wider than {@code width}: at spaces, else inside long tokens (hashes, user agents).
     * A line that ends where the text had a space or a line break keeps one trailing space (invisible), so
     * that text extraction and screen readers, which join the lines of an element, still see two words.
     */
    static List<String> wrap(String text, Style style, float size, float width) {
        List<String> lines = new ArrayList<>();
        String[] paragraphs = clean(text).split("\n", -1);
        for (int pi = 0; pi < paragraphs.length; pi++) {
            String paragraph = paragraphs[pi];
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
                    lines.add(line + " ");
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
            lines.add(pi < paragraphs.length - 1 && line.length() > 0 ? line + " " : line.toString());
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

    /** The document title (H1). */
    void title(String s) throws IOException {
        ensure(60);
        tagged(Tags.add(tags.document(), Tags.H1), LEFT, y - 20, s, Style.BOLD, 20, ACCENT);
        space(28);
    }

    /** A section heading (H2) with a rule below. */
    void heading(String s) throws IOException {
        ensure(16 + 18 + 40);
        space(16);
        tagged(Tags.add(tags.document(), Tags.H2), LEFT, y - 12, s, Style.BOLD, 12.5f, ACCENT);
        space(17);
        artifactRule(y, ACCENT, 0.8f);
        space(8);
    }

    /** A paragraph (P). */
    void paragraph(String s, Style style, float size, Color color) throws IOException {
        block(Tags.P, s, style, size, color);
    }

    /** A sub-heading within a section (H3): one document or one signer. */
    void subheading(String s, float size) throws IOException {
        block(Tags.H3, s, Style.BOLD, size, INK);
    }

    private void block(String type, String s, Style style, float size, Color color) throws IOException {
        float leading = size * 1.35f;
        PDStructureElement element = Tags.add(tags.document(), type);
        for (String line : wrap(s, style, size, WIDTH)) {
            ensure(leading);
            tagged(element, LEFT, y - size, line, style, size, color);
            space(leading);
        }
    }

    /**
     * Lays a digest out in groups of {@link HumanText#GROUP} characters, as many whole groups per line as
     * fit and the lines balanced (a SHA-256 in a wide column: two lines of eight groups).
     */
    static List<String> digestLines(String digest, float size, float width) {
        List<String> groups = HumanText.groups(digest);
        if (groups.isEmpty()) {
            return List.of("");
        }
        float group = FontSet.width(groups.get(0), Style.MONO, size);
        float space = FontSet.width(" ", Style.MONO, size);
        int fit = Math.max(1, (int) Math.floor((width + space) / (group + space)));
        int lineCount = (groups.size() + fit - 1) / fit;
        int perLine = (groups.size() + lineCount - 1) / lineCount;
        List<String> lines = new ArrayList<>(lineCount);
        for (int i = 0; i < groups.size(); i += perLine) {
            int end = Math.min(groups.size(), i + perLine);
            lines.add(String.join(" ", groups.subList(i, end)) + (end < groups.size() ? " " : ""));
        }
        return lines;
    }

    /**
     * A paragraph of a cell.
     *
     * @param digest whether the text is a digest, laid out in monospace groups (see {@link #digestLines})
     */
    record Para(String text, Style style, Color color, boolean digest) {
        Para(String text, Style style, Color color) {
            this(text, style, color, false);
        }

        static Para digest(String text) {
            return new Para(text, Style.MONO, INK, true);
        }

        static Para digest(String text, Color color) {
            return new Para(text, Style.MONO, color, true);
        }

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

    private static List<String> lines(Para p, float size, float width) {
        return p.digest() ? digestLines(p.text(), size, width) : wrap(p.text(), p.style(), size, width);
    }

    /**
     * Draws a table. Rows are lists of cells, each cell a list of paragraphs.
     *
     * @param header whether to draw (and repeat) the header row
     * @param shade whether to shade every other row
     * @param rowHeaders whether the first cell of each row heads it (a label/value list)
     */
    void table(List<Column> columns, List<List<List<Para>>> rows, boolean header, boolean shade, float size,
               boolean rowHeaders) throws IOException {
        float leading = size * 1.3f;
        float headerHeight = leading + 2 * PAD;
        boolean needHeader = header;
        boolean headerTagged = false;
        PDStructureElement table = Tags.add(tags.document(), Tags.TABLE);
        int index = 0;
        for (List<List<Para>> row : rows) {
            List<List<Line>> cells = new ArrayList<>();
            int maxLines = 1;
            for (int c = 0; c < columns.size(); c++) {
                List<Line> lines = new ArrayList<>();
                List<Para> paras = c < row.size() ? row.get(c) : List.of();
                for (int pi = 0; pi < paras.size(); pi++) {
                    Para p = paras.get(pi);
                    List<String> wrapped = lines(p, size, columns.get(c).width() - 2 * PAD);
                    for (int li = 0; li < wrapped.size(); li++) {
                        String l = wrapped.get(li);
                        // Paragraphs of a cell are separate words for a reader too.
                        boolean lastOfPara = li == wrapped.size() - 1;
                        lines.add(new Line(lastOfPara && pi < paras.size() - 1 && !l.endsWith(" ") && !l.isEmpty() ? l + " " : l,
                                p.style(), p.color()));
                    }
                }
                cells.add(lines);
                maxLines = Math.max(maxLines, lines.size());
            }
            List<PDStructureElement> cellElements = new ArrayList<>();
            boolean rowCreated = false;
            PDStructureElement tr = null;
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
                    drawHeader(table, columns, size, headerHeight, headerTagged);
                    headerTagged = true;
                    needHeader = false;
                }
                if (!rowCreated) {
                    // The row's elements follow the header row in the structure tree.
                    tr = Tags.add(table, Tags.TR);
                    for (int c = 0; c < columns.size(); c++) {
                        cellElements.add(c == 0 && rowHeaders ? Tags.headerCell(tr, true) : Tags.add(tr, Tags.TD));
                    }
                    rowCreated = true;
                }
                int count = Math.min(fit, remaining);
                float height = count * leading + 2 * PAD;
                if (shade && index % 2 == 1) {
                    artifactFill(LEFT, y - height, WIDTH, height, SHADE);
                }
                float x = LEFT;
                for (int c = 0; c < columns.size(); c++) {
                    List<Line> lines = cells.get(c);
                    for (int l = from; l < Math.min(lines.size(), from + count); l++) {
                        Line line = lines.get(l);
                        tagged(cellElements.get(c), x + PAD, y - PAD - (l - from) * leading - size, line.text(), line.style(),
                                size, line.color());
                    }
                    x += columns.get(c).width();
                }
                space(height);
                artifactRule(y, RULE, 0.3f);
                from += count;
                if (from < maxLines) {
                    newPage();
                    needHeader = header;
                }
            }
            index++;
        }
    }

    /**
     * Draws the header row: the first time as the table's first row (TH cells), when repeated on a
     * continuation page as a pagination artifact.
     */
    private void drawHeader(PDStructureElement table, List<Column> columns, float size, float height, boolean repeated)
            throws IOException {
        artifactFill(LEFT, y - height, WIDTH, height, HEADER_FILL);
        PDStructureElement tr = repeated ? null : Tags.add(table, Tags.TR);
        if (repeated) {
            Tags.beginArtifact(content);
        }
        float x = LEFT;
        for (Column column : columns) {
            if (repeated) {
                text(content, x + PAD, y - PAD - size, column.title(), Style.BOLD, size, INK);
            } else {
                tagged(Tags.headerCell(tr, false), x + PAD, y - PAD - size, column.title(), Style.BOLD, size, INK);
            }
            x += column.width();
        }
        if (repeated) {
            content.endMarkedContent();
        }
        space(height);
    }

    /** A label/value list as a two-column table without header. */
    void keyValues(List<String[]> pairs, float labelWidth, float size) throws IOException {
        List<List<List<Para>>> rows = new ArrayList<>();
        for (String[] pair : pairs) {
            String kind = pair.length > 2 ? pair[2] : "";
            Para value = "digest".equals(kind) ? Para.digest(pair[1])
                    : new Para(pair[1], "mono".equals(kind) ? Style.MONO : Style.REGULAR, INK);
            rows.add(List.of(List.of(new Para(pair[0], Style.BOLD, MUTED)), List.of(value)));
        }
        table(List.of(new Column("", labelWidth), new Column("", WIDTH - labelWidth)), rows, false, false, size, true);
    }

}
