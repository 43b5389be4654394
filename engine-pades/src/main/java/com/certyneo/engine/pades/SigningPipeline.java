package com.certyneo.engine.pades;

import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.spi.SigningKey;
import com.certyneo.engine.spi.TimestampSource;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSObject;
import org.apache.pdfbox.cos.COSStream;
import org.apache.pdfbox.cos.COSString;
import org.apache.pdfbox.io.RandomAccessReadBufferedFile;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.tsp.TimeStampToken;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The engine's own signing pipeline: append → plan → sign value → embed → augment, with DSS nowhere on the
 * way. Each stage is one of the small types it drives:
 * <ol>
 *   <li><b>append</b>: {@link SignatureRevision} builds the signature dictionary, field and widget, and
 *   {@link RevisionWriter} lays out the appended revision (in the cross-reference form of the section it
 *   chains to) with a {@code /Contents} placeholder sized from the chain ({@link CadesSignature#estimateSize});</li>
 *   <li><b>plan</b>: the byte range is hashed while the input is copied to the output, once
 *   ({@link RevisionWriter.Revision#writeHead}), and {@link CadesSignature#plan} derives the signed attributes;</li>
 *   <li><b>sign value</b>: any {@link SigningKey} (in-process, PKCS#11, remote) signs them;</li>
 *   <li><b>embed</b>: from B-T the signature time-stamp is added ({@link SignatureTimestamps}), and the CMS is
 *   patched into the placeholder as the rest of the revision is written ({@link RevisionWriter.Revision#writeTail});</li>
 *   <li><b>augment</b>: from B-LT a revision with the validation data of <em>this</em> signature and its
 *   time-stamp ({@link ValidationMaterialCollector}: its chain, the TSU's, their OCSP responses or CRLs — not
 *   the document's other signatures, so the N-th signature costs what the first did); at B-LTA a document
 *   time-stamp revision.</li>
 * </ol>
 * The augment stages also serve on their own: {@link #extend} raises a document's existing signatures (the
 * engine's {@code extend()}), and {@link #appendDocumentTimestamp} is its {@code timestamp()}.
 * The output goes to a {@link Sink}: the heap for small documents, a temporary file for large ones (the input
 * is then read from its file, never held whole). The caller self-checks it and moves it into place.
 *
 * <p>One instance per engine; thread-safe (it holds only the engine's immutable configuration).
 */
final class SigningPipeline {

    /**
     * Room reserved in /Contents for one RFC 3161 token (with its TSU chain), beyond the CMS's own size, when nothing
     * better is known (see {@link TokenRooms}).
     */
    static final int TIMESTAMP_ROOM = 12 * 1024;
    /** What a learned token room adds to the largest token seen ({@link TokenRooms}). */
    static final int TOKEN_MARGIN = 1024;
    /** Slack added to every estimated /Contents size. */
    private static final int SLACK = 512;

    /**
     * About what a validation data revision adds (a few certificates and OCSP responses, deflated, and the /DSS
     * arrays written again): the room a heap stage leaves for it ({@link Sink#expect}).
     */
    private static final int LATER_REVISIONS_ROOM = 48 * 1024;
    private static final String APPLICATION = "Certyneo Signing Engine";

    private final RevocationSources revocation;
    private final Collection<X509Certificate> trustAnchors;
    private final TokenRooms rooms = new TokenRooms();

    SigningPipeline(RevocationSources revocation, Collection<X509Certificate> trustAnchors) {
        this.revocation = Objects.requireNonNull(revocation);
        this.trustAnchors = List.copyOf(trustAnchors);
    }

    /** What one signature needs besides the document: who signs, how, with which attributes. */
    record Spec(PadesProfile profile, SigningKey key, Instant signingTime, boolean rsaPss, Optional<String> field,
                String signerName, Optional<String> reason, Optional<String> location, Optional<String> contactInfo,
                Optional<SignatureAppearance.Content> appearance,
                Optional<com.certyneo.engine.CertificationLevel> certification,
                Optional<com.certyneo.engine.FieldLock> lock) {
        Spec {
            Objects.requireNonNull(profile);
            Objects.requireNonNull(key);
            Objects.requireNonNull(signingTime);
            appearance = Objects.requireNonNullElse(appearance, Optional.empty());
            certification = Objects.requireNonNullElse(certification, Optional.empty());
            lock = Objects.requireNonNullElse(lock, Optional.empty());
        }

        /** An approval signature that locks nothing beyond its field's /Lock. */
        Spec(PadesProfile profile, SigningKey key, Instant signingTime, boolean rsaPss, Optional<String> field,
             String signerName, Optional<String> reason, Optional<String> location, Optional<String> contactInfo,
             Optional<SignatureAppearance.Content> appearance) {
            this(profile, key, signingTime, rsaPss, field, signerName, reason, location, contactInfo, appearance,
                    Optional.empty(), Optional.empty());
        }
    }

    /**
     * The signed output and what happened on the way.
     *
     * @param warnings sentences about earlier signatures this signature does not give long-term data
     * @param verified the signature value the CMS was assembled around, verified with the signing certificate
     *                 (the output self-check does not verify the same bytes again)
     * @param prefixes the SHA-256 states of the output's first bytes (the document signed, and the sink's
     *                 {@link Sink#checkpoints}) taken while the signature revision copied them: the self-check and
     *                 the fingerprints do not hash them again
     * @param chain    what PDFBox's load of the document signed resolved of its cross-reference chain (when it read it
     *                 strictly): the self-check's load of the output, which begins with it, reads only what follows
     */
    record Signed(Optional<Instant> timestampTime, List<String> warnings, Optional<SignatureValues.Verified> verified,
                  PrefixDigests prefixes, Optional<IntactChainParser.Prefix> chain,
                  Map<org.apache.pdfbox.cos.COSObjectKey, EarlierSignature.Facts> earlier) {
    }

    /** Where a stage's output goes: the heap or a temporary file, read back by the next stage. */
    interface Sink {
        /** @return a new, empty output for the next stage */
        OutputStream next() throws IOException;

        /**
         * @param length the exact length the next stage will have (a heap sink then allocates it once, so that no
         *               document-sized array is grown or copied: such arrays are humongous allocations for G1)
         * @return a new, empty output for the next stage
         */
        default OutputStream next(long length) throws IOException {
            return next();
        }

        /**
         * @param moreBytes about how many bytes the stages after the next one will add (a heap sink leaves that much
         *                  room after the next stage, so that they append in place); a hint, never a limit
         */
        default void expect(long moreBytes) {
        }

        /** @return the stage just written, as a PDFBox document (caller closes) */
        PDDocument load(String name) throws IOException;

        /** @return a writer over the stage just written */
        RevisionWriter writer(PDDocument document, String name) throws IOException;

        /**
         * @param written the (closed) writer whose revision is the stage just written
         * @return the writer of the next revision of the same loaded document, over the stage just written
         *         ({@link RevisionWriter#following}: the document is not parsed again)
         */
        RevisionWriter following(RevisionWriter written) throws IOException;

        /** @return the bytes of the stage just written when they are in the heap, else {@code null} */
        default byte[] heapBytes() {
            return null;
        }

        /**
         * @return SHA-256 states of the first bytes of the stage just written, taken by an earlier pass over them
         *         (the engine's hash of its input): its revision's byte-range digest goes on from them
         */
        default PrefixDigests known() {
            return PrefixDigests.none();
        }

        /**
         * @return offsets into the input at which the SHA-256 state of the output's prefix is wanted besides the
         *         input's end (e.g. the caller's document, when a preparation revision was appended to it)
         */
        default long[] checkpoints() {
            return new long[0];
        }
    }

    /**
     * The load a sink's first {@link Sink#load} of its input takes over from {@code handover} (see
     * {@link PdfPreparation.Prepared#take}, {@link LargeDocument#takeLoaded}), so that the input is not parsed twice;
     * {@code null} when there is none, or when a stage was written before and the input is no longer what is loaded.
     */
    private static PDDocument handedOver(java.util.function.Supplier<PDDocument> handover, boolean atInput) {
        return handover != null && atInput ? handover.get() : null;
    }

    /**
     * A heap sink: the first stage is a copy of the input with its revision, in an array with room for what the later
     * stages are expected to add ({@link #expect}); each later stage appends its revision in place
     * ({@link AppendingBuffer}, the heap counterpart of {@link FileSink}'s {@link AppendingStream}), so the validation
     * data and document time-stamp revisions cost what they add, not a copy of the document each (document-sized
     * arrays are humongous allocations for G1: three per B-LTA signature made the 30th signer of a document slower
     * than the first). The stage just written is {@code buffer[0, length)}.
     */
    static final class HeapSink implements Sink {
        private final byte[] input;
        private byte[] buffer;
        private int length;
        private ExactBuffer pending;
        private long expected;
        /** Hands over a load of {@link #input} made before, or null; its owner closes it unless a load took it. */
        private java.util.function.Supplier<PDDocument> handover;
        private long[] checkpoints = new long[0];
        private PrefixDigests inputStates = PrefixDigests.none();

        HeapSink(byte[] input) {
            this(input, null);
        }

        /**
         * @param handover called by the first {@link #load} of the input itself: PDFBox's untouched load of exactly
         *                 {@code input}, which the load then returns (and the pipeline closes), or null
         */
        HeapSink(byte[] input, java.util.function.Supplier<PDDocument> handover) {
            this.input = input;
            this.buffer = input;
            this.length = input.length;
            this.handover = handover;
        }

        @Override
        public void expect(long moreBytes) {
            expected = Math.max(0, moreBytes);
        }

        @Override
        public OutputStream next() {
            return next(length + 32 * 1024L);
        }

        @Override
        public OutputStream next(long stageLength) {
            settle();
            if (buffer != input) {
                pending = new AppendingBuffer(buffer, length);
            } else {
                long capacity = stageLength + expected;
                pending = new ExactBuffer(capacity > Integer.MAX_VALUE - 16 ? (int) Math.min(stageLength, Integer.MAX_VALUE - 16)
                        : (int) capacity);
            }
            return pending;
        }

        @Override
        public PDDocument load(String name) throws IOException {
            settle();
            PDDocument handed = handedOver(handover, buffer == input);
            handover = null;
            return handed != null ? handed : DocumentPasswords.loadIntact(() -> new ArrayRead(buffer, 0, length));
        }

        @Override
        public RevisionWriter writer(PDDocument document, String name) {
            settle();
            return RevisionWriter.of(buffer, length, document, name);
        }

        @Override
        public RevisionWriter following(RevisionWriter written) {
            settle();
            return written.following(buffer, length);
        }

        @Override
        public byte[] heapBytes() {
            settle();
            return length == buffer.length ? buffer : null; // the engine's own parser reads whole arrays only
        }

        /** @param offsets see {@link Sink#checkpoints} */
        HeapSink checkpoints(long... offsets) {
            this.checkpoints = offsets.clone();
            return this;
        }

        @Override
        public long[] checkpoints() {
            return checkpoints.clone();
        }

        /** @param states SHA-256 states of the input's first bytes (see {@link Sink#known}) */
        HeapSink knowing(PrefixDigests states) {
            this.inputStates = java.util.Objects.requireNonNull(states);
            return this;
        }

        @Override
        public PrefixDigests known() {
            settle();
            return buffer == input ? inputStates : PrefixDigests.none();
        }

        /** @return the final bytes, as an array of their exact length (a copy when the stages left room unused) */
        byte[] bytes() {
            settle();
            return length == buffer.length ? buffer : Arrays.copyOf(buffer, length);
        }

        /** @return the array that holds the final bytes in its first {@link #length()} bytes (not copied) */
        byte[] array() {
            settle();
            return buffer;
        }

        /** @return the length of the final bytes */
        int length() {
            settle();
            return length;
        }

        private void settle() {
            if (pending != null) { // a copy of the input, or an AppendingBuffer
                buffer = pending.array();
                length = pending.count();
                pending = null;
            }
        }
    }

    /**
     * Appends to a heap stage that holds the original of the revision written to it in its first {@link #held()}
     * bytes (see {@link HeapSink}): the writer then writes only its section, after them, in the room the array has
     * (grown, with one copy, when there is not enough; {@link ExactBuffer}'s growth).
     */
    static final class AppendingBuffer extends ExactBuffer implements RevisionWriter.Appending {
        private final int held;

        AppendingBuffer(byte[] buffer, int held) {
            super(buffer, held);
            this.held = held;
        }

        @Override
        public long held() {
            return held;
        }
    }

    /**
     * A file sink: the first stage is a copy of the input in {@code work} with its revision (the input stays where it
     * is, untouched); each later stage appends its revision to that file in place ({@link AppendingStream}), so the
     * validation data and document time-stamp revisions cost what they add, not a copy of the document each. On a
     * failure the work directory, with the stage, is deleted.
     */
    static final class FileSink implements Sink {
        private final Path work;
        private final Path input;
        private Path current;
        private Path pending;
        private int stage;

        /** Hands over a load of {@link #input} made before, or null; its owner closes it unless a load took it. */
        private java.util.function.Supplier<PDDocument> handover;

        FileSink(Path input, Path work) {
            this(input, work, null);
        }

        /**
         * @param handover called by the first {@link #load} of the input itself: PDFBox's untouched load of it, which
         *                 the load then returns (so that the input is not parsed twice), or null
         */
        FileSink(Path input, Path work, java.util.function.Supplier<PDDocument> handover) {
            this.input = input;
            this.work = work;
            this.current = input;
            this.handover = handover;
        }

        @Override
        public OutputStream next() throws IOException {
            settle();
            if (!current.equals(input)) {
                pending = current;
                return new AppendingStream(current);
            }
            pending = work.resolve("stage-" + (++stage) + ".pdf");
            return Files.newOutputStream(pending);
        }

        @Override
        public PDDocument load(String name) throws IOException {
            settle();
            PDDocument handed = handedOver(handover, current.equals(input));
            handover = null;
            return handed != null ? handed : DocumentPasswords.loadIntact(() -> new RandomAccessReadBufferedFile(current.toFile()));
        }

        @Override
        public RevisionWriter writer(PDDocument document, String name) throws IOException {
            settle();
            return RevisionWriter.open(current, document, name);
        }

        @Override
        public RevisionWriter following(RevisionWriter written) throws IOException {
            settle();
            return written.following(current);
        }

        /** @return the final file (in the work directory, or the input itself when nothing was written) */
        Path file() throws IOException {
            settle();
            return current;
        }

        private void settle() throws IOException {
            if (pending != null) {
                if (!current.equals(input) && !current.equals(pending)) {
                    Files.deleteIfExists(current);
                }
                current = pending;
                pending = null;
            }
        }
    }

    /** Appends to a stage file that holds the original of the revision written to it (see {@link FileSink}). */
    static final class AppendingStream extends java.io.FilterOutputStream implements RevisionWriter.Appending {
        private final long held;

        AppendingStream(Path file) throws IOException {
            super(new java.io.BufferedOutputStream(Files.newOutputStream(file, java.nio.file.StandardOpenOption.WRITE,
                    java.nio.file.StandardOpenOption.APPEND), 64 * 1024));
            this.held = Files.size(file);
        }

        @Override
        public long held() {
            return held;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }
    }

    /** The sign-value stage: turns the plan (the signed attributes) into the CMS. */
    interface ValueSource {
        /** @return the DER CMS for {@code plan} (without its signature time-stamp) */
        byte[] cms(CadesSignature plan);
    }

    /**
     * Signs the document {@code sink} holds with the spec's in-process key. The time-stamp source is needed from
     * B-T, the revocation sources from B-LT.
     */
    Signed sign(Sink sink, String name, Spec spec, TimestampSource timestamps) throws IOException {
        return sign(sink, name, spec, timestamps, plan -> plan.sign(spec.key()));
    }

    /**
     * The first half of two-step signing: lays out the same revision {@link #sign} would and returns the plan
     * (what the external key must sign); nothing is written. The revision is deterministic in the document
     * and the spec, so {@link #sign(Sink, String, Spec, TimestampSource, ValueSource)} rebuilds the same plan.
     */
    CadesSignature plan(Sink sink, String name, Spec spec) throws IOException {
        CadesSignature[] planned = new CadesSignature[1];
        try (PDDocument document = sink.load(name);
             RevisionWriter ignored = lay(document, sink, name, spec, TIMESTAMP_ROOM, (revision, shape) -> {
                 MessageDigest digest = Digests.sha256();
                 revision.digest(digest);
                 planned[0] = shape.withContentDigest(digest.digest(), spec.signingTime());
             }, List.of(), new ArrayList<>(), new java.util.HashMap<>())) { // (warnings are not kept here)
            return planned[0];
        }
    }

    /**
     * What is done with the laid-out signature revision; {@code shape} is the plan the placeholder was sized from (over
     * no byte range yet: {@link CadesSignature#withContentDigest} makes the plan once the range is hashed).
     */
    private interface RevisionUse {
        void accept(RevisionWriter.Revision revision, CadesSignature shape) throws IOException;
    }

    /**
     * Signs the document {@code sink} holds; {@code values} makes the CMS from the plan (an in-process key, or a
     * value computed outside the engine and checked against the plan).
     */
    Signed sign(Sink sink, String name, Spec spec, TimestampSource timestamps, ValueSource values) throws IOException {
        List<X509Certificate> chain = spec.key().certificateChain();
        // a plain source (two-step signing) gets the fixed room, the one plan() laid out with
        Recorder recorder = timestamps == null ? null
                : timestamps instanceof Recorder r ? r : new Recorder(timestamps, rooms, false);
        int tokenRoom = recorder == null ? TIMESTAMP_ROOM : recorder.room();
        List<String> warnings = new ArrayList<>();
        byte[][] cms = new byte[1][];
        SignatureValues.Verified[] verified = new SignatureValues.Verified[1];
        PrefixDigests[] prefixes = {PrefixDigests.none()};
        IntactChainParser.Prefix loaded;
        Map<org.apache.pdfbox.cos.COSObjectKey, EarlierSignature.Facts> earlierRead = new java.util.HashMap<>();
        boolean crossCertified;
        // One PDFBox load per signature: the validation data and document time-stamp revisions are written on the
        // document the signature revision was laid out on, each chaining to the revision before it
        // (RevisionWriter#following), so the growing file's cross-reference chain is not parsed again.
        try (PDDocument document = sink.load(name)) {
            // before anything changes it; the self-check of an output in the heap reloads it from this (a file's is
            // read whole: its output is not compared byte for byte with the input where it reloads it)
            loaded = sink.heapBytes() != null ? IntactChainParser.prefix(document) : null;
            // the /DSS certificates the long-term data warnings are about, decoded once
            List<byte[]> dssCertificates = spec.profile().needsRevocationData() ? dssEntries(document, COSName.CERTS)
                    : List.of();
            crossCertified = holdsCrossCertificates(dssCertificates);
            RevisionWriter writer = lay(document, sink, name, spec, tokenRoom, (revision, shape) -> {
                if (spec.profile().needsRevocationData()) { // room for the revisions that follow, appended in place
                    sink.expect(LATER_REVISIONS_ROOM + (spec.profile() == PadesProfile.B_LTA ? 2 * tokenRoom + 8 * 1024 : 0));
                }
                // the input's first bytes hashed already (the engine's hash of its input): copied, not hashed again
                Optional<Map.Entry<Long, MessageDigest>> hashed = sink.known().longestWithin(Long.MAX_VALUE);
                try (OutputStream out = sink.next(revision.length())) {
                    MessageDigest digest = hashed.map(Map.Entry::getValue).orElseGet(Digests::sha256);
                    // later revisions (validation data, document time-stamp) append: the prefixes stay the output's
                    prefixes[0] = revision.writeHead(out, digest, hashed.map(Map.Entry::getKey).orElse(0L),
                            sink.checkpoints());
                    CadesSignature plan = shape.withContentDigest(digest.digest(), spec.signingTime());
                    Budget.check(); // out of time: no signature is made (no remote signing request is sent)
                    byte[] signed = values.cms(plan);
                    verified[0] = plan.verified().orElse(null);
                    if (spec.profile().needsTimestamp()) {
                        signed = SignatureTimestamps.add(plan, signed, recorder);
                    }
                    revision.writeTail(out, signed);
                    cms[0] = signed;
                }
            }, dssCertificates, warnings, earlierRead);
            try {
                if (spec.profile().needsRevocationData()) {
                    ValidationMaterial material = new ValidationMaterialCollector(revocation, trustAnchors)
                            .collect(chain, cms[0], null, ValidationMaterial.empty());
                    writer = next(sink, writer);
                    appendValidationData(writer, sink, material);
                }
                if (spec.profile() == PadesProfile.B_LTA) {
                    writer = next(sink, writer);
                    appendDocumentTimestamp(writer, sink, recorder, prefixes[0], warnings);
                }
            } finally {
                writer.close();
            }
        }
        if (crossCertified) { // others' cross-certificates in the /DSS: ask DSS's B-LT check of the output (rare)
            eu.europa.esig.dss.model.DSSDocument output = sink instanceof HeapSink heap
                    ? new eu.europa.esig.dss.model.InMemoryDocument(Arrays.copyOf(heap.array(), heap.length()), name)
                    : sink instanceof FileSink file ? new eu.europa.esig.dss.model.FileDocument(file.file().toFile()) : null;
            if (output != null) {
                LongTermShortfall.ofNewSignature(output, trustAnchors, spec.profile()).ifPresent(warnings::add);
            }
        }
        return new Signed(recorder == null ? Optional.empty() : recorder.first(), warnings,
                Optional.ofNullable(verified[0]), prefixes[0], Optional.ofNullable(loaded), Map.copyOf(earlierRead));
    }

    /**
     * The writer of the revision after {@code writer}'s, over the stage just written, when {@code writer} wrote one
     * (it is closed first); else {@code writer} itself, unused.
     */
    private static RevisionWriter next(Sink sink, RevisionWriter writer) throws IOException {
        if (!writer.written()) {
            return writer;
        }
        writer.close(); // before the sink settles: the stage it read may be deleted
        return sink.following(writer);
    }

    /**
     * The append stage: checks the document can take the signature, adds the signature dictionary, field and
     * widget with a placeholder sized from the chain, lays out the revision and hands it to {@code use}.
     *
     * @param document  the document {@code sink} holds, loaded
     * @param tokenRoom the room for the signature time-stamp token (from B-T)
     * @param dssCertificates the certificates of the document's /DSS (decoded; empty below B-LT)
     * @param earlierRead filled with what was read of the earlier signature dictionaries ({@link EarlierSignature.Facts})
     * @return the writer of the signature revision, written (open: the caller closes it)
     */
    private RevisionWriter lay(PDDocument document, Sink sink, String name, Spec spec, int tokenRoom, RevisionUse use,
                               List<byte[]> dssCertificates, List<String> warnings,
                               Map<org.apache.pdfbox.cos.COSObjectKey, EarlierSignature.Facts> earlierRead)
            throws IOException {
        List<X509Certificate> chain = spec.key().certificateChain();
        CmsSignatureAlgorithm algorithm = CmsSignatureAlgorithm.forCertificate(chain.get(0), spec.rsaPss());
        CadesSignature shape = CadesSignature.shape(chain, algorithm);
        int room = shape.estimateSize(spec.profile().needsTimestamp() ? tokenRoom : 0) + SLACK;
        requireBoundedDepth(document, name);
        if (document.getNumberOfPages() < 1) {
            throw new SignatureEngineException(ErrorCode.INVALID_PDF, "'" + name + "' is malformed: its page tree "
                    + "has no page (/Count " + document.getNumberOfPages() + ")", "Check that the file is a complete, "
                    + "uncorrupted PDF (re-export or repair it, for example with qpdf '" + name + "' repaired.pdf).", null);
        }
        List<EarlierSignature> earlier = EarlierSignature.of(document, sink.heapBytes());
        for (EarlierSignature signature : earlier) {
            if (signature.facts() != null) {
                earlierRead.put(signature.facts().value(), signature.facts());
            }
        }
        requireSignable(document, name, spec.field(), earlier);
        PdfInputs.requireNotDynamicXfa(document, name);
        DocumentPasswords.requireSignable(document, name, spec.field().isEmpty(), false);
        requireWellFormedSignatures(earlier, name);
        if (spec.field().isPresent() && document.getSignatureFields().stream()
                .noneMatch(f -> spec.field().get().equals(f.getFullyQualifiedName()))) {
            throw new SignatureEngineException(ErrorCode.INVALID_REQUEST, "Cannot sign '" + name + "' into field '"
                    + spec.field().get() + "': the document has no signature field of that name",
                    "Name an empty signature field of the document (its fully qualified name), or leave the field "
                            + "out to add a new one.", null);
        }
        String field = spec.field().orElseGet(() -> newFieldName(document));
        if (spec.profile().needsRevocationData()) {
            warnings.addAll(earlierWithoutLongTermData(dssCertificates, earlier));
        }
        SignatureRevision.Options options = new SignatureRevision.Options(field).contentsSize(room)
                .signingTime(spec.signingTime()).signerName(spec.signerName())
                .application(APPLICATION, null);
        spec.reason().ifPresent(options::reason);
        spec.location().ifPresent(options::location);
        spec.contactInfo().ifPresent(options::contactInfo);
        if (spec.appearance().isPresent()) {
            visible(document, name, spec, options);
        }
        FieldRules.apply(document, name, spec, earlier, options);
        RevisionWriter writer = sink.writer(document, name);
        try {
            SignatureRevision.addSignature(writer, options);
            use.accept(writer.write(), shape);
            return writer;
        } catch (Throwable e) {
            writer.close();
            throw e;
        }
    }

    /**
     * What an augmentation of the document's existing signatures did ({@link #extend}, or a document time-stamp).
     *
     * @param signatures the signatures of the document (document time-stamps not counted)
     * @param warnings   sentences naming the earlier signatures or time-stamps left without long-term data
     */
    record Augmented(int signatures, List<String> warnings) {
        Augmented {
            warnings = List.copyOf(warnings);
        }
    }

    /**
     * Raises every signature of the document {@code sink} holds to {@code profile} with the augment stages, as
     * PAdES (ETSI EN 319 142-1) defines an augmentation:
     * <ul>
     *   <li>B-T: a document time-stamp when a signature has neither a signature time-stamp nor a later
     *   document time-stamp;</li>
     *   <li>B-LT: one {@code /DSS} revision with what every signature and document time-stamp of the document
     *   still lacks (chains, OCSP responses or CRLs from the engine's revocation sources, gathered by the
     *   {@link ValidationMaterialCollector} from their CMS and tokens, reusing what the {@code /DSS} holds;
     *   no {@code /VRI}, as for signing);</li>
     *   <li>B-LTA: B-LT and a document time-stamp over it.</li>
     * </ul>
     * An earlier signature or time-stamp whose data cannot be gathered fails the extension, naming it, when its
     * chain leads to one of the engine's trust anchors (the engine is expected to vouch for it); one from
     * another PKI is left as it was, and a warning names it. The document time-stamps of this operation are
     * the engine's own: any failure on them fails the extension.
     *
     * @param recorder the time-stamp source, remembering what it produced
     * @throws SignatureEngineException {@link ErrorCode#INVALID_REQUEST} when the document has no signature
     */
    Augmented extend(Sink sink, String name, PadesProfile profile, Recorder recorder) throws IOException {
        List<Signature> before = inventory(sink, name);
        long signatures = before.stream().filter(s -> !s.documentTimestamp()).count();
        if (signatures == 0) {
            throw new SignatureEngineException(ErrorCode.INVALID_REQUEST, "'" + name + "' has no signature to extend",
                    "Sign it first, or add a document time-stamp with timestamp().");
        }
        List<String> warnings = new ArrayList<>();
        if (profile.needsTimestamp() && before.stream().anyMatch(s -> !s.documentTimestamp() && s.proofOfExistence(before) == null
                && !hasSignatureTimestamp(s.contents()))) {
            appendDocumentTimestamp(sink, name, recorder, warnings);
        }
        if (profile.needsRevocationData()) {
            Set<String> earlier = new HashSet<>();
            before.forEach(s -> earlier.add(s.field()));
            appendValidationData(sink, name, lacking(sink, name, earlier, warnings));
        }
        if (profile == PadesProfile.B_LTA) {
            appendDocumentTimestamp(sink, name, recorder, warnings);
        }
        return new Augmented((int) signatures, warnings);
    }

    /**
     * The validation material the signatures and document time-stamps of the document lack.
     *
     * @param earlier the fields of the signatures and time-stamps that were there before this operation
     */
    private ValidationMaterial lacking(Sink sink, String name, Set<String> earlier, List<String> warnings)
            throws IOException {
        List<Signature> all;
        ValidationMaterial present;
        try (PDDocument document = sink.load(name)) {
            all = inventory(document);
            present = documentSecurityStore(document);
        }
        ValidationMaterialCollector collector = new ValidationMaterialCollector(revocation, trustAnchors);
        ValidationMaterial added = ValidationMaterial.empty();
        for (Signature signature : all) {
            Budget.check();
            if (signature.contents() == null) {
                continue;
            }
            if (signature.bareRsaValue() && earlier.contains(signature.field())) {
                warnings.add(signature.describe() + " was left exactly as it was, without long-term validation data: it "
                        + "is an adbe.x509.rsa_sha1 signature (a bare RSA value and its certificate, no CMS), to which no "
                        + "time-stamp or validation data can be attached");
                continue;
            }
            ValidationMaterial known = present.plus(added);
            try {
                Instant poe = signature.documentTimestamp() || hasSignatureTimestamp(signature.contents()) ? null
                        : signature.proofOfExistence(all);
                added = added.plus(signature.documentTimestamp()
                        ? collector.lacking(null, signature.contents(), null, known)
                        : collector.lacking(signature.contents(), null, poe == null ? null : java.util.Date.from(poe), known));
            } catch (SignatureEngineException e) {
                if (!earlier.contains(signature.field())) {
                    throw e; // this operation's own document time-stamp
                }
                if (collector.chainsToTrustAnchor(signature.contents(), known)) {
                    throw new SignatureEngineException(e.code(), "Cannot extend '" + name + "': " + signature.describe()
                            + ", whose chain leads to a trust anchor of the engine, cannot get long-term validation data: "
                            + e.getMessage(), e.hint(), e);
                }
                warnings.add(signature.describe() + " was left exactly as it was, without long-term validation data: "
                        + e.getMessage());
            }
        }
        return added;
    }

    /**
     * A signature or document time-stamp of a document.
     *
     * @param field    the fully qualified name of its field
     * @param contents its {@code /Contents} (DER, zero padded), or {@code null} when it has none
     * @param end      where its {@code /ByteRange} ends, or -1 when it has none
     */
    record Signature(String field, boolean documentTimestamp, byte[] contents, long end, String subFilter) {

        /**
         * Whether it is an adbe.x509.rsa_sha1 signature (ISO 32000-1 §12.8.3.2: a bare RSA value, its certificate
         * in /Cert, no CMS; OpenPDF and iText 2 still write it): nothing can be attached to it.
         */
        boolean bareRsaValue() {
            return BARE_RSA_SUB_FILTER.equals(subFilter);
        }

        /** The /SubFilter of a signature that is a bare RSA value (ISO 32000-1 §12.8.3.2), with no CMS. */
        static final String BARE_RSA_SUB_FILTER = "adbe.x509.rsa_sha1";

        /**
         * The generation time of the earliest document time-stamp of {@code all} that covers this signature, or
         * {@code null}.
         */
        Instant proofOfExistence(List<Signature> all) {
            Instant earliest = null;
            for (Signature other : all) {
                if (other.documentTimestamp() && other.contents() != null && end >= 0 && other.end() > end) {
                    Instant time = timestampTime(other.contents());
                    if (time != null && (earliest == null || time.isBefore(earliest))) {
                        earliest = time;
                    }
                }
            }
            return earliest;
        }

        /** "The earlier signature 'field' by 'subject'", or the document time-stamp of the given time. */
        String describe() {
            if (documentTimestamp) {
                Instant time = contents == null ? null : timestampTime(contents);
                return "The earlier document time-stamp '" + field + "'" + (time == null ? "" : " of " + time);
            }
            String signer = null;
            try {
                CMSSignedData cms = new CMSSignedData(contentInfo(contents));
                SignerInformation info = cms.getSignerInfos().getSigners().iterator().next();
                @SuppressWarnings("unchecked")
                Collection<X509CertificateHolder> matches = cms.getCertificates().getMatches(info.getSID());
                if (!matches.isEmpty()) {
                    signer = matches.iterator().next().getSubject().toString();
                }
            } catch (Exception e) {
                // unreadable: named by its field only
            }
            return "The earlier signature '" + field + "'" + (signer == null ? "" : " by '" + signer + "'");
        }
    }

    /** The signatures and document time-stamps of the document {@code sink} holds. */
    private static List<Signature> inventory(Sink sink, String name) throws IOException {
        try (PDDocument document = sink.load(name)) {
            return inventory(document);
        }
    }

    /** The signatures and document time-stamps of {@code document}, in the order of their fields. */
    static List<Signature> inventory(PDDocument document) {
        List<Signature> result = new ArrayList<>();
        int unnamed = 0;
        for (var field : document.getSignatureFields()) {
            var signature = field.getSignature();
            if (signature == null) {
                continue;
            }
            COSDictionary dictionary = signature.getCOSObject();
            boolean timestamp = COSName.DOC_TIME_STAMP.equals(dictionary.getCOSName(COSName.TYPE))
                    || "ETSI.RFC3161".equals(dictionary.getNameAsString(COSName.SUB_FILTER));
            byte[] contents = dictionary.getDictionaryObject(COSName.CONTENTS) instanceof COSString string
                    ? string.getBytes() : null;
            long end = -1;
            if (dictionary.getDictionaryObject(COSName.BYTERANGE) instanceof COSArray range && range.size() == 4
                    && range.getObject(2) instanceof org.apache.pdfbox.cos.COSInteger offset
                    && range.getObject(3) instanceof org.apache.pdfbox.cos.COSInteger length) {
                end = offset.longValue() + length.longValue();
            }
            String name = field.getFullyQualifiedName();
            result.add(new Signature(name != null ? name : "(unnamed " + ++unnamed + ")", timestamp, contents, end,
                    dictionary.getNameAsString(COSName.SUB_FILTER)));
        }
        return result;
    }

    /** The signatures (not document time-stamps) of the document a sink holds. */
    static int signatures(Sink sink, String name) throws IOException {
        return (int) inventory(sink, name).stream().filter(s -> !s.documentTimestamp()).count();
    }

    /** Whether a signature's CMS carries a signature time-stamp (an unreadable CMS does not). */
    private static boolean hasSignatureTimestamp(byte[] contents) {
        try {
            SignerInformation info = new CMSSignedData(contentInfo(contents)).getSignerInfos().getSigners().iterator().next();
            return info.getUnsignedAttributes() != null && info.getUnsignedAttributes()
                    .get(org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.id_aa_signatureTimeStampToken) != null;
        } catch (Exception e) {
            return false;
        }
    }

    /** The generation time of a time-stamp token (zero padded), or {@code null} when it cannot be read. */
    private static Instant timestampTime(byte[] token) {
        try {
            return new TimeStampToken(new CMSSignedData(contentInfo(token))).getTimeStampInfo().getGenTime().toInstant();
        } catch (Exception e) {
            return null;
        }
    }

    /** The first DER object of a zero-padded {@code /Contents}. */
    private static org.bouncycastle.asn1.cms.ContentInfo contentInfo(byte[] contents) throws IOException {
        try (org.bouncycastle.asn1.ASN1InputStream in = new org.bouncycastle.asn1.ASN1InputStream(contents)) {
            return org.bouncycastle.asn1.cms.ContentInfo.getInstance(in.readObject());
        }
    }

    /** What the catalog's {@code /DSS} holds (its streams decoded); empty when there is none. */
    static ValidationMaterial documentSecurityStore(PDDocument document) {
        if (!(document.getDocumentCatalog().getCOSObject().getDictionaryObject(COSName.DSS) instanceof COSDictionary dss)) {
            return ValidationMaterial.empty();
        }
        return new ValidationMaterial(streams(dss, COSName.CERTS), streams(dss, COSName.OCSPS), streams(dss, COSName.CRLS));
    }

    private static List<byte[]> streams(COSDictionary dss, COSName key) {
        List<byte[]> result = new ArrayList<>();
        if (dss.getDictionaryObject(key) instanceof COSArray array) {
            for (COSBase item : array) {
                if ((item instanceof COSObject o ? o.getObject() : item) instanceof COSStream stream) {
                    try (InputStream in = stream.createInputStream()) {
                        result.add(in.readAllBytes());
                    } catch (IOException e) {
                        // unreadable: as if absent
                    }
                }
            }
        }
        return result;
    }

    /**
     * Makes the signature visible: a new field's widget goes in the spec's box (checked against the page), an
     * existing field's keeps its own; either gets the engine's appearance ({@link SignatureAppearance}). A
     * signature into an existing field that the request gave no appearance is drawn in the field's box only where
     * {@link SignatureAppearance#placeByDefault} places it; else it stays invisible.
     */
    private static void visible(PDDocument document, String name, Spec spec, SignatureRevision.Options options)
            throws IOException {
        SignatureAppearance.Content content = spec.appearance().orElseThrow();
        SignatureAppearance.Placement placement;
        if (spec.field().isPresent()) {
            var field = document.getSignatureFields().stream()
                    .filter(f -> spec.field().get().equals(f.getFullyQualifiedName())).findFirst().orElseThrow();
            if (field.getCOSObject().getDictionaryObject(COSName.V) != null) {
                return; // already signed: SignatureRevision refuses it
            }
            placement = content.onlyIfPlaced()
                    ? SignatureAppearance.placeByDefault(document, field.getCOSObject())
                    : SignatureAppearance.placeInField(document, name, spec.field().get(), field.getCOSObject());
            if (placement == null) {
                return; // no appearance asked for, and none the field takes by default: an invisible signature
            }
        } else {
            placement = SignatureAppearance.place(document, name, content.box());
        }
        options.visible(placement.pageIndex(), placement.rect(),
                SignatureAppearance.build(document, placement, content.text(), content.sandbox(), content.image()));
    }

    /** Appends a revision with {@code material} in the catalog's /DSS (nothing when all of it is there). */
    static void appendValidationData(Sink sink, String name, ValidationMaterial material) throws IOException {
        Budget.check();
        try (PDDocument document = sink.load(name); RevisionWriter writer = sink.writer(document, name)) {
            appendValidationData(writer, sink, material);
        }
    }

    /** As {@link #appendValidationData(Sink, String, ValidationMaterial)} with {@code writer} over the sink's stage. */
    private static void appendValidationData(RevisionWriter writer, Sink sink, ValidationMaterial material)
            throws IOException {
        Budget.check();
        if (SignatureRevision.addDss(writer, material.certificates(), material.ocspResponses(), material.crls()) == 0) {
            return;
        }
        RevisionWriter.Revision revision = writer.write();
        try (OutputStream out = sink.next(revision.length())) {
            revision.writeTo(out);
        }
    }

    /**
     * The warning of an operation that added a document time-stamp to an encrypted document. Its {@code /Contents} is
     * written in clear, as ISO 32000-2 §7.6.2 requires for the {@code /Contents} of every signature dictionary (Table
     * 255: {@code /Type /Sig} or {@code /DocTimeStamp}) and as PDFBox (so DSS) and iText read it; poppler, MuPDF and
     * pdfium exempt only {@code /Type /Sig} dictionaries from decryption and decrypt the token into noise. No single
     * output reads alike in both groups, and DSS must validate it.
     */
    static final String ENCRYPTED_DOCUMENT_TIMESTAMP = "A document time-stamp was added to an encrypted PDF: its /Contents "
            + "is in clear, as ISO 32000-2 (7.6.2) requires for every signature dictionary, and DSS, PDFBox and iText read "
            + "it; poppler (pdfsig), MuPDF and pdfium decrypt the /Contents of any dictionary whose /Type is not /Sig, so "
            + "they cannot read this time-stamp (the document and its signatures still open and verify there). Sign at "
            + "B-LT if those readers must show every time-stamp.";

    /**
     * Appends a document time-stamp revision ({@code /DocTimeStamp}, {@code ETSI.RFC3161}).
     *
     * @param warnings where {@link #ENCRYPTED_DOCUMENT_TIMESTAMP} goes (once) when the document is encrypted
     */
    static Instant appendDocumentTimestamp(Sink sink, String name, TimestampSource timestamps, List<String> warnings)
            throws IOException {
        Budget.check();
        try (PDDocument document = sink.load(name); RevisionWriter writer = sink.writer(document, name)) {
            return appendDocumentTimestamp(writer, sink, timestamps, PrefixDigests.none(), warnings);
        }
    }

    /**
     * As {@link #appendDocumentTimestamp(Sink, String, TimestampSource, List)} with {@code writer} over the sink's stage.
     *
     * @param known SHA-256 states of the stage's first bytes (the signature revision's copy of its input): the
     *              time-stamp's byte-range digest goes on from the longest, instead of hashing the document again
     */
    private static Instant appendDocumentTimestamp(RevisionWriter writer, Sink sink, TimestampSource timestamps,
                                                   PrefixDigests known, List<String> warnings) throws IOException {
        Budget.check();
        if (writer.document().isEncrypted() && !warnings.contains(ENCRYPTED_DOCUMENT_TIMESTAMP)) {
            warnings.add(ENCRYPTED_DOCUMENT_TIMESTAMP);
        }
        Recorder recorder = timestamps instanceof Recorder r ? r : new Recorder(timestamps);
        SignatureRevision.addSignature(writer, new SignatureRevision.Options(newFieldName(writer.document()))
                .kind(SignatureRevision.Kind.DOCUMENT_TIMESTAMP).contentsSize(recorder.room() + SLACK));
        RevisionWriter.Revision revision = writer.write();
        try (OutputStream out = sink.next(revision.length())) {
            byte[] imprint = revision.writeHead(out, known).digest();
            byte[] token = recorder.timestamp("SHA-256", imprint);
            SignatureTimestamps.requireImprint(token, imprint, recorder.describe(), recorder.parsed(token));
            revision.writeTail(out, token);
        }
        return recorder.last().orElseThrow();
    }

    /**
     * A signature dictionary already in the document, as far as signing needs it. PDFBox parses a whole signature
     * dictionary, its /Contents (most of it) included, once per load, so walking the earlier signatures through it
     * cost more with every signature (the 80th signature of a document spent a fifth of its time there); when the
     * document is in the heap, a dictionary written uncompressed is read with the engine's own parser instead,
     * and PDFBox is asked only for the rare one that has a /Reference.
     *
     * The /Contents hex string is checked but not decoded ({@link PdfSyntax.Parser#skipHexStrings}): a new
     * signature needs no earlier signature's CMS, and the long-term data check reads only the start of it
     * ({@link #signerCertificateEncoding}).
     *
     * @param type       its /Type name, or {@code null}
     * @param contents   its /Contents: a {@link PdfSyntax.Hex} (undecoded), a {@link PdfSyntax.Str}, or {@code null}
     * @param references whether it has a /Reference entry (DocMDP, FieldMDP)
     * @param byteRangeWellFormed whether its /ByteRange is four non-negative integers
     * @param dictionary PDFBox's view, resolved only on demand
     * @param facts      what was read, for the memo of signed chains; {@code null} when PDFBox read it or its
     *                   /Contents is a literal string
     */
    record EarlierSignature(String type, Object contents, boolean references, boolean byteRangeWellFormed,
                            java.util.function.Supplier<COSDictionary> dictionary, Facts facts) {

        /**
         * What the engine's parser read of a signature dictionary written uncompressed at {@code offset}: kept with
         * the chain of an output in the memo of signed chains ({@link IntactChainParser.Prefix#withSignatures}), so
         * that the next signer of exactly that output does not scan every earlier /Contents again (a tenth of a
         * 30th signature). Valid for the bytes it was read from, and the object only where it still is.
         *
         * @param value    the dictionary's object key
         * @param offset   where the object starts
         * @param contents where its /Contents hex string starts, or -1 when it has none
         */
        record Facts(org.apache.pdfbox.cos.COSObjectKey value, long offset, String type, long contents,
                     boolean references, boolean byteRangeWellFormed) {

            /** @return the signature these facts describe, its /Contents read from {@code input} */
            EarlierSignature signature(PdfSyntax.Input input, java.util.function.Supplier<COSDictionary> pdfBox) {
                return new EarlierSignature(type, contents < 0 ? null : new PdfSyntax.Hex(input, contents), references,
                        byteRangeWellFormed, pdfBox, this);
            }
        }

        /**
         * What is known of the signature dictionaries of an output (the values of the top-level signed fields its
         * self-check read, {@code read}): the facts read of its input where the object is still at the same offset
         * (the output begins with the input), the others read now from the output's bytes.
         *
         * @param earlier the facts read of the input while signing it, by key
         */
        static Map<org.apache.pdfbox.cos.COSObjectKey, Facts> facts(IntactChainParser.Prefix read, byte[] output, int length,
                                                                    Map<org.apache.pdfbox.cos.COSObjectKey, Facts> earlier) {
            PdfSyntax.ArrayInput input = new PdfSyntax.ArrayInput(output, length);
            Map<org.apache.pdfbox.cos.COSObjectKey, Facts> all = new java.util.HashMap<>();
            for (org.apache.pdfbox.cos.COSObjectKey value : read.signedFieldValues()) {
                Long at = read.offset(value);
                if (at == null || at < 0 || at >= length) {
                    continue; // compressed, or not in this file: parsed when signed
                }
                Facts facts = earlier.get(value);
                if (facts == null || facts.offset() != at) {
                    EarlierSignature parsed = parse(input, at, value, () -> null);
                    facts = parsed == null ? null : parsed.facts();
                }
                if (facts != null) {
                    all.put(value, facts);
                }
            }
            return all;
        }

        /**
         * The first bytes of a CMS read to find its signing certificate, in turn (a short chain fits the first); a
         * longer certificate set is decoded whole.
         */
        private static final int[] PREFIXES = {3 * 1024, 16 * 1024};

        /** @return the /Contents bytes (decoded now), or {@code null} */
        byte[] contentBytes() {
            return contents instanceof PdfSyntax.Hex hex ? hex.decode()
                    : contents instanceof PdfSyntax.Str str ? str.bytes() : null;
        }

        /**
         * The DER of the signing certificate of the CMS in /Contents (the certificate of its first SignerInfo's sid),
         * read from the start of /Contents only (certificates and the sid come before the signed attributes, the
         * signature and the unsigned attributes), without parsing a certificate when the sid's issuer and serial
         * number are those of one of the CMS's certificates byte for byte ({@link DerPrefix#signerEncoding}); a CMS
         * whose start does not settle it is parsed whole. {@code null} when there is none or the CMS cannot be read.
         *
         * @param parsed certificates parsed for earlier signatures, reused
         */
        byte[] signerCertificateEncoding(Map<java.nio.ByteBuffer, X509CertificateHolder> parsed) {
            if (contents == null) {
                return null;
            }
            try {
                if (contents instanceof PdfSyntax.Hex hex) {
                    for (int prefix : PREFIXES) {
                        byte[] start = hex.decodePrefix(prefix);
                        byte[] found = DerPrefix.signerEncoding(start, parsed);
                        if (found != null) {
                            return found;
                        }
                        if (start.length < prefix) {
                            break; // the whole string
                        }
                    }
                }
                CMSSignedData cms = new CMSSignedData(contentBytes());
                SignerInformation signer = cms.getSignerInfos().getSigners().iterator().next();
                @SuppressWarnings("unchecked")
                Collection<X509CertificateHolder> matches = cms.getCertificates().getMatches(signer.getSID());
                return matches.isEmpty() ? null : matches.iterator().next().getEncoded();
            } catch (Exception e) {
                return null; // an earlier signature that cannot be read is reported by validation, not here
            }
        }

        static List<EarlierSignature> of(PDDocument document, byte[] raw) {
            Map<org.apache.pdfbox.cos.COSObjectKey, Long> xref = document.getDocument().getXrefTable();
            PdfSyntax.ArrayInput input = raw == null ? null : new PdfSyntax.ArrayInput(raw);
            List<EarlierSignature> result = new ArrayList<>();
            for (var field : document.getSignatureFields()) {
                COSDictionary fieldDictionary = field.getCOSObject();
                java.util.function.Supplier<COSDictionary> pdfBox = () ->
                        fieldDictionary.getDictionaryObject(COSName.V) instanceof COSDictionary d ? d : null;
                EarlierSignature parsed = null;
                if (input != null && fieldDictionary.getItem(COSName.V) instanceof COSObject o && o.getKey() != null) {
                    Long at = xref.get(o.getKey());
                    if (at != null && at >= 0 && at < raw.length) {
                        Facts known = IntactChainParser.signatureRead(document, o.getKey());
                        parsed = known != null && known.offset() == at ? known.signature(input, pdfBox)
                                : parse(input, at, o.getKey(), pdfBox);
                    }
                }
                if (parsed == null) {
                    COSDictionary d = pdfBox.get();
                    if (d == null) {
                        continue; // an empty field
                    }
                    parsed = new EarlierSignature(d.getNameAsString(COSName.TYPE),
                            d.getDictionaryObject(COSName.CONTENTS) instanceof COSString c ? new PdfSyntax.Str(c.getBytes()) : null,
                            d.getItem(COSName.REFERENCE) != null, wellFormed(d.getDictionaryObject(COSName.BYTERANGE)),
                            () -> d, null);
                }
                result.add(parsed);
            }
            return result;
        }

        private static boolean wellFormed(COSBase range) {
            boolean ok = range instanceof COSArray array && array.size() == 4;
            if (ok) {
                for (COSBase item : (COSArray) range) {
                    COSBase value = item instanceof COSObject o ? o.getObject() : item;
                    ok &= value instanceof org.apache.pdfbox.cos.COSInteger i && i.longValue() >= 0;
                }
            }
            return ok;
        }

        /** The dictionary at {@code offset} read by {@link PdfSyntax}, or {@code null} to ask PDFBox. */
        private static EarlierSignature parse(PdfSyntax.Input input, long offset, org.apache.pdfbox.cos.COSObjectKey key,
                                              java.util.function.Supplier<COSDictionary> pdfBox) {
            try {
                PdfSyntax.Parser parser = new PdfSyntax.Parser(input, offset).skipHexStrings();
                if (parser.objectHeader() != key.getNumber() || !(parser.readObject() instanceof Map<?, ?> map)) {
                    return null;
                }
                Object type = map.get("Type");
                Object contents = map.get("Contents");
                Object range = map.get("ByteRange");
                if (contents != null && !(contents instanceof PdfSyntax.Str || contents instanceof PdfSyntax.Hex) || type != null && !(type instanceof PdfSyntax.Name)
                        || range instanceof PdfSyntax.Ref || range instanceof List<?> l && l.stream().anyMatch(x -> !(x instanceof Long))) {
                    return null; // indirect or unexpected values: PDFBox resolves them
                }
                boolean wellFormed = range instanceof List<?> l && l.size() == 4 && l.stream().allMatch(x -> (Long) x >= 0);
                String typeName = type == null ? null : ((PdfSyntax.Name) type).value();
                boolean references = map.containsKey("Reference");
                Facts facts = contents instanceof PdfSyntax.Str ? null : new Facts(key, offset, typeName,
                        contents == null ? -1 : ((PdfSyntax.Hex) contents).offset(), references, wellFormed);
                return new EarlierSignature(typeName, contents, references, wellFormed, pdfBox, facts);
            } catch (RuntimeException e) {
                return null; // PDFBox decides what it makes of it
            }
        }
    }

    /**
     * Refuses a document whose certification or field locks forbid a new signature (ISO 32000-1 §12.8.2.2
     * and §12.7.4.5): a DocMDP certification with {@code /P 1}; a FieldMDP transform of an earlier signature,
     * or a {@code /Lock} of a signature field, that locks every field, names the field to sign
     * ({@code /Include}), or does not name it ({@code /Exclude}; a new field is never named), or that carries
     * {@code /P 1}.
     *
     * @throws SignatureEngineException {@link ErrorCode#DOCUMENT_LOCKED}
     */
    static void requireSignable(PDDocument document, String name, Optional<String> field, List<EarlierSignature> earlier) {
        COSDictionary catalog = document.getDocumentCatalog().getCOSObject();
        if (catalog.getDictionaryObject(COSName.PERMS) instanceof COSDictionary perms
                && perms.getDictionaryObject(COSName.DOCMDP) instanceof COSDictionary certification
                && permission(certification, "DocMDP") == 1) {
            throw locked(name, "it is certified with no changes allowed (DocMDP /P 1)");
        }
        for (EarlierSignature e : earlier) {
            if (!e.references()) {
                continue;
            }
            COSDictionary signature = e.dictionary().get();
            if (signature != null && signature.getDictionaryObject(COSName.REFERENCE) instanceof COSArray references) {
                for (COSBase item : references) {
                    if ((item instanceof COSObject o ? o.getObject() : item) instanceof COSDictionary reference
                            && COSName.getPDFName("FieldMDP").equals(reference.getCOSName(COSName.getPDFName("TransformMethod")))
                            && reference.getDictionaryObject(COSName.getPDFName("TransformParams")) instanceof COSDictionary params
                            && locks(params, field)) {
                        throw locked(name, "an earlier signature's field lock (FieldMDP) covers "
                                + field.map(f -> "field '" + f + "'").orElse("new signature fields"));
                    }
                }
            }
        }
        for (var existing : document.getSignatureFields()) {
            if (existing.getCOSObject().getDictionaryObject(COSName.getPDFName("Lock")) instanceof COSDictionary lock
                    && existing.getCOSObject().getDictionaryObject(COSName.V) != null && locks(lock, field)) {
                throw locked(name, "the lock of signed field '" + existing.getFullyQualifiedName() + "' covers "
                        + field.map(f -> "field '" + f + "'").orElse("new signature fields"));
            }
        }
    }

    /** The /P of a signature dictionary's DocMDP transform, or 2 (its default) when not given. */
    private static int permission(COSDictionary signature, String method) {
        if (signature.getDictionaryObject(COSName.REFERENCE) instanceof COSArray references) {
            for (COSBase item : references) {
                if ((item instanceof COSObject o ? o.getObject() : item) instanceof COSDictionary reference
                        && COSName.getPDFName(method).equals(reference.getCOSName(COSName.getPDFName("TransformMethod")))
                        && reference.getDictionaryObject(COSName.getPDFName("TransformParams")) instanceof COSDictionary params) {
                    return params.getInt(COSName.P, 2);
                }
            }
        }
        return 2;
    }

    /** Whether a FieldMDP transform's parameters or a /Lock dictionary forbid signing {@code field}. */
    private static boolean locks(COSDictionary lock, Optional<String> field) {
        Set<String> named = new HashSet<>();
        if (lock.getDictionaryObject(COSName.FIELDS) instanceof COSArray fields) {
            for (COSBase f : fields) {
                if ((f instanceof COSObject o ? o.getObject() : f) instanceof COSString s) {
                    named.add(s.getString());
                }
            }
        }
        String action = lock.getNameAsString(COSName.getPDFName("Action"));
        boolean covered = switch (action == null ? "" : action) {
            case "All" -> true;
            case "Include" -> field.isPresent() && named.contains(field.get());
            case "Exclude" -> field.isEmpty() || !named.contains(field.get());
            default -> false;
        };
        return covered || lock.getInt(COSName.P, 0) == 1;
    }

    private static SignatureEngineException locked(String name, String why) {
        return new SignatureEngineException(ErrorCode.DOCUMENT_LOCKED, "'" + name + "' does not accept a new signature: "
                + why, "The document was certified or locked by an earlier signer; ask for an unlocked original, or "
                + "extend the existing signatures instead.", null);
    }

    /**
     * Refuses a document with an earlier signature dictionary whose /ByteRange is not four non-negative integers:
     * validators cannot order or check such a signature (DSS 6.2 fails on the whole document once a second
     * signature is added), so a new signature would make the document unvalidatable (a fuzzing finding).
     *
     * @throws SignatureEngineException {@link ErrorCode#INVALID_PDF}
     */
    static void requireWellFormedSignatures(List<EarlierSignature> earlier, String name) {
        for (EarlierSignature signature : earlier) {
            boolean ok = signature.byteRangeWellFormed();
            if (!ok) {
                throw new SignatureEngineException(ErrorCode.INVALID_PDF, "'" + name + "' is malformed: an earlier "
                        + "signature's /ByteRange is not four non-negative integers", "Check that the file is a complete, "
                        + "uncorrupted PDF; a new signature cannot be added to a document whose earlier signatures "
                        + "cannot be read.", null);
            }
        }
    }

    /** Objects nested or chained (through references) at most this deep below the trailer. */
    static final int MAX_DEPTH = 5_000;

    /**
     * Refuses a document whose objects are nested or chained through references deeper than {@link #MAX_DEPTH}
     * levels: no real producer writes them, readers and validators recurse into them and overflow (the
     * engine's own validation would call the signed output INVALID_PDF), so it is not signed either. The walk
     * is iterative and visits each indirect object once.
     *
     * @throws SignatureEngineException {@link ErrorCode#INVALID_PDF}
     */
    static void requireBoundedDepth(PDDocument document, String name) {
        // sized for the arrays of a long document's /DSS and /Fields, pushed whole (growing from 16 was a fifth of the walk)
        java.util.ArrayDeque<Object[]> stack = new java.util.ArrayDeque<>(1024);
        java.util.Set<COSBase> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        stack.push(new Object[] {document.getDocument().getTrailer(), 0});
        while (!stack.isEmpty()) {
            Object[] item = stack.pop();
            COSBase value = (COSBase) item[0];
            int depth = (Integer) item[1];
            if (depth > MAX_DEPTH) {
                throw new SignatureEngineException(ErrorCode.INVALID_PDF, "'" + name + "' is malformed: its objects are "
                        + "nested or chained more than " + MAX_DEPTH + " levels deep",
                        "Check that the file is a complete, uncorrupted PDF (re-export or repair it, for example with "
                                + "qpdf '" + name + "' repaired.pdf).", null);
            }
            if (value instanceof COSObject reference) {
                COSBase target = reference.getObject();
                if (target != null && seen.add(target)) {
                    stack.push(new Object[] {target, depth + 1});
                }
            } else if (value instanceof COSArray array) {
                for (int i = 0; i < array.size(); i++) {
                    stack.push(new Object[] {array.get(i), depth + 1});
                }
            } else if (value instanceof COSDictionary dictionary) {
                // A signature field's value is a signature dictionary (flat; its /Contents is the largest string of
                // the document): not resolving it keeps the walk from parsing every earlier signature's CMS.
                boolean signatureField = COSName.SIG.equals(dictionary.getCOSName(COSName.FT));
                for (var entry : dictionary.entrySet()) {
                    COSName key = entry.getKey();
                    if (!COSName.PARENT.equals(key) && !COSName.P.equals(key) && !(signatureField && COSName.V.equals(key))) {
                        stack.push(new Object[] {entry.getValue(), depth + 1});
                    }
                }
            }
        }
    }

    /** "Signature" + the first free number, among every field name of the document. */
    static String newFieldName(PDDocument document) {
        Set<String> names = new HashSet<>();
        COSDictionary catalog = document.getDocumentCatalog().getCOSObject();
        if (catalog.getDictionaryObject(COSName.ACRO_FORM) instanceof COSDictionary form
                && form.getDictionaryObject(COSName.FIELDS) instanceof COSArray fields) {
            collectNames(fields, "", names, 0);
        }
        for (int i = 1; ; i++) {
            if (!names.contains("Signature" + i)) {
                return "Signature" + i;
            }
        }
    }

    private static void collectNames(COSArray fields, String prefix, Set<String> names, int depth) {
        if (depth > 32) {
            return;
        }
        for (COSBase item : fields) {
            COSBase value = item instanceof COSObject o ? o.getObject() : item;
            if (value instanceof COSDictionary field) {
                String partial = field.getString(COSName.T);
                String full = partial == null ? prefix : prefix.isEmpty() ? partial : prefix + "." + partial;
                if (partial != null) {
                    names.add(full);
                }
                if (field.getDictionaryObject(COSName.KIDS) instanceof COSArray kids) {
                    collectNames(kids, full, names, depth + 1);
                }
            }
        }
    }

    /**
     * The earlier signatures whose signing certificate is not in the document's /DSS: this signature's
     * long-term data covers only itself, so they stay as they were (they can be extended separately).
     */
    static List<String> earlierWithoutLongTermData(List<byte[]> dssCertificates, List<EarlierSignature> earlier) {
        Set<java.nio.ByteBuffer> inDss = new HashSet<>();
        dssCertificates.forEach(c -> inDss.add(java.nio.ByteBuffer.wrap(Digests.sha256(c))));
        List<String> warnings = new ArrayList<>();
        Map<java.nio.ByteBuffer, X509CertificateHolder> parsed = new java.util.HashMap<>();
        for (EarlierSignature signature : earlier) {
            if ("DocTimeStamp".equals(signature.type()) || signature.contents() == null) {
                continue;
            }
            byte[] certificate = signature.signerCertificateEncoding(parsed);
            if (certificate != null && !inDss.contains(java.nio.ByteBuffer.wrap(Digests.sha256(certificate)))) {
                try {
                    X509CertificateHolder holder = new X509CertificateHolder(certificate);
                    warnings.add("The earlier signature by '" + holder.getSubject() + "' (serial "
                            + holder.getSerialNumber().toString(16) + ") was left exactly as it was, without "
                            + "long-term validation data: extend the document to add it.");
                } catch (IOException e) {
                    // an earlier signature that cannot be read is reported by validation, not here
                }
            }
        }
        return warnings;
    }

    /** The decoded streams of one array of the document's /DSS (such as {@code /Certs}). */
    private static List<byte[]> dssEntries(PDDocument document, COSName array) {
        List<byte[]> entries = new ArrayList<>();
        COSDictionary catalog = document.getDocumentCatalog().getCOSObject();
        if (catalog.getDictionaryObject(COSName.DSS) instanceof COSDictionary dss
                && dss.getDictionaryObject(array) instanceof COSArray items) {
            java.util.zip.Inflater inflater = new java.util.zip.Inflater();
            try {
                for (COSBase item : items) {
                    if ((item instanceof COSObject o ? o.getObject() : item) instanceof COSStream stream) {
                        byte[] entry = SignatureRevision.decoded(stream, inflater);
                        if (entry != null) { // unreadable: as if absent
                            entries.add(entry);
                        }
                    }
                }
            } finally {
                inflater.end();
            }
        }
        return entries;
    }

    /**
     * Whether {@code certificates} (the document's /DSS) hold two certificates of one key, one of them issued by another authority (a
     * cross-certificate). DSS 6.2's B-LT check processes every such certificate for every signature of the document,
     * whoever added it, and rates a signature B-T when the validator neither trusts its authority nor finds its
     * revocation data in the document ({@link LongTermShortfall}); when this says yes, the signed output is asked
     * that question. Only the bytes of each certificate's key are compared: nothing is parsed unless a key repeats.
     */
    static boolean holdsCrossCertificates(List<byte[]> certificates) {
        Map<java.nio.ByteBuffer, java.nio.ByteBuffer> byKey = new java.util.HashMap<>();
        for (byte[] certificate : certificates) {
            java.nio.ByteBuffer key = DerPrefix.subjectPublicKeyInfo(certificate);
            java.nio.ByteBuffer whole = java.nio.ByteBuffer.wrap(certificate);
            java.nio.ByteBuffer other = key == null ? null : byKey.putIfAbsent(key, whole);
            if (other != null && !other.equals(whole) && (!selfIssued(certificate) || !selfIssued(other.array()))) {
                return true;
            }
        }
        return false;
    }

    /** Whether a certificate's issuer is its subject (unreadable: no). */
    private static boolean selfIssued(byte[] certificate) {
        try {
            X509CertificateHolder holder = new X509CertificateHolder(certificate);
            return holder.getIssuer().equals(holder.getSubject());
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Runs an operation whose time-stamp tokens are given the room {@link TokenRooms} learned, and, when a token
     * proved larger than that room ({@link SignaturePlaceholder.Overflow}), runs it once more: the room then fits the
     * largest token seen, that one included. Only for operations that can be laid out again: a document time-stamp
     * or an extension (no key), or a signature whose key can sign once more (a seal key, a one-time key still held:
     * the value signed first is never seen by anyone). A qualified key authorised for one signature and two-step
     * signing (the caller signed a layout) take the fixed room instead ({@code relayable} false): one attempt.
     *
     * @param source    the time-stamp source, or null (none: {@code attempt} is given null)
     * @param relayable whether {@code attempt} may run twice
     */
    <T> T withTimestamps(TimestampSource source, boolean relayable, Attempt<T> attempt) throws IOException {
        if (source == null) {
            return attempt.run(null);
        }
        try {
            return attempt.run(new Recorder(source, rooms, relayable));
        } catch (SignaturePlaceholder.Overflow tooSmall) {
            if (!relayable) {
                throw tooSmall;
            }
            Budget.check();
            return attempt.run(new Recorder(source, rooms, true));
        }
    }

    /** One attempt of an operation, with the time-stamp source it uses ({@link #withTimestamps}). */
    @FunctionalInterface
    interface Attempt<T> {
        T run(Recorder recorder) throws IOException;
    }

    /**
     * The {@code /Contents} room one RFC 3161 token is given: {@link #TIMESTAMP_ROOM} until the engine has seen a
     * token from its source, then the largest token seen and {@link #TOKEN_MARGIN}. A token's size hardly varies
     * between requests to one authority (its serial number, nonce, time digits and signature encoding: tens of
     * bytes), while 12 KB, written in hex and zero padded, put 22 KB of zeros in every signature and document
     * time-stamp revision: a 30-signature B-LTA document was three-quarters padding, which every later signer hashed,
     * copied and scanned. A larger token (another authority of a failover list, a renewed certificate) overflows
     * the learned room; {@link #withTimestamps} lays the operation out again. Thread-safe.
     */
    static final class TokenRooms {
        private final java.util.concurrent.atomic.AtomicInteger largest = new java.util.concurrent.atomic.AtomicInteger();

        /** @return the room learned from the tokens seen, or {@link #TIMESTAMP_ROOM} before the first */
        int learned() {
            int seen = largest.get();
            return seen == 0 ? TIMESTAMP_ROOM : seen + TOKEN_MARGIN;
        }

        void saw(int tokenLength) {
            largest.accumulateAndGet(tokenLength, Math::max);
        }
    }

    /**
     * A time-stamp source that remembers the generation time of each token it hands out (and teaches the engine's
     * {@link TokenRooms} its size), and says how much room a token is laid out with.
     */
    static final class Recorder implements TimestampSource {
        private final TimestampSource source;
        private final TokenRooms rooms;
        private final boolean learned;
        private final List<Instant> times = new ArrayList<>();

        /** A recorder with the fixed room, learning nothing. */
        Recorder(TimestampSource source) {
            this(source, null, false);
        }

        /**
         * @param rooms   what tokens teach, and the room learned; null: nothing
         * @param learned whether tokens get the learned room (see {@link #withTimestamps}) or the fixed one
         */
        Recorder(TimestampSource source, TokenRooms rooms, boolean learned) {
            this.source = Objects.requireNonNull(source);
            this.rooms = rooms;
            this.learned = learned && rooms != null;
        }

        /** @return the {@code /Contents} room to lay one token out with (beyond any CMS around it) */
        int room() {
            return learned ? rooms.learned() : TIMESTAMP_ROOM;
        }

        @Override
        public byte[] timestamp(String digestAlgorithm, byte[] digest) {
            Budget.check(); // no time-stamp request once the operation is out of time
            byte[] token = source.timestamp(digestAlgorithm, digest);
            if (rooms != null && token != null) {
                rooms.saw(token.length);
            }
            try {
                TimeStampToken parsed = new TimeStampToken(new CMSSignedData(token));
                Instant time = parsed.getTimeStampInfo().getGenTime().toInstant();
                synchronized (times) {
                    times.add(time);
                }
                last = new ParsedToken(token, token.clone(), parsed);
            } catch (Exception e) {
                throw new SignatureEngineException(ErrorCode.TSA_RESPONSE_INVALID, "The time-stamp authority "
                        + source.describe() + " returned a token that cannot be read: " + e.getMessage(),
                        "Check the time-stamp authority's configuration.", e);
            }
            return token;
        }

        @Override
        public String describe() {
            return source.describe();
        }

        /** The last token returned (the array, and a copy of its bytes then), and how it was parsed. */
        private record ParsedToken(byte[] token, byte[] bytes, TimeStampToken parsed) {
        }

        private volatile ParsedToken last;

        /**
         * @param token a token this recorder returned
         * @return the token as parsed when it was returned (the checks that follow need not parse it again: a tenth of
         *         a one-page B-T signature went to parsing each token twice), when it is the last one returned and
         *         unchanged; else null
         */
        TimeStampToken parsed(byte[] token) {
            ParsedToken known = last;
            return known != null && known.token() == token && Arrays.equals(known.bytes(), token) ? known.parsed() : null;
        }

        Optional<Instant> first() {
            synchronized (times) {
                return times.isEmpty() ? Optional.empty() : Optional.of(times.get(0));
            }
        }

        Optional<Instant> last() {
            synchronized (times) {
                return times.isEmpty() ? Optional.empty() : Optional.of(times.get(times.size() - 1));
            }
        }
    }
}
