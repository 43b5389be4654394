package com.certyneo.engine.pades;

import eu.europa.esig.dss.pades.validation.PdfObjectKey;
import eu.europa.esig.dss.pdf.PdfArray;
import eu.europa.esig.dss.pdf.PdfDict;
import eu.europa.esig.dss.pdf.PdfDocumentReader;
import eu.europa.esig.dss.pdf.PdfObject;
import eu.europa.esig.dss.pdf.modifications.DefaultPdfObjectModificationsFinder;
import eu.europa.esig.dss.pdf.modifications.PdfObjectModifications;
import eu.europa.esig.dss.pdf.modifications.PdfObjectModificationsFinder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/**
 * DSS's object comparison of a signed revision with the final file, skipped when it would not finish.
 *
 * <p>DSS 6.2's {@link DefaultPdfObjectModificationsFinder} compares two arrays in both directions and recurses
 * into each element both times, so its time doubles with every level of directly nested arrays (a fuzzer found
 * a signed PDF with a 32-level array in its catalog that validated for longer than the time limit). The
 * engine does not decide on DSS's object comparison — {@link RevisionDiff} does — but DSS's own policy
 * reads it (DocMDP, FieldMDP, locks), so it runs whenever it can finish: this finder first measures, in one
 * pass over both revisions' objects, how deep arrays nest directly inside one another, and leaves DSS's
 * comparison out (no object modifications for DSS; the engine's comparison still applies) when they nest
 * deeper than {@link #MAX_ARRAY_NESTING} or the documents have more than {@link #MAX_VISITS} values.
 */
final class BoundedModificationsFinder implements PdfObjectModificationsFinder {

    private static final Logger LOG = LoggerFactory.getLogger(BoundedModificationsFinder.class);

    /** Directly nested arrays DSS compares (about 2^16 comparisons of the innermost element at most). */
    static final int MAX_ARRAY_NESTING = 16;
    /** Values (dictionary entries and array elements) inspected at most per revision. */
    static final int MAX_VISITS = 2_000_000;

    private final DefaultPdfObjectModificationsFinder delegate = new DefaultPdfObjectModificationsFinder();

    @Override
    public PdfObjectModifications find(PdfDocumentReader originalRevisionReader, PdfDocumentReader finalRevisionReader) {
        Budget.check();
        String why = tooDeep(originalRevisionReader.getCatalogDictionary());
        if (why == null) {
            why = tooDeep(finalRevisionReader.getCatalogDictionary());
        }
        if (why != null) {
            LOG.debug("DSS's object comparison skipped: {}; the engine's revision comparison still applies", why);
            return new PdfObjectModifications();
        }
        return delegate.find(originalRevisionReader, finalRevisionReader);
    }

    /**
     * Walks everything {@code catalog} reaches (each indirect object once), tracking how many arrays enclose
     * each value, directly or through direct dictionaries (an indirect object starts again at zero: DSS
     * compares it once).
     *
     * @return why DSS's comparison would not finish, or {@code null}
     */
    static String tooDeep(PdfDict catalog) {
        if (catalog == null) {
            return null;
        }
        Set<PdfObjectKey> seen = new HashSet<>();
        Deque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {catalog, 0});
        long visits = 0;
        while (!stack.isEmpty()) {
            Object[] item = stack.pop();
            PdfObject value = (PdfObject) item[0];
            int nesting = (Integer) item[1];
            if (++visits > MAX_VISITS) {
                return "more than " + MAX_VISITS + " values to compare";
            }
            if (value instanceof PdfArray array) {
                if (nesting + 1 > MAX_ARRAY_NESTING) {
                    return "arrays nested more than " + MAX_ARRAY_NESTING + " levels deep";
                }
                for (int i = 0; i < array.size(); i++) {
                    PdfObjectKey key = array.getObjectKey(i);
                    if (key == null) {
                        push(stack, array.getObject(i), nesting + 1);
                    } else if (seen.add(key)) {
                        push(stack, array.getObject(i), 0);
                    }
                }
            } else if (value instanceof PdfDict dict) {
                for (String name : dict.list()) {
                    if ("Parent".equals(name) || "P".equals(name)) {
                        continue; // back links: what they point at is reached from above
                    }
                    PdfObjectKey key = dict.getObjectKey(name);
                    if (key == null) {
                        push(stack, dict.getObject(name), nesting); // a direct dictionary does not stop the doubling
                    } else if (seen.add(key)) {
                        push(stack, dict.getObject(name), 0);
                    }
                }
            }
        }
        return null;
    }

    private static void push(Deque<Object[]> stack, PdfObject value, int nesting) {
        if (value instanceof PdfArray || value instanceof PdfDict) {
            stack.push(new Object[] {value, nesting});
        }
    }
}
