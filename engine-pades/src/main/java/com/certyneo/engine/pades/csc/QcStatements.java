package com.certyneo.engine.pades.csc;

import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.qualified.QCStatement;

import java.security.cert.X509Certificate;

/** Reads the ETSI EN 319 412-5 QC statements of a certificate (which credential serves QES, which AES-Q). */
final class QcStatements {

    /** QcCompliance: the certificate is qualified. */
    static final String QC_COMPLIANCE = "0.4.0.1862.1.1";
    /** QcSSCD: its key is on a qualified signature creation device. */
    static final String QC_SSCD = "0.4.0.1862.1.4";

    private QcStatements() {
    }

    /** @return whether the certificate carries the QC statement {@code oid} (false when unreadable) */
    static boolean has(X509Certificate certificate, String oid) {
        byte[] value = certificate.getExtensionValue(Extension.qCStatements.getId());
        if (value == null) {
            return false;
        }
        try {
            ASN1Sequence statements = ASN1Sequence.getInstance(ASN1OctetString.getInstance(value).getOctets());
            for (int i = 0; i < statements.size(); i++) {
                if (QCStatement.getInstance(statements.getObjectAt(i)).getStatementId().getId().equals(oid)) {
                    return true;
                }
            }
        } catch (RuntimeException e) {
            return false;
        }
        return false;
    }
}
