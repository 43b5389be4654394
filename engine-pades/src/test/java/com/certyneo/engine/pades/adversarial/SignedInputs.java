package com.certyneo.engine.pades.adversarial;

import com.certyneo.engine.AuthenticationMethod;
import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureEngine;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.Signer;
import com.certyneo.engine.pades.interop.Corpus;
import com.certyneo.testvectors.SamplePdfs;
import org.opentest4j.TestAbortedException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The signed inputs of the adversarial corpus, signed by the sandbox engine: the {@link ShadowDocument}
 * at B-B (AES) and B-LTA (SES), {@code SamplePdfs.multiPage(2)} (PDFBox: object streams and
 * cross-reference streams) at B-B, and two real-producer files of the shared corpus ({@link Corpus}):
 * LibreOffice Writer at B-B and Chromium at B-LTA. Each input names the attack ids it gets (the shadow
 * document at B-B gets every variant; the others a selection), to keep the run short.
 */
final class SignedInputs {

    /**
     * A signed input.
     *
     * @param name    a short name, e.g. {@code shadow-B-B}
     * @param profile the PAdES profile it was signed at
     * @param bytes   the signed file
     * @param shadow  the shadow preparation it was made from, or null
     * @param wanted  which variant ids to generate from it
     */
    record SignedInput(String name, PadesProfile profile, byte[] bytes, ShadowDocument shadow, Predicate<String> wanted) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** Corpus files used, with their B-B/B-LTA choice. */
    static final String LIBREOFFICE = "libreoffice-writer-plain.pdf";
    static final String CHROMIUM = "chromium-page.pdf";

    private SignedInputs() {
    }

    /**
     * @param engine       a sandbox engine
     * @param withProducers whether to add the real-producer files (generating the corpus if needed)
     * @return the signed inputs
     */
    static List<SignedInput> build(SignatureEngine engine, boolean withProducers) {
        List<SignedInput> inputs = new ArrayList<>();
        ShadowDocument shadow = ShadowDocument.build();
        inputs.add(new SignedInput("shadow-B-B", PadesProfile.B_B,
                sign(engine, shadow.bytes(), "shadow.pdf", SignatureLevel.AES, PadesProfile.B_B), shadow, id -> true));
        inputs.add(new SignedInput("shadow-B-LTA", PadesProfile.B_LTA,
                sign(engine, shadow.bytes(), "shadow.pdf", SignatureLevel.SES, PadesProfile.B_LTA), shadow,
                prefixes("isa-a-", "isa-c-", "isa-i-", "hide-flag", "replace-xobject", "hr-rewind", "usf-byterange-zero",
                        "swa-duplicate", "benign-unmodified", "benign-info", "benign-extend", "warn-")));
        inputs.add(new SignedInput("sample-B-B", PadesProfile.B_B,
                sign(engine, SamplePdfs.multiPage(2), "sample.pdf", SignatureLevel.AES, PadesProfile.B_B), null,
                prefixes("isa-a-", "isa-b-", "isa-c-", "isa-f-", "isa-g-", "isa-i-", "isa-l-", "usf-contents-empty",
                        "benign-unmodified", "benign-empty-field", "benign-info", "benign-cosign", "warn-garbage")));
        // A visible signature (the engine's own revision with a widget appearance and an embedded font subset):
        // wrapping and shadow attacks must be refused on it as on an invisible one.
        ByteArrayOutputStream visible = new ByteArrayOutputStream();
        engine.sign(SignRequest.builder().document(DocumentSource.of(SamplePdfs.multiPage(2), "visible.pdf"))
                .output(DocumentTarget.of(visible))
                .signer(Signer.parse("Jane Doe <jane@example.com>").authenticatedBy(AuthenticationMethod.SMS_OTP, Instant.now()))
                .level(SignatureLevel.AES).profile(PadesProfile.B_B).reason("Approval")
                .appearance(com.certyneo.engine.VisibleAppearance.of(1, 300, 60, 200, 50)).build());
        inputs.add(new SignedInput("visible-B-B", PadesProfile.B_B, visible.toByteArray(), null,
                prefixes("isa-a-", "isa-c-", "swa-", "usf-", "benign-unmodified", "benign-info")));
        if (withProducers) {
            for (String file : List.of(LIBREOFFICE, CHROMIUM)) {
                Path path = producerFile(file);
                if (path == null) {
                    continue;
                }
                byte[] input = read(path);
                if (file.equals(LIBREOFFICE)) {
                    inputs.add(new SignedInput("libreoffice-B-B", PadesProfile.B_B,
                            sign(engine, input, file, SignatureLevel.SES, PadesProfile.B_B), null,
                            prefixes("isa-a-", "isa-b-", "isa-c-", "isa-g-", "isa-i-", "swa-", "benign-unmodified",
                                    "benign-empty-field", "benign-info")));
                } else {
                    inputs.add(new SignedInput("chromium-B-LTA", PadesProfile.B_LTA,
                            sign(engine, input, file, SignatureLevel.AES, PadesProfile.B_LTA), null,
                            prefixes("isa-a-", "isa-c-", "isa-h-", "benign-unmodified", "benign-info", "benign-extend",
                                    "warn-dss-removed")));
                }
            }
        }
        return inputs;
    }

    /** @return a signed copy of {@code pdf} */
    static byte[] sign(SignatureEngine engine, byte[] pdf, String name, SignatureLevel level, PadesProfile profile) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        engine.sign(SignRequest.builder().document(DocumentSource.of(pdf, name)).output(DocumentTarget.of(out))
                .signer(Signer.parse("Jane Doe <jane@example.com>").authenticatedBy(AuthenticationMethod.SMS_OTP, Instant.now()))
                .level(level).profile(profile).reason("Approval").build());
        return out.toByteArray();
    }

    private static Predicate<String> prefixes(String... prefixes) {
        Set<String> set = Set.of(prefixes);
        return id -> set.stream().anyMatch(id::startsWith);
    }

    /**
     * A real-producer file of the shared corpus. Under CI=true a missing corpus or file fails (as
     * {@link Corpus} does); locally it is left out with a note.
     */
    private static Path producerFile(String file) {
        boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
        Path dir;
        try {
            dir = Corpus.directory();
        } catch (TestAbortedException e) {
            System.err.println("AdversarialCorpus: no real-producer inputs: " + e.getMessage());
            return null;
        }
        Path path = dir.resolve(file);
        if (!Files.isRegularFile(path)) {
            if (ci) {
                throw new AssertionError("the producer corpus has no " + file + " (" + dir + ")");
            }
            System.err.println("AdversarialCorpus: leaving out " + file + ": not in " + dir);
            return null;
        }
        return path;
    }

    private static byte[] read(Path path) {
        try {
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
