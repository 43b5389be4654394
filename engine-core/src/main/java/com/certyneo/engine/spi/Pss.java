package com.certyneo.engine.spi;

import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;

/** RSASSA-PSS parameters for the JCA names {@code SHA256withRSAandMGF1} and friends. */
final class Pss {
    private Pss() {
    }

    static PSSParameterSpec forAlgorithm(String jcaAlgorithm) {
        String digest = jcaAlgorithm.substring(0, jcaAlgorithm.indexOf("with"));
        return switch (digest) {
            case "SHA384" -> new PSSParameterSpec("SHA-384", "MGF1", MGF1ParameterSpec.SHA384, 48, 1);
            case "SHA512" -> new PSSParameterSpec("SHA-512", "MGF1", MGF1ParameterSpec.SHA512, 64, 1);
            default -> new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1);
        };
    }
}
