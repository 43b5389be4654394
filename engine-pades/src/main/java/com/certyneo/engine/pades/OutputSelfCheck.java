package com.certyneo.engine.pades;

import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignatureEngineException;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSInteger;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSObject;
import org.apache.pdfbox.cos.COSObjectKey;
import org.apache.pdfbox.cos.COSString;
import org.apache.pdfbox.io.RandomAccessReadBufferedFile;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.interactive.form.PDAcroForm;
import org.apache.pdfbox.pdmodel.interactive.form.PDField;
import org.apache.pdfbox.pdmodel.interactive.form.PDSignatureField;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1InputStream;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.SignedData;
import org.bouncycastle.asn1.ess.ESSCertIDv2;
import org.bouncycastle.asn1.ess.SigningCertificateV2;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.IssuerSerial;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.tsp.TimeStampToken;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The engine's last look at what it produced, before the output is moved into place or handed to the
 * caller: a quick structural and cryptographic check of what the operation just added, without a full
 * DSS validation (no path building, no revocation checking, no policy). A failure is
 * {@link ErrorCode#SIGNING_FAILED} naming the check, and the caller writes nothing.
 *
 * <p>What is new is what lies after the input the operation was given (its length): the signature and
 * document time-stamp dictionaries whose objects are written past it. Checked:
 * <ul>
 *   <li>each new signature or document time-stamp dictionary: {@code /ByteRange} is {@code [0 a b c]}
 *   with {@code 0 < a < b}, ends at the end of a revision ({@code %%EOF}), and the gap holds exactly
 *   {@code <hex>} of its {@code /Contents}, whose DER is followed by zero padding only;</li>
 *   <li>a new signature ({@code ETSI.CAdES.detached}): one detached SignerInfo, the messageDigest
 *   attribute equals the digest of the byte range, the signature verifies with the CMS certificate that
 *   matches the SignerInfo's sid (or is byte for byte the value, signed attributes and certificate the signing
 *   step verified already, see {@link #knowing}), which is the expected signing certificate and is bound by a
 *   matching signing-certificate-v2 attribute; from B-T a signature-time-stamp whose imprint is the digest of
 *   the signature value and whose token verifies; B-B and B-T end the file, B-LT and B-LTA are followed
 *   by the validation data;</li>
 *   <li>a new document time-stamp ({@code /DocTimeStamp}, {@code ETSI.RFC3161}): its token's imprint is
 *   the digest of its byte range and its signature verifies;</li>
 *   <li>the profile: from B-LT a {@code /DSS} in the catalog with {@code /Certs}, and {@code /OCSPs} or
 *   {@code /CRLs} unless every signing certificate concerned is self-signed or a trust anchor (those need
 *   no revocation data, and DSS writes none); at B-LTA a final document time-stamp that ends the file and
 *   covers the {@code /DSS}. An extension checks the profile of every signature of the document (a
 *   signature-time-stamp or a later document time-stamp from B-T).</li>
 * </ul>
 * Byte ranges are hashed in one streaming pass over a file, so a large output is never loaded into the
 * heap; PDFBox reads only the cross-reference data and the few objects involved. Given the SHA-256 states of the
 * output's first bytes that the signing pass took while it copied them ({@link #knowing(Optional, PrefixDigests)}:
 * an incremental update leaves them as they were), the byte ranges and fingerprints go on from those states and
 * only what follows them is read and hashed here; the in-memory check still compares the whole prefix byte for
 * byte with the input.
 */
final class OutputSelfCheck {

    /** What the operation added. */
    enum Added {
        /** A signature ({@code sign}, two-step {@code complete}). */
        SIGNATURE,
        /** Validation data and/or document time-stamps for the existing signatures ({@code extend}). */
        EXTENSION,
        /** A document time-stamp ({@code timestamp}). */
        DOCUMENT_TIMESTAMP
    }

    /**
     * BouncyCastle, for the signatures the JDK's providers do not confirm (see {@link #verifies}): DSS's instance,
     * built on first use. Building a provider registers thousands of algorithms (a tenth of a one-page signature in
     * a fresh JVM), and SunEC and SunRsaSign verify every key the engine signs with. Certificates are handed to it as
     * JDK certificates ({@link #jdk}): given certificate holders, it would convert them with its own certificate
     * factory, which builds yet another provider.
     */
    private static final class BouncyCastle {
        static final Provider PROVIDER = eu.europa.esig.dss.spi.DSSSecurityProvider.getSecurityProvider();
    }

    private static final COSName DOC_TIME_STAMP = COSName.getPDFName("DocTimeStamp");
    private static final COSName DSS = COSName.getPDFName("DSS");
    private static final COSName CERTS = COSName.getPDFName("Certs");
    private static final COSName OCSPS = COSName.getPDFName("OCSPs");
    private static final COSName CRLS = COSName.getPDFName("CRLs");
    private static final String CADES = "ETSI.CAdES.detached";
    private static final String RFC3161 = "ETSI.RFC3161";
    private static final String FAULT = "Nothing was written. This is a fault of the engine or of a provider it calls; "
            + "report it with the document and the engine configuration.";

    private final Added added;
    private final PadesProfile profile;
    private final X509Certificate signer;
    private final Set<String> anchors;
    private final SignatureValues.Verified verified;
    private final PrefixDigests prefixes;
    private final IntactChainParser.Prefix chain;

    private OutputSelfCheck(Added added, PadesProfile profile, X509Certificate signer, Collection<X509Certificate> anchors) {
        this(added, profile, signer, anchors.stream().map(OutputSelfCheck::fingerprint).collect(Collectors.toUnmodifiableSet()),
                null, PrefixDigests.none(), null);
    }

    private OutputSelfCheck(Added added, PadesProfile profile, X509Certificate signer, Set<String> anchors,
                            SignatureValues.Verified verified, PrefixDigests prefixes, IntactChainParser.Prefix chain) {
        this.added = added;
        this.profile = profile;
        this.signer = signer;
        this.anchors = anchors;
        this.verified = verified;
        this.prefixes = prefixes;
        this.chain = chain;
    }

    /**
     * This check, knowing a signature value the signing step verified already ({@link SigningPipeline.Signed#verified}):
     * when the new signature's SignerInfo holds exactly those bytes (value, signed attributes, certificate), its
     * signature value is not verified a second time; every other check runs as before.
     */
    OutputSelfCheck knowing(Optional<SignatureValues.Verified> value) {
        return value.isEmpty() ? this : new OutputSelfCheck(added, profile, signer, anchors, value.get(), prefixes, chain);
    }

    /**
     * This check, knowing also the SHA-256 states of the output's first bytes that the signing pass took
     * ({@link SigningPipeline.Signed#prefixes}): a SHA-256 byte range or fingerprint goes on from the longest of them
     * it covers, instead of reading and hashing those bytes again.
     */
    OutputSelfCheck knowing(Optional<SignatureValues.Verified> value, PrefixDigests prefixes) {
        return new OutputSelfCheck(added, profile, signer, anchors, value.orElse(null), Objects.requireNonNull(prefixes),
                chain);
    }

    /**
     * This check, knowing also what PDFBox's load of the document signed resolved of its cross-reference chain
     * ({@link SigningPipeline.Signed#chain}): {@link #verify(byte[], int, byte[], String, long...)}, which checks that
     * the output begins with that document byte for byte, then reloads the output parsing only the sections after
     * it ({@link IntactChainParser.Prefix}). Other checks read the whole chain.
     */
    OutputSelfCheck knowingChain(Optional<IntactChainParser.Prefix> known) {
        return new OutputSelfCheck(added, profile, signer, anchors, verified, prefixes, known.orElse(null));
    }

    /**
     * @param profile the profile the new signature must have
     * @param signer the certificate it must be made with
     * @param trustAnchors the engine's trust anchors (a signing certificate among them needs no revocation data)
     */
    static OutputSelfCheck signature(PadesProfile profile, X509Certificate signer, Collection<X509Certificate> trustAnchors) {
        return new OutputSelfCheck(Added.SIGNATURE, Objects.requireNonNull(profile), Objects.requireNonNull(signer),
                trustAnchors);
    }

    /** @param profile the profile every signature of the document must have after the extension */
    static OutputSelfCheck extension(PadesProfile profile, Collection<X509Certificate> trustAnchors) {
        return new OutputSelfCheck(Added.EXTENSION, Objects.requireNonNull(profile), null, trustAnchors);
    }

    /** A document time-stamp over the whole document. */
    static OutputSelfCheck documentTimestamp() {
        return new OutputSelfCheck(Added.DOCUMENT_TIMESTAMP, null, null, List.of());
    }

    /**
     * @param pdf the output
     * @param inputLength the length of the document the operation appended to (prepared input)
     * @param name the document name, for messages
     * @throws SignatureEngineException with {@link ErrorCode#SIGNING_FAILED} naming the failed check
     */
    void verify(byte[] pdf, long inputLength, String name) {
        Objects.requireNonNull(pdf, "pdf");
        run(new ArrayBytes(pdf, pdf.length, null, null), inputLength, name);
    }

    /**
     * SHA-256 fingerprints of an output and of some of its prefixes, computed by {@link #verify(byte[], byte[], String,
     * long...)} in its own pass over the output.
     *
     * @param output   the SHA-256 (hex) of the whole output
     * @param prefixes the SHA-256 (hex) of the output's first {@code n} bytes, by {@code n}
     * @param chain    what the check's strict load of an output in memory resolved of its cross-reference chain,
     *                 when it read it strictly ({@link IntactChainParser#prefix}): a later operation on exactly this
     *                 output can load it from that
     */
    record Fingerprints(String output, Map<Long, String> prefixes, Optional<IntactChainParser.Prefix> chain) {
        Fingerprints(String output, Map<Long, String> prefixes) {
            this(output, prefixes, Optional.empty());
        }

        Fingerprints withChain(IntactChainParser.Prefix read) {
            return new Fingerprints(output, prefixes, Optional.ofNullable(read));
        }

        /** @return the SHA-256 (hex) of the output's first {@code length} bytes (a prefix that was asked for) */
        String prefix(long length) {
            return Objects.requireNonNull(prefixes.get(length), "no fingerprint of the first " + length + " bytes");
        }
    }

    /**
     * {@link #verify(byte[], long, String)} of an output that must begin with {@code prepared}, byte for byte (an
     * incremental update changes nothing before its first new byte: earlier signatures depend on it), and the SHA-256
     * of the output and of its first {@code n} bytes for each {@code n} of {@code prefixes}. The fingerprints come from
     * the check's own pass over the output: the digest of the first signature or time-stamp byte range is taken at
     * each prefix length and, for the whole output, at the start of its {@code /Contents} gap, so they cost no pass of
     * their own. With the prefix check, the fingerprint of the first {@code prepared.length} bytes is that of
     * {@code prepared}.
     *
     * @param prefixes prefix lengths, each at most {@code prepared.length}
     */
    Fingerprints verify(byte[] pdf, byte[] prepared, String name, long... prefixes) {
        return verify(pdf, pdf.length, prepared, name, prefixes);
    }

    /** As {@link #verify(byte[], byte[], String, long...)} of the output {@code pdf[0, length)}. */
    Fingerprints verify(byte[] pdf, int length, byte[] prepared, String name, long... prefixes) {
        Objects.requireNonNull(pdf, "pdf");
        Objects.checkFromIndexSize(0, length, pdf.length);
        for (long n : prefixes) {
            if (n < 0 || n > prepared.length) {
                throw new IllegalArgumentException("prefix " + n + " is not within the input (" + prepared.length + " bytes)");
            }
        }
        if (length < prepared.length || !Arrays.equals(pdf, 0, prepared.length, prepared, 0, prepared.length)) {
            long at = length < prepared.length ? length
                    : Arrays.mismatch(pdf, 0, prepared.length, prepared, 0, prepared.length);
            throw new Failures(name).fail("new revision", "the output does not begin with its input: byte " + at
                    + " differs (an incremental update changes nothing before its first new byte)", FAULT);
        }
        // the output begins with prepared: a known chain of prepared is the output's first sections
        IntactChainParser.Prefix known = chain != null && chain.length() == prepared.length ? chain : null;
        if (knowsAll(prefixes)) {
            return fingerprinted(new ArrayBytes(pdf, length, null, known), length, prepared.length, name, prefixes);
        }
        ArrayBytes bytes = new ArrayBytes(pdf, length, new Fingerprinting(prefixes), known);
        IntactChainParser.Prefix read = run(bytes, prepared.length, name, List.of());
        return bytes.fingerprinting.result(pdf, length).withChain(read);
    }

    /** Whether every one of {@code lengths} is a known prefix ({@link #knowing(Optional, PrefixDigests)}). */
    private boolean knowsAll(long[] lengths) {
        return !prefixes.isEmpty() && Arrays.stream(lengths).allMatch(prefixes::knows);
    }

    /**
     * {@link #run} with the SHA-256 of the whole output and of its first {@code n} bytes for each of
     * {@code prefixLengths} filled in the same pass as the byte ranges (each goes on from a known prefix when there
     * is one, see {@link #knowing(Optional, PrefixDigests)}: a known prefix's own fingerprint then reads nothing).
     */
    private Fingerprints fingerprinted(Bytes bytes, long length, long inputLength, String name, long[] prefixLengths) {
        RangeDigest whole = prefix(length);
        Map<Long, RangeDigest> wanted = new java.util.TreeMap<>();
        for (long n : prefixLengths) {
            wanted.put(n, prefix(n));
        }
        List<RangeDigest> extra = new ArrayList<>(wanted.values());
        extra.add(whole);
        IntactChainParser.Prefix read = run(bytes, inputLength, name, extra);
        Map<Long, String> taken = new java.util.TreeMap<>();
        wanted.forEach((n, d) -> taken.put(n, HexFormat.of().formatHex(d.result)));
        return new Fingerprints(HexFormat.of().formatHex(whole.result), Map.copyOf(taken), Optional.ofNullable(read));
    }

    /** A SHA-256 of the output's first {@code length} bytes, as a byte range {@code [0 length length 0]}. */
    private static RangeDigest prefix(long length) {
        return new RangeDigest(Digests.sha256(), new ByteRange(length, length, 0));
    }

    /** As {@link #verify(byte[], long, String)} for an output file, read streaming. */
    void verify(Path pdf, long inputLength, String name) {
        try (FileChannel channel = FileChannel.open(pdf)) {
            run(new FileBytes(pdf, channel), inputLength, name);
        } catch (IOException e) {
            throw new SignatureEngineException(ErrorCode.SIGNING_FAILED, "Self-check of the output for '" + name
                    + "' failed (readable output): cannot read " + pdf + ": " + e.getMessage(), FAULT, e);
        }
    }

    /**
     * As {@link #verify(Path, long, String)}, also giving the SHA-256 of the output and of its first {@code n} bytes for
     * each of {@code prefixLengths}, hashed in the check's own pass over the file (from the known prefixes on, see
     * {@link #knowing(Optional, PrefixDigests)}).
     */
    Fingerprints verify(Path pdf, long inputLength, String name, long... prefixLengths) {
        try (FileChannel channel = FileChannel.open(pdf)) {
            return fingerprinted(new FileBytes(pdf, channel), channel.size(), inputLength, name, prefixLengths);
        } catch (IOException e) {
            throw new SignatureEngineException(ErrorCode.SIGNING_FAILED, "Self-check of the output for '" + name
                    + "' failed (readable output): cannot read " + pdf + ": " + e.getMessage(), FAULT, e);
        }
    }

    // ------------------------------------------------------------------------------------------------

    private void run(Bytes bytes, long inputLength, String name) {
        run(bytes, inputLength, name, List.of());
    }

    /**
     * @param extra digests to fill in the same pass as the byte ranges (fingerprints of the output and its prefixes)
     * @return what the load of an output in memory resolved of its chain ({@link Fingerprints#chain}), or null
     */
    private IntactChainParser.Prefix run(Bytes bytes, long inputLength, String name, List<RangeDigest> extra) {
        Failures failures = new Failures(name);
        try (PDDocument document = bytes.load()) {
            // a signature's output in memory (its input's chain known): what a later signature of it can load from
            IntactChainParser.Prefix read = bytes instanceof ArrayBytes a && a.known() != null
                    ? IntactChainParser.prefix(document) : null;
            check(document, bytes, inputLength, failures, extra);
            return read;
        } catch (SignatureEngineException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw failures.fail("readable output", "the output cannot be parsed back: " + e, FAULT, e);
        }
    }

    private void check(PDDocument document, Bytes bytes, long inputLength, Failures failures, List<RangeDigest> extra)
            throws IOException {
        long length = bytes.length();
        if (length <= inputLength && added != Added.EXTENSION) {
            throw failures.fail("new revision", "the output (" + length + " bytes) is not longer than its input ("
                    + inputLength + " bytes): nothing was appended", FAULT);
        }
        Map<COSObjectKey, Long> xref = document.getDocument().getXrefTable();
        List<SignatureDictionary> all = signatureDictionaries(document, xref, inputLength, added == Added.EXTENSION);
        List<SignatureDictionary> newSignatures = all.stream().filter(s -> s.isNew && !s.isDocumentTimestamp()).toList();
        List<SignatureDictionary> newTimestamps = all.stream().filter(s -> s.isNew && s.isDocumentTimestamp()).toList();

        // Structure of everything new: byte range, contents in the gap, sub-filter.
        for (SignatureDictionary s : all) {
            if (s.isNew) {
                checkDictionary(s, bytes, failures);
            }
        }

        // What this operation must have added, and nothing else.
        SignatureDictionary signature = null;
        if (added == Added.SIGNATURE) {
            if (newSignatures.size() != 1) {
                throw failures.fail("new signature", "expected exactly one new signature dictionary after byte "
                        + inputLength + " and found " + newSignatures.size(), FAULT);
            }
            signature = newSignatures.get(0);
        } else if (!newSignatures.isEmpty()) {
            throw failures.fail("new signature", (added == Added.EXTENSION ? "an extension" : "a document time-stamp")
                    + " added a signature (field " + newSignatures.get(0).field + ")", FAULT);
        }
        SignatureDictionary finalTimestamp = null;
        if (added == Added.DOCUMENT_TIMESTAMP || profile == PadesProfile.B_LTA) {
            finalTimestamp = newTimestamps.stream().filter(t -> t.byteRange != null && t.byteRange.end() == length)
                    .findFirst().orElse(null);
            if (finalTimestamp == null) {
                throw failures.fail("document time-stamp", (added == Added.DOCUMENT_TIMESTAMP ? "a document time-stamp"
                        : "profile B-LTA") + " needs a new document time-stamp (/Type /DocTimeStamp, /SubFilter /ETSI.RFC3161)"
                        + " that ends the file, and there is none", FAULT);
            }
        }

        if (signature != null) {
            boolean followed = profile.needsRevocationData();
            if (!followed && signature.byteRange.end() != length) {
                throw failures.fail("byte range", "the " + profile + " signature in field " + signature.field
                        + " must end the file (" + length + " bytes) and its /ByteRange ends at " + signature.byteRange.end(),
                        FAULT);
            }
            if (followed && signature.byteRange.end() == length) {
                throw failures.fail("DSS", "the " + profile + " signature in field " + signature.field
                        + " ends the file: the validation data (/DSS revision) that must follow it is missing", FAULT);
            }
        }

        // Parse every CMS that matters, then hash all their byte ranges in one pass.
        List<RangeDigest> digests = new ArrayList<>();
        ParsedSignature parsedSignature = null;
        if (signature != null) {
            parsedSignature = parseSignature(signature, failures);
            digests.add(parsedSignature.rangeDigest);
        }
        List<ParsedTimestamp> timestamps = new ArrayList<>();
        for (SignatureDictionary t : newTimestamps) {
            ParsedTimestamp parsed = parseTimestamp(t, failures);
            timestamps.add(parsed);
            digests.add(parsed.rangeDigest);
        }
        digests.addAll(extra);
        for (RangeDigest d : digests) {
            if (isSha256(d.digest)) {
                prefixes.longestWithin(d.range.a()).ifPresent(known -> d.continueFrom(known.getKey(), known.getValue()));
            }
        }
        bytes.digest(digests);

        if (parsedSignature != null) {
            checkSignature(parsedSignature, failures);
        }
        for (ParsedTimestamp t : timestamps) {
            checkTimestamp(t, failures);
        }

        // The profile the operation claims.
        if (added == Added.SIGNATURE && profile.needsTimestamp()) {
            checkSignatureTimestamp(parsedSignature, failures);
        }
        if (added == Added.EXTENSION) {
            checkExtendedSignatures(all, failures);
        }
        if (profile != null && profile.needsRevocationData()) {
            List<X509CertificateHolder> signers = added == Added.SIGNATURE ? List.of(parsedSignature.certificate)
                    : extendedSigners(all, failures);
            checkDss(document, xref, signers, signature, finalTimestamp, failures);
        }
    }

    // ----- signature dictionaries --------------------------------------------------------------------

    private record ByteRange(long a, long b, long c) {
        long end() {
            return b + c;
        }

        @Override
        public String toString() {
            return "[0 " + a + " " + b + " " + c + "]";
        }
    }

    private static final class SignatureDictionary {
        final String field;
        final COSDictionary dictionary;
        final boolean isNew;
        final ByteRange byteRange; // null when malformed
        final String byteRangeProblem;

        SignatureDictionary(String field, COSDictionary dictionary, boolean isNew, ByteRange byteRange, String problem) {
            this.field = field;
            this.dictionary = dictionary;
            this.isNew = isNew;
            this.byteRange = byteRange;
            this.byteRangeProblem = problem;
        }

        boolean isDocumentTimestamp() {
            return DOC_TIME_STAMP.equals(dictionary.getCOSName(COSName.TYPE))
                    || RFC3161.equals(dictionary.getNameAsString(COSName.SUB_FILTER));
        }

        /**
         * Whether /Contents is a bare PKCS#1 signature value, its certificate in /Cert (/SubFilter adbe.x509.rsa_sha1,
         * ISO 32000-1 §12.8.3.2, which OpenPDF and iText 2 still write): no CMS, so nothing an extension can add
         * a time-stamp or validation data to; the engine leaves such a signature as it is and names it.
         */
        boolean isX509RsaSha1() {
            return SigningPipeline.Signature.BARE_RSA_SUB_FILTER.equals(dictionary.getNameAsString(COSName.SUB_FILTER));
        }

        String what() {
            return (isDocumentTimestamp() ? "document time-stamp" : "signature") + " in field " + field;
        }
    }

    /**
     * @param withEarlier whether the earlier signatures' dictionaries are read too (an extension checks them); when
     *                    not, a signature dictionary that the cross-reference table places in the input is skipped
     *                    without being parsed, and so is a top-level signed field that the load of the input found
     *                    with such a value and that is still the object it read ({@link
     *                    IntactChainParser#signedFieldValue}), so the check costs the same however many signatures came
     *                    before
     */
    private static List<SignatureDictionary> signatureDictionaries(PDDocument document, Map<COSObjectKey, Long> xref,
                                                                   long inputLength, boolean withEarlier) {
        List<SignatureDictionary> result = new ArrayList<>();
        PDAcroForm form = document.getDocumentCatalog().getAcroForm(null); // no fix-ups: read what is there
        if (form == null) {
            return result;
        }
        for (PDField field : fieldTree(document, form, xref, inputLength, withEarlier)) {
            if (!(field instanceof PDSignatureField)) {
                continue;
            }
            COSBase item = field.getCOSObject().getItem(COSName.V);
            if (!withEarlier && item instanceof COSObject indirect && indirect.getKey() != null) {
                Long at = xref.get(indirect.getKey());
                if (at != null && at >= 0 && at < inputLength) {
                    continue; // an earlier signature, not parsed (its /Contents is the bulk of it)
                }
            }
            COSBase value = field.getCOSObject().getDictionaryObject(COSName.V);
            if (!(value instanceof COSDictionary dictionary)) {
                continue; // an empty signature field
            }
            COSObjectKey key = item instanceof COSObject indirect ? indirect.getKey() : dictionary.getKey();
            if (key == null) {
                key = field.getCOSObject().getKey(); // a direct signature dictionary lives in its field
            }
            long offset = offset(xref, key);
            ByteRange range = null;
            String problem = null;
            COSArray array = dictionary.getCOSArray(COSName.BYTERANGE);
            if (array == null) {
                problem = "there is no /ByteRange array";
            } else if (array.size() != 4) {
                problem = "/ByteRange has " + array.size() + " elements instead of 4";
            } else {
                long[] v = new long[4];
                for (int i = 0; i < 4 && problem == null; i++) {
                    if (array.getObject(i) instanceof COSInteger integer && integer.longValue() >= 0) {
                        v[i] = integer.longValue();
                    } else {
                        problem = "/ByteRange element " + i + " is not a non-negative integer";
                    }
                }
                if (problem == null && v[0] != 0) {
                    problem = "/ByteRange does not start at 0";
                } else if (problem == null && !(v[1] > 0 && v[1] < v[2])) {
                    problem = "/ByteRange " + Arrays.toString(v) + " does not have 0 < a < b";
                } else if (problem == null) {
                    range = new ByteRange(v[1], v[2], v[3]);
                }
            }
            boolean isNew = offset >= 0 ? offset >= inputLength : range == null || range.a() >= inputLength;
            result.add(new SignatureDictionary(field.getFullyQualifiedName(), dictionary, isNew, range, problem));
        }
        return result;
    }

    /**
     * The form's fields as {@code PDFieldTree} lists them (each top-level field, then the fields below it, a field met
     * twice taken once), but for the top-level signed fields of the input that {@link #signatureDictionaries} skips
     * unless {@code withEarlier}: those are left unparsed (at the 30th signature of a document, parsing the 29 earlier
     * fields was a seventh of the self-check).
     */
    private static List<PDField> fieldTree(PDDocument document, PDAcroForm form, Map<COSObjectKey, Long> xref,
                                           long inputLength, boolean withEarlier) {
        COSArray fields = form.getCOSObject().getCOSArray(COSName.FIELDS);
        List<PDField> tree = new ArrayList<>();
        if (fields == null) {
            return tree;
        }
        java.util.Set<COSDictionary> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (int i = 0; i < fields.size(); i++) {
            if (!withEarlier && fields.get(i) instanceof COSObject reference && reference.getKey() != null) {
                COSObjectKey value = IntactChainParser.signedFieldValue(document, reference.getKey());
                Long at = value == null ? null : xref.get(value);
                if (at != null && at >= 0 && at < inputLength) {
                    continue; // the input's field, unchanged, with the input's signature: skipped below anyway
                }
            }
            if (fields.getObject(i) instanceof COSDictionary dictionary) {
                PDField field = org.apache.pdfbox.pdmodel.interactive.form.PDFieldFactory.createField(form, dictionary, null);
                if (field != null) {
                    addWithKids(field, tree, seen);
                }
            }
        }
        return tree;
    }

    private static void addWithKids(PDField field, List<PDField> tree, java.util.Set<COSDictionary> seen) {
        tree.add(field);
        seen.add(field.getCOSObject());
        if (field instanceof org.apache.pdfbox.pdmodel.interactive.form.PDNonTerminalField parent) {
            for (PDField kid : parent.getChildren()) {
                if (!seen.contains(kid.getCOSObject())) {
                    addWithKids(kid, tree, seen);
                }
            }
        }
    }

    /** @return the file offset of an object (of its object stream when compressed), or -1 when unknown */
    private static long offset(Map<COSObjectKey, Long> xref, COSObjectKey key) {
        if (key == null) {
            return -1;
        }
        Long offset = xref.get(key);
        if (offset == null) {
            return -1;
        }
        if (offset < 0) { // compressed: the (negated) number of its object stream
            Long stream = xref.get(new COSObjectKey(-offset, 0));
            return stream == null || stream < 0 ? -1 : stream;
        }
        return offset;
    }

    private void checkDictionary(SignatureDictionary s, Bytes bytes, Failures failures) throws IOException {
        if (s.byteRange == null) {
            throw failures.fail("byte range", "the " + s.what() + ": " + s.byteRangeProblem, FAULT);
        }
        ByteRange r = s.byteRange;
        long length = bytes.length();
        if (r.end() > length) {
            throw failures.fail("byte range", "the /ByteRange " + r + " of the " + s.what() + " ends at " + r.end()
                    + ", past the end of the file (" + length + " bytes)", FAULT);
        }
        // The range ends where a revision ends: %%EOF and its end-of-line.
        int tail = (int) Math.min(r.end(), 16);
        String end = new String(bytes.read(r.end() - tail, tail), StandardCharsets.ISO_8859_1).replaceAll("[\\r\\n]+$", "");
        if (!end.endsWith("%%EOF")) {
            throw failures.fail("byte range", "the /ByteRange " + r + " of the " + s.what()
                    + " does not end at the end of a revision (%%EOF)", FAULT);
        }
        // The gap holds exactly <hex of /Contents>.
        long gap = r.b() - r.a();
        if (gap > Integer.MAX_VALUE || gap < 2) {
            throw failures.fail("byte range", "the gap of the /ByteRange " + r + " of the " + s.what() + " is " + gap
                    + " bytes", FAULT);
        }
        byte[] raw = bytes.read(r.a(), (int) gap);
        if (raw[0] != '<' || raw[raw.length - 1] != '>' || (raw.length - 2) % 2 != 0) {
            throw failures.fail("byte range", "the gap of the /ByteRange " + r + " of the " + s.what()
                    + " is not a hexadecimal string <...>", FAULT);
        }
        byte[] decoded;
        try {
            decoded = HexFormat.of().parseHex(new String(raw, 1, raw.length - 2, StandardCharsets.ISO_8859_1));
        } catch (IllegalArgumentException e) {
            throw failures.fail("byte range", "the gap of the /ByteRange " + r + " of the " + s.what()
                    + " holds something other than hexadecimal digits", FAULT);
        }
        if (!(s.dictionary.getDictionaryObject(COSName.CONTENTS) instanceof COSString contents)
                || !Arrays.equals(contents.getBytes(), decoded)) {
            throw failures.fail("byte range", "the gap of the /ByteRange " + r + " of the " + s.what()
                    + " does not hold the dictionary's /Contents", FAULT);
        }
        String subFilter = s.dictionary.getNameAsString(COSName.SUB_FILTER);
        if (s.isDocumentTimestamp()) {
            if (!DOC_TIME_STAMP.equals(s.dictionary.getCOSName(COSName.TYPE)) || !RFC3161.equals(subFilter)) {
                throw failures.fail("document time-stamp", "the " + s.what() + " is not /Type /DocTimeStamp with "
                        + "/SubFilter /ETSI.RFC3161 (/SubFilter " + subFilter + ")", FAULT);
            }
        } else if (!CADES.equals(subFilter)) {
            throw failures.fail("sub-filter", "the " + s.what() + " has /SubFilter /" + subFilter + " and a PAdES "
                    + "baseline signature needs /ETSI.CAdES.detached", FAULT);
        }
    }

    // ----- CMS ---------------------------------------------------------------------------------------

    /** The CMS in /Contents, which must be followed by zero padding only when it is new. */
    private static ContentInfo contentInfo(SignatureDictionary s, Failures failures) {
        byte[] contents = ((COSString) s.dictionary.getDictionaryObject(COSName.CONTENTS)).getBytes();
        ByteArrayInputStream source = new ByteArrayInputStream(contents);
        try (ASN1InputStream in = new ASN1InputStream(source, contents.length)) {
            ASN1Primitive first = in.readObject();
            if (first == null) {
                throw new IOException("/Contents is empty");
            }
            int used = contents.length - source.available();
            for (int i = used; s.isNew && i < contents.length; i++) {
                if (contents[i] != 0) {
                    throw new IOException("non-zero bytes follow the CMS at offset " + i + " of /Contents");
                }
            }
            ContentInfo info = ContentInfo.getInstance(first);
            if (!CMSObjectIdentifiers.signedData.equals(info.getContentType())) {
                throw new IOException("the content type is " + info.getContentType() + ", not signedData");
            }
            return info;
        } catch (IOException | RuntimeException e) {
            throw failures.fail("CMS structure", "the /Contents of the " + s.what() + " is not a CMS SignedData: "
                    + e.getMessage(), FAULT, e);
        }
    }

    private record ParsedSignature(SignatureDictionary dictionary, ContentInfo contentInfo, SignerInformation signer,
                                   X509CertificateHolder certificate, RangeDigest rangeDigest) {
    }

    private ParsedSignature parseSignature(SignatureDictionary s, Failures failures) {
        ContentInfo info = contentInfo(s, failures);
        CMSSignedData cms;
        try {
            cms = new CMSSignedData(info);
            if (SignedData.getInstance(info.getContent()).getEncapContentInfo().getContent() != null) {
                throw failures.fail("CMS structure", "the CMS of the " + s.what() + " encapsulates content instead of "
                        + "being detached", FAULT);
            }
        } catch (SignatureEngineException e) {
            throw e;
        } catch (Exception e) {
            throw failures.fail("CMS structure", "the CMS of the " + s.what() + " cannot be read: " + e.getMessage(), FAULT, e);
        }
        Collection<SignerInformation> signers = cms.getSignerInfos().getSigners();
        if (signers.size() != 1) {
            throw failures.fail("CMS structure", "the CMS of the " + s.what() + " has " + signers.size()
                    + " SignerInfos instead of exactly one", FAULT);
        }
        SignerInformation signerInfo = signers.iterator().next();
        @SuppressWarnings("unchecked")
        Collection<X509CertificateHolder> matches = cms.getCertificates().getMatches(signerInfo.getSID());
        if (matches.isEmpty()) {
            throw failures.fail("signing certificate", "the CMS of the " + s.what() + " carries "
                    + cms.getCertificates().getMatches(null).size() + " certificate(s) and none is the one its SignerInfo "
                    + "names (" + describe(signerInfo) + ")", "Nothing was written. The CMS must embed the signing "
                    + "certificate; report this with the signing certificate and the engine's trust anchors.");
        }
        X509CertificateHolder certificate = matches.iterator().next();
        MessageDigest digest = digest(signerInfo.getDigestAlgOID(), s, failures);
        return new ParsedSignature(s, info, signerInfo, certificate, new RangeDigest(digest, s.byteRange));
    }

    private void checkSignature(ParsedSignature p, Failures failures) {
        SignatureDictionary s = p.dictionary;
        byte[] computed = p.rangeDigest.result;
        AttributeTable signed = p.signer.getSignedAttributes();
        if (signed == null) {
            throw failures.fail("CMS structure", "the SignerInfo of the " + s.what() + " has no signed attributes", FAULT);
        }
        Attribute messageDigest = signed.get(CMSAttributes.messageDigest);
        if (messageDigest == null || messageDigest.getAttrValues().size() != 1
                || !(messageDigest.getAttrValues().getObjectAt(0) instanceof ASN1OctetString claimed)) {
            throw failures.fail("message digest", "the SignerInfo of the " + s.what() + " has no messageDigest attribute",
                    FAULT);
        }
        if (!MessageDigest.isEqual(claimed.getOctets(), computed)) {
            throw failures.fail("message digest", "the messageDigest attribute of the " + s.what() + " is not the digest of "
                    + "its /ByteRange " + s.byteRange + " (the signed bytes changed after signing)", FAULT);
        }
        // The expected signing certificate, bound by signing-certificate-v2.
        byte[] encoded;
        try {
            encoded = p.certificate.getEncoded();
        } catch (IOException e) {
            throw failures.fail("signing certificate", "the signing certificate in the CMS cannot be encoded", FAULT, e);
        }
        if (signer != null && !Arrays.equals(encoded, encoded(signer))) {
            throw failures.fail("signing certificate", "the " + s.what() + " is made with " + subject(p.certificate)
                    + " (serial " + p.certificate.getSerialNumber().toString(16) + ") instead of the requested "
                    + signer.getSubjectX500Principal().getName() + " (serial " + signer.getSerialNumber().toString(16) + ")",
                    FAULT);
        }
        checkSigningCertificateV2(signed, p.certificate, encoded, s.what(), failures);
        // The signature value over the signed attributes (BouncyCastle also re-checks messageDigest and content-type).
        boolean valid;
        Exception cause = null;
        try {
            valid = verified != null && verified.covers(encoded, p.signer.getEncodedSignedAttributes(), p.signer.getSignature())
                    || verifies(() -> new CMSSignedData(Map.of(p.signer.getDigestAlgOID(), computed), p.contentInfo)
                    .getSignerInfos().getSigners().iterator().next(), p.certificate);
        } catch (Exception e) {
            valid = false;
            cause = e;
        }
        if (!valid) {
            throw failures.fail("signature value", "the signature value of the " + s.what() + " does not verify with the "
                    + "public key of its certificate " + subject(p.certificate) + (cause == null ? "" : " ("
                    + cause.getMessage() + ")"), "Nothing was written. Check that the signing key belongs to its "
                    + "certificate (a key and certificate mixed up in a key store, PKCS#11 token or provider "
                    + "configuration produce exactly this).", cause);
        }
    }

    private static void checkSigningCertificateV2(AttributeTable signed, X509CertificateHolder certificate, byte[] encoded,
                                                  String what, Failures failures) {
        Attribute attribute = signed.get(PKCSObjectIdentifiers.id_aa_signingCertificateV2);
        if (attribute == null || attribute.getAttrValues().size() != 1) {
            throw failures.fail("signing-certificate-v2", "the " + what + " has no signing-certificate-v2 signed attribute "
                    + "(PAdES baseline requires it)", FAULT);
        }
        try {
            ESSCertIDv2[] ids = SigningCertificateV2.getInstance(attribute.getAttrValues().getObjectAt(0)).getCerts();
            if (ids.length == 0) {
                throw new IllegalArgumentException("it lists no certificate");
            }
            ESSCertIDv2 id = ids[0];
            AlgorithmIdentifier algorithm = id.getHashAlgorithm() == null
                    ? new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256) : id.getHashAlgorithm();
            byte[] hash = MessageDigest.getInstance(algorithm.getAlgorithm().getId()).digest(encoded);
            if (!MessageDigest.isEqual(hash, id.getCertHash())) {
                throw new IllegalArgumentException("its certificate hash is not the hash of " + subject(certificate));
            }
            IssuerSerial issuerSerial = id.getIssuerSerial();
            if (issuerSerial != null) {
                boolean issuer = false;
                for (GeneralName name : issuerSerial.getIssuer().getNames()) {
                    issuer |= name.getTagNo() == GeneralName.directoryName
                            && X500Name.getInstance(name.getName()).equals(certificate.getIssuer());
                }
                if (!issuer || !issuerSerial.getSerial().getValue().equals(certificate.getSerialNumber())) {
                    throw new IllegalArgumentException("its issuerSerial does not name " + subject(certificate));
                }
            }
        } catch (IllegalArgumentException | NoSuchAlgorithmException e) {
            throw failures.fail("signing-certificate-v2", "the signing-certificate-v2 attribute of the " + what
                    + " does not match its signing certificate: " + e.getMessage(), FAULT);
        }
    }

    private void checkSignatureTimestamp(ParsedSignature p, Failures failures) {
        String what = p.dictionary.what();
        AttributeTable unsigned = p.signer.getUnsignedAttributes();
        Attribute attribute = unsigned == null ? null : unsigned.get(PKCSObjectIdentifiers.id_aa_signatureTimeStampToken);
        if (attribute == null || attribute.getAttrValues().size() == 0) {
            throw failures.fail("signature time-stamp", "profile " + profile + " needs a signature-time-stamp on the " + what
                    + " and its SignerInfo has none", FAULT);
        }
        for (ASN1Encodable value : attribute.getAttrValues()) {
            TimeStampToken token;
            try {
                token = new TimeStampToken(ContentInfo.getInstance(value));
            } catch (Exception e) {
                throw failures.fail("signature time-stamp", "the signature-time-stamp of the " + what + " is not a "
                        + "time-stamp token: " + e.getMessage(), FAULT, e);
            }
            ASN1ObjectIdentifier algorithm = token.getTimeStampInfo().getMessageImprintAlgOID();
            byte[] expected = digest(algorithm.getId(), p.dictionary, failures).digest(p.signer.getSignature());
            if (!MessageDigest.isEqual(expected, token.getTimeStampInfo().getMessageImprintDigest())) {
                throw failures.fail("signature time-stamp", "the signature-time-stamp of the " + what + " time-stamps "
                        + "something else: its message imprint is not the digest of the signature value", FAULT);
            }
            verifyToken(token, "signature-time-stamp of the " + what, failures);
        }
    }

    private record ParsedTimestamp(SignatureDictionary dictionary, TimeStampToken token, RangeDigest rangeDigest) {
    }

    private static ParsedTimestamp parseTimestamp(SignatureDictionary s, Failures failures) {
        ContentInfo info = contentInfo(s, failures);
        TimeStampToken token;
        try {
            token = new TimeStampToken(info);
        } catch (Exception e) {
            throw failures.fail("document time-stamp", "the /Contents of the " + s.what() + " is not a time-stamp token: "
                    + e.getMessage(), FAULT, e);
        }
        MessageDigest digest = digest(token.getTimeStampInfo().getMessageImprintAlgOID().getId(), s, failures);
        return new ParsedTimestamp(s, token, new RangeDigest(digest, s.byteRange));
    }

    private static void checkTimestamp(ParsedTimestamp t, Failures failures) {
        SignatureDictionary s = t.dictionary;
        if (!MessageDigest.isEqual(t.rangeDigest.result, t.token.getTimeStampInfo().getMessageImprintDigest())) {
            throw failures.fail("document time-stamp", "the message imprint of the " + s.what() + " is not the digest of "
                    + "its /ByteRange " + s.byteRange + " (the time-stamped bytes changed after time-stamping)", FAULT);
        }
        verifyToken(t.token, s.what(), failures);
    }

    /**
     * Whether the signer information verifies with the certificate: with the JDK's providers first, then, when they
     * do not confirm it (an algorithm they lack, or a signature they reject), with BouncyCastle, whose answer is final
     * (digests are looked up in the same order).
     */
    private static boolean verifies(java.util.concurrent.Callable<SignerInformation> signer, X509CertificateHolder certificate)
            throws Exception {
        try {
            org.bouncycastle.cms.SignerInformationVerifier lightweight = LightweightEcdsa.signerInfoVerifier(certificate);
            if (lightweight != null && signer.call().verify(lightweight)) {
                return true;
            }
            if (signer.call().verify(new JcaSimpleSignerInfoVerifierBuilder().build(certificate))) {
                return true;
            }
        } catch (Exception jdk) {
            // BouncyCastle decides
        }
        return signer.call().verify(verifier(certificate));
    }

    /** Whether the certificate's own signature verifies with its public key: JDK providers first, as {@link #verifies}. */
    private static boolean signatureValid(X509CertificateHolder certificate) {
        try {
            if (certificate.isSignatureValid(new JcaContentVerifierProviderBuilder().build(certificate))) {
                return true;
            }
        } catch (Exception jdk) {
            // BouncyCastle decides
        }
        try {
            return certificate.isSignatureValid(contentVerifier(certificate));
        } catch (Exception e) {
            return false;
        }
    }

    /** A signer-information verifier with BouncyCastle for the certificate (see {@link #jdk}). */
    private static org.bouncycastle.cms.SignerInformationVerifier verifier(X509CertificateHolder holder)
            throws org.bouncycastle.operator.OperatorCreationException, java.security.cert.CertificateException {
        JcaSimpleSignerInfoVerifierBuilder builder = new JcaSimpleSignerInfoVerifierBuilder().setProvider(BouncyCastle.PROVIDER);
        X509Certificate certificate = jdk(holder);
        return certificate != null ? builder.build(certificate) : builder.build(holder);
    }

    /** A content-verifier provider with BouncyCastle for the certificate (see {@link #jdk}). */
    private static org.bouncycastle.operator.ContentVerifierProvider contentVerifier(X509CertificateHolder holder)
            throws org.bouncycastle.operator.OperatorCreationException, java.security.cert.CertificateException {
        JcaContentVerifierProviderBuilder builder = new JcaContentVerifierProviderBuilder().setProvider(BouncyCastle.PROVIDER);
        X509Certificate certificate = jdk(holder);
        return certificate != null ? builder.build(certificate) : builder.build(holder);
    }

    /**
     * @return the certificate parsed by the JDK's certificate factory, or null when the JDK does not parse it (the
     * holder then goes to BouncyCastle, which converts it itself)
     */
    private static X509Certificate jdk(X509CertificateHolder holder) {
        try {
            return (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(new java.io.ByteArrayInputStream(holder.getEncoded()));
        } catch (java.security.cert.CertificateException | IOException | RuntimeException e) {
            return null;
        }
    }

    /** Verifies a token's signature with the TSU certificate it carries (tokens without one are left to validation). */
    private static void verifyToken(TimeStampToken token, String what, Failures failures) {
        @SuppressWarnings("unchecked")
        Collection<X509CertificateHolder> tsu = token.getCertificates().getMatches(token.getSID());
        if (tsu.isEmpty()) {
            return;
        }
        try {
            X509CertificateHolder certificate = tsu.iterator().next();
            // as verifies(): BouncyCastle's lightweight ECDSA, then the JDK's providers, each on a token no failed
            // attempt has touched; when neither confirms it, BouncyCastle's provider decides
            org.bouncycastle.cms.SignerInformationVerifier lightweight = LightweightEcdsa.signerInfoVerifier(certificate);
            if (lightweight != null && confirms(token, () -> lightweight)
                    || confirms(lightweight != null ? copy(token) : token,
                            () -> new JcaSimpleSignerInfoVerifierBuilder().build(certificate))) {
                return;
            }
            copy(token).validate(verifier(certificate));
        } catch (Exception e) {
            throw failures.fail("time-stamp token", "the token of the " + what + " does not verify with its TSU "
                    + "certificate " + subject(tsu.iterator().next()) + ": " + e.getMessage(), FAULT, e);
        }
    }

    /** Whether {@code token} validates with the verifier (a verifier that cannot be built confirms nothing). */
    private static boolean confirms(TimeStampToken token,
                                    java.util.concurrent.Callable<org.bouncycastle.cms.SignerInformationVerifier> verifier) {
        try {
            token.validate(verifier.call());
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static TimeStampToken copy(TimeStampToken token) throws Exception {
        return new TimeStampToken(token.toCMSSignedData());
    }

    // ----- extension and validation data -------------------------------------------------------------

    /** From B-T, every signature has a signature-time-stamp or a later document time-stamp. */
    private void checkExtendedSignatures(List<SignatureDictionary> all, Failures failures) {
        long lastTimestampEnd = all.stream().filter(SignatureDictionary::isDocumentTimestamp)
                .filter(t -> t.byteRange != null).mapToLong(t -> t.byteRange.end()).max().orElse(-1);
        for (SignatureDictionary s : all) {
            if (s.isDocumentTimestamp() || s.isX509RsaSha1()) {
                continue;
            }
            if (s.byteRange != null && lastTimestampEnd > s.byteRange.end()) {
                continue; // a later document time-stamp covers it
            }
            SignerInformation signerInfo = cms(s, failures).getSignerInfos().getSigners().iterator().next();
            AttributeTable unsigned = signerInfo.getUnsignedAttributes();
            if (unsigned == null || unsigned.get(PKCSObjectIdentifiers.id_aa_signatureTimeStampToken) == null) {
                throw failures.fail("signature time-stamp", "after the extension to " + profile + " the " + s.what()
                        + " has neither a signature-time-stamp nor a later document time-stamp", FAULT);
            }
        }
    }

    private static CMSSignedData cms(SignatureDictionary s, Failures failures) {
        if (!(s.dictionary.getDictionaryObject(COSName.CONTENTS) instanceof COSString)) {
            throw failures.fail("CMS structure", "the " + s.what() + " has no /Contents string", FAULT);
        }
        try {
            CMSSignedData cms = new CMSSignedData(contentInfo(s, failures));
            if (cms.getSignerInfos().size() == 0) {
                throw failures.fail("CMS structure", "the CMS of the " + s.what() + " has no SignerInfo", FAULT);
            }
            return cms;
        } catch (SignatureEngineException e) {
            throw e;
        } catch (Exception e) {
            throw failures.fail("CMS structure", "the CMS of the " + s.what() + " cannot be read: " + e.getMessage(), FAULT, e);
        }
    }

    /** The signing certificates of the document's signatures (an unknown one counts as needing revocation data). */
    private static List<X509CertificateHolder> extendedSigners(List<SignatureDictionary> all, Failures failures) {
        List<X509CertificateHolder> result = new ArrayList<>();
        for (SignatureDictionary s : all) {
            if (s.isDocumentTimestamp() || s.isX509RsaSha1()) {
                continue;
            }
            CMSSignedData cms = cms(s, failures);
            SignerInformation signerInfo = cms.getSignerInfos().getSigners().iterator().next();
            @SuppressWarnings("unchecked")
            Collection<X509CertificateHolder> matches = cms.getCertificates().getMatches(signerInfo.getSID());
            result.add(matches.isEmpty() ? null : matches.iterator().next());
        }
        return result;
    }

    private void checkDss(PDDocument document, Map<COSObjectKey, Long> xref, List<X509CertificateHolder> signers,
                          SignatureDictionary signature, SignatureDictionary finalTimestamp, Failures failures) {
        COSDictionary catalog = document.getDocumentCatalog().getCOSObject();
        if (!(catalog.getDictionaryObject(DSS) instanceof COSDictionary dss)) {
            throw failures.fail("DSS", "profile " + profile + " needs a /DSS dictionary in the catalog and there is none",
                    FAULT);
        }
        if (!(dss.getDictionaryObject(CERTS) instanceof COSArray certs) || certs.size() == 0) {
            throw failures.fail("DSS", "the /DSS dictionary has no /Certs (profile " + profile + " needs the certificates)",
                    FAULT);
        }
        boolean revocation = dss.getDictionaryObject(OCSPS) instanceof COSArray ocsps && ocsps.size() > 0
                || dss.getDictionaryObject(CRLS) instanceof COSArray crls && crls.size() > 0;
        if (!revocation && signers.stream().anyMatch(this::needsRevocation)) {
            throw failures.fail("revocation data", "the /DSS dictionary has neither /OCSPs nor /CRLs, and profile "
                    + profile + " needs revocation data for the signing certificate(s)", FAULT);
        }
        COSBase item = catalog.getItem(DSS);
        COSObjectKey key = item instanceof COSObject indirect ? indirect.getKey() : dss.getKey();
        long offset = offset(xref, key != null ? key : catalog.getKey());
        if (signature != null && offset >= 0 && offset < signature.byteRange.end()) {
            throw failures.fail("DSS", "the /DSS dictionary (at byte " + offset + ") precedes the end of the new "
                    + signature.what() + ": it holds no validation data for it", FAULT);
        }
        if (finalTimestamp != null && offset >= 0) {
            ByteRange r = finalTimestamp.byteRange;
            if (!(offset < r.a() || offset >= r.b())) {
                throw failures.fail("document time-stamp", "the final " + finalTimestamp.what() + " does not cover the /DSS "
                        + "dictionary (at byte " + offset + ")", FAULT);
            }
        }
    }

    private boolean needsRevocation(X509CertificateHolder certificate) {
        if (certificate == null) {
            return true;
        }
        try {
            if (anchors.contains(Digests.sha256Hex(certificate.getEncoded()))) {
                return false;
            }
            return !(certificate.getSubject().equals(certificate.getIssuer())
                    && signatureValid(certificate));
        } catch (Exception e) {
            return true;
        }
    }

    // ----- helpers -----------------------------------------------------------------------------------

    private static MessageDigest digest(String oid, SignatureDictionary s, Failures failures) {
        try {
            return MessageDigest.getInstance(oid); // the JDK knows digests by OID; its SHA-2 is intrinsic
        } catch (NoSuchAlgorithmException e) {
            try {
                return MessageDigest.getInstance(oid, BouncyCastle.PROVIDER);
            } catch (NoSuchAlgorithmException unknown) {
                throw failures.fail("CMS structure", "the " + s.what() + " uses the unknown digest algorithm " + oid, FAULT);
            }
        }
    }

    private static String describe(SignerInformation signerInfo) {
        var sid = signerInfo.getSID();
        if (sid.getIssuer() != null) {
            return "issuer " + sid.getIssuer() + ", serial " + sid.getSerialNumber().toString(16);
        }
        return "subject key identifier " + (sid.getSubjectKeyIdentifier() == null ? "?"
                : HexFormat.of().formatHex(sid.getSubjectKeyIdentifier()));
    }

    /** The subject as the JDK writes it (CN first), like the engine's other messages. */
    private static String subject(X509CertificateHolder certificate) {
        try {
            return new javax.security.auth.x500.X500Principal(certificate.getSubject().getEncoded()).getName();
        } catch (IOException | RuntimeException e) {
            return certificate.getSubject().toString();
        }
    }

    private static byte[] encoded(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String fingerprint(X509Certificate certificate) {
        return Digests.sha256Hex(encoded(certificate));
    }

    private record Failures(String name) {
        SignatureEngineException fail(String check, String detail, String hint) {
            return fail(check, detail, hint, null);
        }

        SignatureEngineException fail(String check, String detail, String hint, Throwable cause) {
            return new SignatureEngineException(ErrorCode.SIGNING_FAILED, "Self-check of the output for '" + name
                    + "' failed (" + check + "): " + detail, hint, cause);
        }
    }

    /**
     * A digest over the two parts of a byte range, filled by {@link Bytes#digest} from {@link #from} on (0, or the
     * end of a known prefix whose state the digest holds).
     */
    private static final class RangeDigest {
        MessageDigest digest;
        final ByteRange range;
        long from;
        byte[] result;

        RangeDigest(MessageDigest digest, ByteRange range) {
            this.digest = digest;
            this.range = range;
        }

        /** @param state the SHA-256 state of the output's first {@code length} bytes ({@code length <= a}) */
        void continueFrom(long length, MessageDigest state) {
            this.digest = state;
            this.from = length;
        }
    }

    /** The output, in memory or in a file. */
    private interface Bytes {
        long length() throws IOException;

        byte[] read(long position, int length) throws IOException;

        PDDocument load() throws IOException;

        /** Fills every digest, reading each byte at most once. */
        void digest(List<RangeDigest> digests) throws IOException;
    }

    /**
     * The fingerprints {@link #verify(byte[], byte[], String, long...)} asks for, taken from a SHA-256 range digest
     * that starts at 0 (every /ByteRange does) while {@link ArrayBytes#digest} computes it.
     */
    private static final class Fingerprinting {
        private final long[] prefixes;
        private final Map<Long, String> taken = new java.util.TreeMap<>();
        private String whole;

        Fingerprinting(long[] prefixes) {
            this.prefixes = prefixes.clone();
            Arrays.sort(this.prefixes);
        }

        /**
         * Feeds {@code [0, a)} of the output into {@code d} (a SHA-256 digest of a range {@code [0 a b c]}), taking
         * the prefix fingerprints on the way and the whole output's from a copy of {@code d} at {@code a}.
         *
         * @return whether it did (false: {@code d} was not fed, a digest cannot be copied here)
         */
        boolean feed(RangeDigest d, byte[] pdf, int size) {
            long a = d.range.a();
            if (prefixes.length > 0 && prefixes[prefixes.length - 1] > a) {
                return false;
            }
            try {
                MessageDigest copy = (MessageDigest) d.digest.clone();
                copy.reset(); // fails early when the provider's digest cannot be cloned
            } catch (CloneNotSupportedException e) {
                return false;
            }
            long at = 0;
            try {
                for (long n : prefixes) {
                    d.digest.update(pdf, (int) at, (int) (n - at));
                    at = n;
                    taken.put(n, HexFormat.of().formatHex(((MessageDigest) d.digest.clone()).digest()));
                }
                d.digest.update(pdf, (int) at, (int) (a - at));
                MessageDigest rest = (MessageDigest) d.digest.clone();
                rest.update(pdf, (int) a, (int) (size - a));
                whole = HexFormat.of().formatHex(rest.digest());
            } catch (CloneNotSupportedException e) {
                throw new IllegalStateException("a digest that could be cloned could not be cloned again", e);
            }
            return true;
        }

        /** @return the fingerprints, computing here (their own pass) any that no range digest could give */
        Fingerprints result(byte[] pdf, int size) {
            if (whole == null) {
                MessageDigest digest = Digests.sha256();
                long at = 0;
                for (long n : prefixes) {
                    digest.update(pdf, (int) at, (int) (n - at));
                    at = n;
                    try {
                        taken.put(n, HexFormat.of().formatHex(((MessageDigest) digest.clone()).digest()));
                    } catch (CloneNotSupportedException e) {
                        taken.put(n, Digests.sha256Hex(Arrays.copyOf(pdf, (int) n)));
                    }
                }
                digest.update(pdf, (int) at, (int) (size - at));
                whole = HexFormat.of().formatHex(digest.digest());
            }
            return new Fingerprints(whole, Map.copyOf(taken));
        }

    }

    /** Whether {@code digest} is a SHA-256 (by name or by OID). */
    static boolean isSha256(MessageDigest digest) {
        String algorithm = digest.getAlgorithm();
        return "SHA-256".equalsIgnoreCase(algorithm) || NISTObjectIdentifiers.id_sha256.getId().equals(algorithm)
                || ("OID." + NISTObjectIdentifiers.id_sha256.getId()).equals(algorithm);
    }

    /**
     * An output in memory, {@code pdf[0, size)}; {@code fingerprinting} (may be null) is served by the first SHA-256
     * range digest.
     */
    private record ArrayBytes(byte[] pdf, int size, Fingerprinting fingerprinting, IntactChainParser.Prefix known)
            implements Bytes {
        ArrayBytes {
            Objects.checkFromIndexSize(0, size, pdf.length);
        }

        @Override
        public long length() {
            return size;
        }

        @Override
        public byte[] read(long position, int length) {
            Objects.checkFromIndexSize(position, length, size);
            return Arrays.copyOfRange(pdf, (int) position, (int) position + length);
        }

        @Override
        public PDDocument load() throws IOException {
            return DocumentPasswords.loadIntact(() -> new ArrayRead(pdf, 0, size), known);
        }

        @Override
        public void digest(List<RangeDigest> digests) {
            boolean fingerprinted = fingerprinting == null;
            for (RangeDigest d : digests) {
                if (!fingerprinted && d.from == 0 && isSha256(d.digest) && fingerprinting.feed(d, pdf, size)) {
                    fingerprinted = true; // [0, a) is in d already
                } else {
                    d.digest.update(pdf, (int) d.from, (int) (d.range.a() - d.from));
                }
                d.digest.update(pdf, (int) d.range.b(), (int) d.range.c());
                d.result = d.digest.digest();
            }
        }
    }

    private record FileBytes(Path path, FileChannel channel) implements Bytes {
        private static final int BUFFER = 1 << 20;

        @Override
        public long length() throws IOException {
            return channel.size();
        }

        @Override
        public byte[] read(long position, int length) throws IOException {
            ByteBuffer buffer = ByteBuffer.allocate(length);
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, position + buffer.position()) < 0) {
                    throw new IOException("unexpected end of " + path + " at " + (position + buffer.position()));
                }
            }
            return buffer.array();
        }

        @Override
        public PDDocument load() throws IOException {
            return DocumentPasswords.loadIntact(() -> new RandomAccessReadBufferedFile(path.toFile()));
        }

        @Override
        public void digest(List<RangeDigest> digests) throws IOException {
            long end = digests.stream().mapToLong(d -> d.range.end()).max().orElse(0);
            ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
            byte[] array = buffer.array();
            long position = digests.stream().mapToLong(d -> d.from).min().orElse(0);
            while (position < end) {
                buffer.clear().limit((int) Math.min(BUFFER, end - position));
                int n = channel.read(buffer, position);
                if (n < 0) {
                    throw new IOException("unexpected end of " + path + " at " + position);
                }
                for (RangeDigest d : digests) {
                    update(d.digest, array, position, n, d.from, d.range.a());
                    update(d.digest, array, position, n, d.range.b(), d.range.end());
                }
                position += n;
            }
            for (RangeDigest d : digests) {
                d.result = d.digest.digest();
            }
        }

        /** Feeds the part of {@code [position, position + n)} inside {@code [from, to)}. */
        private static void update(MessageDigest digest, byte[] array, long position, int n, long from, long to) {
            long start = Math.max(position, from);
            long stop = Math.min(position + n, to);
            if (start < stop) {
                digest.update(array, (int) (start - position), (int) (stop - start));
            }
        }
    }
}
