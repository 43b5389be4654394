package com.certyneo.engine.pades;

import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.spi.CertificateIssuer;
import com.certyneo.engine.spi.QualifiedSigningProvider;
import com.certyneo.engine.spi.SigningKey;
import com.certyneo.engine.spi.TimestampSource;
import com.certyneo.engine.tsp.TimestampAuthority;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * What differs between a production engine and a sandbox engine. An engine holds one mode and asks it, never
 * a flag: which keys it accepts, what it uses when the builder configured nothing, whether it marks documents,
 * what sandbox validation trusts, and who signs QES when no provider is configured.
 */
abstract sealed class Mode implements AutoCloseable permits Mode.Production, Mode.OfSandbox {

    /** Production: nothing beyond what the builder configured, and sandbox keys are refused. */
    static final Mode PRODUCTION = new Production();

    /**
     * @param sandbox the sandbox, or {@code null} for production
     * @param clock   the engine's clock, on which the sandbox's TSA, OCSP responder and QTSP run
     */
    static Mode of(Sandbox sandbox, Clock clock) {
        return sandbox == null ? PRODUCTION : new OfSandbox(sandbox, clock);
    }

    /**
     * @return whether this is the sandbox (reported in every result, recorded in two-step states); a sandbox engine
     *         also puts the SANDBOX mark on every page before new content (a signature, a document time-stamp)
     */
    final boolean isSandbox() {
        return sandbox().isPresent();
    }

    /** @return the sandbox, for sandbox engines */
    abstract Optional<Sandbox> sandbox();

    /**
     * Refuses a chain of the other mode: production keys in the sandbox, sandbox keys in production.
     *
     * @throws SignatureEngineException with {@link ErrorCode#MODE_MISMATCH}
     */
    abstract void requireOwn(List<X509Certificate> chain, String what);

    /** @return the seal key used when the builder configured none, or {@code null} */
    abstract SigningKey sealKey();

    /** @return the one-time certificate issuer used when the builder configured none, or {@code null} */
    abstract CertificateIssuer oneTimeIssuer();

    /** @return the time-stamp source used when the builder configured none, or {@code null} */
    abstract TimestampSource timestampSource();

    /** @return trust anchors beyond the configured ones (the sandbox root) */
    abstract List<X509Certificate> trustAnchors();

    /** @return the in-process OCSP responder, asked first for revocation data and at sandbox validation, or {@code null} */
    abstract InProcessOcspSource ocsp();

    /** @return the two-step state key used when the builder configured none */
    abstract byte[] stateKey();

    /**
     * @return the QES provider used when the builder configured none
     * @throws SignatureEngineException with {@link ErrorCode#LEVEL_NOT_CONFIGURED} in production
     */
    abstract QualifiedSigningProvider qualifiedProvider();

    /** Releases what the mode started for its engine (the sandbox QTSP's port). */
    @Override
    public abstract void close();

    static final class Production extends Mode {

        private Production() {
        }

        @Override
        Optional<Sandbox> sandbox() {
            return Optional.empty();
        }

        @Override
        void requireOwn(List<X509Certificate> chain, String what) {
            if (chain.stream().anyMatch(SandboxPki::isSandboxCertificate)) {
                throw new SignatureEngineException(ErrorCode.MODE_MISMATCH,
                        "A production engine refuses sandbox keys: " + what + " ("
                                + chain.get(0).getSubjectX500Principal().getName() + ") belongs to a sandbox PKI",
                        "Configure production keys, or build a sandbox engine with PadesSignatureEngine.sandbox(home).");
            }
        }

        @Override
        SigningKey sealKey() {
            return null;
        }

        @Override
        CertificateIssuer oneTimeIssuer() {
            return null;
        }

        @Override
        TimestampSource timestampSource() {
            return null;
        }

        @Override
        List<X509Certificate> trustAnchors() {
            return List.of();
        }

        @Override
        InProcessOcspSource ocsp() {
            return null;
        }

        @Override
        byte[] stateKey() {
            return StateKeys.random();
        }

        @Override
        QualifiedSigningProvider qualifiedProvider() {
            throw new SignatureEngineException(ErrorCode.LEVEL_NOT_CONFIGURED,
                    "QES needs a remote qualified signing provider (CSC API) and none is configured",
                    "Configure qualifiedSigningProvider(...) on PadesSignatureEngine.builder(), "
                            + "for example a com.certyneo.engine.pades.csc.CscSigningProvider.");
        }

        @Override
        public void close() {
        }
    }

    /**
     * A {@link Sandbox} as one engine uses it: the shared material, and the services that run on the engine's
     * clock (TSA, OCSP responder, and the QTSP, started on the first QES and stopped when the engine closes).
     */
    static final class OfSandbox extends Mode {

        private final Sandbox sandbox;
        private final Clock clock;
        private final InProcessOcspSource ocsp;
        private final Object qtspLock = new Object();
        private SandboxQtsp qtsp;

        private OfSandbox(Sandbox sandbox, Clock clock) {
            this.sandbox = sandbox;
            this.clock = clock;
            this.ocsp = sandbox.ocspResponder(clock);
        }

        @Override
        Optional<Sandbox> sandbox() {
            return Optional.of(sandbox);
        }

        @Override
        void requireOwn(List<X509Certificate> chain, String what) {
            if (chain.stream().noneMatch(SandboxPki::isSandboxCertificate)) {
                throw new SignatureEngineException(ErrorCode.MODE_MISMATCH,
                        "A sandbox engine refuses production keys: " + what + " ("
                                + chain.get(0).getSubjectX500Principal().getName() + ") is not a sandbox certificate",
                        "Use a production engine (PadesSignatureEngine.builder() without sandbox(...)) for production keys.");
            }
        }

        @Override
        SigningKey sealKey() {
            return sandbox.sealKey();
        }

        @Override
        CertificateIssuer oneTimeIssuer() {
            return sandbox.oneTimeIssuer();
        }

        @Override
        TimestampSource timestampSource() {
            return new SandboxTsa(() -> sandbox.timestampAuthority(clock));
        }

        @Override
        List<X509Certificate> trustAnchors() {
            return List.of(sandbox.rootCertificate());
        }

        @Override
        InProcessOcspSource ocsp() {
            return ocsp;
        }

        @Override
        byte[] stateKey() {
            return sandbox.stateKey();
        }

        @Override
        QualifiedSigningProvider qualifiedProvider() {
            synchronized (qtspLock) {
                if (qtsp == null) {
                    qtsp = sandbox.startQtsp(clock);
                }
                return qtsp;
            }
        }

        @Override
        public void close() {
            synchronized (qtspLock) {
                if (qtsp != null) {
                    qtsp.close();
                    qtsp = null;
                }
            }
        }
    }

    /**
     * The sandbox TSA, built on its first time-stamp: validation and two-step preparation never need it, and
     * building one (BouncyCastle's time-stamp generator, a trial token generator) is part of every sandbox command's
     * start-up otherwise.
     */
    private static final class SandboxTsa implements TimestampSource {
        private final Sandbox.Lazy<TimestampAuthority> authority;

        SandboxTsa(java.util.function.Supplier<TimestampAuthority> factory) {
            this.authority = new Sandbox.Lazy<>(factory);
        }

        private TimestampAuthority authority() {
            return authority.get();
        }

        @Override
        public byte[] timestamp(String digestAlgorithm, byte[] digest) {
            return authority().timestamp(digestAlgorithm, digest);
        }

        @Override
        public String describe() {
            return authority().describe();
        }
    }
}
