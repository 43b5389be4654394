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

/**
 * {@code certyneo sign}: signs a PDF on the sandbox engine, or — with {@code --p12} — as a production
 * platform seal (SES) with the given key, time-stamp authorities and trust anchors.
 */
@Command(name = "sign", mixinStandardHelpOptions = true,
        description = {"Sign a PDF. The output is written atomically; nothing is left on failure.",
                "Without --p12: the sandbox engine (test PKI, output marked SANDBOX).",
                "With --p12: a production platform seal (--level SES) from a PKCS#12 file; time-stamps from --tsa, "
                        + "revocation data for B-LT/B-LTA from the certificates' OCSP/CRL URLs with --online-revocation."},
        footer = EngineCommand.OUTPUT_FOOTER)
final class SignCommand extends EngineCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "IN.pdf", description = "The PDF to sign")
    Path input;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT.pdf", description = "Where to write the signed PDF")
    Path output;

    @Option(names = "--in-place", description = "Allow -o to name IN.pdf: the signed PDF replaces it (atomically)")
    boolean inPlace;

    @Option(names = "--level", paramLabel = "SES|AES|QES", defaultValue = "AES",
            description = "eIDAS level (default: ${DEFAULT-VALUE})")
    String level;

    @Option(names = "--profile", paramLabel = "B-B|B-T|B-LT|B-LTA",
            description = "PAdES baseline profile (default: B-LT when revocation data is available, else B-T)")
    String profile;

    @Option(names = "--signer", required = true, paramLabel = "\"NAME <EMAIL>\"", description = "The signer, e.g. \"Jane Doe <jane@example.com>\"")
    String signer;

    @Option(names = "--phone", paramLabel = "E164", description = "The signer's phone number, international (E.164): "
            + "+ and the country code, such as +33612345678")
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

    @Option(names = "--field", paramLabel = "NAME", description = "Sign into this existing, empty signature field "
            + "(fully qualified name) instead of adding a new one")
    String field;

    @Option(names = "--visible", paramLabel = "PAGE,X,Y,W,H", description = "Draw a visible signature box: page "
            + "number, then position and size in points from the top-left corner of the page as displayed (e.g. 1,350,700,220,70)")
    String visible;

    @Option(names = "--p12", paramLabel = "FILE", description = "Production seal key: a PKCS#12 file (level SES)")
    Path p12;

    @Option(names = "--p12-password-env", paramLabel = "VAR", defaultValue = "CERTYNEO_P12_PASSWORD",
            description = "Environment variable holding the PKCS#12 password (default: ${DEFAULT-VALUE}); "
                    + "passwords are never taken on the command line")
    String p12PasswordEnv;

    @Option(names = "--alias", paramLabel = "ALIAS", description = "Key alias in the PKCS#12 file (default: its only key)")
    String alias;

    @Option(names = "--tsa", paramLabel = "URL", description = "Production RFC 3161 TSA URL (repeatable: failover order)")
    List<String> tsa = new ArrayList<>();

    @Option(names = "--tsa-pin", paramLabel = "CERT", description = "Accept --tsa tokens only from this TSU "
            + "certificate or one it issued (PEM/DER file; repeatable)")
    List<Path> tsaPins = new ArrayList<>();

    @Option(names = "--trust", paramLabel = "ROOT.pem", description = "Production trust anchor (repeatable)")
    List<Path> trust = new ArrayList<>();

    @picocli.CommandLine.Mixin
    LimitsOption limits;

    @picocli.CommandLine.Mixin
    PasswordOption password = new PasswordOption();

    @Option(names = "--online-revocation", description = "Fetch OCSP/CRL for B-LT/B-LTA from the certificates' URLs "
            + "(10 s timeout per request), kept until their nextUpdate in HOME/revocation-cache.mv.db")
    boolean onlineRevocation;

    @Override
    public Integer call() {
        // Everything the command line says is checked before an engine is built: mistakes are reported at once.
        Inputs.readable(input);
        Inputs.writable(output, input, inPlace);
        TsaClients.requireTsa(tsa, tsaPins);
        if (p12 != null) {
            Inputs.readable(p12);
        }
        trust.forEach(Inputs::readable);
        Signer who = Signer.parse(signer);
        if (phone != null) {
            who = who.withPhone(Inputs.e164(phone));
        }
        Instant now = Instant.now();
        for (String method : auth) {
            who = who.authenticatedBy(parseMethod(method), now);
        }
        char[] documentPassword = password.password();
        SignRequest request = SignRequest.builder()
                .document(DocumentSource.of(input))
                .output(DocumentTarget.of(output))
                .signer(who)
                .level(SignatureLevel.parse(level))
                .profile(profile == null ? null : PadesProfile.parse(profile))
                .reason(reason).location(location).contactInfo(contact).field(field)
                .appearance(visible == null ? null : parseBox(visible))
                .password(documentPassword)
                .build();
        if (documentPassword != null) {
            java.util.Arrays.fill(documentPassword, '\0'); // the request holds its own copy
        }
        try (PadesSignatureEngine engine = p12 == null ? sandboxEngine(limits.limits()) : productionEngine();
             Progress progress = Progress.ticker(err(), terminal(), "Signing " + Progress.describe(input))) {
            Timing.mark("engine");
            SigningResult result;
            try {
                result = engine.sign(request);
            } finally {
                request.password().ifPresent(com.certyneo.engine.DocumentPassword::destroy);
            }
            progress.close();
            Timing.mark("signed");
            print(out(), input, result);
        }
        return 0;
    }

    private PadesSignatureEngine productionEngine() {
        String password = System.getenv(p12PasswordEnv);
        if (password == null) {
            throw new com.certyneo.engine.SignatureEngineException(com.certyneo.engine.ErrorCode.INVALID_REQUEST,
                    "The PKCS#12 password variable " + p12PasswordEnv + " is not set",
                    "export " + p12PasswordEnv + "=... before running, or name another variable with --p12-password-env.");
        }
        PadesSignatureEngine.Builder builder = PadesSignatureEngine.builder().limits(limits.limits())
                .sealKey(com.certyneo.engine.pades.keys.Pkcs12Keys.load(p12, password.toCharArray(), alias));
        if (!tsa.isEmpty()) {
            builder.timestampSource(TsaClients.of(tsa, tsaPins));
        }
        for (Path root : trust) {
            ValidateCommand.readCertificates(root).forEach(builder::trustAnchor);
        }
        if (onlineRevocation) {
            // What the responders answer is kept until its nextUpdate in the home's embedded database.
            builder.onlineRevocation(java.time.Duration.ofSeconds(10))
                    .revocationCache(com.certyneo.engine.pades.RevocationCache.file(homeDir().resolve("revocation-cache")));
        }
        return builder.build();
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
        result.warnings().forEach(w -> out.printf("  warning:     %s%n", w));
    }

    static com.certyneo.engine.VisibleAppearance parseBox(String text) {
        String[] parts = text.split(",");
        try {
            if (parts.length != 5) {
                throw new NumberFormatException("5 values expected");
            }
            return com.certyneo.engine.VisibleAppearance.of(Integer.parseInt(parts[0].trim()), Float.parseFloat(parts[1].trim()),
                    Float.parseFloat(parts[2].trim()), Float.parseFloat(parts[3].trim()), Float.parseFloat(parts[4].trim()));
        } catch (NumberFormatException e) {
            throw new com.certyneo.engine.SignatureEngineException(com.certyneo.engine.ErrorCode.INVALID_REQUEST,
                    "Cannot read --visible '" + text + "'", "Write PAGE,X,Y,WIDTH,HEIGHT, e.g. 1,350,700,220,70.");
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
