package com.certyneo.engine;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a signing operation produced.
 *
 * @param level the eIDAS level signed at
 * @param profile the PAdES profile actually reached
 * @param certificateChain the signing certificate first, then its issuers
 * @param signingTime the claimed signing time ({@code /M} of the signature dictionary)
 * @param timestampTime the time asserted by the signature time-stamp, when the profile has one
 * @param inputSha256 lower-case hex SHA-256 of the input document
 * @param preparedSha256 lower-case hex SHA-256 of the document as prepared for signing: the input plus
 *                       the engine's preparation revision (the sandbox mark), or the input itself
 *                       when none was needed
 * @param outputSha256 lower-case hex SHA-256 of the signed document
 * @param outputFile the output file, when the target was a file
 * @param sandbox whether this signature was made by a sandbox engine (not legally binding)
 * @param warnings what the caller should know but did not stop the signature, each naming what it is
 *                 about: typically an earlier signature of the document (someone else's) that the
 *                 engine could not give long-term validation data, and left exactly as it was
 */
public record SigningResult(SignatureLevel level, PadesProfile profile, List<X509Certificate> certificateChain,
                            Instant signingTime, Optional<Instant> timestampTime, String inputSha256,
                            String preparedSha256, String outputSha256, Optional<Path> outputFile, boolean sandbox,
                            List<String> warnings) {

    /** Validates the components and copies the chain. */
    public SigningResult {
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(profile, "profile");
        certificateChain = List.copyOf(certificateChain);
        if (certificateChain.isEmpty()) {
            throw new IllegalArgumentException("certificateChain is empty");
        }
        Objects.requireNonNull(signingTime, "signingTime");
        timestampTime = Objects.requireNonNullElse(timestampTime, Optional.empty());
        Objects.requireNonNull(inputSha256, "inputSha256");
        Objects.requireNonNull(preparedSha256, "preparedSha256");
        Objects.requireNonNull(outputSha256, "outputSha256");
        outputFile = Objects.requireNonNullElse(outputFile, Optional.empty());
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    /**
     * A result without warnings.
     *
     * @param level the eIDAS level signed at
     * @param profile the PAdES profile reached
     * @param certificateChain the signing certificate first
     * @param signingTime the claimed signing time
     * @param timestampTime the signature time-stamp's time, if any
     * @param inputSha256 hex SHA-256 of the input
     * @param preparedSha256 hex SHA-256 of the prepared document
     * @param outputSha256 hex SHA-256 of the output
     * @param outputFile the output file, if any
     * @param sandbox whether a sandbox engine signed
     */
    public SigningResult(SignatureLevel level, PadesProfile profile, List<X509Certificate> certificateChain,
                         Instant signingTime, Optional<Instant> timestampTime, String inputSha256,
                         String preparedSha256, String outputSha256, Optional<Path> outputFile, boolean sandbox) {
        this(level, profile, certificateChain, signingTime, timestampTime, inputSha256, preparedSha256, outputSha256,
                outputFile, sandbox, List.of());
    }

    /** @return the warnings (an unmodifiable copy) */
    @Override
    public List<String> warnings() {
        return warnings;
    }

    /** @return the signing certificate */
    public X509Certificate signingCertificate() {
        return certificateChain.get(0);
    }
}
