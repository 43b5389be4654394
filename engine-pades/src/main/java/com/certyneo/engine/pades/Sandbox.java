package com.certyneo.engine.pades;

import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.spi.SigningKey;
import com.certyneo.engine.spi.TimestampSource;
import com.certyneo.engine.tsp.TimestampAuthority;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The Certyneo sandbox: everything a sandbox engine has that a production engine does not, in one object.
 * It holds an embedded test PKI (a root "Certyneo SANDBOX Root CA – NOT FOR PRODUCTION", an issuing CA for
 * one-time AES certificates, a platform seal), a time-stamp authority, an OCSP responder, a "qualified" trust
 * service provider for QES (an in-process CSC service with a sandbox qualified CA), the visible
 * "SANDBOX – NOT LEGALLY BINDING" mark and the key that seals two-step states. Its material lives in
 * {@code HOME/sandbox}, created on first use and loaded from there afterwards, so signatures stay verifiable
 * against the same root across runs and processes.
 *
 * <p>Give one to an engine with {@link PadesSignatureEngine.Builder#sandbox(Sandbox)}; engines built on the
 * same {@code Sandbox} share its material (it is loaded once) and accept each other's two-step states.
 * {@link PadesSignatureEngine#sandbox(Path)} and {@link PadesSignatureEngine.Builder#sandbox(Path)} open a
 * new one for a single engine.
 *
 * <p>Opening a sandbox reads nothing: each PKCS#12 store (the PKI; the qualified CA) is loaded, or created,
 * when an operation first needs it. Instances are thread-safe. Nothing in a sandbox is secret: every store is
 * protected by a fixed, published password, and nothing it produces is legally binding.
 */
public final class Sandbox {

    private final Path home;
    private final Lazy<SandboxPki> pki;
    private final Lazy<SandboxPki.Entry> qualifiedCa;
    private final Lazy<OneTimeCertificateAuthority> oneTimeIssuer;
    private final Lazy<TimestampSource> timestampSource;

    private Sandbox(Path home) {
        this.home = home;
        this.pki = new Lazy<>(() -> SandboxPki.loadOrCreate(home));
        this.qualifiedCa = new Lazy<>(() -> SandboxQualifiedCa.loadOrCreate(pki()));
        this.oneTimeIssuer = new Lazy<>(() -> OneTimeCertificateAuthority.sandbox(pki()));
        this.timestampSource = new Lazy<>(() -> timestampAuthority(Clock.systemUTC()));
    }

    /**
     * Opens the sandbox of a Certyneo home directory. Reads and writes nothing yet: its material is loaded
     * from {@code home/sandbox}, or created there, when first needed.
     *
     * @param home the Certyneo home directory (such as {@code ~/.certyneo}; created when first needed)
     * @return the sandbox
     */
    public static Sandbox open(Path home) {
        return new Sandbox(Objects.requireNonNull(home, "home"));
    }

    /** {@return the Certyneo home directory this sandbox keeps its material in (under {@code sandbox/})} */
    public Path home() {
        return home;
    }

    /**
     * {@return the sandbox root certificate: the trust anchor of every sandbox signature and time-stamp}
     * @throws SignatureEngineException with {@link ErrorCode#IO_ERROR} when the home cannot be used
     */
    public X509Certificate rootCertificate() {
        return pki().rootCertificate();
    }

    /**
     * {@return the sandbox time-stamp authority (in-process, system clock), for embedders that time-stamp
     * outside an engine; sandbox engines use it on their own clock}
     * @throws SignatureEngineException with {@link ErrorCode#IO_ERROR} when the home cannot be used
     */
    public TimestampSource timestampSource() {
        return timestampSource.get();
    }

    @Override
    public String toString() {
        return "Sandbox[" + home + "]";
    }

    /** @return the test PKI, loaded (or created) on first use, then shared by every engine on this sandbox */
    SandboxPki pki() {
        return pki.get();
    }

    /** @return the sandbox "qualified" CA behind the QTSP, loaded (or created) on first use */
    SandboxPki.Entry qualifiedCa() {
        return qualifiedCa.get();
    }

    /** @return the sandbox platform seal (SES) */
    SigningKey sealKey() {
        SandboxPki.Entry seal = pki().seal();
        return SigningKey.of(seal.key(), seal.chain());
    }

    /** @return the issuer of one-time AES certificates, from the sandbox signer CA */
    OneTimeCertificateAuthority oneTimeIssuer() {
        return oneTimeIssuer.get();
    }

    /** @return the sandbox TSA on {@code clock} */
    TimestampAuthority timestampAuthority(Clock clock) {
        SandboxPki.Entry tsa = pki().tsa();
        return TimestampAuthority.builder()
                .key(tsa.key(), tsa.chain())
                .policy(SandboxPki.SANDBOX_TSA_POLICY_OID)
                .clock(clock)
                .build();
    }

    /**
     * An OCSP responder for every sandbox CA (root, signer CA, qualified CA) on {@code clock}. The qualified
     * CA is loaded only when a certificate none of the others issued is asked about.
     */
    InProcessOcspSource ocspResponder(Clock clock) {
        SandboxPki loaded = pki();
        return InProcessOcspSource.of(List.of(loaded::root, loaded::signerCa, this::qualifiedCa), clock);
    }

    /**
     * Starts the sandbox QTSP: an in-process CSC service (loopback, ephemeral port) backed by the sandbox
     * qualified CA. The caller closes it.
     */
    SandboxQtsp startQtsp(Clock clock) {
        return SandboxQtsp.start(qualifiedCa(), clock, 1);
    }

    /**
     * @return the key that seals two-step states, derived from the sandbox root key: every engine on the same
     *         home (other processes, after a restart) accepts the states of the others
     */
    byte[] stateKey() {
        return StateKeys.sandbox(pki());
    }

    /** A value computed once, on first use; a failure is not remembered (the next use tries again). */
    static final class Lazy<T> implements Supplier<T> {
        private final Supplier<T> compute;
        private volatile T value;

        Lazy(Supplier<T> compute) {
            this.compute = compute;
        }

        @Override
        public T get() {
            T v = value;
            if (v == null) {
                synchronized (this) {
                    v = value;
                    if (v == null) {
                        v = Objects.requireNonNull(compute.get());
                        value = v;
                    }
                }
            }
            return v;
        }
    }
}
