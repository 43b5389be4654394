package com.certyneo.engine.pades;

import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.Signer;
import com.certyneo.engine.spi.CertificateIssuer;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.KeyUsage;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Issues the one-time certificates of advanced electronic signatures from a CA key the engine holds:
 * subject = the signer's verified name and e-mail, key usage nonRepudiation + digitalSignature,
 * ETSI LCP policy, CRL and OCSP pointers, and a short validity. Thread-safe.
 */
public final class OneTimeCertificateAuthority implements CertificateIssuer {

    private final PrivateKey caKey;
    private final List<X509Certificate> caChain;
    private final Duration validity;
    private final List<String> policies;
    private final String crlUrl;
    private final String ocspUrl;
    private final String caIssuersUrl;
    private final String organization;

    private OneTimeCertificateAuthority(Builder b) {
        this.caKey = Objects.requireNonNull(b.caKey, "caKey");
        this.caChain = List.copyOf(Objects.requireNonNull(b.caChain, "caChain"));
        if (caChain.isEmpty()) {
            throw new IllegalArgumentException("The CA chain is empty");
        }
        this.validity = Objects.requireNonNull(b.validity, "validity");
        this.policies = List.copyOf(b.policies);
        this.crlUrl = b.crlUrl;
        this.ocspUrl = b.ocspUrl;
        this.caIssuersUrl = b.caIssuersUrl;
        this.organization = b.organization;
        if (crlUrl == null && ocspUrl == null) {
            throw new IllegalArgumentException("A one-time certificate needs a CRL or OCSP pointer");
        }
    }

    /** {@return a builder; the CA key, chain and at least one revocation pointer are required} */
    public static Builder builder() {
        return new Builder();
    }

    static OneTimeCertificateAuthority sandbox(SandboxPki pki) {
        return builder()
                .caKey(pki.signerCa().key(), pki.signerCa().chain())
                .organization("Certyneo SANDBOX")
                .policy(SandboxPki.LCP_POLICY_OID)
                .policy(SandboxPki.SANDBOX_POLICY_OID)
                .revocationPointers(SandboxPki.BASE_URL + "/crl/signer-ca.crl", SandboxPki.BASE_URL + "/ocsp",
                        SandboxPki.BASE_URL + "/ca/signer-ca.cer")
                .build();
    }

    /** {@return the issuing CA certificate} */
    public X509Certificate caCertificate() {
        return caChain.get(0);
    }

    @Override
    public List<X509Certificate> issue(Signer signer, PublicKey publicKey, Instant notBefore) {
        X500NameBuilder name = new X500NameBuilder(BCStyle.INSTANCE);
        if (organization != null) {
            name.addRDN(BCStyle.O, organization);
        }
        name.addRDN(BCStyle.CN, signer.name());
        name.addRDN(BCStyle.EmailAddress, signer.email());
        X500Name subject = name.build();
        try {
            X509Builder builder = X509Builder.of(subject, publicKey)
                    .keyUsage(KeyUsage.digitalSignature | KeyUsage.nonRepudiation)
                    .revocationPointers(crlUrl, ocspUrl, caIssuersUrl)
                    .validity(notBefore.minus(Duration.ofMinutes(5)), notBefore.plus(validity));
            policies.forEach(builder::policy);
            X509Certificate certificate = builder.issuedBy(caChain.get(0), caKey);
            List<X509Certificate> chain = new ArrayList<>();
            chain.add(certificate);
            chain.addAll(caChain);
            return List.copyOf(chain);
        } catch (RuntimeException e) {
            throw new SignatureEngineException(ErrorCode.SIGNING_KEY_ERROR,
                    "Cannot issue a one-time certificate for " + signer + ": " + e.getMessage(),
                    "Check the CA key and certificate configured for AES.", e);
        }
    }

    /** Builder for {@link OneTimeCertificateAuthority}. */
    public static final class Builder {
        private PrivateKey caKey;
        private List<X509Certificate> caChain;
        private Duration validity = Duration.ofHours(24);
        private final List<String> policies = new ArrayList<>();
        private String crlUrl;
        private String ocspUrl;
        private String caIssuersUrl;
        private String organization;

        private Builder() {
        }

        /**
         * Sets the issuing CA's private key.
         *
         * @param key the issuing CA's private key
         * @param chain the issuing CA certificate first, then its issuers
         * @return this
         */
        public Builder caKey(PrivateKey key, List<X509Certificate> chain) {
            this.caKey = key;
            this.caChain = chain;
            return this;
        }

        /**
         * Sets how long issued certificates are valid (default 24 hours).
         *
         * @param validity how long issued certificates are valid (default 24 hours)
         * @return this
         */
        public Builder validity(Duration validity) {
            this.validity = validity;
            return this;
        }

        /**
         * Adds a certificate policy OID to put in issued certificates.
         *
         * @param oid a certificate policy OID to put in issued certificates
         * @return this
         */
        public Builder policy(String oid) {
            this.policies.add(oid);
            return this;
        }

        /**
         * Sets the O= attribute for the subject, or {@code null}.
         *
         * @param organization an O= attribute for the subject, or {@code null}
         * @return this
         */
        public Builder organization(String organization) {
            this.organization = organization;
            return this;
        }

        /**
         * Sets the CRL distribution point URL, or {@code null}.
         *
         * @param crl the CRL distribution point URL, or {@code null}
         * @param ocsp the OCSP responder URL, or {@code null}
         * @param caIssuers the URL of the issuing CA certificate (AIA caIssuers), or {@code null}
         * @return this
         */
        public Builder revocationPointers(String crl, String ocsp, String caIssuers) {
            this.crlUrl = crl;
            this.ocspUrl = ocsp;
            this.caIssuersUrl = caIssuers;
            return this;
        }

        /** {@return the authority} */
        public OneTimeCertificateAuthority build() {
            return new OneTimeCertificateAuthority(this);
        }
    }
}
