package com.certyneo.engine.pades;

import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.PrepareRequest;
import com.certyneo.engine.PreparedSignature;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureEngine;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.SigningResult;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.engine.ValidationReport;
import com.certyneo.engine.DocumentResult;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.spi.CertificateIssuer;
import com.certyneo.engine.spi.RevocationSource;
import com.certyneo.engine.spi.QualifiedSigningProvider;
import com.certyneo.engine.spi.SigningKey;
import com.certyneo.engine.spi.TimestampSource;
import com.certyneo.engine.tsp.TimestampAuthority;
import eu.europa.esig.dss.enumerations.DigestAlgorithm;
import eu.europa.esig.dss.model.DSSDocument;
import eu.europa.esig.dss.model.InMemoryDocument;
import eu.europa.esig.dss.model.SignatureValue;
import eu.europa.esig.dss.model.ToBeSigned;
import eu.europa.esig.dss.model.x509.CertificateToken;
import eu.europa.esig.dss.pades.PAdESSignatureParameters;
import eu.europa.esig.dss.pades.signature.PAdESService;
import eu.europa.esig.dss.pdf.IPdfObjFactory;
import eu.europa.esig.dss.spi.DSSUtils;
import eu.europa.esig.dss.spi.validation.CommonCertificateVerifier;
import eu.europa.esig.dss.spi.x509.CommonTrustedCertificateSource;

