package com.certyneo.engine;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an operation on a whole document produced: an extension of its signatures
 * ({@link SignatureEngine#extend}) or a document time-stamp ({@link SignatureEngine#timestamp}).
 *
 * @param profile the profile the signatures were extended to, for extensions (every signature not named
 *                in {@code warnings})
 * @param signatureCount the number of signatures in the document (extensions cover all of them)
 * @param timestampTime the time asserted by the document time-stamp added, if one was added
 * @param inputSha256 lower-case hex SHA-256 of the input
 * @param outputSha256 lower-case hex SHA-256 of the output
 * @param outputFile the output file, when the target was a file
 * @param sandbox whether a sandbox engine produced it
 * @param warnings what could not be done and did not stop the operation, each naming the signature or
 *                 certificate it is about (for example an earlier signature, someone else's, that
 *                 could not be extended because its chain is untrusted or its certificate expired)
 */
public record DocumentResult(Optional<PadesProfile> profile, int signatureCount, Optional<Instant> timestampTime,
                             String inputSha256, String outputSha256, Optional<Path> outputFile, boolean sandbox,
                             List<String> warnings) {

    /** Validates the components. */
    public DocumentResult {
        profile = Objects.requireNonNullElse(profile, Optional.empty());
        timestampTime = Objects.requireNonNullElse(timestampTime, Optional.empty());
        Objects.requireNonNull(inputSha256, "inputSha256");
        Objects.requireNonNull(outputSha256, "outputSha256");
        outputFile = Objects.requireNonNullElse(outputFile, Optional.empty());
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    /**
     * A result without warnings.
     *
     * @param profile the profile reached, for extensions
     * @param signatureCount the number of signatures in the document
     * @param timestampTime the document time-stamp's time, if one was added
     * @param inputSha256 hex SHA-256 of the input
     * @param outputSha256 hex SHA-256 of the output
     * @param outputFile the output file, if any
     * @param sandbox whether a sandbox engine produced it
     */
    public DocumentResult(Optional<PadesProfile> profile, int signatureCount, Optional<Instant> timestampTime,
                          String inputSha256, String outputSha256, Optional<Path> outputFile, boolean sandbox) {
        this(profile, signatureCount, timestampTime, inputSha256, outputSha256, outputFile, sandbox, List.of());
    }

    /** @return the warnings (an unmodifiable copy) */
    @Override
    public List<String> warnings() {
        return warnings;
    }
}
