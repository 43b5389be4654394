package com.certyneo.engine.pades;

import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.io.IOUtils;
import org.apache.pdfbox.io.RandomAccessRead;
import org.apache.pdfbox.pdfparser.PDFParser;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;

import java.io.IOException;

/**
 * PDFBox's parser for a document whose cross-reference chain is known to be intact: an input that
 * {@link CrossReferenceCheck} accepted, or such an input with revisions the engine appended. It reads the chain as
 * written, without the repair probes of PDFBox's lenient mode, then parses objects as leniently as
 * {@link org.apache.pdfbox.Loader} does.
 *
 * <p>Those probes are what a lenient load spends on the cross-reference data beyond reading it: each
 * {@code startxref} and {@code /Prev} offset is checked by parsing what it points to (an xref stream's dictionary
 * twice), and every object offset of the merged table is checked by reading the object's header, with a scan of the
 * whole file as the repair when one is off. {@link CrossReferenceCheck} has required the same of the input (every
 * offset lands on what it names), so on an intact chain they find nothing: for a 30-signature document they were
 * 27-34 % of its load, a load the signing pipeline makes twice per signature (the input, the self-check).
 *
 * <p>The chain read as written is the table every strict reader uses. Whatever the strict reading refuses (no
 * {@code %%EOF}, an {@code /XRefStm} or trailer it cannot parse, a root it cannot find, an encryption dictionary
 * it cannot resolve) is loaded again by PDFBox's lenient {@link org.apache.pdfbox.Loader}, as before; a wrong
 * password is not retried. After the chain, objects are parsed in lenient mode (as a default load does), and a
 * catalog without {@code /Type} gets {@code /Catalog}, as the lenient load gives it.
 */
final class IntactChainParser extends PDFParser {

    /** A source of the document's bytes, opened once per attempt. */
    @FunctionalInterface
    interface Source {
        RandomAccessRead open() throws IOException;
    }

    private IntactChainParser(RandomAccessRead source, String password) throws IOException {
        super(source, password, null, null, IOUtils.createMemoryOnlyStreamCache());
    }

    /**
     * Loads the document, reading its cross-reference chain as written (the lenient load when that fails).
     *
     * @param source   the document, opened again for the lenient load when needed
     * @param password the password ({@code ""}: the empty user password)
     * @throws InvalidPasswordException when the password does not open the document
     * @throws IOException              when neither load can read it
     */
    static PDDocument load(Source source, String password) throws IOException {
        PDDocument document;
        RandomAccessRead bytes = source.open();
        try {
            document = new IntactChainParser(bytes, password).parse(true);
        } catch (IOException | RuntimeException strictReadingFailed) {
            IOUtils.closeQuietly(bytes); // a failed parse leaves its source open
            if (strictReadingFailed instanceof InvalidPasswordException) {
                throw strictReadingFailed;
            }
            return lenient(source, password);
        }
        boolean encryptionNamed = document.getDocument().getTrailer().getItem(COSName.ENCRYPT) != null;
        if (encryptionNamed != document.isEncrypted()) {
            // an /Encrypt the strict reading could not resolve: such a file is never taken as unencrypted
            document.close(); // and its source
            return lenient(source, password);
        }
        return document;
    }

    /** PDFBox's default (lenient) load; the source is closed when it fails. */
    private static PDDocument lenient(Source source, String password) throws IOException {
        RandomAccessRead bytes = source.open();
        try {
            return org.apache.pdfbox.Loader.loadPDF(bytes, password);
        } catch (IOException | RuntimeException e) {
            IOUtils.closeQuietly(bytes);
            throw e;
        }
    }

    @Override
    protected void initialParse() throws IOException {
        setLenient(false);
        super.initialParse();
        // the chain is read: back to lenient object parsing, as Loader's default (setLenient refuses once parsed)
        initialParseDone = false;
        setLenient(true);
        initialParseDone = true;
        COSDictionary root = document.getTrailer().getCOSDictionary(COSName.ROOT);
        if (root != null && !root.containsKey(COSName.TYPE)) {
            root.setItem(COSName.TYPE, COSName.CATALOG); // what the lenient initial parse does
        }
    }
}