import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The PAdES implementation of {@link SignatureEngine}, on EU DSS 6.2 and PDFBox 3.
 *
 * <p>Two ways to get one:
 * <ul>
 *   <li>{@link #sandbox(Path)}: zero configuration. An embedded test PKI and time-stamp authority
 *   are created in (or loaded from) {@code HOME/sandbox}; every page of the output carries a visible
 *   "SANDBOX – NOT LEGALLY BINDING" mark that the signature covers.</li>
 *   <li>{@link #builder()}: production. Configure the platform seal key (SES), the one-time
 *   certificate issuer (AES), the qualified signing provider (QES), a time-stamp source and trust
 *   anchors. Sandbox keys are refused.</li>
 * </ul>
 * A sandbox engine signs QES through an in-process CSC service backed by a sandbox "qualified" CA
 * (see {@code SandboxQtsp}); its signatures validate but are never reported as qualified.
 * Two-step signing ({@link #prepare}/{@link #complete}) works at every level and profile; configure
 * the same {@link Builder#stateKey(byte[])} on every node that completes what another prepared.
 * Instances are immutable and thread-safe; share one per application.
 */
public final class PadesSignatureEngine implements SignatureEngine {

    private static final int MIN_CONTENT_SIZE = 9472;

    private final boolean sandbox;
    private final SandboxPki sandboxPki;
    private final InProcessOcspSource sandboxOcsp;
    private final SigningKey sealKey;
    private final CertificateIssuer oneTimeIssuer;
    private final TimestampSource timestampSource;
    private final List<X509Certificate> trustAnchors;
    private final Clock clock;
    private final RevocationSources revocation;
    private final long largeDocumentThreshold;
    private final Path temporaryDirectory;
    private final com.certyneo.engine.ResourceLimits limits;
    private final SigningPipeline pipeline;
    private final Validation validation;
    private final QualifiedSigningProvider qualifiedProvider;
    private final SandboxPki.Entry sandboxQualifiedCa;
    private final TwoStepSigning twoStep;
    private final Object sandboxQtspLock = new Object();
    private SandboxQtsp sandboxQtsp;

    private PadesSignatureEngine(Builder b) {
        this.sandbox = b.sandboxHome != null;
        this.clock = b.clock;
        if (sandbox) {
            this.sandboxPki = SandboxPki.loadOrCreate(b.sandboxHome);
            this.sandboxQualifiedCa = SandboxQualifiedCa.loadOrCreate(sandboxPki);
            this.sandboxOcsp = new InProcessOcspSource(List.of(sandboxPki.root(), sandboxPki.signerCa(), sandboxQualifiedCa),
                    clock);
            this.sealKey = b.sealKey != null ? b.sealKey
                    : SigningKey.of(sandboxPki.seal().key(), sandboxPki.seal().chain());
            this.oneTimeIssuer = b.oneTimeIssuer != null ? b.oneTimeIssuer : OneTimeCertificateAuthority.sandbox(sandboxPki);
            this.timestampSource = b.timestampSource != null ? b.timestampSource
                    : new SandboxTsa(() -> TimestampAuthority.builder()
                            .key(sandboxPki.tsa().key(), sandboxPki.tsa().chain())
                            .policy(SandboxPki.SANDBOX_TSA_POLICY_OID)
                            .clock(clock)
                            .build());
            List<X509Certificate> anchors = new ArrayList<>(b.trustAnchors);
            anchors.add(sandboxPki.rootCertificate());
            this.trustAnchors = List.copyOf(anchors);
        } else {
            this.sandboxPki = null;
            this.sandboxQualifiedCa = null;
            this.sandboxOcsp = null;
            this.sealKey = b.sealKey;
            this.oneTimeIssuer = b.oneTimeIssuer;
            this.timestampSource = b.timestampSource;
            this.trustAnchors = List.copyOf(b.trustAnchors);
        }
        if (sealKey != null) {
            requireMode(sealKey.certificateChain(), "the platform seal key");
        }
        if (oneTimeIssuer instanceof OneTimeCertificateAuthority authority) {
            requireMode(List.of(authority.caCertificate()), "the one-time certificate authority");
        }
        this.revocation = new RevocationSources(sandboxOcsp, b.revocationSource, b.onlineRevocationTimeout);
        this.largeDocumentThreshold = b.largeDocumentThreshold;
        this.temporaryDirectory = b.temporaryDirectory;
        this.limits = b.limits;
        this.pipeline = new SigningPipeline(revocation, trustAnchors);
        this.validation = new Validation(sandboxPki, sandboxOcsp, new RevocationSources(null, b.revocationSource, null),
                List.copyOf(b.trustAnchors), clock, b.largeDocumentThreshold);
        this.qualifiedProvider = b.qualifiedProvider;
        this.twoStep = new TwoStepSigning(this, b.stateKey != null ? b.stateKey
                : sandbox ? StateKeys.sandbox(sandboxPki) : StateKeys.random(), b.stateLifetime);
    }

    /**
     * A sandbox engine with zero configuration, its test PKI kept in {@code home/sandbox}.
     *
     * @param home the Certyneo home directory (created if needed)
     * @return the engine
     * @throws SignatureEngineException with {@link ErrorCode#IO_ERROR} when the home is unusable
     */
    public static PadesSignatureEngine sandbox(Path home) {
        return builder().sandbox(home).build();
    }

    /**
     * Starts loading, on a background thread, what every validation needs first and that depends on neither the
     * document nor the engine: DSS's default validation policy and its BouncyCastle provider. For a process about to
     * validate once (a command line), that work then runs on another core while it builds its engine and reads the
     * document. Optional and idempotent; the next validation takes the preloaded policy.
     */
    public static void preloadValidation() {
        Validation.preload();
    }

    /** @return a builder for a production engine (or a customised sandbox one) */
    public static Builder builder() {
        return new Builder();
    }

    /** @return whether this engine is a sandbox engine */
    public boolean isSandbox() {
        return sandbox;
    }

    /** @return the sandbox PKI, for sandbox engines */
    public Optional<SandboxPki> sandboxPki() {
        return Optional.ofNullable(sandboxPki);
    }

    @Override
    public SigningResult sign(SignRequest request) {
        Objects.requireNonNull(request, "request");
        return guarded(request.document().name(), () -> signChecked(request));
    }

    /**
     * Runs one operation on document {@code name} within this engine's {@link com.certyneo.engine.ResourceLimits}
     * (on a worker thread, see {@link Budget}: past the time limit the caller gets
     * {@link ErrorCode#RESOURCE_LIMIT}, never a hang), turning a stack overflow inside PDFBox or DSS (a
     * document whose objects are nested or chained thousands of levels deep) into
     * {@link ErrorCode#INVALID_PDF}. Caught here, once the stack has unwound; temporary files and
     * partial outputs have been deleted on the way up.
     */
    <T> T guarded(String name, java.util.function.Supplier<T> operation) {
        return Budget.run(name, limits, () -> {
            try {
                return operation.get();
            } catch (StackOverflowError e) {
                SignatureEngineException invalid = PdfInputs.overflow(e, name);
                if (invalid == null) {
                    throw e;
                }
                throw invalid;
            }
        });
    }

    /**
     * Where the temporary files of large-document work go: the configured directory, else next to the
     * output file (same file system as the output), else the system temporary directory.
     */
    Path workParent(DocumentTarget output) {
        if (temporaryDirectory != null) {
            return temporaryDirectory;
        }
        return output.path().map(p -> p.toAbsolutePath().getParent())
                .orElseGet(() -> Path.of(System.getProperty("java.io.tmpdir")));
    }

    private SigningResult signChecked(SignRequest request) {
        PadesProfile profile = request.profile().orElseGet(() -> defaultProfile(request.level()));
        requireCapabilities(profile);
        String name = request.document().name();
        Optional<Path> largeFile = largeFile(request.document());
        byte[] input = largeFile.isPresent() ? null : request.document().readAllBytes();
        if (input != null) {
            PdfInputs.requirePdfHeader(input, name);
        }
        Instant signingTime = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        SigningKey key = keyFor(request, signingTime);
        List<X509Certificate> chain = key.certificateChain();
        requireMode(chain, "the signing certificate");
        DssTimestampSource tsp = timestampSource == null ? null : new DssTimestampSource(timestampSource);

        if (largeFile.isPresent()) {
            return signLargeFile(largeFile.get(), request, profile, key, signingTime, tsp);
        }
        byte[] prepared;
        try {
            prepared = PdfPreparation.prepare(input, name, sandbox);
        } catch (IOException | RuntimeException e) {
            throw translate(e, name);
        }
        if (request.appearance().isEmpty()) {
            return signWithPipeline(request, profile, key, signingTime, input, prepared);
        }
        ScopedAlerts alerts = new ScopedAlerts(chain, tsp);
        byte[] output = DSSUtils.toByteArray(signWithDss(new InMemoryDocument(prepared, name), request, profile, key,
                signingTime, tsp, null, alerts));
        signatureCheck(profile, chain.get(0)).verify(output, prepared.length, name); // before anything is written
        Budget.commit(); // past this point the output is written even if the time limit passes
        request.output().write(out -> out.write(output));
        return new SigningResult(request.level(), profile, chain, signingTime,
                tsp == null ? Optional.empty() : tsp.firstTime(), Digests.sha256Hex(input), Digests.sha256Hex(prepared),
                Digests.sha256Hex(output), request.output().path(), sandbox, alerts.warnings());
    }

    /** One-step signing of an in-memory document through the engine's own {@link SigningPipeline}. */
    private SigningResult signWithPipeline(SignRequest request, PadesProfile profile, SigningKey key, Instant signingTime,
                                           byte[] input, byte[] prepared) {
        String name = request.document().name();
        List<X509Certificate> chain = key.certificateChain();
        SigningPipeline.HeapSink sink = new SigningPipeline.HeapSink(prepared);
        SigningPipeline.Signed signed;
        try {
            signed = pipeline.sign(sink, name, spec(request, profile, key, signingTime), timestampSource);
        } catch (IOException | RuntimeException e) {
            throw translate(e, name, chain);
        }
        byte[] output = sink.bytes();
        signatureCheck(profile, chain.get(0)).verify(output, prepared.length, name); // before anything is written
        Budget.commit(); // past this point the output is written even if the time limit passes
        request.output().write(out -> out.write(output));
        return new SigningResult(request.level(), profile, chain, signingTime, signed.timestampTime(),
                Digests.sha256Hex(input), Digests.sha256Hex(prepared), Digests.sha256Hex(output), request.output().path(),
                sandbox, signed.warnings());
    }

    /** The pipeline's view of a request: who signs, with which attributes (one mapping for every path). */
    SigningPipeline.Spec spec(SignRequest request, PadesProfile profile, SigningKey key, Instant signingTime) {
        return spec(request, profile, key, signingTime, true);
    }

    /** @param rsaPss whether an RSA key signs with RSASSA-PSS (one-step always; two-step as the request says) */
    SigningPipeline.Spec spec(SignRequest request, PadesProfile profile, SigningKey key, Instant signingTime,
                              boolean rsaPss) {
        X509Certificate certificate = key.certificate();
        boolean seal = request.level() == SignatureLevel.SES;
        return new SigningPipeline.Spec(profile, key, signingTime, rsaPss, request.fieldName(),
                seal ? commonName(certificate) : request.signer().name(),
                seal ? Optional.of(request.reason().orElse("Sealed on behalf of " + request.signer())) : request.reason(),
                request.location(), request.contactInfo());
    }

    /** getDataToSign, the key, signDocument: the DSS part of one-step signing. */
    private DSSDocument signWithDss(DSSDocument document, SignRequest request, PadesProfile profile, SigningKey key,
                                    Instant signingTime, DssTimestampSource tsp, IPdfObjFactory pdfFactory,
                                    ScopedAlerts alerts) {
        List<X509Certificate> chain = key.certificateChain();
        try {
            PAdESSignatureParameters parameters = parameters(request, profile, key, signingTime);
            if ("RSA".equals(chain.get(0).getPublicKey().getAlgorithm())) {
                // RSASSA-PSS for RSA keys: DSS's default crypto policy stops accepting PKCS#1 v1.5 in 2029.
                parameters.setEncryptionAlgorithm(eu.europa.esig.dss.enumerations.EncryptionAlgorithm.RSASSA_PSS);
            }
            PAdESService service = new PAdESService(verifier(alerts));
            if (tsp != null) {
                service.setTspSource(tsp);
            }
            if (pdfFactory != null) {
                service.setPdfObjFactory(pdfFactory);
            }
            ToBeSigned toBeSigned = service.getDataToSign(document, parameters);
            Budget.check(); // out of time: no signature is made (no remote signing request is sent)
            byte[] value = key.sign(toBeSigned.getBytes(), parameters.getSignatureAlgorithm().getJCEId());
            return service.signDocument(document, parameters, new SignatureValue(parameters.getSignatureAlgorithm(), value));
        } catch (RuntimeException e) {
            throw translate(e, request.document().name(), chain);
        }
    }

    /**
     * An input file of at least {@link Builder#largeDocumentThreshold} bytes is signed from disk:
     * PDFBox reads it through temporary files, the preparation revision (if needed) and DSS's
     * revisions go to temporary files, and hashes are computed while streaming, so heap use does not
     * grow with the document.
     */
    private Optional<Path> largeFile(DocumentSource document) {
        Optional<Path> path = document.path();
        if (path.isEmpty()) {
            return Optional.empty();
        }
        try {
            long size = java.nio.file.Files.size(path.get());
            if (size < largeDocumentThreshold) {
                return Optional.empty();
            }
            try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(path.get())) {
                byte[] head = PdfPreparation.read(channel, 0, (int) Math.min(size, 1024));
                PdfInputs.requirePdfHeader(head, document.name());
                byte[] tail = PdfPreparation.read(channel, Math.max(0, size - 4096), (int) Math.min(size, 4096));
                if (PdfPreparation.mentionsEncrypt(tail)) {
                    return Optional.empty(); // the in-memory path refuses it with ENCRYPTED_PDF
                }
            }
            return path;
        } catch (IOException e) {
            throw new SignatureEngineException(ErrorCode.IO_ERROR, "Cannot read " + path.get() + ": " + e,
                    "Check that the file exists and is readable.", e);
        }
    }

    private SigningResult signLargeFile(Path file, SignRequest request, PadesProfile profile, SigningKey key,
                                        Instant signingTime, DssTimestampSource tsp) {
        String name = request.document().name();
        try (LargeDocument large = LargeDocument.open(file, name, sandbox, workParent(request.output()))) {
            if (request.appearance().isEmpty()) {
                // the engine's pipeline: the input is read once more (hash + copy), never held whole
                SigningPipeline.FileSink sink = new SigningPipeline.FileSink(large.file(), large.work());
                SigningPipeline.Signed signed = pipeline.sign(sink, name, spec(request, profile, key, signingTime),
                        timestampSource);
                String outputSha256 = large.write(new eu.europa.esig.dss.model.FileDocument(sink.file().toFile()),
                        request.output(), signatureCheck(profile, key.certificate()));
                return new SigningResult(request.level(), profile, key.certificateChain(), signingTime,
                        signed.timestampTime(), large.inputSha256(), large.preparedSha256(), outputSha256,
                        request.output().path(), sandbox, signed.warnings());
            }
            ScopedAlerts alerts = new ScopedAlerts(key.certificateChain(), tsp);
            DSSDocument signed = signWithDss(large.document(), request, profile, key, signingTime, tsp, large.factory(),
                    alerts);
            String outputSha256 = large.write(signed, request.output(), signatureCheck(profile, key.certificate()));
            return new SigningResult(request.level(), profile, key.certificateChain(), signingTime,
                    tsp == null ? Optional.empty() : tsp.firstTime(), large.inputSha256(), large.preparedSha256(),
                    outputSha256, request.output().path(), sandbox, alerts.warnings());
        } catch (IOException | java.io.UncheckedIOException e) {
            throw diskFailure(e, name);
        } catch (RuntimeException e) {
            throw translate(e, name);
        }
    }

    private static SignatureEngineException diskFailure(Exception e, String name) {
        SignatureEngineException known = PdfInputs.classify(e, name);
        if (known == null) {
            known = PdfInputs.malformed(e, name);
        }
        return known != null ? known : new SignatureEngineException(ErrorCode.IO_ERROR,
                "Cannot process '" + name + "' from disk: " + e.getMessage(), "Check the file and the temporary directory.", e);
    }

    /**
     * The profile used when a request names none: B-LT when this engine has revocation data (sandbox,
     * or revocation sources configured) and a time-stamp source, else the level's own default (B-T).
     *
     * @param level the signature level
     * @return the default profile of {@code level} on this engine
     */
    public PadesProfile defaultProfile(SignatureLevel level) {
        if (revocation.available() && timestampSource != null) {
            return PadesProfile.B_LT;
        }
        return level.defaultProfile();
    }

    void requireCapabilities(PadesProfile profile) {
        if (profile.needsTimestamp() && timestampSource == null) {
            throw new SignatureEngineException(ErrorCode.TSA_UNAVAILABLE,
                    "Profile " + profile + " needs a time-stamp authority and none is configured",
                    "Configure a TimestampSource on the engine builder, or request profile B-B.");
        }
        if (profile.needsRevocationData() && !revocation.available()) {
            throw new SignatureEngineException(ErrorCode.PROFILE_NOT_SUPPORTED,
                    "Profile " + profile + " needs revocation data and this engine has no revocation source",
                    "Configure onlineRevocation(timeout) or revocationSource(...) on the engine builder, or sign at B-T.");
        }
    }

    @Override
    public DocumentResult extend(DocumentSource document, DocumentTarget output, PadesProfile profile) {
        Objects.requireNonNull(profile, "profile");
        if (profile == PadesProfile.B_B) {
            throw new SignatureEngineException(ErrorCode.INVALID_REQUEST, "Signatures cannot be extended to B-B",
                    "Extend to B-T, B-LT or B-LTA.");
        }
        return augment(document, output, profile, false, (service, dss, name, signatures) -> {
            if (signatures == 0) {
                throw new SignatureEngineException(ErrorCode.INVALID_REQUEST, "'" + name + "' has no signature to extend",
                        "Sign it first, or add a document time-stamp with timestamp().");
            }
            PAdESSignatureParameters parameters = new PAdESSignatureParameters();
            parameters.setSignatureLevel(dssLevel(profile));
            parameters.setDigestAlgorithm(DigestAlgorithm.SHA256);
            return service.extendDocument(dss, parameters);
        });
    }

    @Override
    public DocumentResult timestamp(DocumentSource document, DocumentTarget output) {
        Objects.requireNonNull(document, "document");
        Objects.requireNonNull(output, "output");
        return guarded(document.name(), () -> timestampChecked(document, output));
    }

    /**
     * A document time-stamp through the signing pipeline's last stage ({@link SigningPipeline#appendDocumentTimestamp}).
     * A document time-stamp is new content: a sandbox engine marks the document first.
     */
    private DocumentResult timestampChecked(DocumentSource document, DocumentTarget output) {
        requireCapabilities(PadesProfile.B_T);
        String name = document.name();
        SigningPipeline.Recorder recorder = new SigningPipeline.Recorder(timestampSource);
        Optional<Path> largeFile = largeFile(document);
        if (largeFile.isPresent()) {
            try (LargeDocument large = LargeDocument.open(largeFile.get(), name, sandbox, workParent(output))) {
                SigningPipeline.FileSink sink = new SigningPipeline.FileSink(large.file(), large.work());
                int signatures = signatures(sink, name);
                SigningPipeline.appendDocumentTimestamp(sink, name, recorder);
                String outputSha256 = large.write(new eu.europa.esig.dss.model.FileDocument(sink.file().toFile()), output,
                        augmentCheck(null));
                return new DocumentResult(Optional.empty(), signatures, recorder.last(), large.inputSha256(),
                        outputSha256, output.path(), sandbox, List.of());
            } catch (IOException | java.io.UncheckedIOException e) {
                throw diskFailure(e, name);
            } catch (RuntimeException e) {
                throw translate(e, name);
            }
        }
        byte[] input = document.readAllBytes();
        PdfInputs.requirePdfHeader(input, name);
        byte[] produced;
        int signatures;
        try {
            byte[] prepared = PdfPreparation.prepare(input, name, sandbox);
            SigningPipeline.HeapSink sink = new SigningPipeline.HeapSink(prepared);
            signatures = signatures(sink, name);
            SigningPipeline.appendDocumentTimestamp(sink, name, recorder);
            produced = sink.bytes();
            augmentCheck(null).verify(produced, prepared.length, name);
        } catch (IOException | RuntimeException e) {
            throw translate(e, name);
        }
        Budget.commit(); // past this point the output is written even if the time limit passes
        output.write(out -> out.write(produced));
        return new DocumentResult(Optional.empty(), signatures, recorder.last(), Digests.sha256Hex(input),
                Digests.sha256Hex(produced), output.path(), sandbox, List.of());
    }

    /** The signatures (not document time-stamps) of the document a sink holds. */
    private static int signatures(SigningPipeline.Sink sink, String name) throws IOException {
        try (org.apache.pdfbox.pdmodel.PDDocument document = sink.load(name)) {
            int n = 0;
            for (var signature : document.getSignatureDictionaries()) {
                if (!org.apache.pdfbox.cos.COSName.DOC_TIME_STAMP.equals(
                        signature.getCOSObject().getCOSName(org.apache.pdfbox.cos.COSName.TYPE))) {
                    n++;
                }
            }
            return n;
        }
    }

    /** One DSS operation on a whole document, given the prepared document and its signature count. */
    @FunctionalInterface
    private interface Augmentation {
        DSSDocument apply(PAdESService service, DSSDocument document, String name, int signatures);
    }

    /**
     * The frame shared by {@link #extend} and {@link #timestamp}: checks, preparation, one DSS
     * operation with a time-stamp source, atomic output and the result.
     *
     * @param profile the target profile of an extension, or {@code null} for a document time-stamp
     */
    private DocumentResult augment(DocumentSource document, DocumentTarget output, PadesProfile profile, boolean mark,
                                   Augmentation operation) {
        Objects.requireNonNull(document, "document");
        Objects.requireNonNull(output, "output");
        return guarded(document.name(), () -> augmentChecked(document, output, profile, mark, operation));
    }

    private DocumentResult augmentChecked(DocumentSource document, DocumentTarget output, PadesProfile profile,
                                          boolean mark, Augmentation operation) {
        requireCapabilities(profile == null ? PadesProfile.B_T : profile);
        String name = document.name();
        DssTimestampSource tsp = new DssTimestampSource(timestampSource);
        // Every signature already in the document is someone's earlier work: findings about it are warnings.
        ScopedAlerts alerts = new ScopedAlerts(List.of(), tsp);
        Optional<Path> largeFile = largeFile(document);
        if (largeFile.isPresent()) {
            try (LargeDocument large = LargeDocument.open(largeFile.get(), name, mark, workParent(output))) {
                int signatures = countSignatures(large.document(), large.factory());
                PAdESService service = new PAdESService(verifier(alerts));
                service.setTspSource(tsp);
                service.setPdfObjFactory(large.factory());
                String outputSha256 = large.write(operation.apply(service, large.document(), name, signatures), output,
                        augmentCheck(profile));
                return new DocumentResult(Optional.ofNullable(profile), signatures, tsp.lastTime(), large.inputSha256(),
                        outputSha256, output.path(), sandbox, alerts.warnings());
            } catch (IOException | java.io.UncheckedIOException e) {
                throw diskFailure(e, name);
            } catch (RuntimeException e) {
                throw translate(e, name);
            }
        }
        byte[] input = document.readAllBytes();
        PdfInputs.requirePdfHeader(input, name);
        byte[] produced;
        int signatures;
        try {
            byte[] prepared = PdfPreparation.prepare(input, name, mark);
            DSSDocument dss = new InMemoryDocument(prepared, name);
            signatures = countSignatures(dss, null);
            PAdESService service = new PAdESService(verifier(alerts));
            service.setTspSource(tsp);
            produced = DSSUtils.toByteArray(operation.apply(service, dss, name, signatures));
            augmentCheck(profile).verify(produced, prepared.length, name);
        } catch (IOException | RuntimeException e) {
            throw translate(e, name);
        }
        Budget.commit(); // past this point the output is written even if the time limit passes
        output.write(out -> out.write(produced));
        return new DocumentResult(Optional.ofNullable(profile), signatures, tsp.lastTime(), Digests.sha256Hex(input),
                Digests.sha256Hex(produced), output.path(), sandbox, alerts.warnings());
    }

    private static int countSignatures(DSSDocument document, IPdfObjFactory factory) {
        eu.europa.esig.dss.pades.validation.PDFDocumentAnalyzer analyzer =
                new eu.europa.esig.dss.pades.validation.PDFDocumentAnalyzer(document);
        if (factory != null) {
            analyzer.setPdfObjFactory(factory);
        }
        return analyzer.getSignatures().size();
    }

    @Override
    public PreparedSignature prepare(PrepareRequest request) {
        Objects.requireNonNull(request, "request");
        return guarded(request.document().name(), () -> twoStep.prepare(request));
    }

    @Override
    public SigningResult complete(byte[] state, byte[] signatureValue, DocumentSource document, DocumentTarget output) {
        Objects.requireNonNull(document, "document");
        Objects.requireNonNull(output, "output");
        return guarded(document.name(), () -> twoStep.complete(state, signatureValue, document, output));
    }

    @Override
    public ValidationReport validate(DocumentSource document, ValidationOptions options) {
        Objects.requireNonNull(document, "document");
        Objects.requireNonNull(options, "options");
        if (options.trustSandbox() && !sandbox) {
            throw new SignatureEngineException(ErrorCode.INVALID_REQUEST,
                    "This production engine has no sandbox PKI to trust",
                    "Validate sandbox documents with a sandbox engine, or pass the sandbox root as a trust anchor.");
        }
        return guarded(document.name(), () -> {
            PdfInputs.requireObjectLimit(document); // before PDFBox, whose heap grows with the object count
            return validation.validate(document, options);
        });
    }

    @Override
    public void close() {
        // Keys are references owned by their providers and the TSA is in-process; only the sandbox
        // CSC service holds a port.
        synchronized (sandboxQtspLock) {
            if (sandboxQtsp != null) {
                sandboxQtsp.close();
                sandboxQtsp = null;
            }
        }
    }

    private SigningKey keyFor(SignRequest request, Instant signingTime) {
        SignatureLevel level = request.level();
        switch (level) {
            case SES:
                if (sealKey == null) {
                    throw new SignatureEngineException(ErrorCode.LEVEL_NOT_CONFIGURED,
                            "SES needs the platform seal key and none is configured",
                            "Configure sealKey(...) on PadesSignatureEngine.builder().");
                }
                return sealKey;
            case AES:
                if (!request.signer().isAuthenticated()) {
                    throw new SignatureEngineException(ErrorCode.MISSING_AUTHENTICATION,
                            "AES for " + request.signer() + " needs authentication evidence and the request has none",
                            "Authenticate the signer (SMS OTP, e-mail OTP, ID document or video KYC) and add it "
                                    + "with Signer.authenticatedBy(...).");
                }
                if (oneTimeIssuer == null) {
                    throw new SignatureEngineException(ErrorCode.LEVEL_NOT_CONFIGURED,
                            "AES needs a one-time certificate issuer and none is configured",
                            "Configure oneTimeCertificateIssuer(...) on PadesSignatureEngine.builder().");
                }
                // A fresh key for this one signature: it lives only in this call's stack and is never stored.
                KeyPair pair = X509Builder.newEcKeyPair();
                List<X509Certificate> chain = oneTimeIssuer.issue(request.signer(), pair.getPublic(), signingTime);
                return SigningKey.of(pair.getPrivate(), chain);
            case QES:
            default:
                QualifiedSigningProvider provider = qualifiedProvider();
                return new QualifiedKey(provider, provider.credential(request.signer()), request.signer());
        }
    }

    /** The configured provider, else (sandbox) the in-process sandbox QTSP, started on first use. */
    private QualifiedSigningProvider qualifiedProvider() {
        if (qualifiedProvider != null) {
            return qualifiedProvider;
        }
        if (!sandbox) {
            throw new SignatureEngineException(ErrorCode.LEVEL_NOT_CONFIGURED,
                    "QES needs a remote qualified signing provider (CSC API) and none is configured",
                    "Configure qualifiedSigningProvider(...) on PadesSignatureEngine.builder(), "
                            + "for example a com.certyneo.engine.pades.csc.CscSigningProvider.");
        }
        synchronized (sandboxQtspLock) {
            if (sandboxQtsp == null) {
                sandboxQtsp = SandboxQtsp.start(sandboxQualifiedCa, clock, 1);
            }
            return sandboxQtsp;
        }
    }

    /** The checks {@link #sign} makes on the profile, for two-step signing. */
    Clock clock() {
        return clock;
    }

    /** The check of a new signature's output before it is written or moved into place (see {@link OutputSelfCheck}). */
    OutputSelfCheck signatureCheck(PadesProfile profile, X509Certificate signer) {
        return OutputSelfCheck.signature(profile, signer, trustAnchors);
    }

    /** The check of an extension ({@code profile}) or document time-stamp ({@code null}) output. */
    private OutputSelfCheck augmentCheck(PadesProfile profile) {
        return profile == null ? OutputSelfCheck.documentTimestamp() : OutputSelfCheck.extension(profile, trustAnchors);
    }

    SigningPipeline pipeline() {
        return pipeline;
    }

    TimestampSource timestampSource() {
        return timestampSource;
    }

    PAdESSignatureParameters parameters(SignRequest request, PadesProfile profile, SigningKey key,
                                                Instant signingTime) {
        PAdESSignatureParameters p = new PAdESSignatureParameters();
        p.setSignatureLevel(dssLevel(profile));
        p.setDigestAlgorithm(DigestAlgorithm.SHA256);
        List<X509Certificate> chain = key.certificateChain();
        p.setSigningCertificate(new CertificateToken(chain.get(0)));
        p.setCertificateChain(chain.stream().map(CertificateToken::new).toList());
        p.bLevel().setSigningDate(Date.from(signingTime));
        if (request.level() == SignatureLevel.SES) {
            p.setSignerName(commonName(chain.get(0)));
            p.setReason(request.reason().orElse("Sealed on behalf of " + request.signer()));
        } else {
            p.setSignerName(request.signer().name());
            request.reason().ifPresent(p::setReason);
        }
        request.location().ifPresent(p::setLocation);
        request.contactInfo().ifPresent(p::setContactInfo);
        if (request.fieldName().isPresent() || request.appearance().isPresent()) {
            p.setImageParameters(Appearances.image(request, chain.get(0), signingTime, profile, sandbox));
        }
        p.setAppName("Certyneo Signing Engine");
        p.setContentSize(contentSize(chain, profile));
        if (trustAnchors.contains(chain.get(0))) {
            // DSS leaves trust anchors out of the CMS by default; when the signing certificate is itself a
            // trust anchor (a self-signed seal passed as --trust) that would leave no certificate at all.
            p.bLevel().setTrustAnchorBPPolicy(false);
        }
        return p;
    }

    private static eu.europa.esig.dss.enumerations.SignatureLevel dssLevel(PadesProfile profile) {
        return switch (profile) {
            case B_B -> eu.europa.esig.dss.enumerations.SignatureLevel.PAdES_BASELINE_B;
            case B_T -> eu.europa.esig.dss.enumerations.SignatureLevel.PAdES_BASELINE_T;
            case B_LT -> eu.europa.esig.dss.enumerations.SignatureLevel.PAdES_BASELINE_LT;
            case B_LTA -> eu.europa.esig.dss.enumerations.SignatureLevel.PAdES_BASELINE_LTA;
        };
    }

    /** Room for the CMS: the chain, a time-stamp token with its TSU chain, and slack. */
    private static int contentSize(List<X509Certificate> chain, PadesProfile profile) {
        int size = 2048;
        for (X509Certificate certificate : chain) {
            try {
                size += certificate.getEncoded().length;
            } catch (CertificateEncodingException e) {
                size += 2048;
            }
        }
        if (profile.needsTimestamp()) {
            size += 8192;
        }
        return Math.max(MIN_CONTENT_SIZE, size);
    }

    /**
     * @param alerts the alerts of this operation: DSS findings about its own chain and time-stamps fail
     *               it, findings about earlier signatures become warnings
     */
    CommonCertificateVerifier verifier(ScopedAlerts alerts) {
        CommonCertificateVerifier verifier = new CommonCertificateVerifier(true);
        alerts.install(verifier);
        CommonTrustedCertificateSource trusted = new CommonTrustedCertificateSource();
        trustAnchors.forEach(anchor -> trusted.addCertificate(new CertificateToken(anchor)));
        verifier.setTrustedCertSources(trusted);
        verifier.setOcspSource(revocation.ocspSource());
        verifier.setCrlSource(revocation.crlSource());
        verifier.setAIASource(revocation.aiaSource());
        // A later signer may ask for a lower profile than an earlier signature already has (e.g. B-LT
        // after a B-LTA signature): DSS then keeps the earlier signature's level, which is correct.
        verifier.setAugmentationAlertOnHigherSignatureLevel(new eu.europa.esig.dss.alert.LogOnStatusAlert());
        return verifier;
    }

    void requireMode(List<X509Certificate> chain, String what) {
        boolean sandboxChain = chain.stream().anyMatch(SandboxPki::isSandboxCertificate);
        if (sandbox && !sandboxChain) {
            throw new SignatureEngineException(ErrorCode.MODE_MISMATCH,
                    "A sandbox engine refuses production keys: " + what + " ("
                            + chain.get(0).getSubjectX500Principal().getName() + ") is not a sandbox certificate",
                    "Use a production engine (PadesSignatureEngine.builder() without sandbox(...)) for production keys.");
        }
        if (!sandbox && sandboxChain) {
            throw new SignatureEngineException(ErrorCode.MODE_MISMATCH,
                    "A production engine refuses sandbox keys: " + what + " ("
                            + chain.get(0).getSubjectX500Principal().getName() + ") belongs to a sandbox PKI",
                    "Configure production keys, or build a sandbox engine with PadesSignatureEngine.sandbox(home).");
        }
    }

    /** @return the CN of the subject, or the whole subject DN when it has none */
    static String commonName(X509Certificate certificate) {
        for (String part : certificate.getSubjectX500Principal().getName().split(",(?=(?:[^\\\\]|\\\\.)*$)")) {
            if (part.trim().startsWith("CN=")) {
                return part.trim().substring(3);
            }
        }
        return certificate.getSubjectX500Principal().getName();
    }

    static SignatureEngineException translate(Exception e, String name) {
        return translate(e, name, List.of());
    }

    /**
     * Maps a DSS failure to the engine's taxonomy. DSS names certificates by their DSS id
     * ({@code C-} + SHA-256); ids of {@code known} certificates are followed by the subject DN.
     */
    private static SignatureEngineException translate(Exception e, String name, List<X509Certificate> known) {
        SignatureEngineException classified = PdfInputs.classify(e, name);
        if (classified != null) {
            return classified;
        }
        String message = withSubjects(String.valueOf(e.getMessage()), known);
        if (message.contains("expired") || message.contains("not yet valid") || message.contains("not valid yet")) {
            return new SignatureEngineException(ErrorCode.SIGNING_KEY_ERROR,
                    "The signing certificate cannot sign '" + name + "' now: " + message,
                    "Use a certificate that is valid at the signing time.", e);
        }
        if (message.contains("field") && (message.contains("does not exist") || message.contains("not a signature field")
                || message.contains("already signed") || message.contains("already used"))) {
            return new SignatureEngineException(ErrorCode.INVALID_REQUEST, "Cannot sign '" + name + "' into the requested "
                    + "field: " + message, "Name an empty signature field of the document (its fully qualified name), "
                    + "or leave the field out to add a new one.", e);
        }
        if (message.contains("signature field position") || message.contains("is out of the page")
                || message.contains("does not exist in the document") && message.contains("page")) {
            return new SignatureEngineException(ErrorCode.INVALID_REQUEST, "Cannot place the visible signature in '" + name
                    + "': " + message, "Move the box inside the page and away from other annotations and signatures.", e);
        }
        if (message.contains("Revoked/Suspended certificate(s) detected")) {
            return new SignatureEngineException(ErrorCode.CERTIFICATE_REVOKED,
                    "Cannot build long-term validation data for '" + name + "': " + message,
                    "The named certificate is revoked; sign with a valid certificate.", e);
        }
        if (message.contains("Revocation data is missing") || message.contains("Fresh revocation data is missing")) {
            return new SignatureEngineException(ErrorCode.REVOCATION_UNAVAILABLE,
                    "Cannot obtain revocation data for '" + name + "': " + message,
                    "Check that the OCSP/CRL services named in the certificates answer, or supply revocation data.", e);
        }
        SignatureEngineException malformed = PdfInputs.malformed(e, name);
        if (malformed != null) {
            return malformed;
        }
        if (message.contains("not enough space")) {
            return new SignatureEngineException(ErrorCode.SIGNING_FAILED,
                    "The signature did not fit the space reserved in '" + name + "'",
                    "This is a bug in the size estimate; report it with the certificate chain used.", e);
        }
        return new SignatureEngineException(ErrorCode.SIGNING_FAILED, "Signing '" + name + "' failed: " + message,
                "Check the document and the engine configuration; the cause is attached.", e);
    }

    private static String withSubjects(String message, List<X509Certificate> known) {
        String result = message;
        for (X509Certificate certificate : known) {
            try {
                String id = "C-" + Digests.sha256Hex(certificate.getEncoded()).toUpperCase(java.util.Locale.ROOT);
                result = result.replace(id, id + " (" + certificate.getSubjectX500Principal().getName() + ", serial "
                        + certificate.getSerialNumber().toString(16) + ")");
            } catch (CertificateEncodingException ignored) {
                // leave the id as DSS wrote it
            }
        }
        return result;
    }

    /**
     * The sandbox TSA, built on its first time-stamp: validation and two-step preparation never need it, and
     * building one (BouncyCastle's time-stamp generator, a trial token generator) is part of every sandbox command's
     * start-up otherwise.
     */
    private static final class SandboxTsa implements TimestampSource {
        private final java.util.function.Supplier<TimestampAuthority> factory;
        private volatile TimestampAuthority authority;

        SandboxTsa(java.util.function.Supplier<TimestampAuthority> factory) {
            this.factory = factory;
        }

        private TimestampAuthority authority() {
            TimestampAuthority built = authority;
            if (built == null) {
                synchronized (this) {
                    built = authority;
                    if (built == null) {
                        built = factory.get();
                        authority = built;
                    }
                }
            }
            return built;
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

    /** Builder for {@link PadesSignatureEngine}. */
    public static final class Builder {
        private Path sandboxHome;
        private SigningKey sealKey;
        private CertificateIssuer oneTimeIssuer;
        private TimestampSource timestampSource;
        private final List<X509Certificate> trustAnchors = new ArrayList<>();
        private Clock clock = Clock.systemUTC();
        private RevocationSource revocationSource;
        private long largeDocumentThreshold = 32L * 1024 * 1024;
        private Path temporaryDirectory;
        private com.certyneo.engine.ResourceLimits limits = com.certyneo.engine.ResourceLimits.defaults();
        private java.time.Duration onlineRevocationTimeout;
        private QualifiedSigningProvider qualifiedProvider;
        private byte[] stateKey;
        private java.time.Duration stateLifetime = java.time.Duration.ofHours(24);

        private Builder() {
        }

        /**
         * @param provider the remote qualified signing provider used at QES, such as a
         *                 {@code com.certyneo.engine.pades.csc.CscSigningProvider}; a sandbox engine without one
         *                 uses its in-process sandbox CSC service
         * @return this
         */
        public Builder qualifiedSigningProvider(QualifiedSigningProvider provider) {
            this.qualifiedProvider = provider;
            return this;
        }

        /**
         * How long a two-step state may wait between {@code prepare} and {@code complete} (default 24
         * hours): the claimed signing time is fixed at prepare time and must stay close to the real one.
         *
         * @param lifetime a positive duration
         * @return this
         */
        public Builder stateLifetime(java.time.Duration lifetime) {
            if (lifetime == null || lifetime.isNegative() || lifetime.isZero()) {
                throw new SignatureEngineException(ErrorCode.INVALID_REQUEST, "The two-step state lifetime must be positive",
                        "Give a duration such as Duration.ofHours(1).");
            }
            this.stateLifetime = lifetime;
            return this;
        }

        /**
         * The key that seals two-step signing states (HMAC-SHA256). Configure the same key on every
         * engine that completes states another prepared. Default: sandbox engines derive one from their
         * sandbox PKI; production engines draw a random key, valid for this instance only.
         *
         * @param key at least 32 bytes (copied)
         * @return this
         */
        public Builder stateKey(byte[] key) {
            if (key == null || key.length < 32) {
                throw new SignatureEngineException(ErrorCode.INVALID_REQUEST, "The two-step state key is shorter than 32 bytes",
                        "Use 32 random bytes from a secret store.");
            }
            this.stateKey = key.clone();
            return this;
        }

        /**
         * Makes this a sandbox engine whose test PKI lives in {@code home/sandbox}. Keys configured
         * on a sandbox builder must be sandbox keys.
         *
         * @param home the Certyneo home directory
         * @return this
         */
        public Builder sandbox(Path home) {
            this.sandboxHome = Objects.requireNonNull(home, "home");
            return this;
        }

        /** @param key the platform seal key used at SES @return this */
        public Builder sealKey(SigningKey key) {
            this.sealKey = key;
            return this;
        }

        /** @param issuer issues the one-time certificates used at AES @return this */
        public Builder oneTimeCertificateIssuer(CertificateIssuer issuer) {
            this.oneTimeIssuer = issuer;
            return this;
        }

        /** @param source the time-stamp source for B-T and above @return this */
        public Builder timestampSource(TimestampSource source) {
            this.timestampSource = source;
            return this;
        }

        /** @param root a root certificate to trust when signing and validating @return this */
        public Builder trustAnchor(X509Certificate root) {
            this.trustAnchors.add(Objects.requireNonNull(root, "root"));
            return this;
        }

        /**
         * Supplies revocation data from the caller's own store (offline); asked before any online source.
         *
         * @param source the revocation source
         * @return this
         */
        public Builder revocationSource(RevocationSource source) {
            this.revocationSource = source;
            return this;
        }

        /**
         * Fetches OCSP responses and CRLs from the URLs named in the certificates (for B-LT/B-LTA),
         * each request bounded by {@code timeout}.
         *
         * @param timeout connect and read timeout per request
         * @return this
         */
        public Builder onlineRevocation(java.time.Duration timeout) {
            this.onlineRevocationTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Input files of at least this size are signed from disk through temporary files instead of in
         * memory (default 32 MiB), so heap use does not grow with the document.
         *
         * @param bytes the threshold in bytes
         * @return this
         */
        public Builder largeDocumentThreshold(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("threshold must not be negative");
            }
            this.largeDocumentThreshold = bytes;
            return this;
        }

        /**
         * Where large-document work keeps its temporary files (default: next to the output file, on the
         * same file system, or the system temporary directory for stream outputs). Each operation works in
         * a private sub-directory that it deletes when it ends, on success, on error, and when the JVM is
         * stopped (SIGTERM, SIGINT) in the middle of it.
         *
         * @param directory the directory (created if needed), or {@code null} for the default
         * @return this
         */
        public Builder temporaryDirectory(Path directory) {
            this.temporaryDirectory = directory;
            return this;
        }

        /**
         * The time and memory budget of each operation on one document (default
         * {@link com.certyneo.engine.ResourceLimits#defaults()}: 60 s, 500,000 objects, 10 rendered pages).
         * Exceeding it is {@link ErrorCode#RESOURCE_LIMIT}, and nothing is written.
         *
         * @param limits the limits
         * @return this
         */
        public Builder limits(com.certyneo.engine.ResourceLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** @param clock the clock for signing times (default system UTC) @return this */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @return the engine
         * @throws SignatureEngineException with {@link ErrorCode#MODE_MISMATCH} when sandbox and
         *                                  production material are mixed
         */
        public PadesSignatureEngine build() {
            return new PadesSignatureEngine(this);
        }
    }

}
