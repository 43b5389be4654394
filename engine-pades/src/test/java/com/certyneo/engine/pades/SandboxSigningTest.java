package com.certyneo.engine.pades;

import com.certyneo.engine.AuthenticationMethod;
import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.Indication;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.SignatureValidation;
import com.certyneo.engine.Signer;
import com.certyneo.engine.SigningResult;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.engine.ValidationReport;
import com.certyneo.testvectors.SamplePdfs;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SandboxSigningTest {

    @TempDir
    static Path home;
    static PadesSignatureEngine engine;

    @BeforeAll
    static void setUp() {
        engine = PadesSignatureEngine.sandbox(home);
    }

    static Stream<Arguments> levelsAndProfiles() {
        return Stream.of(SignatureLevel.SES, SignatureLevel.AES)
                .flatMap(level -> Stream.of(PadesProfile.values()).map(p -> Arguments.of(level, p)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("levelsAndProfiles")
    void signsAndValidates(SignatureLevel level, PadesProfile profile) throws Exception {
        Path out = home.resolve(level + "-" + profile + ".pdf");
        SigningResult result = engine.sign(SignRequest.builder()
                .document(DocumentSource.of(SamplePdfs.multiPage(2), "in.pdf"))
                .output(DocumentTarget.of(out))
                .signer(Signer.parse("Jane Doe <jane@example.com>").authenticatedBy(AuthenticationMethod.SMS_OTP, Instant.now()))
                .level(level).profile(profile).reason("Approval")
                .build());
        assertEquals(profile, result.profile());
        assertTrue(Files.size(out) > 0);

        ValidationReport report = engine.validate(DocumentSource.of(out), ValidationOptions.sandbox());
        System.out.println(report);
        List<SignatureValidation> signatures = report.signatures().stream().filter(s -> !s.documentTimestamp()).toList();
        assertEquals(1, signatures.size());
        SignatureValidation v = signatures.get(0);
        assertEquals(Indication.TOTAL_PASSED, v.indication(), v.toString());
        assertEquals(profile, v.profile().orElseThrow());
        assertTrue(v.sandbox());
    }
}
