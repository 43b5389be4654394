package com.certyneo.engine.cli;

import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.tsp.TsaClient;
import com.certyneo.engine.tsp.TsaEndpoint;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/** The production TSA client of {@code sign --tsa} and {@code timestamp --tsa}, with their {@code --tsa-pin}s. */
final class TsaClients {

    private TsaClients() {
    }

    /** Refuses {@code --tsa-pin} without {@code --tsa}: the sandbox TSA is the sandbox's own, never pinned. */
    static void requireTsa(List<String> urls, List<Path> pins) {
        if (!pins.isEmpty() && urls.isEmpty()) {
            throw new SignatureEngineException(ErrorCode.INVALID_REQUEST, "--tsa-pin needs --tsa: it pins a production TSA",
                    "Add --tsa URL for the TSA whose certificate you pin, or drop --tsa-pin.");
        }
    }

    /**
     * @param urls the TSA URLs, in failover order
     * @param pins certificate files every TSA's tokens are pinned to (their TSU certificate or its issuing CA);
     *             empty for no pinning
     * @return the client
     */
    static TsaClient of(List<String> urls, List<Path> pins) {
        List<X509Certificate> pinned = new ArrayList<>();
        for (Path pin : pins) {
            pinned.addAll(read(pin));
        }
        TsaClient.Builder client = TsaClient.builder();
        for (String url : urls) {
            TsaEndpoint endpoint;
            try {
                endpoint = TsaEndpoint.of(url);
            } catch (IllegalArgumentException e) {
                throw new SignatureEngineException(ErrorCode.INVALID_REQUEST, "--tsa " + url + ": " + e.getMessage(),
                        "Give the TSA's http(s) URL, e.g. --tsa https://tsa.example.com/tsr");
            }
            client.endpoint(pinned.isEmpty() ? endpoint : endpoint.withPinnedCertificates(pinned));
        }
        return client.build();
    }

    private static List<X509Certificate> read(Path path) {
        return ValidateCommand.readCertificates(Inputs.readable(path), "--tsa-pin",
                "Pass a PEM or DER X.509 certificate: the TSA's TSU certificate or its issuing CA.");
    }
}
