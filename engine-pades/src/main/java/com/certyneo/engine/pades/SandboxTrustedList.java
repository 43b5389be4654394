package com.certyneo.engine.pades;

import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.TrustedListSource;
import com.certyneo.engine.sandbox.SandboxQualifiedCertificates;
import com.certyneo.engine.sandbox.TrustedListXml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sandbox's own trusted lists: a LOTL of the "Certyneo SANDBOX" scheme operator pointing to one TL (territory
 * {@code ZZ}) that lists the sandbox QTSP: its qualified CA as a CA/QC service for QES (QSCD) and, for the same CA,
 * a CA/QC service for AES-Q (certificates under the QCP-n policy, no QSCD), and the sandbox TSA as a qualified
 * time-stamping service. Both lists are signed (XAdES) with a signer made for this JVM and pinned here.
 *
 * <p>Used only when a sandbox engine validates with {@code ValidationOptions.sandbox()} and the sandbox has its
 * qualified CA (a QES or AES-Q was signed in it); a production validation never loads it. Signed and loaded once per JVM and sandbox (kept in memory; the files DSS reads are in a private
 * temporary directory removed at exit). <b>SANDBOX — not legally binding.</b>
 */
final class SandboxTrustedList {

    static final String LOTL_URL = "https://sandbox.certyneo.invalid/tl/sandbox-lotl.xml";
    static final String TL_URL = "https://sandbox.certyneo.invalid/tl/sandbox-tl-zz.xml";
    /** ETSI EN 319 411-2 QCP-n: qualified certificate for natural persons (the AES-Q credentials' policy). */
    static final String QCP_N = "0.4.0.194112.1.0";

    private static final Map<String, TrustedLists.Loaded> LOADED = new ConcurrentHashMap<>();

    private SandboxTrustedList() {
    }

    /** @return the sandbox's trusted lists, loaded through DSS's TL job (once per JVM and sandbox) */
    static TrustedLists.Loaded load(Sandbox sandbox, Instant now) {
        String key = fingerprint(sandbox.rootCertificate());
        TrustedLists.Loaded loaded = LOADED.get(key);
        if (loaded == null || now.isAfter(loaded.expires())) {
            synchronized (LOADED) {
                loaded = LOADED.get(key);
                if (loaded == null || now.isAfter(loaded.expires())) {
                    loaded = publish(sandbox, now);
                    LOADED.put(key, loaded);
                }
            }
        }
        return loaded;
    }

    private static TrustedLists.Loaded publish(Sandbox sandbox, Instant now) {
        X509Certificate qualifiedCa = sandbox.qualifiedCa().chain().get(0);
        X509Certificate tsa = sandbox.pki().tsa().chain().get(0);
        Instant issued = now.truncatedTo(ChronoUnit.SECONDS);
        Instant next = issued.plus(Duration.ofDays(30));
        KeyPair keys = SandboxQualifiedCertificates.newKeyPair("EC");
        X509Certificate signer = SandboxQualifiedCertificates.selfSignedCa(
                "Certyneo SANDBOX trusted list signer \u2013 NOT FOR PRODUCTION", keys);
        String operator = "Certyneo SANDBOX scheme operator \u2013 not legally binding";
        Instant since = qualifiedCa.getNotBefore().toInstant();
        List<TrustedListXml.Service> services = List.of(
                TrustedListXml.Service.of("Certyneo SANDBOX qualified CA for QES (QSCD) \u2013 not legally binding",
                        TrustedListXml.SERVICE_CA_QC, TrustedListXml.STATUS_GRANTED, since, qualifiedCa,
                        List.of(TrustedListXml.FOR_ESIGNATURES)),
                new TrustedListXml.Service("Certyneo SANDBOX qualified CA for AES-Q (no QSCD) \u2013 not legally binding",
                        TrustedListXml.SERVICE_CA_QC, TrustedListXml.STATUS_GRANTED, since, qualifiedCa,
                        List.of(TrustedListXml.FOR_ESIGNATURES), List.of(TrustedListXml.QUALIFIER_QC_NO_QSCD),
                        List.of(QCP_N)),
                TrustedListXml.Service.of("Certyneo SANDBOX qualified time-stamping \u2013 not legally binding",
                        TrustedListXml.SERVICE_QTST, TrustedListXml.STATUS_GRANTED, tsa.getNotBefore().toInstant(), tsa,
                        List.of()));
        byte[] tl = TrustedListXml.sign(TrustedListXml.trustedList(
                new TrustedListXml.Scheme("ZZ", operator, 1, issued, next),
                "Certyneo SANDBOX QTSP \u2013 not legally binding", services), keys.getPrivate(), signer, issued);
        byte[] lotl = TrustedListXml.sign(TrustedListXml.listOfTrustedLists(
                new TrustedListXml.Scheme("EU", operator, 1, issued, next),
                List.of(new TrustedListXml.Pointer("ZZ", operator, TL_URL, signer))), keys.getPrivate(), signer, issued);
        try {
            Path dir = Files.createTempDirectory("certyneo-sandbox-tl");
            dir.toFile().deleteOnExit();
            for (Map.Entry<String, byte[]> list : Map.of(LOTL_URL, lotl, TL_URL, tl).entrySet()) {
                Path file = dir.resolve(list.getKey().replaceAll("\\W", "_"));
                file.toFile().deleteOnExit();
                Files.write(file, list.getValue());
            }
            return TrustedLists.load(TrustedListSource.offline(dir, LOTL_URL, List.of(signer)), now);
        } catch (IOException e) {
            throw new SignatureEngineException(ErrorCode.IO_ERROR,
                    "Cannot write the sandbox trusted list: " + e.getMessage(),
                    "Check that the temporary directory (java.io.tmpdir) is writable.", e);
        }
    }

    private static String fingerprint(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(certificate.getEncoded()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
