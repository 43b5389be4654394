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
import java.nio.file.Files;
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
        description = {"Sign a PDF, or several for one signer with --out-dir (all or nothing; at QES one OTP for all). "
                        + "The output is written atomically; nothing is left on failure.",
                "Without --p12: the sandbox engine (test PKI, output marked SANDBOX).",
                "With --p12: a production platform seal (--level SES) from a PKCS#12 file; time-stamps from --tsa, "
                        + "revocation data for B-LT/B-LTA from the certificates' OCSP/CRL URLs with --online-revocation."},
        footer = EngineCommand.OUTPUT_FOOTER)
final class SignCommand extends EngineCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "IN.pdf", description = "The PDF to sign")
    Path input;

    @Parameters(index = "1..*", paramLabel = "MORE.pdf", description = "More PDFs for the same signer, signed as one "
            + "batch with --out-dir: all or none are written; at QES one authorisation (one OTP) signs them all")
    List<Path> more = new ArrayList<>();

    @Option(names = {"-o", "--output"}, paramLabel = "OUT.pdf", description = "Where to write the signed PDF (one input)")
    Path output;

    @Option(names = "--out-dir", paramLabel = "DIR", description = "Write each signed PDF to DIR under its input's "
            + "file name (several inputs)")
    Path outDir;

    @Option(names = "--in-place", description = "Allow -o to name IN.pdf: the signed PDF replaces it (atomically)")
    boolean inPlace;

    @Option(names = "--level", paramLabel = "SES|AES|AES-Q|QES", defaultValue = "AES",
            description = "eIDAS level (default: ${DEFAULT-VALUE}); AES-Q: an advanced signature with a qualified "
                    + "certificate not on a QSCD, from the QTSP like QES")
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
            + "number, then position and size in points from the top-left corner of the page as displayed (e.g. 1,350,700,220,70). "
            + "A --field placed on a page is drawn in its own box without it")
    String visible;

    @Option(names = "--certify", paramLabel = "no-changes|form-fill|annotate", description = "Certify the document "
            + "(the first signature only, DocMDP): what later revisions may change besides validation data and "
            + "document time-stamps")
    String certify;

    @Option(names = "--lock", paramLabel = "all|include:a,b|exclude:a,b", description = "Lock form fields with this "
            + "signature (FieldMDP): a later change to a locked field fails it")
    String lock;

    @Option(names = "--image", paramLabel = "FILE", description = "With --visible, or --field naming a field placed on "
            + "a page: draw this PNG (alpha kept) or JPEG in the box beside the text, aspect ratio kept (a logo or a "
            + "handwritten signature; at most 4 MiB and 4096 x 4096 pixels)")
    Path image;

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
        List<Path> inputs = new ArrayList<>();
        inputs.add(input);
        inputs.addAll(more);
        List<Path> outputs = outputs(inputs);
        for (int i = 0; i < inputs.size(); i++) {
            Inputs.readable(inputs.get(i));
            Inputs.writable(outputs.get(i), inputs.get(i), inPlace);
        }
        TsaClients.requireTsa(tsa, tsaPins);
        if (p12 != null) {
            Inputs.readable(p12);
        }
        trust.forEach(Inputs::readable);
        if (image != null && visible == null && field == null) {
            throw new com.certyneo.engine.SignatureEngineException(com.certyneo.engine.ErrorCode.INVALID_REQUEST,
                    "--image " + image + " needs a visible box to draw in",
                    "Add --visible PAGE,X,Y,W,H, or sign into a field placed on a page with --field NAME.");
        }
        Signer who = Signer.parse(signer);
        if (phone != null) {
            who = who.withPhone(Inputs.e164(phone));
        }
        Instant now = Instant.now();
        for (String method : auth) {
            who = who.authenticatedBy(parseMethod(method), now);
        }
        char[] documentPassword = password.password();
        List<SignRequest> requests = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            requests.add(SignRequest.builder()
                    .document(DocumentSource.of(inputs.get(i)))
                    .output(DocumentTarget.of(outputs.get(i)))
                    .signer(who)
                    .level(SignatureLevel.parse(level))
                    .profile(profile == null ? null : PadesProfile.parse(profile))
                    .reason(reason).location(location).contactInfo(contact).field(field)
                    .appearance(appearance())
                    .certify(certify == null ? null : com.certyneo.engine.CertificationLevel.parse(certify))
                    .lockFields(lock == null ? null : com.certyneo.engine.FieldLock.parse(lock))
                    .password(documentPassword)
                    .build());
        }
        if (documentPassword != null) {
            java.util.Arrays.fill(documentPassword, '\0'); // each request holds its own copy
        }
        String what = inputs.size() == 1 ? Progress.describe(input) : inputs.size() + " documents";
        try (PadesSignatureEngine engine = p12 == null ? sandboxEngine(limits.limits()) : productionEngine();
             Progress progress = Progress.ticker(err(), terminal(), "Signing " + what)) {
            Timing.mark("engine");
            List<SigningResult> results;
            try {
                results = inputs.size() == 1 && outDir == null
                        ? List.of(engine.sign(requests.get(0))) : engine.signAll(requests);
            } finally {
                requests.forEach(r -> r.password().ifPresent(com.certyneo.engine.DocumentPassword::destroy));
            }
            progress.close();
            Timing.mark("signed");
            for (int i = 0; i < inputs.size(); i++) {
                print(out(), inputs.get(i), results.get(i));
            }
        }
        return 0;
    }

    /** -o for one input, or --out-dir DIR/NAME for each input (several inputs need --out-dir). */
    private List<Path> outputs(List<Path> inputs) {
        if (output == null && outDir == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "Missing required option: '--output=OUT.pdf' (or '--out-dir=DIR' for several inputs)");
        }
        if (output != null && outDir != null) {
            throw new com.certyneo.engine.SignatureEngineException(com.certyneo.engine.ErrorCode.INVALID_REQUEST,
                    "-o and --out-dir cannot be used together", "Use -o OUT.pdf for one input, --out-dir DIR for several.");
        }
        if (output != null) {
            if (inputs.size() > 1) {
                throw new com.certyneo.engine.SignatureEngineException(com.certyneo.engine.ErrorCode.INVALID_REQUEST,
                        "-o names one output and " + inputs.size() + " inputs were given",
                        "Sign several PDFs with --out-dir DIR: each is written to DIR under its own file name.");
            }
            return List.of(output);
        }
        if (Files.exists(outDir) && !Files.isDirectory(outDir)) {
            throw new com.certyneo.engine.SignatureEngineException(com.certyneo.engine.ErrorCode.IO_ERROR,
                    "--out-dir " + outDir + " is not a directory", "Name a directory (it is created if needed).");
        }
        List<Path> outputs = new ArrayList<>();
        java.util.Map<Path, Path> names = new java.util.HashMap<>();
        for (Path in : inputs) {
            Path name = in.getFileName();
            Path earlier = names.put(name, in);
            if (earlier != null) {
                throw new com.certyneo.engine.SignatureEngineException(com.certyneo.engine.ErrorCode.INVALID_REQUEST,
                        earlier + " and " + in + " would both be written to " + outDir.resolve(name),
                        "Sign files with the same name in separate runs, or rename one.");
            }
            outputs.add(outDir.resolve(name));
        }
        return outputs;
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
        out.printf("  level:       %s, PAdES %s%n", result.level().label(), result.profile());
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

    /**
     * The appearance asked for: the box of {@code --visible} (with the image of {@code --image}); an image alone for
     * a {@code --field}, drawn in that field's own box (a request's box is not used for an existing placed field, so
     * any valid one carries the image; an invisible field refuses it); else none (a placed {@code --field} is still
     * drawn in, with the text).
     */
    private com.certyneo.engine.VisibleAppearance appearance() {
        if (visible != null) {
            return withImage(parseBox(visible), image);
        }
        return image == null ? null : com.certyneo.engine.VisibleAppearance.of(1, 0, 0, 36, 18).withImage(image);
    }

    /** The box with the image of {@code --image} (read and checked now), or the box as it is without one. */
    static com.certyneo.engine.VisibleAppearance withImage(com.certyneo.engine.VisibleAppearance box, Path image) {
        return image == null ? box : box.withImage(image);
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
