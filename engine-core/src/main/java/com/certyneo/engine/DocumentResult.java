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
 * <p>The engine creates these; a caller that needs one (a fake engine in a test) builds it with {@link #builder()},
 * which stays source and binary compatible when a component is added (the canonical constructor does not).
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

    /**
     * Validates the components. Not part of the stable API: the engine creates results, and a new component
     * changes this constructor; build one with {@link #builder()}.
     *
     * @param profile the profile the signatures were extended to, for extensions (every signature not named
     *        in {@code warnings})
     * @param signatureCount the number of signatures in the document (extensions cover all of them)
     * @param timestampTime the time asserted by the document time-stamp added, if one was added
     * @param inputSha256 lower-case hex SHA-256 of the input
     * @param outputSha256 lower-case hex SHA-256 of the output
     * @param outputFile the output file, when the target was a file
     * @param sandbox whether a sandbox engine produced it
     * @param warnings what could not be done and did not stop the operation, each naming the signature or
     *        certificate it is about (for example an earlier signature, someone else's, that
     *        could not be extended because its chain is untrusted or its certificate expired)
     */
    @InternalApi
    public DocumentResult {
        profile = Objects.requireNonNullElse(profile, Optional.empty());
        timestampTime = Objects.requireNonNullElse(timestampTime, Optional.empty());
        Objects.requireNonNull(inputSha256, "inputSha256");
        Objects.requireNonNull(outputSha256, "outputSha256");
        outputFile = Objects.requireNonNullElse(outputFile, Optional.empty());
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    /** {@return the warnings (an unmodifiable copy)} */
    @Override
    public List<String> warnings() {
        return warnings;
    }

    /** {@return a builder with no value set (the hashes are required)} */
    public static Builder builder() {
        return new Builder();
    }

    /** Builder for {@link DocumentResult}; not thread-safe, reusable. */
    public static final class Builder {
        private PadesProfile profile;
        private int signatureCount;
        private Instant timestampTime;
        private String inputSha256;
        private String outputSha256;
        private Path outputFile;
        private boolean sandbox;
        private List<String> warnings = List.of();

        private Builder() {
        }

        /**
         * Sets the profile the signatures were extended to, or {@code null}.
         *
         * @param profile the profile the signatures were extended to, or {@code null}
         * @return this
         */
        public Builder profile(PadesProfile profile) {
            this.profile = profile;
            return this;
        }

        /**
         * Sets the number of signatures in the document.
         *
         * @param count the number of signatures in the document
         * @return this
         */
        public Builder signatureCount(int count) {
            this.signatureCount = count;
            return this;
        }

        /**
         * Sets the time of the document time-stamp added, or {@code null} for none.
         *
         * @param time the time of the document time-stamp added, or {@code null} for none
         * @return this
         */
        public Builder timestampTime(Instant time) {
            this.timestampTime = time;
            return this;
        }

        /**
         * Sets the hex SHA-256 of the input.
         *
         * @param sha256 hex SHA-256 of the input
         * @return this
         */
        public Builder inputSha256(String sha256) {
            this.inputSha256 = sha256;
            return this;
        }

        /**
         * Sets the hex SHA-256 of the output.
         *
         * @param sha256 hex SHA-256 of the output
         * @return this
         */
        public Builder outputSha256(String sha256) {
            this.outputSha256 = sha256;
            return this;
        }

        /**
         * Sets the output file, or {@code null} when the target was not a file.
         *
         * @param file the output file, or {@code null} when the target was not a file
         * @return this
         */
        public Builder outputFile(Path file) {
            this.outputFile = file;
            return this;
        }

        /**
         * Sets whether a sandbox engine produced it (default {@code false}).
         *
         * @param sandbox whether a sandbox engine produced it (default {@code false})
         * @return this
         */
        public Builder sandbox(boolean sandbox) {
            this.sandbox = sandbox;
            return this;
        }

        /**
         * Sets what could not be done (default none).
         *
         * @param warnings what could not be done (default none)
         * @return this
         */
        public Builder warnings(List<String> warnings) {
            this.warnings = warnings;
            return this;
        }

        /**
         * {@return the result}
         * @throws NullPointerException when a hash is missing
         */
        public DocumentResult build() {
            return new DocumentResult(Optional.ofNullable(profile), signatureCount, Optional.ofNullable(timestampTime),
                    inputSha256, outputSha256, Optional.ofNullable(outputFile), sandbox, warnings);
        }
    }
}
