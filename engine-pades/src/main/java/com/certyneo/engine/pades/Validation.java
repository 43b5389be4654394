package com.certyneo.engine.pades;

import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.Indication;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.SignatureValidation;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.engine.ValidationReport;
import eu.europa.esig.dss.diagnostic.CertificateWrapper;
import eu.europa.esig.dss.diagnostic.DiagnosticData;
import eu.europa.esig.dss.diagnostic.SignatureWrapper;
import eu.europa.esig.dss.diagnostic.TimestampWrapper;
import eu.europa.esig.dss.enumerations.SubIndication;
import eu.europa.esig.dss.jaxb.object.Message;
import eu.europa.esig.dss.model.InMemoryDocument;
import eu.europa.esig.dss.model.x509.CertificateToken;
import eu.europa.esig.dss.pades.validation.PDFDocumentValidator;
import eu.europa.esig.dss.policy.EtsiValidationPolicy;
import eu.europa.esig.dss.policy.ValidationPolicy;
import eu.europa.esig.dss.policy.ValidationPolicyFacade;
import eu.europa.esig.dss.simplereport.SimpleReport;
import eu.europa.esig.dss.simplereport.jaxb.XmlTimestamp;
import eu.europa.esig.dss.spi.validation.CommonCertificateVerifier;
import eu.europa.esig.dss.spi.x509.CommonTrustedCertificateSource;
import eu.europa.esig.dss.validation.reports.Reports;

import eu.europa.esig.dss.diagnostic.PDFRevisionWrapper;

