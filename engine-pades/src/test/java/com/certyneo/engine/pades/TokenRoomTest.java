package com.certyneo.engine.pades;

import com.certyneo.engine.DocumentResult;
import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.Indication;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.PreparedSignature;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.Signer;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.engine.ValidationReport;
import com.certyneo.engine.spi.TimestampSource;
import com.certyneo.engine.tsp.TimestampAuthority;
import com.certyneo.testvectors.SamplePdfs;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code /Contents} room a time-stamp token gets: the fixed 12 KB until the engine has seen a token, then the
 * largest seen and a margin; a larger token than that (a failover authority with a longer chain) lays the operation
 * out again, and what is written always validates.
 */
class TokenRoomTest {

    private static final Pattern CONTENTS = Pattern.compile("/Contents\\s*<([0-9A-Fa-f]*)>");

    /**
     * The production fixture's root, with two authorities under it: its small EC one, and a large one (RSA 4096, a
     * long subject): its tokens are more than the learned margin larger.
     */
    private static final class Authorities {
        final ProductionFixture fixture = ProductionFixture.create();
        final TimestampAuthority small = fixture.tsa();
        final TimestampAuthority large;

        Authorities() throws Exception {
            Instant now = Instant.now();
            KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
            rsa.initialize(4096);
            KeyPair tsaKeys = rsa.generateKeyPair();
            StringBuilder subject = new StringBuilder("CN=Example Large TSA");
            for (int i = 0; i < 16; i++) {
                subject.append(",OU=Time-stamping unit ").append(i).append(" of a failover list with a long name");
            }
            X509Certificate tsa = X509Builder.of(new X500Name(subject + ",O=Example,C=FR"), tsaKeys.getPublic())
                    .extendedKeyUsage(KeyPurposeId.id_kp_timeStamping, true)
                    .validity(now.minusSeconds(3600), now.plusSeconds(86400 * 30L))
                    .issuedBy(fixture.root(), fixture.rootKey());
            large = TimestampAuthority.builder().key(tsaKeys.getPrivate(), List.of(tsa, fixture.root()))
                    .policy("1.2.3.4.2").build();
        }
    }

    /** Answers from the small authority until {@link #failOver} is set, then from the large one; counts requests. */
    private static class Switching implements TimestampSource {
        final TimestampSource small;
        final TimestampSource large;
        final AtomicBoolean failOver = new AtomicBoolean();
        final AtomicInteger requests = new AtomicInteger();
        final List<Integer> sizes = new ArrayList<>();

        Switching(Authorities authorities) {
            this.small = authorities.small;
            this.large = authorities.large;
        }

        @Override
        public synchronized byte[] timestamp(String digestAlgorithm, byte[] digest) {
            requests.incrementAndGet();
            byte[] token = (failOver.get() ? large : small).timestamp(digestAlgorithm, digest);
            sizes.add(token.length);
            return token;
        }
    }

    private static PadesSignatureEngine engine(Authorities authorities, TimestampSource source) {
        return PadesSignatureEngine.builder().sealKey(authorities.fixture.sealKey()).timestampSource(source)
                .trustAnchor(authorities.fixture.root())
                .revocationSource(OfflineRevocation.signedBy(authorities.fixture.rootKey(), authorities.fixture.root()))
                .build();
    }

