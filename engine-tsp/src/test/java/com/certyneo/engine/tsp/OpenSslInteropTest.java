package com.certyneo.engine.tsp;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Interoperability both ways with OpenSSL's {@code ts} tool: OpenSSL verifies what our server issues,
 * and our client accepts what an OpenSSL TSA issues (and rejects it once tampered with).
 */
class OpenSslInteropTest {

    static final String POLICY = "1.2.3.4.5.4";

    @BeforeAll
    static void requireOpenSsl() {
        assumeTrue(run(Path.of("."), "openssl", "version").exit() == 0, "openssl is not installed");
    }

    record Result(int exit, String output) {
    }

    static Result run(Path dir, String... command) {
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, e.toString());
        }
    }

    @Test
    void openSslVerifiesTokensFromOurServer(@TempDir Path dir) throws Exception {
        TestPki.Issued root = TestPki.root("Interop Root");
        TestPki.Issued tsu = TestPki.tsu(root, "Interop TSU", TestPki.Eku.TIME_STAMPING_CRITICAL);
        Path data = Files.writeString(dir.resolve("data.txt"), "Contract v1, signed by both parties\n");
        Path ca = TestPki.writePem(dir.resolve("ca.pem"), root.cert());
        try (TsaHttpServer server = TsaHttpServer.start(TestPki.authority(tsu, POLICY), 0)) {
            // OpenSSL as the client: its request, our reply, its verification against the query.
            Result query = run(dir, "openssl", "ts", "-query", "-data", data.toString(), "-sha256", "-cert",
                    "-out", "req.tsq");
            assertEquals(0, query.exit(), query.output());
            HttpResponse<byte[]> reply = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.uri())
                    .header("Content-Type", TsaClient.QUERY_TYPE)
                    .POST(HttpRequest.BodyPublishers.ofFile(dir.resolve("req.tsq"))).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, reply.statusCode());
            Files.write(dir.resolve("resp.tsr"), reply.body());
            Result verify = run(dir, "openssl", "ts", "-verify", "-queryfile", "req.tsq", "-in", "resp.tsr",
                    "-CAfile", ca.toString());
            assertEquals(0, verify.exit(), verify.output());
            assertTrue(verify.output().contains("Verification: OK"), verify.output());

            // Our client's token, verified by OpenSSL against the data.
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(data));
            TimestampResult result = TsaClient.builder().endpoint(server.uri().toString())
                    .trustAnchors(List.of(root.cert())).build().request("SHA-256", digest);
            Files.write(dir.resolve("token.tst"), result.token());
            Result tokenVerify = run(dir, "openssl", "ts", "-verify", "-data", data.toString(), "-in", "token.tst",
                    "-token_in", "-CAfile", ca.toString());
            assertEquals(0, tokenVerify.exit(), tokenVerify.output());
            assertTrue(tokenVerify.output().contains("Verification: OK"), tokenVerify.output());

            // And OpenSSL reads the fields we promise.
            Result text = run(dir, "openssl", "ts", "-reply", "-in", "resp.tsr", "-text");
            assertEquals(0, text.exit(), text.output());
            assertTrue(text.output().contains("Policy OID: " + POLICY), text.output());
            assertTrue(text.output().contains("Accuracy: 0x01 seconds"), text.output());
            assertTrue(text.output().contains("Ordering: no"), text.output());
        }
    }

    @Test
    void ourClientAcceptsOpenSslRepliesAndRejectsTamperedOnes(@TempDir Path dir) throws Exception {
        TestPki.Issued root = TestPki.root("OpenSSL TSA Root");
        TestPki.Issued tsu = TestPki.tsu(root, "OpenSSL TSU", TestPki.Eku.TIME_STAMPING_CRITICAL);
        TestPki.writePem(dir.resolve("tsa.pem"), tsu.cert());
        TestPki.writePem(dir.resolve("chain.pem"), root.cert());
        TestPki.writeKey(dir.resolve("tsa.key"), tsu.keys().getPrivate());
        Files.writeString(dir.resolve("tsaserial"), "01\n");
        Path config = Files.writeString(dir.resolve("tsa.cnf"), String.join("\n",
                "[ tsa ]",
                "default_tsa = test_tsa",
                "[ test_tsa ]",
                "dir = " + dir,
                "serial = $dir/tsaserial",
                "crypto_device = builtin",
                "signer_cert = $dir/tsa.pem",
                "certs = $dir/chain.pem",
                "signer_key = $dir/tsa.key",
                "signer_digest = sha256",
                "default_policy = " + POLICY,
                "digests = sha256, sha384, sha512",
                "accuracy = secs:1, millisecs:500",
                "clock_precision_digits = 3",
                "ordering = no",
                "tsa_name = yes",
                "ess_cert_id_chain = no",
                "ess_cert_id_alg = sha256",
                ""));
        AtomicInteger counter = new AtomicInteger();
        List<String> errors = new ArrayList<>();
        FakeTsa.Behaviour openssl = (exchange, body) -> {
            int n = counter.incrementAndGet();
            Path request = Files.write(dir.resolve("req-" + n + ".tsq"), body);
            Path response = dir.resolve("resp-" + n + ".tsr");
            Result reply = run(dir, "openssl", "ts", "-reply", "-config", config.toString(), "-queryfile",
                    request.toString(), "-out", response.toString());
            if (reply.exit() != 0) {
                errors.add(reply.output());
                FakeTsa.send(exchange, 500, "text/plain", reply.output().getBytes(StandardCharsets.UTF_8));
                return;
            }
            byte[] der = Files.readAllBytes(response);
            if (exchange.getRequestURI().getPath().endsWith("/tampered")) {
                der = Arrays.copyOf(der, der.length);
                der[der.length - 1] ^= 0x01; // inside the ECDSA signature value
            }
            FakeTsa.send(exchange, 200, TsaClient.REPLY_TYPE, der);
        };
        try (FakeTsa responder = FakeTsa.start(openssl)) {
            String base = "http://127.0.0.1:" + responder.uri().getPort();
            TsaClient client = TsaClient.builder().endpoint(base + "/tsa").trustAnchors(List.of(root.cert()))
                    .allowedPolicies(List.of(POLICY)).retries(0).build();
            byte[] digest = MessageDigest.getInstance("SHA-256").digest("interop".getBytes(StandardCharsets.UTF_8));
            TimestampResult result = assertDoesNotThrow(() -> client.request("SHA-256", digest), errors::toString);
            assertTrue(result.chainTrusted(), errors::toString);
            assertEquals(POLICY, result.info().policyOid());
            assertEquals(java.time.Duration.ofMillis(1500), result.info().accuracy().orElseThrow());
            assertEquals(tsu.cert(), result.info().tsuCertificate().orElseThrow());
            // SHA-512 too.
            client.request("SHA-512", MessageDigest.getInstance("SHA-512").digest(digest));

            TsaClient tamperedClient = TsaClient.builder().endpoint(base + "/tampered")
                    .trustAnchors(List.of(root.cert())).retries(0).build();
            TsaException e = assertThrows(TsaException.class, () -> tamperedClient.request("SHA-256", digest));
            assertEquals(TsaCheck.SIGNATURE, e.check(), e::getMessage);
            assertTrue(e.getMessage().contains(base + "/tampered"), e::getMessage);
        }
        assertTrue(errors.isEmpty(), errors::toString);
    }
}
