package com.certyneo.engine.pades;

import eu.europa.esig.dss.model.x509.revocation.ocsp.OCSP;
import eu.europa.esig.dss.pades.validation.PdfRevision;
import eu.europa.esig.dss.pades.validation.dss.PdfCompositeDssDictionary;
import eu.europa.esig.dss.pades.validation.dss.PdfDssDictOCSPSource;
import eu.europa.esig.dss.pdf.PdfDocDssRevision;
import eu.europa.esig.dss.pdf.PdfDssDict;
import eu.europa.esig.dss.pdf.PdfSignatureRevision;
import eu.europa.esig.dss.model.identifier.EncapsulatedRevocationTokenIdentifier;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * DSS's document revisions with each /DSS revision answering, for the OCSP responses "in this dictionary", only
 * those that no earlier /DSS revision held.
 *
 * <p>Why: a /DSS dictionary is cumulative (each revision's holds every earlier response too), and DSS's
 * time-stamp sources walk every /DSS revision of the document for every signature and, for every OCSP response
 * listed there, parse the certificates the response carries again. A document with n signatures and their LT
 * data then costs n × n × (responses per revision) certificate parses: on a 30-signer B-LTA document, more than
 * a quarter of its validation.
 *
 * <p>Nothing DSS concludes changes: those sources only accumulate what they read from each /DSS revision, in
 * revision order, into sets (references covered by later time-stamps, the signature's revocation sources), so a
 * response counted at the first revision that holds it is in every union it was in before. Every other question
 * asked of a /DSS revision (its tokens, its certificates, CRLs, VRI tokens) is answered by DSS as before; the
 * revisions keep their order and their DSS dictionaries.
 */
final class FirstSeenOcspRevisions {

    private FirstSeenOcspRevisions() {
    }

    /**
     * @param revisions DSS's revisions, as {@code PDFSignatureService.getRevisions} returns them (latest first)
     * @return the same list, each /DSS revision replaced as described above; {@code revisions} itself when it has
     *         no signature revision to take DSS's shared dictionary from
     */
    static List<PdfRevision> of(List<PdfRevision> revisions) {
        PdfCompositeDssDictionary composite = revisions.stream()
                .filter(PdfSignatureRevision.class::isInstance)
                .map(r -> ((PdfSignatureRevision) r).getCompositeDssDictionary())
                .findFirst().orElse(null);
        if (composite == null) {
            return revisions;
        }
        List<PdfRevision> result = new ArrayList<>(revisions);
        Set<EncapsulatedRevocationTokenIdentifier<OCSP>> earlier = new HashSet<>();
        for (int i = result.size() - 1; i >= 0; i--) { // oldest first
            if (result.get(i) instanceof PdfDocDssRevision dss) {
                FirstSeen replacement = new FirstSeen(composite, dss.getDssDictionary(), Set.copyOf(earlier));
                earlier.addAll(dss.getOCSPSource().getDSSDictionaryBinaries());
                earlier.addAll(dss.getOCSPSource().getVRIDictionaryBinaries());
                result.set(i, replacement);
            }
        }
        return result;
    }

    /** A /DSS revision whose OCSP source lists the responses first seen in it as its dictionary binaries. */
    private static final class FirstSeen extends PdfDocDssRevision {

        private static final long serialVersionUID = 1L;

        private final PdfCompositeDssDictionary composite;
        private final transient Set<EncapsulatedRevocationTokenIdentifier<OCSP>> earlier;
        private transient PdfDssDictOCSPSource ocspSource;

        FirstSeen(PdfCompositeDssDictionary composite, PdfDssDict dictionary,
                  Set<EncapsulatedRevocationTokenIdentifier<OCSP>> earlier) {
            super(composite, dictionary);
            this.composite = composite;
            this.earlier = earlier;
        }

        @Override
        public PdfDssDictOCSPSource getOCSPSource() {
            if (ocspSource == null) {
                ocspSource = new FirstSeenOcspSource(composite, getDssDictionary(), earlier);
            }
            return ocspSource;
        }
    }

    private static final class FirstSeenOcspSource extends PdfDssDictOCSPSource {

        private static final long serialVersionUID = 1L;

        private final transient Set<EncapsulatedRevocationTokenIdentifier<OCSP>> earlier;

        FirstSeenOcspSource(PdfCompositeDssDictionary composite, PdfDssDict dictionary,
                            Set<EncapsulatedRevocationTokenIdentifier<OCSP>> earlier) {
            super(composite.getOcspSource(), dictionary);
            this.earlier = earlier;
        }

        @Override
        public List<EncapsulatedRevocationTokenIdentifier<OCSP>> getDSSDictionaryBinaries() {
            return super.getDSSDictionaryBinaries().stream().filter(b -> !earlier.contains(b)).toList();
        }

        @Override
        public List<EncapsulatedRevocationTokenIdentifier<OCSP>> getVRIDictionaryBinaries() {
            return super.getVRIDictionaryBinaries().stream().filter(b -> !earlier.contains(b)).toList();
        }
    }
}