    private static byte[] sign(PadesSignatureEngine engine, byte[] pdf, PadesProfile profile) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        engine.sign(SignRequest.builder().document(DocumentSource.of(pdf, "in.pdf")).output(DocumentTarget.of(out))
                .signer(Signer.of("Ops", "ops@example.com")).level(SignatureLevel.SES).profile(profile).build());
        return out.toByteArray();
    }

    /** The hex digits of every {@code /Contents} after offset {@code from}, in file order. */
    private static List<String> contentsAfter(byte[] pdf, int from) {
        Matcher m = CONTENTS.matcher(new String(pdf, from, pdf.length - from, StandardCharsets.ISO_8859_1));
        List<String> all = new ArrayList<>();
        while (m.find()) {
            all.add(m.group(1));
        }
        return all;
    }

    /** Zero padding at the end of a {@code /Contents} value, in bytes. */
    private static int padding(String hex) {
        int end = hex.length();
        while (end > 0 && hex.charAt(end - 1) == '0') {
            end--;
        }
        return (hex.length() - end) / 2;
    }

    /** Every signature and document time-stamp passes, and the signatures are at {@code profile}. */
    private static void assertValid(byte[] pdf, X509Certificate root, PadesProfile profile) {
        assertValid(PadesSignatureEngine.builder().build(), pdf, root, profile);
    }

    private static void assertValid(PadesSignatureEngine validator, byte[] pdf, X509Certificate root, PadesProfile profile) {
        ValidationReport report = validator.validate(DocumentSource.of(pdf, "out.pdf"), ValidationOptions.trusting(List.of(root)));
        assertTrue(report.allPassed(), report.toString());
        report.signatures().forEach(s -> assertEquals(Indication.TOTAL_PASSED, s.indication(), report.toString()));
        report.signatures().stream().filter(s -> !s.documentTimestamp())
                .forEach(s -> assertEquals(profile, s.profile().orElseThrow(), report.toString()));
    }

    @Test
    void onceATokenIsSeenItsRoomIsWhatItNeedsNotTwelveKilobytes() throws Exception {
        Authorities authorities = new Authorities();
        Switching source = new Switching(authorities);
        PadesSignatureEngine engine = engine(authorities, source);
        byte[] pdf = SamplePdfs.minimal();

        byte[] first = sign(engine, pdf, PadesProfile.B_LTA);
        byte[] second = sign(engine, pdf, PadesProfile.B_LTA);
        int token = source.sizes.get(0);
        List<String> before = contentsAfter(first, pdf.length);
        List<String> after = contentsAfter(second, pdf.length);
        assertEquals(2, before.size()); // the signature, the document time-stamp
        assertEquals(2, after.size());
        // the first signature of the engine: 12 KB for its token; its document time-stamp: the signature's token seen
        assertTrue(padding(before.get(0)) >= SigningPipeline.TIMESTAMP_ROOM - token, "12 KB room: " + padding(before.get(0)));
        for (String contents : List.of(before.get(1), after.get(0), after.get(1))) {
            assertTrue(padding(contents) <= SigningPipeline.TOKEN_MARGIN + 512 + 64,
                    "learned room, padded by the margin and the slack only: " + padding(contents) + " bytes");
        }
        assertTrue(second.length < first.length - 2 * (SigningPipeline.TIMESTAMP_ROOM - token - 2048),
                first.length + " -> " + second.length);
        assertEquals(4, source.requests.get(), "no request was made again");
        assertValid(first, authorities.fixture.root(), PadesProfile.B_LTA);
        assertValid(second, authorities.fixture.root(), PadesProfile.B_LTA);
    }

    @Test
    void aTokenLargerThanItsLearnedRoomLaysTheSignatureOutAgain() throws Exception {
        Authorities authorities = new Authorities();
        Switching source = new Switching(authorities);
        PadesSignatureEngine engine = engine(authorities, source);
        byte[] pdf = SamplePdfs.minimal();
        sign(engine, pdf, PadesProfile.B_T); // learns the small authority's tokens

        source.failOver.set(true);
        int before = source.requests.get();
        byte[] signed = sign(engine, pdf, PadesProfile.B_LT);
        int smallToken = source.sizes.get(0);
        int largeToken = source.sizes.get(source.sizes.size() - 1);
        assertTrue(largeToken > smallToken + SigningPipeline.TOKEN_MARGIN + 512, smallToken + " vs " + largeToken);
        assertEquals(2, source.requests.get() - before, "the overflowing attempt, then the one laid out again");
        assertValid(signed, authorities.fixture.root(), PadesProfile.B_LT);
        assertEquals(1, contentsAfter(signed, pdf.length).size(), "one signature: the first attempt left nothing");
    }

    @Test
    void aDocumentTimestampLargerThanItsRoomLaysTheWholeSignatureOutAgain() throws Exception {
        Authorities authorities = new Authorities();
        // small tokens for the first two requests (a B-T signature, then this B-LTA signature's own time-stamp); the
        // document time-stamp after it comes from the large authority
        AtomicInteger calls = new AtomicInteger();
        Switching source = new Switching(authorities) {
            @Override
            public synchronized byte[] timestamp(String digestAlgorithm, byte[] digest) {
                failOver.set(calls.incrementAndGet() >= 3);
                return super.timestamp(digestAlgorithm, digest);
            }
        };
        PadesSignatureEngine engine = engine(authorities, source);
        byte[] pdf = SamplePdfs.minimal();
        sign(engine, pdf, PadesProfile.B_T);
        byte[] signed = sign(engine, pdf, PadesProfile.B_LTA);
        // 1 (B-T) + 2 (signature, overflowing document time-stamp) + 2 (both again, with the large room)
        assertEquals(5, source.requests.get());
        assertValid(signed, authorities.fixture.root(), PadesProfile.B_LTA);
        assertEquals(2, contentsAfter(signed, pdf.length).size());
    }

    @Test
    void aDocumentTimestampAloneIsRequestedAgainWithTheRoomItNeeds(@TempDir Path dir) throws Exception {
        Authorities authorities = new Authorities();
        Switching source = new Switching(authorities);
        PadesSignatureEngine engine = engine(authorities, source);
        byte[] signed = sign(engine, SamplePdfs.minimal(), PadesProfile.B_LT);

        source.failOver.set(true);
        int before = source.requests.get();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DocumentResult result = engine.timestamp(DocumentSource.of(signed, "signed.pdf"), DocumentTarget.of(out));
        assertEquals(2, source.requests.get() - before);
        assertTrue(result.timestampTime().isPresent());
        assertEquals(1, contentsAfter(out.toByteArray(), signed.length).size());
        // the new time-stamp's authority has no revocation data in the file (a document time-stamp adds none for
        // itself): the validator fetches it
        PadesSignatureEngine validator = PadesSignatureEngine.builder()
                .revocationSource(OfflineRevocation.signedBy(authorities.fixture.rootKey(), authorities.fixture.root())).build();
        assertValid(validator, out.toByteArray(), authorities.fixture.root(), PadesProfile.B_LTA);

        // from a file past the large-document threshold: the file sink starts over from the input too
        PadesSignatureEngine large = PadesSignatureEngine.builder().sealKey(authorities.fixture.sealKey())
                .timestampSource(source).trustAnchor(authorities.fixture.root()).largeDocumentThreshold(0).build();
        source.failOver.set(false);
        large.timestamp(DocumentSource.of(signed, "signed.pdf"), DocumentTarget.of(new ByteArrayOutputStream()));
        source.failOver.set(true);
        Path in = Files.write(dir.resolve("signed.pdf"), signed);
        Path outFile = dir.resolve("stamped.pdf");
        before = source.requests.get();
        large.timestamp(DocumentSource.of(in), DocumentTarget.of(outFile));
        assertEquals(2, source.requests.get() - before);
        assertValid(validator, Files.readAllBytes(outFile), authorities.fixture.root(), PadesProfile.B_LTA);
        try (var listing = Files.list(dir)) {
            assertEquals(List.of("signed.pdf", "stamped.pdf"), listing.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no work file is left");
        }
    }

    @Test
    void twoStepSigningKeepsTheFixedRoomSoBothStepsLayOutTheSameRevision() throws Exception {
        Authorities authorities = new Authorities();
        Switching source = new Switching(authorities);
        PadesSignatureEngine engine = engine(authorities, source);
        byte[] pdf = SamplePdfs.minimal();
        sign(engine, pdf, PadesProfile.B_T); // the engine has learned a small room

        KeyPair pair = X509Builder.newEcKeyPair();
        X509Certificate certificate = X509Builder.of(new X500Name("CN=External Signer,O=Example,C=FR"), pair.getPublic())
                .keyUsage(KeyUsage.digitalSignature | KeyUsage.nonRepudiation)
                .validity(Instant.now().minusSeconds(3600), Instant.now().plusSeconds(86400))
                .issuedBy(authorities.fixture.root(), authorities.fixture.rootKey());
        List<X509Certificate> chain = List.of(certificate, authorities.fixture.root());
        PreparedSignature prepared = engine.prepare(com.certyneo.engine.PrepareRequest.builder()
                .document(DocumentSource.of(pdf, "in.pdf")).signer(TwoStepSigningTest.signer).level(SignatureLevel.AES)
                .profile(PadesProfile.B_LT).certificateChain(chain).build());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        source.failOver.set(true); // a large token at completion: the fixed room holds it
        byte[] value = TwoStepSigningTest.sign(pair.getPrivate(), prepared);
        engine.complete(prepared.state(), value, DocumentSource.of(pdf, "in.pdf"), DocumentTarget.of(out));
        List<String> contents = contentsAfter(out.toByteArray(), pdf.length);
        assertEquals(1, contents.size());
        assertTrue(padding(contents.get(0)) > SigningPipeline.TIMESTAMP_ROOM - source.sizes.get(source.sizes.size() - 1)
                - 64, "the fixed room: " + padding(contents.get(0)));
        assertValid(out.toByteArray(), authorities.fixture.root(), PadesProfile.B_LT);
    }
}
