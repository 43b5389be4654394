package com.certyneo.engine.cli;

import com.certyneo.engine.pades.SandboxPki;
import com.certyneo.engine.tsp.TimestampResult;
import com.certyneo.engine.tsp.TsaClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code certyneo tsa serve}: serves the sandbox TSA, whose tokens the strict client accepts. */
class TsaCommandTest {

    private static final Pattern URL = Pattern.compile("listening on (http://\\S+)");

    @Test
    void servesTheSandboxTsaUntilStopped(@TempDir Path home) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        AtomicInteger exit = new AtomicInteger(-1);
        Thread serve = new Thread(() -> exit.set(Main.run(
                new String[] {"tsa", "serve", "--port", "0", "--home", home.toString()},
                new PrintWriter(out, true), new PrintWriter(err, true))), "tsa-serve-test");
        serve.start();
        String url = null;
        for (int i = 0; i < 600 && url == null && serve.isAlive(); i++) {
            Matcher m = URL.matcher(out.toString());
            if (m.find()) {
                url = m.group(1);
            } else {
                Thread.sleep(50);
            }
        }
        try {
            assertTrue(url != null && url.startsWith("http://127.0.0.1:"), "no URL printed; out: " + out + " err: " + err);
            SandboxPki pki = SandboxPki.loadOrCreate(home);
            TsaClient client = TsaClient.builder().endpoint(url).trustAnchors(List.of(pki.rootCertificate()))
                    .allowedPolicies(List.of(SandboxPki.SANDBOX_TSA_POLICY_OID)).build();
            TimestampResult result = client.request("SHA-256", new byte[32]);
            assertTrue(result.chainTrusted());
            assertFalse(result.info().claimsQualified(), "the sandbox TSA never claims to be qualified");
            assertTrue(out.toString().contains(SandboxPki.SANDBOX_TSA_POLICY_OID));
        } finally {
            serve.interrupt();
            serve.join(10_000);
        }
        assertFalse(serve.isAlive());
        assertEquals(0, exit.get(), err.toString());
    }
}
