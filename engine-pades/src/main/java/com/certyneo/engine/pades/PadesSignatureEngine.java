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
import com.certyneo.engine.spi.CertificateIssuer;
import com.certyneo.engine.spi.RevocationSource;
import com.certyneo.engine.spi.QualifiedSigningProvider;
import com.certyneo.engine.spi.SigningKey;
import com.certyneo.engine.spi.TimestampSource;

import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
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
 *   "SANDBOX – NOT LEGALLY BINDING" mark that the signature covers. Engines that should share one
 *   sandbox (its material loaded once) are built on the same {@link Sandbox}:
 *   {@code builder().sandbox(Sandbox.open(home))}.</li>
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

    /** Production or sandbox: everything that differs between them is asked of it. */
    private final Mode mode;
    private final SigningKey sealKey;
    private final CertificateIssuer oneTimeIssuer;
    private final TimestampSource timestampSource;
    private final List<X509Certificate> trustAnchors;
    private final Clock clock;
    private final RevocationSources revocation;
    private final long largeDocumentThreshold;
    private final Path temporaryDirectory;
    private final com.certyneo.engine.ResourceLimits limits;
    /** Whether operations run on the caller's thread ({@link Builder#onCallerThread}). */
    private final boolean onCallerThread;
    private final SigningPipeline pipeline;
    /** What the self-checks of this engine's latest signatures read of their outputs' chains ({@link SignedChains}). */
    private final SignedChains signedChains = new SignedChains();
    private final Validation validation;
    private final QualifiedSigningProvider qualifiedProvider;
    private final TwoStepSigning twoStep;
    private final BatchSigning batch = new BatchSigning(this);

    /**
     * A sandbox engine loads its sandbox's PKI here (if no other engine on the same {@link Sandbox} did):
     * its root is a trust anchor, and its seal, one-time CA and TSA stand in for what the builder left out.
     */
    private PadesSignatureEngine(Builder b) {
        this.clock = b.clock;
        this.mode = Mode.of(b.sandbox, clock);
        this.sealKey = b.sealKey != null ? b.sealKey : mode.sealKey();
        this.oneTimeIssuer = b.oneTimeIssuer != null ? b.oneTimeIssuer : mode.oneTimeIssuer();
        this.timestampSource = b.timestampSource != null ? b.timestampSource : mode.timestampSource();
        List<X509Certificate> anchors = new ArrayList<>(b.trustAnchors);
        anchors.addAll(mode.trustAnchors());
        this.trustAnchors = List.copyOf(anchors);
        if (sealKey != null) {
            requireMode(sealKey.certificateChain(), "the platform seal key");
        }
        if (oneTimeIssuer instanceof OneTimeCertificateAuthority authority) {
            requireMode(List.of(authority.caCertificate()), "the one-time certificate authority");
        }
        if (b.revocationCache != null && b.onlineRevocationTimeout == null) {
            throw new IllegalStateException("revocationCache(...) caches what onlineRevocation(timeout) fetches: "
                    + "configure onlineRevocation too, or drop the cache");
        }
        this.revocation = new RevocationSources(mode.ocsp(), b.revocationSource, b.onlineRevocationTimeout,
                b.revocationCache, clock);
        this.largeDocumentThreshold = b.largeDocumentThreshold;
        this.temporaryDirectory = b.temporaryDirectory;
        this.limits = b.limits;
        this.onCallerThread = b.onCallerThread;
        this.pipeline = new SigningPipeline(revocation, trustAnchors);
        this.validation = new Validation(mode, new RevocationSources(null, b.revocationSource, null),
                List.copyOf(b.trustAnchors), clock, b.largeDocumentThreshold);
        this.qualifiedProvider = b.qualifiedProvider;
        this.twoStep = new TwoStepSigning(this, b.stateKey != null ? b.stateKey : mode.stateKey(), b.stateLifetime);
    }

    /**
     * A sandbox engine with zero configuration, its test PKI kept in {@code home/sandbox}: the engine of
     * {@code builder().sandbox(Sandbox.open(home)).build()}.
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

    /** {@return a builder for a production engine (or a customised sandbox one)} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return whether this engine is a sandbox engine} */
    public boolean isSandbox() {
        return mode.isSandbox();
    }

    /** {@return the sandbox PKI, for sandbox engines} */
    public Optional<SandboxPki> sandboxPki() {
        return mode.sandbox().map(Sandbox::pki);
    }

    /** @return production or sandbox, for {@link TwoStepSigning} and tests */
    Mode mode() {
        return mode;
    }

    @Override
    public SigningResult sign(SignRequest request) {
        Objects.requireNonNull(request, "request");
        return guarded(request.document().name(), () -> DocumentPasswords.with(request.password(), () -> signChecked(request)));
    }

    /**
     * {@inheritDoc}
     *
     * <p>Each document is prepared and completed on this engine's two-step pipeline, within the engine's
     * {@link com.certyneo.engine.ResourceLimits} per document; every profile (B-B to B-LTA) and level is accepted,
     * and the QES documents of one signer share one authorisation of the qualified signing provider
     * ({@link QualifiedSigningProvider#signAll}). Thread-safe: concurrent batches do not share state.
     */
    @Override
    public List<SigningResult> signAll(List<SignRequest> requests) {
        return batch.signAll(requests);
    }

    /**
     * Runs one operation on document {@code name} within this engine's {@link com.certyneo.engine.ResourceLimits}
     * (on a worker thread unless {@link Builder#onCallerThread}, see {@link Budget}: past the time limit the caller
     * gets {@link ErrorCode#RESOURCE_LIMIT}, never a hang), turning a stack overflow inside PDFBox or DSS (a
     * document whose objects are nested or chained thousands of levels deep) into
     * {@link ErrorCode#INVALID_PDF}. Caught here, once the stack has unwound; temporary files and
     * partial outputs have been deleted on the way up.
     */
    <T> T guarded(String name, java.util.function.Supplier<T> operation) {
        return Budget.run(name, limits, onCallerThread, () -> {
            try {
                return operation.get();
            } catch (StackOverflowError e) {
                SignatureEngineException invalid = DssFailures.overflow(e, name);
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

        if (largeFile.isPresent()) {
            return signLargeFile(largeFile.get(), request, profile, key, signingTime);
        }
        // the input hashed once: the memo of signed chains is looked up by it, and the signature's byte-range digest
        // goes on from it
        java.security.MessageDigest hashed = Digests.sha256();
        hashed.update(input);
        PrefixDigests inputState = PrefixDigests.of(input.length, hashed);
        IntactChainParser.Prefix known = inputState.hex(input.length).map(sha -> signedChains.get(sha, input.length))
                .orElse(null);
        PdfPreparation.Prepared prepared;
        try {
            prepared = PdfPreparation.prepareLoaded(input, name, mode.isSandbox(), known);
        } catch (IOException | RuntimeException e) {
            throw translate(e, name);
        }
        try (prepared) { // closes the preparation's load unless the pipeline took it
            return signWithPipeline(request, profile, key, signingTime, input, prepared, inputState);
        }
    }

    /**
     * One-step signing of an in-memory document through the engine's own {@link SigningPipeline}.
     *
     * @param inputState the SHA-256 state of the whole input (none: the pipeline hashes it)
     */
    private SigningResult signWithPipeline(SignRequest request, PadesProfile profile, SigningKey key, Instant signingTime,
                                           byte[] input, PdfPreparation.Prepared loaded, PrefixDigests inputState) {
        String name = request.document().name();
        List<X509Certificate> chain = key.certificateChain();
        byte[] prepared = loaded.bytes();
        Fingerprinted digests = fingerprinted(input, prepared);
        SigningPipeline.HeapSink sink;
        SigningPipeline.Signed signed;
        try {
            HeapAttempt done = pipeline.withTimestamps(timestampSource, relayable(request.level()), recorder -> {
                // the preparation's load of the document, when it left it untouched, is the one the pipeline lays
                // out on (the first attempt's: take() hands it over once)
                SigningPipeline.HeapSink attempt = new SigningPipeline.HeapSink(prepared, loaded::take)
                        .checkpoints(digests.prefixes())
                        .knowing(digests.inputIsPrefix() ? inputState : PrefixDigests.none());
                return new HeapAttempt(attempt, pipeline.sign(attempt, name, spec(request, profile, key, signingTime),
                        recorder));
            });
            sink = done.sink();
            signed = done.signed();
        } catch (IOException | RuntimeException e) {
            throw translate(e, name);
        }
        byte[] output = sink.array(); // the final bytes are its first sink.length() bytes: not copied again
        int outputLength = sink.length();
        OutputSelfCheck.Fingerprints fingerprints = signatureCheck(profile, chain.get(0))
                .knowing(signed.verified(), signed.prefixes()).knowingChain(signed.chain())
                .verify(output, outputLength, prepared, name, digests.prefixes()); // before anything is written
        Budget.commit(); // past this point the output is written even if the time limit passes
        request.output().write(out -> out.write(output, 0, outputLength));
        fingerprints.chain().ifPresent(read -> signedChains.put(fingerprints.output(), read.withSignatures(
                SigningPipeline.EarlierSignature.facts(read, output, outputLength, signed.earlier()))));
        return new SigningResult(request.level(), profile, chain, signingTime, signed.timestampTime(),
                digests.input(fingerprints), fingerprints.prefix(prepared.length), fingerprints.output(),
                request.output().path(), mode.isSandbox(), signed.warnings());
    }

    /** The sink and outcome of the attempt that signed ({@link SigningPipeline#withTimestamps}). */
    private record HeapAttempt(SigningPipeline.HeapSink sink, SigningPipeline.Signed signed) {
    }

    /**
     * Whether a signature at {@code level} may be laid out again when a time-stamp token overflows its learned room
     * ({@link SigningPipeline#withTimestamps}): the seal key and the one-time key sign as often as asked; a qualified
     * key's signature is authorised one at a time (and its credential may be a remote one), so it gets the fixed
     * room and one attempt.
     */
    private static boolean relayable(SignatureLevel level) {
        return level == SignatureLevel.SES || level == SignatureLevel.AES;
    }

    /**
     * Which SHA-256 fingerprints of the input the self-check's pass over the output gives (it checks that the output
     * begins with {@code prepared}): the prepared input's, and the input's when the prepared input begins with it (a
     * preparation revision is appended) — else the input is hashed on its own.
     */
    private record Fingerprinted(byte[] input, long[] prefixes, boolean inputIsPrefix) {
        String input(OutputSelfCheck.Fingerprints fingerprints) {
            return inputIsPrefix ? fingerprints.prefix(input.length) : Digests.sha256Hex(input);
        }
    }

    private static Fingerprinted fingerprinted(byte[] input, byte[] prepared) {
        boolean prefix = input == prepared || input.length <= prepared.length
                && java.util.Arrays.equals(prepared, 0, input.length, input, 0, input.length);
        long[] prefixes = prefix ? new long[] {input.length, prepared.length} : new long[] {prepared.length};
        return new Fingerprinted(input, prefixes, prefix);
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
                request.location(), request.contactInfo(),
                appearance(request, certificate, signingTime, profile), request.certification(), request.lock());
    }

    /**
     * The appearance of a request's signature: in the request's box; else, for a signature into an existing field,
     * the same text in that field's box when the field is placed on a page (a box left empty after signing would
     * show a signed field as blank); else none.
     */
    private Optional<SignatureAppearance.Content> appearance(SignRequest request, X509Certificate certificate,
                                                             Instant signingTime, PadesProfile profile) {
        if (request.appearance().isEmpty() && request.fieldName().isEmpty()) {
            return Optional.empty();
        }
        String text = SignatureAppearance.text(request.level(), request.signer().name(), certificate, signingTime, profile,
                request.reason(), mode.isSandbox());
        return Optional.of(request.appearance()
                .map(box -> new SignatureAppearance.Content(box, text, mode.isSandbox()))
                .orElseGet(() -> SignatureAppearance.Content.inField(text, mode.isSandbox())));
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
                                        Instant signingTime) {
        String name = request.document().name();
        try (LargeDocument large = LargeDocument.open(file, name, mode.isSandbox(), workParent(request.output()))) {
            // the engine's pipeline: the input is read once more (hash + copy), never held whole; an attempt laid out
            // again starts over from the input (its first stage file is written anew)
            FileAttempt done = pipeline.withTimestamps(timestampSource, relayable(request.level()), recorder -> {
                SigningPipeline.FileSink attempt = new SigningPipeline.FileSink(large.file(), large.work(),
                        large::takeLoaded);
                return new FileAttempt(attempt, pipeline.sign(attempt, name, spec(request, profile, key, signingTime),
                        recorder));
            });
            SigningPipeline.FileSink sink = done.sink();
            SigningPipeline.Signed signed = done.signed();
            OutputSelfCheck.Fingerprints fingerprints = large.write(sink.file(), request.output(),
                    signatureCheck(profile, key.certificate()).knowing(signed.verified(), signed.prefixes()),
                    large.preparedLength());
            return new SigningResult(request.level(), profile, key.certificateChain(), signingTime,
                    signed.timestampTime(), large.inputSha256(fingerprints), fingerprints.prefix(large.preparedLength()),
                    fingerprints.output(), request.output().path(), mode.isSandbox(), signed.warnings());
        } catch (IOException | java.io.UncheckedIOException e) {
            throw diskFailure(e, name);
        } catch (RuntimeException e) {
            throw translate(e, name);
        }
    }

    /** The sink and outcome of the attempt that signed a large file ({@link SigningPipeline#withTimestamps}). */
    private record FileAttempt(SigningPipeline.FileSink sink, SigningPipeline.Signed signed) {
    }

    private static SignatureEngineException diskFailure(Exception e, String name) {
        return DssFailures.disk(e, name);
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

    /**
     * Raises every signature of the document to {@code profile} through the signing pipeline's augment stages
     * ({@link SigningPipeline#extend}): a document time-stamp for B-T, one {@code /DSS} revision with what the
     * signatures and time-stamps lack for B-LT, and a document time-stamp over it for B-LTA.
     */
    @Override
    public DocumentResult extend(DocumentSource document, DocumentTarget output, PadesProfile profile) {
        return extend(document, output, profile, null);
    }

    @Override
    public DocumentResult extend(DocumentSource document, DocumentTarget output, PadesProfile profile,
                                 com.certyneo.engine.DocumentPassword password) {
        Objects.requireNonNull(profile, "profile");
        if (profile == PadesProfile.B_B) {
            throw new SignatureEngineException(ErrorCode.INVALID_REQUEST, "Signatures cannot be extended to B-B",
                    "Extend to B-T, B-LT or B-LTA.");
        }
        return augment(document, output, profile, false, password,
                (sink, name, recorder) -> pipeline.extend(sink, name, profile, recorder));
    }

    /**
     * A document time-stamp through the signing pipeline's last stage ({@link SigningPipeline#appendDocumentTimestamp}).
     * A document time-stamp is new content: a sandbox engine marks the document first.
     */
    @Override
    public DocumentResult timestamp(DocumentSource document, DocumentTarget output) {
        return timestamp(document, output, null);
    }

    @Override
    public DocumentResult timestamp(DocumentSource document, DocumentTarget output,
                                    com.certyneo.engine.DocumentPassword password) {
        return augment(document, output, null, mode.isSandbox(), password, (sink, name, recorder) -> {
            int signatures = SigningPipeline.signatures(sink, name);
            List<String> warnings = new java.util.ArrayList<>();
            SigningPipeline.appendDocumentTimestamp(sink, name, recorder, warnings);
            return new SigningPipeline.Augmented(signatures, warnings);
        });
    }

    /** One augmentation of a whole document by the pipeline's augment stages, on the sink that holds it. */
    @FunctionalInterface
    private interface Augmentation {
        SigningPipeline.Augmented apply(SigningPipeline.Sink sink, String name, SigningPipeline.Recorder recorder)
                throws IOException;
    }

    /**
     * The frame shared by {@link #extend} and {@link #timestamp}: checks, preparation, the augmentation on the
     * heap or (large documents) through temporary files, the {@link OutputSelfCheck} before anything is written,
     * atomic output and the result. On any failure nothing is written.
     *
     * @param profile the target profile of an extension, or {@code null} for a document time-stamp
     * @param mark    whether a sandbox engine marks the document first
     * @param password the document's password, or {@code null}
     */
    private DocumentResult augment(DocumentSource document, DocumentTarget output, PadesProfile profile, boolean mark,
                                   com.certyneo.engine.DocumentPassword password, Augmentation operation) {
        Objects.requireNonNull(document, "document");
        Objects.requireNonNull(output, "output");
        return guarded(document.name(), () -> DocumentPasswords.with(Optional.ofNullable(password),
                () -> augmentChecked(document, output, profile, mark, operation)));
    }

    private DocumentResult augmentChecked(DocumentSource document, DocumentTarget output, PadesProfile profile,
                                          boolean mark, Augmentation operation) {
        requireCapabilities(profile == null ? PadesProfile.B_T : profile);
        String name = document.name();
        Optional<Path> largeFile = largeFile(document);
        if (largeFile.isPresent()) {
            try (LargeDocument large = LargeDocument.open(largeFile.get(), name, mark, workParent(output))) {
                String inputSha256 = large.inputSha256(); // now: the output may replace the input file
                // no key: an augmentation whose token overflowed its room is laid out again, from the input
                Augmenting<SigningPipeline.FileSink> done = pipeline.withTimestamps(timestampSource, true, recorder -> {
                    SigningPipeline.FileSink attempt = new SigningPipeline.FileSink(large.file(), large.work());
                    return new Augmenting<>(attempt, operation.apply(attempt, name, recorder), recorder);
                });
                String outputSha256 = large.write(done.sink().file(), output, augmentCheck(profile)).output();
                return new DocumentResult(Optional.ofNullable(profile), done.augmented().signatures(), done.last(),
                        inputSha256, outputSha256, output.path(), mode.isSandbox(), done.augmented().warnings());
            } catch (IOException | java.io.UncheckedIOException e) {
                throw diskFailure(e, name);
            } catch (RuntimeException e) {
                throw translate(e, name);
            }
        }
        byte[] input = document.readAllBytes();
        PdfInputs.requirePdfHeader(input, name);
        byte[] produced;
        int producedLength;
        Augmenting<SigningPipeline.HeapSink> done;
        Fingerprinted digests;
        OutputSelfCheck.Fingerprints fingerprints;
        try {
            byte[] prepared = PdfPreparation.prepare(input, name, mark);
            done = pipeline.withTimestamps(timestampSource, true, recorder -> {
                SigningPipeline.HeapSink attempt = new SigningPipeline.HeapSink(prepared);
                return new Augmenting<>(attempt, operation.apply(attempt, name, recorder), recorder);
            });
            produced = done.sink().array(); // the output is its first producedLength bytes: not copied again
            producedLength = done.sink().length();
            digests = fingerprinted(input, prepared);
            fingerprints = augmentCheck(profile).verify(produced, producedLength, prepared, name, digests.prefixes()); // before anything is written
        } catch (IOException | RuntimeException e) {
            throw translate(e, name);
        }
        Budget.commit(); // past this point the output is written even if the time limit passes
        output.write(out -> out.write(produced, 0, producedLength));
        return new DocumentResult(Optional.ofNullable(profile), done.augmented().signatures(), done.last(),
                digests.input(fingerprints), fingerprints.output(), output.path(), mode.isSandbox(),
                done.augmented().warnings());
    }

    /** The sink, outcome and time-stamps of the attempt that augmented ({@link SigningPipeline#withTimestamps}). */
    private record Augmenting<S extends SigningPipeline.Sink>(S sink, SigningPipeline.Augmented augmented,
                                                             SigningPipeline.Recorder recorder) {
        Optional<java.time.Instant> last() {
            return recorder == null ? Optional.empty() : recorder.last();
        }
    }

    @Override
    public DocumentResult prepareFields(DocumentSource document, DocumentTarget output,
                                        List<com.certyneo.engine.SignatureField> fields) {
        Objects.requireNonNull(document, "document");
        Objects.requireNonNull(output, "output");
        return guarded(document.name(), () -> {
            String name = document.name();
            byte[] input = document.readAllBytes();
            PdfInputs.requirePdfHeader(input, name);
            byte[] produced;
            int signatures;
            try {
                produced = FieldPreparation.prepare(input, name, fields == null ? List.of() : List.copyOf(fields),
                        mode.isSandbox());
                // the output is read back: every field is there, and the revision chains to the input's
                List<com.certyneo.engine.SignatureFieldInfo> listed = FieldPreparation.list(produced, name);
                for (com.certyneo.engine.SignatureField field : fields) {
                    if (listed.stream().noneMatch(f -> f.name().equals(field.name()) && !f.signed())) {
                        throw new IllegalStateException("the new field '" + field.name() + "' cannot be read back");
                    }
                }
                signatures = (int) listed.stream().filter(com.certyneo.engine.SignatureFieldInfo::signed).count();
            } catch (IOException | RuntimeException e) {
                throw translate(e, name);
            }
            Budget.commit(); // past this point the output is written even if the time limit passes
            output.write(out -> out.write(produced));
            return new DocumentResult(Optional.empty(), signatures, Optional.empty(), Digests.sha256Hex(input),
                    Digests.sha256Hex(produced), output.path(), mode.isSandbox(), List.of());
        });
    }

    @Override
    public List<com.certyneo.engine.SignatureFieldInfo> fields(DocumentSource document) {
        Objects.requireNonNull(document, "document");
        return guarded(document.name(), () -> {
            byte[] input = document.readAllBytes();
            PdfInputs.requirePdfHeader(input, document.name());
            try {
                return FieldPreparation.list(input, document.name());
            } catch (RuntimeException e) {
                throw translate(e, document.name());
            }
        });
    }

    @Override
    public PreparedSignature prepare(PrepareRequest request) {
        Objects.requireNonNull(request, "request");
        return guarded(request.document().name(),
                () -> DocumentPasswords.with(request.password(), () -> twoStep.prepare(request)));
    }

    @Override
    public SigningResult complete(byte[] state, byte[] signatureValue, DocumentSource document, DocumentTarget output) {
        return complete(state, signatureValue, document, output, null);
    }

    @Override
    public SigningResult complete(byte[] state, byte[] signatureValue, DocumentSource document, DocumentTarget output,
                                  com.certyneo.engine.DocumentPassword password) {
        Objects.requireNonNull(document, "document");
        Objects.requireNonNull(output, "output");
        return guarded(document.name(), () -> DocumentPasswords.with(Optional.ofNullable(password),
                () -> twoStep.complete(state, signatureValue, document, output)));
    }

    @Override
    public ValidationReport validate(DocumentSource document, ValidationOptions options) {
        Objects.requireNonNull(document, "document");
        Objects.requireNonNull(options, "options");
        if (options.trustSandbox() && !mode.isSandbox()) {
            throw new SignatureEngineException(ErrorCode.INVALID_REQUEST,
                    "This production engine has no sandbox PKI to trust",
                    "Validate sandbox documents with a sandbox engine, or pass the sandbox root as a trust anchor.");
        }
        return guarded(document.name(), () -> {
            PdfInputs.requireObjectLimit(document); // before PDFBox, whose heap grows with the object count
            return DocumentPasswords.with(options.password(), () -> validation.validate(document, options));
        });
    }

    @Override
    public void close() {
        // Keys are references owned by their providers and the TSA is in-process; only the sandbox
        // CSC service holds a port. The Sandbox itself holds none: other engines may still use it.
        mode.close();
    }

    SigningKey keyFor(SignRequest request, Instant signingTime) {
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
            case AES_Q: {
                // a qualified certificate without QcSSCD from the same remote-signing provider as QES
                QualifiedSigningProvider provider = qualifiedProvider();
                return new QualifiedKey(provider, provider.credential(request.signer(), SignatureLevel.AES_Q),
                        request.signer());
            }
            case QES:
            default:
                QualifiedSigningProvider provider = qualifiedProvider();
                return new QualifiedKey(provider, provider.credential(request.signer(), SignatureLevel.QES),
                        request.signer());
        }
    }

    /** The configured provider, else (sandbox) the in-process sandbox QTSP, started on first use. */
    QualifiedSigningProvider qualifiedProvider() {
        return qualifiedProvider != null ? qualifiedProvider : mode.qualifiedProvider();
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

    /** @return the memo of the chains this engine's signatures produced */
    SignedChains signedChains() {
        return signedChains;
    }

    TimestampSource timestampSource() {
        return timestampSource;
    }

    /** @return the engine's trust anchors (tests compare DSS's augmentation with the engine's) */
    List<X509Certificate> trustAnchors() {
        return trustAnchors;
    }

    /** @return the engine's revocation sources */
    RevocationSources revocation() {
        return revocation;
    }

    /** Refuses keys of the other mode with {@link ErrorCode#MODE_MISMATCH} (see {@link Mode#requireOwn}). */
    void requireMode(List<X509Certificate> chain, String what) {
        mode.requireOwn(chain, what);
    }

    /**
     * @return the CN of the subject (the first in the RFC 2253 form, unescaped: {@code CN=Doe\, John} is
     *         {@code Doe, John}), or the whole subject DN when it has none (or a CN that is not a string)
     */
    static String commonName(X509Certificate certificate) {
        String name = certificate.getSubjectX500Principal().getName();
        try {
            List<javax.naming.ldap.Rdn> rdns = new javax.naming.ldap.LdapName(name).getRdns(); // rightmost first
            for (int i = rdns.size() - 1; i >= 0; i--) {
                if ("CN".equalsIgnoreCase(rdns.get(i).getType())) {
                    return rdns.get(i).getValue() instanceof String value ? value : name;
                }
            }
        } catch (javax.naming.InvalidNameException e) {
            // the JDK wrote it: not expected; the whole name stands in
        }
        return name;
    }

    /** A failure of an operation on the engine's own pipeline, in the engine's taxonomy ({@link DssFailures#operation}). */
    static SignatureEngineException translate(Exception e, String name) {
        return DssFailures.operation(e, name);
    }

    /** Builder for {@link PadesSignatureEngine}. */
    public static final class Builder {
        private Sandbox sandbox;
        private SigningKey sealKey;
        private CertificateIssuer oneTimeIssuer;
        private TimestampSource timestampSource;
        private final List<X509Certificate> trustAnchors = new ArrayList<>();
        private Clock clock = Clock.systemUTC();
        private RevocationSource revocationSource;
        private long largeDocumentThreshold = 8L * 1024 * 1024;
        private Path temporaryDirectory;
        private com.certyneo.engine.ResourceLimits limits = com.certyneo.engine.ResourceLimits.defaults();
        private boolean onCallerThread;
        private java.time.Duration onlineRevocationTimeout;
        private RevocationCache revocationCache;
        private QualifiedSigningProvider qualifiedProvider;
        private byte[] stateKey;
        private java.time.Duration stateLifetime = java.time.Duration.ofHours(24);

        private Builder() {
        }

        /**
         * Sets the remote qualified signing provider used at QES, such as a
         * {@code com.certyneo.engine.pades.csc.CscSigningProvider}; a sandbox engine without one
         * uses its in-process sandbox CSC service.
         *
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
         * sandbox PKI (so every engine on the same sandbox home accepts the others' states); production
         * engines draw a random key, valid for this instance only.
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
         * Makes this a sandbox engine on {@code sandbox}: its test PKI, TSA, OCSP responder and QTSP stand in
         * for what this builder does not configure, its root is trusted, and every document it signs or
         * time-stamps is marked. Engines built on the same {@link Sandbox} share its material. Keys configured
         * on a sandbox builder must be sandbox keys.
         *
         * @param sandbox the sandbox
         * @return this
         */
        public Builder sandbox(Sandbox sandbox) {
            this.sandbox = Objects.requireNonNull(sandbox, "sandbox");
            return this;
        }

        /**
         * Makes this a sandbox engine whose test PKI lives in {@code home/sandbox}: {@code sandbox(Sandbox.open(home))}.
         * Keys configured on a sandbox builder must be sandbox keys.
         *
         * @param home the Certyneo home directory
         * @return this
         */
        public Builder sandbox(Path home) {
            return sandbox(Sandbox.open(Objects.requireNonNull(home, "home")));
        }

        /**
         * Sets the platform seal key used at SES.
         *
         * @param key the platform seal key used at SES
         * @return this
         */
        public Builder sealKey(SigningKey key) {
            this.sealKey = key;
            return this;
        }

        /**
         * Sets the certificate issuer that issues the one-time certificates used at AES.
         *
         * @param issuer issues the one-time certificates used at AES
         * @return this
         */
        public Builder oneTimeCertificateIssuer(CertificateIssuer issuer) {
            this.oneTimeIssuer = issuer;
            return this;
        }

        /**
         * Sets the time-stamp source for B-T and above.
         *
         * @param source the time-stamp source for B-T and above
         * @return this
         */
        public Builder timestampSource(TimestampSource source) {
            this.timestampSource = source;
            return this;
        }

        /**
         * Adds a root certificate to trust when signing and validating.
         *
         * @param root a root certificate to trust when signing and validating
         * @return this
         */
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
         * Keeps what {@link #onlineRevocation(java.time.Duration)} fetches until its {@code nextUpdate}, in an
         * embedded file database ({@link RevocationCache#file}) or a database several nodes share
         * ({@link RevocationCache#jdbc}, e.g. PostgreSQL). If the database is down, the engine warns and fetches
         * online. Requires online revocation.
         *
         * @param cache the cache
         * @return this
         */
        public Builder revocationCache(RevocationCache cache) {
            this.revocationCache = Objects.requireNonNull(cache, "cache");
            return this;
        }

        /**
         * Input files of at least this size are signed from disk through temporary files instead of in
         * memory (default 8 MiB), so heap use does not grow with the document. From about this size the disk path is
         * as fast as the in-memory one (it reads the input once, hashing it as it copies, and moves the checked
         * output into place), and it stays so while other work fills the heap.
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

        /**
         * Runs each operation on the thread that calls the engine instead of on an engine worker thread (default
         * {@code false}).
         *
         * <p>By default an operation is handed to a pooled worker thread, so that past the time limit the caller is
         * answered ({@link ErrorCode#RESOURCE_LIMIT}) even when the work is stuck inside one library call. The
         * hand-off has a cost: measured on a 2-core VM, about 0.3 ms per one-page signature, and with two threads
         * signing at once a second thread added only half the throughput of the first (the scheduler leaves a
         * woken worker queued behind a running thread, about 1 ms for one hand-off in ten).
         *
         * <p>On the caller's thread the same limits apply and the same check points stop the work, and the thread
         * is interrupted at the deadline (blocking reads and waits end); what is lost is the answer on time from
         * work that ignores both: it answers when the library call returns. For servers that already bound each
         * request on threads of their own. An interrupt of the calling thread during the operation cancels it
         * ({@link ErrorCode#RESOURCE_LIMIT}) and is kept for the caller; the deadline's own interrupt is cleared.
         *
         * @param onCallerThread whether operations run on the calling thread
         * @return this
         */
        public Builder onCallerThread(boolean onCallerThread) {
            this.onCallerThread = onCallerThread;
            return this;
        }

        /**
         * Sets the clock for signing times (default system UTC).
         *
         * @param clock the clock for signing times (default system UTC)
         * @return this
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * {@return the engine}
         * @throws SignatureEngineException with {@link ErrorCode#MODE_MISMATCH} when sandbox and
         *                                  production material are mixed
         */
        public PadesSignatureEngine build() {
            return new PadesSignatureEngine(this);
        }
    }

}
