package com.certyneo.engine.cli;

import com.certyneo.engine.ResourceLimits;
import picocli.CommandLine.Option;

import java.math.BigDecimal;
import java.time.Duration;

/** The {@code --time-limit} option of the commands that process a document. */
final class LimitsOption {

    @Option(names = "--time-limit", paramLabel = "SECONDS",
            description = "Give up on the document after this many seconds (default: 60): exit code 3 "
                    + "(RESOURCE_LIMIT), nothing written")
    BigDecimal timeLimit;

    /** @return the engine's default limits, with the time limit given on the command line */
    ResourceLimits limits() {
        ResourceLimits defaults = ResourceLimits.defaults();
        if (timeLimit == null) {
            return defaults;
        }
        if (timeLimit.signum() <= 0) {
            throw new com.certyneo.engine.SignatureEngineException(com.certyneo.engine.ErrorCode.INVALID_REQUEST,
                    "--time-limit must be a positive number of seconds (got " + timeLimit.toPlainString() + ")",
                    "Give the seconds allowed per document, such as --time-limit 120.");
        }
        long millis;
        try {
            millis = timeLimit.movePointRight(3).setScale(0, java.math.RoundingMode.CEILING).longValueExact();
        } catch (ArithmeticException e) {
            millis = Long.MAX_VALUE / 1_000_000; // absurdly large: as good as no limit
        }
        return defaults.withTimePerDocument(Duration.ofMillis(millis));
    }
}
