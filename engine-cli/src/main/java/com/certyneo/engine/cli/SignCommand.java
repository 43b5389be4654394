package com.certyneo.engine.cli;

import com.certyneo.engine.AuthenticationMethod;
import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.Signer;
import com.certyneo.engine.SigningResult;
import com.certyneo.engine.pades.PadesSignatureEngine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code certyneo sign}: signs a PDF on the sandbox engine. */
@Command(name = "sign", mixinStandardHelpOptions = true,
        description = "Sign a PDF (sandbox engine). The output is written atomically; nothing is left on failure.")
final class SignCommand extends EngineCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "IN.pdf", description = "The PDF to sign")
    Path input;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT.pdf", description = "Where to write the signed PDF")
    Path output;

    @Option(names = "--level", paramLabel = "SES|AES|QES", defaultValue = "AES",
            description = "eIDAS level (default: ${DEFAULT-VALUE})")
    String level;

    @Option(names = "--profile", paramLabel = "B-B|B-T|B-LT|B-LTA",
            description = "PAdES baseline profile (default: the level's default, B-T)")
    String profile;

    @Option(names = "--signer", required = true, paramLabel = "\"NAME <EMAIL>\"", description = "The signer, e.g. \"Jane Doe <jane@example.com>\"")
    String signer;

    @Option(names = "--phone", paramLabel = "E164", description = "The signer's phone number")
    String phone;

    @Option(names = "--auth", paramLabel = "METHOD", split = ",",
            description = "How the signer was authenticated: sms-otp, email-otp, id-document, video-kyc (repeatable; AES needs one)")
    List<String> auth = new ArrayList<>();

    @Option(names = "--reason", description = "Reason for signing (/Reason)")
    String reason;

    @Option(names = "--location", description = "Where the signing happens (/Location)")
    String location;

    @Option(names = "--contact", description = "Signer contact information (/ContactInfo)")
    String contact;

    @Override
    public Integer call() {
        Signer who = Signer.parse(signer);
        if (phone != null) {
            who = who.withPhone(phone);
        }
        Instant now = Instant.now();
        for (String method : auth) {
            who = who.authenticatedBy(parseMethod(method), now);
        }
        SignRequest request = SignRequest.builder()
                .document(DocumentSource.of(input))
                .output(DocumentTarget.of(output))
                .signer(who)
                .level(SignatureLevel.parse(level))
                .profile(profile == null ? null : PadesProfile.parse(profile))
                .reason(reason).location(location).contactInfo(contact)
                .build();
        try (PadesSignatureEngine engine = sandboxEngine()) {
            SigningResult result = engine.sign(request);
            print(out(), input, result);
        }
        return 0;
    }

    static void print(PrintWriter out, Path input, SigningResult result) {
        out.printf("Signed %s -> %s%n", input, result.outputFile().map(Path::toString).orElse("(stream)"));
        out.printf("  level:       %s, PAdES %s%n", result.level(), result.profile());
        out.printf("  certificate: %s%n", result.signingCertificate().getSubjectX500Principal().getName(
                javax.security.auth.x500.X500Principal.RFC2253, java.util.Map.of("1.2.840.113549.1.9.1", "EMAILADDRESS")));
        out.printf("  signed at:   %s%s%n", result.signingTime(),
                result.timestampTime().map(t -> " (time-stamp " + t + ")").orElse(""));
        out.printf("  sha256 in:   %s%n", result.inputSha256());
        out.printf("  sha256 out:  %s%n", result.outputSha256());
        if (result.sandbox()) {
            out.println("  SANDBOX - NOT LEGALLY BINDING (test PKI; validate with --sandbox)");
        }
    }

    static AuthenticationMethod parseMethod(String text) {
        String normalized = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        try {
            return AuthenticationMethod.valueOf(normalized);
        } catch (IllegalArgumentException e) {
            throw new com.certyneo.engine.SignatureEngineException(com.certyneo.engine.ErrorCode.INVALID_REQUEST,
                    "Unknown authentication method '" + text + "'", "Use sms-otp, email-otp, id-document or video-kyc.");
        }
    }
}
