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
 * <p>The engine creates these; a caller that needs one (a fake engine in a test) builds it with {@link #builder()},
 * which stays source and binary compatible when a component is added (the canonical constructor does not).
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

    /**
     * Validates the components and copies the chain. Not part of the stable API: the engine creates results, and
     * a new component changes this constructor; build one with {@link #builder()} (tests, fakes of the engine).
     *
     * @param level the eIDAS level signed at
     * @param profile the PAdES profile actually reached
     * @param certificateChain the signing certificate first, then its issuers
     * @param signingTime the claimed signing time ({@code /M} of the signature dictionary)
     * @param timestampTime the time asserted by the signature time-stamp, when the profile has one
     * @param inputSha256 lower-case hex SHA-256 of the input document
     * @param preparedSha256 lower-case hex SHA-256 of the document as prepared for signing: the input plus
     *        the engine's preparation revision (the sandbox mark), or the input itself
     *        when none was needed
     * @param outputSha256 lower-case hex SHA-256 of the signed document
     * @param outputFile the output file, when the target was a file
     * @param sandbox whether this signature was made by a sandbox engine (not legally binding)
     * @param warnings what the caller should know but did not stop the signature, each naming what it is
     *        about: typically an earlier signature of the document (someone else's) that the
     *        engine could not give long-term validation data, and left exactly as it was
     */
    @InternalApi
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

    /** {@return the warnings (an unmodifiable copy)} */
    @Override
    public List<String> warnings() {
        return warnings;
    }

    /** {@return the signing certificate} */
    public X509Certificate signingCertificate() {
        return certificateChain.get(0);
    }

    /** {@return a builder with no value set (signing time, chain, hashes, level and profile are required)} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return a builder pre-filled with this result's values} */
    public Builder toBuilder() {
        return new Builder().level(level).profile(profile).certificateChain(certificateChain).signingTime(signingTime)
                .timestampTime(timestampTime.orElse(null)).inputSha256(inputSha256).preparedSha256(preparedSha256)
                .outputSha256(outputSha256).outputFile(outputFile.orElse(null)).sandbox(sandbox).warnings(warnings);
    }

    /** Builder for {@link SigningResult}; not thread-safe, reusable. */
    public static final class Builder {
        private SignatureLevel level;
        private PadesProfile profile;
        private List<X509Certificate> certificateChain;
        private Instant signingTime;
        private Instant timestampTime;
        private String inputSha256;
        private String preparedSha256;
        private String outputSha256;
        private Path outputFile;
        private boolean sandbox;
        private List<String> warnings = List.of();

        private Builder() {
        }

        /**
         * Sets the eIDAS level signed at.
         *
         * @param level the eIDAS level signed at
         * @return this
         */
        public Builder level(SignatureLevel level) {
            this.level = level;
            return this;
        }

        /**
         * Sets the PAdES profile reached.
         *
         * @param profile the PAdES profile reached
         * @return this
         */
        public Builder profile(PadesProfile profile) {
            this.profile = profile;
            return this;
        }

        /**
         * Sets the certificate chain: the signing certificate first, then its issuers.
         *
         * @param chain the signing certificate first, then its issuers
         * @return this
         */
        public Builder certificateChain(List<X509Certificate> chain) {
            this.certificateChain = chain;
            return this;
        }

        /**
         * Sets the claimed signing time.
         *
         * @param signingTime the claimed signing time
         * @return this
         */
        public Builder signingTime(Instant signingTime) {
            this.signingTime = signingTime;
            return this;
        }

        /**
         * Sets the signature time-stamp's time, or {@code null} for none.
         *
         * @param timestampTime the signature time-stamp's time, or {@code null} for none
         * @return this
         */
        public Builder timestampTime(Instant timestampTime) {
            this.timestampTime = timestampTime;
            return this;
        }

        /**
         * Sets the hex SHA-256 of the input document.
         *
         * @param sha256 hex SHA-256 of the input document
         * @return this
         */
        public Builder inputSha256(String sha256) {
            this.inputSha256 = sha256;
            return this;
        }

        /**
         * Sets the hex SHA-256 of the document as prepared for signing.
         *
         * @param sha256 hex SHA-256 of the document as prepared for signing
         * @return this
         */
        public Builder preparedSha256(String sha256) {
            this.preparedSha256 = sha256;
            return this;
        }

        /**
         * Sets the hex SHA-256 of the signed document.
         *
         * @param sha256 hex SHA-256 of the signed document
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
         * Sets whether a sandbox engine signed (default {@code false}).
         *
         * @param sandbox whether a sandbox engine signed (default {@code false})
         * @return this
         */
        public Builder sandbox(boolean sandbox) {
            this.sandbox = sandbox;
            return this;
        }

        /**
         * Sets what the caller should know (default none).
         *
         * @param warnings what the caller should know (default none)
         * @return this
         */
        public Builder warnings(List<String> warnings) {
            this.warnings = warnings;
            return this;
        }

        /**
         * {@return the result}
         * @throws NullPointerException when a required value is missing
         * @throws IllegalArgumentException when the chain is empty
         */
        public SigningResult build() {
            return new SigningResult(level, profile, Objects.requireNonNull(certificateChain, "certificateChain"), signingTime,
                    Optional.ofNullable(timestampTime), inputSha256, preparedSha256, outputSha256,
                    Optional.ofNullable(outputFile), sandbox, warnings);
        }
    }
}
