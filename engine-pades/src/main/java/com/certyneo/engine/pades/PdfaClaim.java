package com.certyneo.engine.pades;

import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.cos.COSStream;
import org.apache.pdfbox.pdmodel.PDDocument;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PDF/A part a document claims in its XMP metadata ({@code pdfaid:part}, as an attribute or an element), so
 * that the engine's revisions keep what that part requires. PDF/A-1 (ISO 19005-1 §6.5.3, veraPDF rule 6.9-2) wants an
 * appearance dictionary on every form field widget, invisible ones included, where PDF/A-2 and 3 exempt widgets
 * whose rectangle has no area.
 */
final class PdfaClaim {

    /** Metadata streams larger than this are not searched (a claim sits in the first kilobytes). */
    private static final int MAX_METADATA = 1 << 20;
    private static final Pattern PART = Pattern.compile("pdfaid:part(?:\\s*=\\s*[\"']|\\s*>)\\s*(\\d)");

    private PdfaClaim() {
    }

    /** @return the part the document claims (1 to 4), or empty when its catalog's metadata claims none */
    static OptionalInt part(PDDocument document) {
        COSBase metadata = document.getDocumentCatalog().getCOSObject().getDictionaryObject(org.apache.pdfbox.cos.COSName.METADATA);
        if (!(metadata instanceof COSStream stream)) {
            return OptionalInt.empty();
        }
        try (InputStream in = stream.createInputStream()) {
            String xmp = new String(in.readNBytes(MAX_METADATA), StandardCharsets.UTF_8);
            Matcher m = PART.matcher(xmp);
            return m.find() ? OptionalInt.of(m.group(1).charAt(0) - '0') : OptionalInt.empty();
        } catch (IOException | RuntimeException e) {
            return OptionalInt.empty(); // unreadable metadata claims nothing the engine can keep
        }
    }

    /** @return whether the document claims PDF/A-1 */
    static boolean isPdfa1(PDDocument document) {
        OptionalInt part = part(document);
        return part.isPresent() && part.getAsInt() == 1;
    }
}
