package com.certyneo.engine.pades;

import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignatureEngineException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The "Certyneo SANDBOX Qualified CA – NOT FOR PRODUCTION": an issuing CA under the sandbox root that
 * backs the sandbox CSC service. Its certificates carry the sandbox policy OID (so sandbox/production
 * separation still holds) and QC statements (so they look qualified); no trusted list names it, so
 * validation never reports them as qualified. Kept next to the sandbox PKI in
 * {@code HOME/sandbox/sandbox-qualified-ca.p12} (a separate store, so PKIs created before it keep working).
 */
final class SandboxQualifiedCa {

    static final String CRL = SandboxPki.BASE_URL + "/crl/qualified-ca.crl";
    static final String OCSP = SandboxPki.BASE_URL + "/ocsp";
    static final String CA_ISSUERS = SandboxPki.BASE_URL + "/ca/qualified-ca.cer";

    private static final char[] PASSWORD = "certyneo-sandbox".toCharArray();
    private static final String ALIAS = "qualified-ca";

    private SandboxQualifiedCa() {
    }

    /** @return whether this sandbox has its qualified CA yet (created on the first QES or AES-Q) */
    static boolean exists(SandboxPki pki) {
        return Files.exists(pki.directory().resolve("sandbox-qualified-ca.p12"));
    }

    static SandboxPki.Entry loadOrCreate(SandboxPki pki) {
        Path store = pki.directory().resolve("sandbox-qualified-ca.p12");
        try {
            if (!Files.exists(store)) {
                create(pki, store);
            }
            return SandboxStores.load(store, PASSWORD, List.of(ALIAS)).get(ALIAS);
        } catch (IOException | GeneralSecurityException e) {
            throw new SignatureEngineException(ErrorCode.IO_ERROR,
                    "Cannot use the sandbox qualified CA in " + store + ": " + e.getMessage(),
                    "Delete " + store + " to recreate it.", e);
        }
    }

    private static void create(SandboxPki pki, Path store) throws IOException, GeneralSecurityException {
        Instant now = Instant.now();
        KeyPair keys = X509Builder.newEcKeyPair();
        X509Certificate root = pki.rootCertificate();
        X509Certificate ca = X509Builder.of(SandboxPki.name("Certyneo SANDBOX Qualified CA \u2013 NOT FOR PRODUCTION"), keys.getPublic())
                .ca().policy(SandboxPki.SANDBOX_POLICY_OID)
                .revocationPointers(SandboxPki.BASE_URL + "/crl/root.crl", OCSP, SandboxPki.BASE_URL + "/ca/root.cer")
                .validity(now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(365L * 10)))
                .issuedBy(root, pki.root().key());
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(ALIAS, keys.getPrivate(), PASSWORD, new Certificate[] {ca, root});
        Path tmp = Files.createTempFile(store.getParent(), ".sandbox-qualified-ca", ".part");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                ks.store(out, PASSWORD);
            }
            Files.createLink(store, tmp);
        } catch (FileAlreadyExistsException raced) {
            // another process created it first; use theirs
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