import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.Map;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Offline validation with DSS's default policy, mapped to the engine's report types. */
final class Validation {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Validation.class);

    private final Mode mode;
    private final RevocationSources supplied;
    private final List<X509Certificate> configuredAnchors;
    private final Clock clock;
    private final long largeDocumentThreshold;

    /**
     * @param mode     the engine's mode: with {@link ValidationOptions#trustSandbox()}, a sandbox's root is trusted
     *                 and its OCSP responder asked
     * @param supplied caller-supplied (offline) revocation data, used at validation too; online sources
     *                 never are: validation stays offline
     */
    Validation(Mode mode, RevocationSources supplied, List<X509Certificate> configuredAnchors, Clock clock,
               long largeDocumentThreshold) {
        this.mode = mode;
        this.supplied = supplied;
        this.configuredAnchors = configuredAnchors;
        this.clock = clock;
        this.largeDocumentThreshold = largeDocumentThreshold;
    }

    ValidationReport validate(DocumentSource source, ValidationOptions options) {
        String name = source.name();
        // Large files are validated from disk (PDFBox through temporary files), small ones in memory.
        java.nio.file.Path file = source.path().filter(this::isLarge).orElse(null);
        byte[] bytes = file == null ? source.readAllBytes() : null;
        PdfInputs.requirePdfHeader(bytes != null ? bytes : head(file), name);
        Instant at = options.validationTime().orElseGet(clock::instant);

        CommonTrustedCertificateSource trusted = new CommonTrustedCertificateSource();
        configuredAnchors.forEach(c -> trusted.addCertificate(new CertificateToken(c)));
        options.trustAnchors().forEach(c -> trusted.addCertificate(new CertificateToken(c)));
        CommonCertificateVerifier verifier = new CommonCertificateVerifier(true);
        verifier.setOcspSource(supplied.ocspSource());
        verifier.setCrlSource(supplied.crlSource());
        if (options.trustSandbox() && mode.isSandbox()) {
            mode.trustAnchors().forEach(c -> trusted.addCertificate(new CertificateToken(c)));
            verifier.setOcspSource(mode.ocsp());
        }
        // Trusted lists decide qualification: the caller's, and with the sandbox trusted the sandbox's own (SANDBOX,
        // not legally binding; never loaded otherwise)
        List<TrustedLists.Loaded> lists = new ArrayList<>();
        options.trustedLists().ifPresent(tl -> lists.add(TrustedLists.load(tl, at)));
        // (only once the sandbox has its qualified CA: before any QES or AES-Q, no signature can chain to it, and
        // validation never creates it)
        boolean sandboxList = options.trustSandbox() && mode.sandbox().isPresent()
                && SandboxQualifiedCa.exists(mode.sandbox().get().pki());
        if (sandboxList) {
            lists.add(SandboxTrustedList.load(mode.sandbox().get(), at));
        }
        List<eu.europa.esig.dss.spi.x509.CertificateSource> sources = new ArrayList<>();
        sources.add(trusted);
        lists.forEach(l -> sources.add(l.certificates()));
        verifier.setTrustedCertSources(sources.toArray(eu.europa.esig.dss.spi.x509.CertificateSource[]::new));

        try (Structure structure = Structure.open(bytes, file)) {
            // The engine's structural comparison decides on modifications; it runs first so that DSS's
            // rendered-page comparison (the costliest part of validation, and only ever an informative
            // warning here) is done only for documents where something changed after a signature.
            List<RevisionDiff.SignatureDictionary> dictionaries = RevisionDiff.signatureDictionaries(structure.input());
            Diffs diffs = new Diffs(structure.input(), RevisionDiff.Allowed.of(dictionaries),
                    () -> encryptionOf(bytes, file, name));
            dictionaries.stream().filter(d -> d.byteRange().size() == 4)
                    .forEach(d -> diffs.after(d.byteRange().get(2) + d.byteRange().get(3)));
            boolean changed = diffs.anyModified();
            boolean restricted = dictionaries.isEmpty()
                    || dictionaries.stream().anyMatch(d -> d.restrictsChanges() || d.byteRange().isEmpty());
            LeftOut checked = dssLeavingOut(name, bytes, file, verifier, at, changed || restricted, changed,
                    options.xmlReports(), dictionaries);
            Reports reports = checked.run().reports();
            Revisions revisions = bytes != null ? Revisions.of(bytes) : Revisions.of(file);
            ValidationReport report = report(name, bytes != null ? Digests.sha256Hex(bytes) : Digests.sha256Hex(file), at,
                    reports.getSimpleReport(), reports.getDiagnosticData(), revisions, structure.input(), dictionaries,
                    diffs, checked.causes(), checked.run().shortfalls());
            if (dictionaries.stream().anyMatch(RevisionDiff.SignatureDictionary::restrictsChanges)) {
                report = enforceRules(report, bytes != null ? MdpCheck.check(bytes, revisions)
                        : MdpCheck.check(file, revisions));
            }
            if (!lists.isEmpty()) {
                report = Qualifications.apply(report, reports, at,
                        lists.stream().flatMap(l -> l.problems().stream()).toList());
            }
            return options.xmlReports() ? withXml(report, reports) : report;
        }
    }

    /** DSS's reports, and the byte ranges of the signatures left out of them with why ({@link #dssLeavingOut}). */
    private record LeftOut(DssRun run, Map<List<Long>, String> causes) {
    }

    /** How many signatures {@link #dssLeavingOut} tries to leave out, one at a time, before it gives up. */
    private static final int MAX_LEFT_OUT_ATTEMPTS = 12;

    /**
     * {@link #dss}, and when DSS stops on the document as a whole (an exception, not a report), DSS again without one
     * signature at a time, until it completes: the signature it stopped on is then reported failed, naming the cause,
     * and every other one is validated as usual. DSS 6.2 stops on some signatures that others made: an embedded OCSP
     * response whose archive-cutoff extension is malformed, a signature-policy digest algorithm that is a signature
     * algorithm, a CMS without certificates in a document that has a /DSS (DSS's test files
     * pades-ocsp-archiveCutOff-invalid, pades-level-b-sig-policy-invalid-digest-algo, pades-bes-no-certificates).
     * One such signature made every other one unverifiable, the engine's own included. A failure that leaving out
     * one signature does not cure is reported as before.
     */
    private static LeftOut dssLeavingOut(String name, byte[] bytes, java.nio.file.Path file, CommonCertificateVerifier verifier,
                                         Instant at, boolean compare, boolean render, boolean etsi,
                                         List<RevisionDiff.SignatureDictionary> dictionaries) {
        try {
            return new LeftOut(dss(name, bytes, file, verifier, at, compare, render, etsi, java.util.Set.of()), Map.of());
        } catch (SignatureEngineException e) {
            if (e.code() != ErrorCode.VALIDATION_ERROR || dictionaries.size() < 2) {
                throw e;
            }
            String cause = e.getCause() == null ? e.getMessage() : describe(e.getCause());
            List<RevisionDiff.SignatureDictionary> candidates = dictionaries.stream()
                    .filter(d -> d.byteRange().size() == 4).limit(MAX_LEFT_OUT_ATTEMPTS).toList();
            for (RevisionDiff.SignatureDictionary d : candidates) {
                try {
                    DssRun reports = dss(name, bytes, file, verifier, at, compare, render, etsi,
                            java.util.Set.of(d.byteRange()));
                    LOG.warn("DSS cannot validate the {} in field '{}' of '{}' ({}): validated without it",
                            d.documentTimestamp() ? "document time-stamp" : "signature", d.field(), name, cause);
                    return new LeftOut(reports, Map.of(d.byteRange(), cause));
                } catch (SignatureEngineException again) {
                    if (again.code() != ErrorCode.VALIDATION_ERROR) {
                        throw again;
                    }
                }
            }
            throw e;
        }
    }

    /** The innermost cause's class and message: what DSS stopped on. */
    private static String describe(Throwable failure) {
        Throwable root = failure;
        for (int guard = 0; root.getCause() != null && root.getCause() != root && guard < 32; guard++) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    /**
     * DSS's validation of every signature and time-stamp.
     *
     * @param compare whether DSS compares the objects of each signed revision with the final file (its policy
     *                enforces certification and locks on that comparison; see {@link BoundedModificationsFinder})
     * @param render whether DSS's rendered-page comparison runs (when the structural comparison found changes)
     * @param leftOut the byte ranges of signatures DSS is not shown ({@link #dssLeavingOut})
     */
    private static DssRun dss(String name, byte[] bytes, java.nio.file.Path file, CommonCertificateVerifier verifier,
                               Instant at, boolean compare, boolean render, boolean etsi, java.util.Set<List<Long>> leftOut) {
        try {
            DeferredPolicyValidator validator = new DeferredPolicyValidator(file == null ? new InMemoryDocument(bytes, name)
                    : new eu.europa.esig.dss.model.FileDocument(file.toFile()));
            ValidationObjFactory factory = new ValidationObjFactory(compare, leftOut); // DSS's PDFBox services, see there
            if (file != null) {
                // new streams stay in the heap up to a bound: no scratch files in java.io.tmpdir to leak if the JVM is stopped
                factory.setPdfMemoryUsageSetting(eu.europa.esig.dss.pdf.PdfMemoryUsageSetting.mixed(LargeDocument.PDFBOX_MEMORY));
            }
            factory.setPdfObjectModificationsFinder(new BoundedModificationsFinder()); // skipped where it would not finish
            // rendered-page comparison: bounded, budgeted, skipped where nothing changed or the signed revision is
            // the whole document
            RenderingGuard.install(factory, render, bytes != null ? bytes.length : size(file));
            validator.setPdfObjFactory(factory);
            char[] password = DocumentPasswords.currentChars();
            if (password != null) {
                validator.setPasswordProtection(password); // an encrypted document (DSS passes it to its PDFBox reader)
            }
            validator.setCertificateVerifier(verifier);
            validator.setValidationTime(Date.from(at));
            // the engine reads the simple report and diagnostic data; the ETSI report only when the caller asks
            validator.setEnableEtsiValidationReport(etsi);
            Reports reports = validator.validateDocument(Validation::policy, verifier);
            return new DssRun(reports, validator.shortfalls);
        } catch (RuntimeException e) {
            throw DssFailures.validation(e, name);
        }
    }

    /** {@code report} with DSS's ETSI TS 119 102-2 validation report and detailed report attached as XML. */
    private static ValidationReport withXml(ValidationReport report, Reports reports) {
        byte[] etsi;
        try {
            etsi = eu.europa.esig.validationreport.ValidationReportFacade.newFacade()
                    .marshall(reports.getEtsiValidationReportJaxb()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        } catch (Exception e) {
            throw new IllegalStateException("DSS's ETSI validation report cannot be written as XML", e);
        }
        byte[] detailed = reports.getXmlDetailedReport().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return new ValidationReport(report.documentName(), report.documentSha256(), report.validationTime(),
                report.signatures(), report.warnings(), Optional.of(etsi), Optional.of(detailed));
    }

    /** {@link RevisionDiff} outcomes by the end of the revision a signature covers, each computed once. */
    private static final class Diffs {
        private final RevisionDiff.Session session;
        private final Map<Long, RevisionDiff.Outcome> byEnd = new HashMap<>();
        private final RevisionDiff.Allowed allowed;

        /**
         * @param allowed    what the document's certification lets later revisions change
         * @param encryption the encryption of an encrypted document (asked only for one), or null: its strings and
         *                   streams are compared as written
         */
        Diffs(PdfSyntax.Input input, RevisionDiff.Allowed allowed,
              java.util.function.Supplier<RevisionEncryption> encryption) {
            this.session = new RevisionDiff.Session(input, encryption);
            this.allowed = allowed;
        }

        RevisionDiff.Outcome after(long end) {
            return byEnd.computeIfAbsent(end, e -> RevisionDiff.after(session, e, allowed));
        }

        boolean anyModified() {
            return byEnd.values().stream().anyMatch(o -> !o.modifications().isEmpty());
        }
    }

    /**
     * The encryption of an encrypted document, from PDFBox opening it with the current password: what the structural
     * comparison decrypts strings and streams with. {@code null} when PDFBox cannot open it or the engine does not
     * read its security handler (then compared as written, as DSS reports on it anyway).
     */
    private static RevisionEncryption encryptionOf(byte[] bytes, java.nio.file.Path file, String name) {
        try (org.apache.pdfbox.pdmodel.PDDocument document = bytes != null ? DocumentPasswords.load(bytes)
                : DocumentPasswords.load(new org.apache.pdfbox.io.RandomAccessReadBufferedFile(file))) {
            return RevisionEncryption.of(document, name);
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    /** A default policy being loaded ahead of time ({@link #preload}), for the next validation to take. */
    private static final java.util.concurrent.atomic.AtomicReference<java.util.concurrent.CompletableFuture<ValidationPolicy>>
            PRELOADED = new java.util.concurrent.atomic.AtomicReference<>();

    /**
     * Starts loading DSS's default policy and DSS's BouncyCastle provider (built by the static initialiser of its
     * certificate utilities) on a daemon thread, unless that is already under way; see
     * {@link PadesSignatureEngine#preloadValidation()}.
     */
    static void preload() {
        java.util.concurrent.CompletableFuture<ValidationPolicy> future = new java.util.concurrent.CompletableFuture<>();
        if (!PRELOADED.compareAndSet(null, future)) {
            return;
        }
        Thread thread = new Thread(() -> {
            try {
                Class.forName("eu.europa.esig.dss.spi.DSSASN1Utils", true, Validation.class.getClassLoader());
                future.complete(defaultPolicy());
            } catch (Throwable t) {
                future.completeExceptionally(t);
            }
        }, "certyneo-preload");
        thread.setDaemon(true);
        thread.start();
    }

    /** @return the preloaded default policy if one is there (each is used once), else a freshly loaded one */
    private static ValidationPolicy policy() {
        java.util.concurrent.CompletableFuture<ValidationPolicy> future = PRELOADED.getAndSet(null);
        if (future != null) {
            try {
                return future.join();
            } catch (RuntimeException e) {
                // loaded again below, where a failure is reported
            }
        }
        return defaultPolicy();
    }

    /**
     * DSS's {@code validateDocument(ValidationPolicy)}, except that the policy is asked for only once the
     * diagnostic data are built (most of the work), so that a policy loaded in the background has all that time.
     */
    private static final class DeferredPolicyValidator extends PDFDocumentValidator {

        DeferredPolicyValidator(eu.europa.esig.dss.model.DSSDocument document) {
            super(document);
        }

        /** Filled by {@link #validateDocument}: {@link LongTermShortfall}'s messages, by DSS signature id. */
        private Map<String, String> shortfalls = Map.of();

        Reports validateDocument(java.util.function.Supplier<ValidationPolicy> policy, CommonCertificateVerifier verifier) {
            assertConfigurationValid();
            eu.europa.esig.dss.diagnostic.jaxb.XmlDiagnosticData diagnosticData = getDiagnosticData();
            try {
                shortfalls = LongTermShortfall.of(getSignatures(), diagnosticData, verifier);
            } catch (RuntimeException e) {
                // an explanation only: the report stands without it
                LOG.debug("Cannot tell why DSS rates a signature B-T: {}", e.toString());
            }
            return processValidationPolicy(diagnosticData, policy.get());
        }
    }

    /** DSS's reports, and {@link LongTermShortfall}'s messages by DSS signature id. */
    private record DssRun(Reports reports, Map<String, String> shortfalls) {
    }

    /**
     * DSS's default validation policy, as {@code validateDocument()} loads it, but without checking DSS's own
     * bundled XML against its schema on every validation (compiling that schema was a quarter of a one-page
     * validation in a fresh process).
     */
    static ValidationPolicy defaultPolicy() {
        try (java.io.InputStream in = ValidationPolicyFacade.class.getResourceAsStream("/policy/constraint.xml")) {
            if (in == null) {
                throw new IllegalStateException("DSS's default validation policy /policy/constraint.xml is missing");
            }
            return new EtsiValidationPolicy(ValidationPolicyFacade.newFacade().unmarshall(in, false));
        } catch (java.io.IOException | jakarta.xml.bind.JAXBException | javax.xml.stream.XMLStreamException
                 | org.xml.sax.SAXException e) {
            throw new IllegalStateException("Cannot read DSS's default validation policy: " + e.getMessage(), e);
        }
    }

    private static long size(java.nio.file.Path file) {
        try {
            return java.nio.file.Files.size(file);
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    /** The file as {@link RevisionDiff} reads it: the bytes in memory, or the file through a channel. */
    private record Structure(PdfSyntax.Input input, java.nio.channels.FileChannel channel) implements AutoCloseable {
        static Structure open(byte[] bytes, java.nio.file.Path file) {
            if (bytes != null) {
                return new Structure(new PdfSyntax.ArrayInput(bytes), null);
            }
            try {
                java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file);
                return new Structure(new PdfSyntax.ChannelInput(channel), channel);
            } catch (java.io.IOException e) {
                throw new SignatureEngineException(ErrorCode.IO_ERROR, "Cannot read " + file + ": " + e,
                        "Check that the file exists and is readable.", e);
            }
        }

        @Override
        public void close() {
            if (channel != null) {
                try {
                    channel.close();
                } catch (java.io.IOException e) {
                    // read-only: nothing was lost
                }
            }
        }
    }

    private ValidationReport report(String name, String sha256, Instant at, SimpleReport simple,
                                    DiagnosticData diagnostic, Revisions revisions, PdfSyntax.Input input,
                                    List<RevisionDiff.SignatureDictionary> dictionaries, Diffs diffs,
                                    Map<List<Long>, String> leftOut, Map<String, String> shortfalls) {
        Map<String, XmlTimestamp> timestampResults = new HashMap<>();
        for (String id : simple.getSignatureIdList()) {
            simple.getSignatureTimestamps(id).forEach(t -> timestampResults.put(t.getId(), t));
        }
        List<RevisionDiff.SignatureDictionary> unreported = new ArrayList<>(dictionaries);
        List<SignatureValidation> results = new ArrayList<>();
        List<Long> ends = new ArrayList<>(); // where the revision of each entry of results ends, to order them
        for (String id : simple.getSignatureIdList()) {
            SignatureWrapper signature = diagnostic.getSignatureById(id);
            String format = formatName(simple.getSignatureFormat(id));
            List<Instant> tsTimes = simple.getSignatureTimestamps(id).stream()
                    .map(XmlTimestamp::getProductionTime).filter(d -> d != null).map(Date::toInstant).toList();
            List<String> warnings = new ArrayList<>(messages(simple.getAdESValidationWarnings(id)));
            if (shortfalls.containsKey(id)) {
                warnings.add(shortfalls.get(id));
            }
            List<String> modifications = List.of();
            if (signature != null) {
                modifications = modifications(signature.getPDFRevision(), signature.getSignatureByteRange(), revisions,
                        diffs, warnings);
                reported(unreported, signature.getSignatureByteRange(), signature.getPDFRevision());
            }
            ends.add(end(signature == null ? null : signature.getSignatureByteRange()));
            results.add(outcome(id, signature == null ? "" : firstFieldName(signature), false,
                    simple.getIndication(id), simple.getSubIndication(id), format,
                    nullToEmpty(simple.getSignedBy(id)),
                    signature == null || signature.getSigningCertificate() == null ? ""
                            : readable(signature.getSigningCertificate().getCertificateDN()),
                    instant(simple.getSigningTime(id)), instant(simple.getBestSignatureTime(id)), tsTimes,
                    String.valueOf(simple.getSignatureQualification(id)),
                    signature != null && isSandboxChain(signature.getCertificateChain()),
                    messages(simple.getAdESValidationErrors(id)), warnings,
                    signature == null ? List.of() : chain(signature.getCertificateChain()),
                    signature == null ? Optional.empty() : revocation(signature.getSigningCertificate()), modifications));
        }
        for (TimestampWrapper timestamp : diagnostic.getTimestampList()) {
            if (timestamp.getPDFRevision() == null) {
                continue; // a signature time-stamp inside a CMS, reported with its signature
            }
            String id = timestamp.getId();
            XmlTimestamp result = timestampResults.get(id);
            eu.europa.esig.dss.enumerations.Indication indication = result != null ? result.getIndication()
                    : simple.getIndication(id);
            SubIndication subIndication = result != null ? result.getSubIndication() : simple.getSubIndication(id);
            Date time = timestamp.getProductionTime();
            List<String> warnings = new ArrayList<>(result == null ? messages(simple.getAdESValidationWarnings(id))
                    : xmlMessages(result.getAdESValidationDetails(), false));
            List<String> modifications = modifications(timestamp.getPDFRevision(),
                    timestamp.getPDFRevision().getSignatureByteRange(), revisions, diffs, warnings);
            reported(unreported, timestamp.getPDFRevision().getSignatureByteRange(), timestamp.getPDFRevision());
            ends.add(end(timestamp.getPDFRevision().getSignatureByteRange()));
            results.add(outcome(id, timestamp.getPDFRevision().getFirstFieldName(), true, indication, subIndication,
                    "PAdES document time-stamp (" + timestamp.getType() + ")", 
                    timestamp.getSigningCertificate() == null ? "" : nullToEmpty(timestamp.getSigningCertificate().getCommonName()),
                    timestamp.getSigningCertificate() == null ? "" : readable(timestamp.getSigningCertificate().getCertificateDN()),
                    instant(time), instant(time), time == null ? List.of() : List.of(time.toInstant()),
                    result == null || result.getTimestampLevel() == null ? "NA" : String.valueOf(result.getTimestampLevel().getValue()),
                    isSandboxChain(timestamp.getCertificateChain()),
                    result == null ? messages(simple.getAdESValidationErrors(id)) : xmlMessages(result.getAdESValidationDetails(), true),
                    warnings, chain(timestamp.getCertificateChain()), revocation(timestamp.getSigningCertificate()),
                    modifications));
        }
        unreadable(unreported, results, ends, leftOut);
        List<String> documentWarnings = new ArrayList<>();
        String garbage = RevisionDiff.trailingGarbage(input);
        if (garbage != null) {
            documentWarnings.add(garbage);
        }
        CrossReferenceCheck.Inspection chain = CrossReferenceCheck.inspect(input);
        if (chain.contradiction()) {
            // e.g. an update that drops /Encrypt: DSS reads one document, other readers another
            documentWarnings.add("The document's revisions contradict each other: " + chain.damage().orElseThrow()
                    + "; what this report says of the signatures is PDFBox's reading, which other readers do not share");
        }
        return new ValidationReport(name, sha256, at, inRevisionOrder(results, ends), documentWarnings);
    }

    /**
     * @return the entries ordered by where the revision each one signs ends, so that the report reads as the
     * document's history (DSS lists signatures before document time-stamps, whatever their order); entries
     * without a usable /ByteRange come last, in the order found
     */
    private static List<SignatureValidation> inRevisionOrder(List<SignatureValidation> results, List<Long> ends) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            order.add(i);
        }
        order.sort(java.util.Comparator.comparing(ends::get)); // stable: ties keep the order found
        return order.stream().map(results::get).toList();
    }

    /** @return the end of the bytes a /ByteRange covers (its revision's end), or Long.MAX_VALUE without one */
    private static long end(List<BigInteger> byteRange) {
        return byteRange == null || byteRange.size() != 4 ? Long.MAX_VALUE
                : byteRange.get(2).longValue() + byteRange.get(3).longValue();
    }

    /**
     * Removes from {@code unreported} the one dictionary DSS reported with this byte range, or, when DSS gives no byte
     * range or no dictionary has it, one of the field DSS names whose own byte range could not be read or is DSS's.
     * Two signatures never share a byte range, but may share a field name: @signpdf's plain placeholder names its
     * field "Signature1" whatever the form holds, and a name match then hid the engine's own "Signature1" from the
     * report.
     */
    private static void reported(List<RevisionDiff.SignatureDictionary> unreported, List<BigInteger> byteRange,
                                 PDFRevisionWrapper revision) {
        List<Long> range = byteRange == null ? List.of() : byteRange.stream().map(BigInteger::longValue).toList();
        if (!range.isEmpty() && removeFirst(unreported, d -> d.byteRange().equals(range))) {
            return;
        }
        List<String> fields = revision == null || revision.getSignatureFieldNames() == null ? List.of() : revision.getSignatureFieldNames();
        removeFirst(unreported, d -> !d.field().isEmpty() && fields.contains(d.field())
                && (d.byteRange().isEmpty() || range.isEmpty()));
    }

    /**
     * Removes the first element that {@code match} accepts.
     *
     * @return whether there was one
     */
    private static <T> boolean removeFirst(List<T> list, java.util.function.Predicate<T> match) {
        for (java.util.Iterator<T> it = list.iterator(); it.hasNext(); ) {
            if (match.test(it.next())) {
                it.remove();
                return true;
            }
        }
        return false;
    }

    /**
     * Signature dictionaries present in the file that DSS did not report (it drops those whose CMS or
     * time-stamp token it cannot parse): each becomes a failed entry, and the signatures an unreadable
     * document time-stamp should have protected say that their protection stops short of it.
     */
    private static void unreadable(List<RevisionDiff.SignatureDictionary> unreported, List<SignatureValidation> results,
                                   List<Long> ends, Map<List<Long>, String> leftOut) {
        for (RevisionDiff.SignatureDictionary d : unreported) {
            String what = d.documentTimestamp() ? "document time-stamp" : "signature";
            String field = d.field().isEmpty() ? "an unnamed field" : "field '" + d.field() + "'";
            String cause = leftOut.get(d.byteRange());
            String error = cause != null ? "The " + what + " in " + field + " cannot be validated: DSS stops on it ("
                    + cause + "), so it was left out and the others were validated without it."
                    : "The " + what + " in " + field + " cannot be validated: its "
                    + (!d.inForm() ? "field is not in the document's form (/AcroForm /Fields), only among a page's "
                            + "annotations: a later revision took it out of the form, or wrote the form so that readers "
                            + "disagree on it, and a validator that reads the form (PDFBox and DSS do) does not see this "
                            + what + " at all"
                    : d.byteRange().isEmpty() ? "/ByteRange is missing or invalid"
                    : d.documentTimestamp() ? "time-stamp token cannot be read"
                    // ISO 32000-1 §12.8.3.2 (deprecated by ISO 32000-2): a bare RSA value and /Cert, no CMS
                    : SigningPipeline.Signature.BARE_RSA_SUB_FILTER.equals(d.subFilter()) ? "/SubFilter is adbe.x509.rsa_sha1 (a bare RSA "
                            + "signature value and its certificate, no CMS), which is no AdES format: this validation "
                            + "does not verify it (DSS leaves it out of its report)"
                    : "CMS signature cannot be read")
                    + ".";
            long end = d.byteRange().size() == 4 ? d.byteRange().get(2) + d.byteRange().get(3) : Long.MAX_VALUE;
            if (d.documentTimestamp()) {
                // only the signatures it would have covered: those whose revision ends before its own
                for (int i = 0; i < results.size(); i++) {
                    SignatureValidation s = results.get(i);
                    if (!s.documentTimestamp() && s.bestSignatureTime().isPresent() && ends.get(i) < end) {
                        results.set(i, withWarning(s, "The document time-stamp in " + field + " cannot be validated, so "
                                + "this signature's long-term protection stops before it (it reaches " + s.format()
                                + " only)."));
                    }
                }
            }
            ends.add(end);
            results.add(new SignatureValidation("UNREADABLE-" + (d.field().isEmpty() ? results.size() : d.field()),
                    d.field(), d.documentTimestamp(), Indication.TOTAL_FAILED,
                    Optional.of(SubIndication.FORMAT_FAILURE.name()), "unreadable", Optional.empty(), "", "",
                    Optional.empty(), Optional.empty(), List.of(), "NA", false, List.of(error), List.of(), List.of(),
                    "", List.of()));
        }
    }

    /**
     * Fails each signature whose certification or field lock a later revision breaks ({@link MdpCheck}): the
     * sub-indication names the rule, the errors name the rule and the revision.
     */
    private static ValidationReport enforceRules(ValidationReport report, Map<String, List<MdpCheck.Violation>> violations) {
        if (violations.isEmpty()) {
            return report;
        }
        List<SignatureValidation> signatures = new ArrayList<>();
        for (SignatureValidation s : report.signatures()) {
            List<MdpCheck.Violation> broken = violations.getOrDefault(s.fieldName(), List.of());
            if (broken.isEmpty()) {
                signatures.add(s);
                continue;
            }
            List<String> errors = new ArrayList<>(s.errors());
            broken.forEach(v -> errors.add(Character.toUpperCase(v.message().charAt(0)) + v.message().substring(1) + "."));
            signatures.add(s.toBuilder().indication(Indication.TOTAL_FAILED)
                    .subIndication(broken.get(0).subIndication()).errors(errors).build());
        }
        return new ValidationReport(report.documentName(), report.documentSha256(), report.validationTime(), signatures,
                report.warnings(), report.etsiXml(), report.detailedXml());
    }

    private static SignatureValidation withWarning(SignatureValidation s, String warning) {
        List<String> warnings = new ArrayList<>(s.warnings());
        warnings.add(warning);
        return s.toBuilder().warnings(warnings).build();
    }

    private boolean isLarge(java.nio.file.Path file) {
        try {
            return java.nio.file.Files.size(file) >= largeDocumentThreshold;
        } catch (java.io.IOException e) {
            return false; // readAllBytes reports the I/O error with the engine's error type
        }
    }

    private static byte[] head(java.nio.file.Path file) {
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
            return in.readNBytes(1024);
        } catch (java.io.IOException e) {
            throw new SignatureEngineException(ErrorCode.IO_ERROR, "Cannot read " + file + ": " + e,
                    "Check that the file exists and is readable.", e);
        }
    }

    private static SignatureValidation outcome(String id, String field, boolean documentTimestamp,
                                               eu.europa.esig.dss.enumerations.Indication dssIndication,
                                               SubIndication dssSub, String format, String signedBy, String subject,
                                               Optional<Instant> claimed, Optional<Instant> best, List<Instant> times,
                                               String qualification, boolean sandbox, List<String> errors,
                                               List<String> warnings, List<String> chain,
                                               Optional<SignatureValidation.Revocation> revocation,
                                               List<String> modifications) {
        Indication indication = indication(dssIndication);
        Optional<String> sub = sub(dssSub);
        if (!modifications.isEmpty() && indication != Indication.TOTAL_FAILED) {
            indication = Indication.TOTAL_FAILED;
            sub = Optional.of(SignatureValidation.MODIFIED_AFTER_SIGNING);
        }
        return new SignatureValidation(id, field, documentTimestamp, indication, sub, format, profile(format),
                signedBy, subject, claimed, best, times, qualification, sandbox, errors, warnings, chain,
                words(revocation), modifications, revocation);
    }

    /**
     * The changes after the revision a signature covers that are not legitimate later updates, decided by
     * {@link RevisionDiff} from the file's structure. DSS's own findings (object changes, rendered-page
     * differences) never decide: they are added to {@code warnings} for the reader.
     */
    private static List<String> modifications(PDFRevisionWrapper revision, List<BigInteger> byteRange,
                                              Revisions revisions, Diffs diffs, List<String> warnings) {
        if (byteRange == null || byteRange.size() != 4) {
            return List.of("the signature has no valid /ByteRange: what it covers cannot be established");
        }
        long end = byteRange.get(2).longValue() + byteRange.get(3).longValue();
        RevisionDiff.Outcome outcome = diffs.after(end);
        String where = revisions.describeAfter(byteRange);
        List<String> found = new ArrayList<>();
        outcome.modifications().forEach(m -> found.add(where + ": " + m));
        outcome.warnings().forEach(w -> warnings.add("After this signature: " + w));
        if (revision != null && !found.isEmpty()) {
            List<BigInteger> visual = revision.getPdfVisualDifferenceConcernedPages();
            if (!visual.isEmpty()) {
                warnings.add("DSS also finds the rendered content of page(s) " + visual + " changed");
            }
            if (found.stream().anyMatch(m -> m.contains("changed /" + SandboxMarker.MARKED_KEY.getName()))) {
                // Say who changed the pages: a sandbox engine countersigned and drew its mark on them.
                found.replaceAll(m -> m + " (a sandbox engine drew its SANDBOX mark on the pages after this signature)");
            }
        }
        return found;
    }

    private static List<String> xmlMessages(eu.europa.esig.dss.simplereport.jaxb.XmlDetails details, boolean errors) {
        if (details == null) {
            return List.of();
        }
        List<eu.europa.esig.dss.simplereport.jaxb.XmlMessage> list = errors ? details.getError() : details.getWarning();
        return list.stream().map(eu.europa.esig.dss.simplereport.jaxb.XmlMessage::getValue).toList();
    }

    private static List<String> chain(List<CertificateWrapper> certificates) {
        return certificates == null ? List.of() : certificates.stream().map(c -> readable(c.getCertificateDN())).toList();
    }

    /** The newest revocation entry DSS used for {@code certificate}; empty without a certificate. */
    static Optional<SignatureValidation.Revocation> revocation(CertificateWrapper certificate) {
        if (certificate == null) {
            return Optional.empty();
        }
        if (certificate.isTrusted()) {
            return Optional.of(SignatureValidation.Revocation.of(SignatureValidation.Revocation.Status.TRUST_ANCHOR,
                    null, null, null, null));
        }
        eu.europa.esig.dss.diagnostic.CertificateRevocationWrapper latest = null;
        for (eu.europa.esig.dss.diagnostic.CertificateRevocationWrapper r : certificate.getCertificateRevocationData()) {
            if (latest == null || (r.getProductionDate() != null && latest.getProductionDate() != null
                    && r.getProductionDate().after(latest.getProductionDate()))) {
                latest = r;
            }
        }
        if (latest == null) {
            return Optional.of(SignatureValidation.Revocation.of(SignatureValidation.Revocation.Status.NO_DATA,
                    null, null, null, null));
        }
        String source = String.valueOf(latest.getRevocationType());
        Instant produced = latest.getProductionDate() == null ? null : latest.getProductionDate().toInstant();
        if (latest.getStatus() != null && latest.getStatus().isRevoked()) {
            return Optional.of(SignatureValidation.Revocation.of(SignatureValidation.Revocation.Status.REVOKED, source,
                    produced, latest.getRevocationDate() == null ? null : latest.getRevocationDate().toInstant(),
                    latest.getReason() == null ? null : String.valueOf(latest.getReason())));
        }
        SignatureValidation.Revocation.Status status = latest.getStatus() != null && latest.getStatus().isGood()
                ? SignatureValidation.Revocation.Status.GOOD : SignatureValidation.Revocation.Status.UNKNOWN;
        return Optional.of(SignatureValidation.Revocation.of(status, source, produced, null, null));
    }

    /** {@code revocation} in words, as {@link SignatureValidation#revocationStatus()} gives it. */
    static String words(Optional<SignatureValidation.Revocation> revocation) {
        if (revocation.isEmpty()) {
            return "";
        }
        SignatureValidation.Revocation r = revocation.get();
        String source = r.source().orElse("?") + r.producedAt().map(t -> ", " + t).orElse("");
        return switch (r.status()) {
            case TRUST_ANCHOR -> "trust anchor (no revocation check)";
            case NO_DATA -> "no revocation data";
            case REVOKED -> "revoked" + r.revokedAt().map(t -> " since " + t).orElse("")
                    + r.reason().map(reason -> " (" + reason + ")").orElse("") + " (" + source + ")";
            case GOOD -> "good (" + source + ")";
            case UNKNOWN -> "unknown (" + source + ")";
        };
    }

    /** Re-renders an RFC 2253 DN with e-mail addresses spelled out instead of hex-encoded OIDs. */
    static String readable(String dn) {
        try {
            return new javax.security.auth.x500.X500Principal(dn).getName(javax.security.auth.x500.X500Principal.RFC2253,
                    java.util.Map.of("1.2.840.113549.1.9.1", "EMAILADDRESS", "2.5.4.97", "ORGANIZATIONIDENTIFIER",
                            "2.5.4.5", "SERIALNUMBER"));
        } catch (IllegalArgumentException e) {
            return dn;
        }
    }

    private static String firstFieldName(SignatureWrapper signature) {
        List<String> names = signature.getSignatureFieldNames();
        return names == null || names.isEmpty() ? "" : names.get(0);
    }

    private static boolean isSandboxChain(List<CertificateWrapper> chain) {
        for (CertificateWrapper certificate : chain) {
            if (certificate.getCertificatePoliciesOids().stream().anyMatch(o -> o.startsWith(SandboxPki.SANDBOX_POLICY_OID))
                    || certificate.getCertificateDN().toUpperCase(Locale.ROOT).contains("SANDBOX")) {
                return true;
            }
        }
        return false;
    }

    private static String formatName(eu.europa.esig.dss.enumerations.SignatureLevel level) {
        return level == null ? "" : level.toString();
    }

    private static Optional<PadesProfile> profile(String format) {
        String prefix = "PAdES-BASELINE-";
        if (format.startsWith(prefix)) {
            return Optional.of(PadesProfile.parse(format));
        }
        return Optional.empty();
    }

    private static Indication indication(eu.europa.esig.dss.enumerations.Indication indication) {
        if (indication == null) {
            return Indication.INDETERMINATE;
        }
        return switch (indication) {
            case TOTAL_PASSED, PASSED -> Indication.TOTAL_PASSED;
            case TOTAL_FAILED, FAILED -> Indication.TOTAL_FAILED;
            default -> Indication.INDETERMINATE;
        };
    }

    private static Optional<String> sub(SubIndication subIndication) {
        return subIndication == null ? Optional.empty() : Optional.of(subIndication.name());
    }

    private static Optional<Instant> instant(Date date) {
        return date == null ? Optional.empty() : Optional.of(date.toInstant());
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    private static List<String> messages(List<Message> messages) {
        return messages == null ? List.of() : messages.stream().map(Message::getValue).toList();
    }
}
