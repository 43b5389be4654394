package com.certyneo.engine.sandbox;

import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.qualified.QCStatement;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Smoke test of the sandbox QTSP's CSC service on its own (the full CSC flow is exercised through the
 * engine's client in engine-pades: CscClientTest, QesSandboxTest).
 */
class SandboxCscServiceTest {

    @Test
    void servesOnLoopbackAndIssuesTestQualifiedCertificates() throws Exception {
        try (SandboxCscService service = SandboxCscService.builder().policy("1.2.3.4").start()) {
            assertTrue(service.v2().toString().startsWith("http://127.0.0.1:"), service.v2().toString());

            String credential = service.enrol("jane@example.com", "Jane Doe", "+33612345678");
            assertEquals(credential, service.enrol("jane@example.com", "Jane Doe", "+33612345678"), "enrolment is idempotent");
            List<X509Certificate> chain = service.certificateChain(credential);
            assertEquals(2, chain.size());
            assertEquals(service.caChain().get(0), chain.get(1));
            X509Certificate signer = chain.get(0);
            signer.verify(chain.get(1).getPublicKey());
            assertTrue(signer.getKeyUsage()[1], "nonRepudiation");

            Set<String> statements = new HashSet<>();
            byte[] ext = signer.getExtensionValue(Extension.qCStatements.getId());
            for (var s : ASN1Sequence.getInstance(DEROctetString.getInstance(ext).getOctets())) {
                statements.add(QCStatement.getInstance(s).getStatementId().getId());
            }
            assertEquals(Set.of(SandboxQualifiedCertificates.QC_COMPLIANCE, SandboxQualifiedCertificates.QC_SSCD,
                    SandboxQualifiedCertificates.QC_TYPE), statements);

            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> info = http.send(HttpRequest.newBuilder(service.v2().resolve("info"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "application/json").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, info.statusCode());
            assertTrue(info.body().contains("NOT A QUALIFIED SERVICE"), info.body());

            HttpResponse<String> list = http.send(HttpRequest.newBuilder(service.v2().resolve("credentials/list"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "application/json").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, list.statusCode(), "no bearer token: " + list.body());
            assertEquals(1, service.calls("credentials/list"));

            service.failNext("info", SandboxCscService.Fault.UNAVAILABLE);
            HttpResponse<String> down = http.send(HttpRequest.newBuilder(URI.create(service.v2() + "info"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(503, down.statusCode());
        }
    }

    @Test
    void refreshTokensAreIssuedAndRotated() throws Exception {
        try (SandboxCscService service = SandboxCscService.builder().start()) {
            HttpClient http = HttpClient.newHttpClient();
            String secret = "client_id=" + service.clientId() + "&client_secret=" + service.clientSecret();
            com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
            HttpResponse<String> first = token(http, service, "grant_type=client_credentials&" + secret);
            assertEquals(200, first.statusCode(), first.body());
            String refresh = json.readTree(first.body()).path("refresh_token").asText();
            assertTrue(!refresh.isEmpty(), first.body());
            HttpResponse<String> renewed = token(http, service, "grant_type=refresh_token&refresh_token=" + refresh + "&" + secret);
            assertEquals(200, renewed.statusCode(), renewed.body());
            assertTrue(!json.readTree(renewed.body()).path("refresh_token").asText().equals(refresh), "rotated");
            HttpResponse<String> reused = token(http, service, "grant_type=refresh_token&refresh_token=" + refresh + "&" + secret);
            assertEquals(400, reused.statusCode());
            assertEquals("invalid_grant", json.readTree(reused.body()).path("error").asText());
            assertEquals(1, service.grants("refresh_token"));
            assertEquals(1, service.grants("client_credentials"));
        }
    }

    private static HttpResponse<String> token(HttpClient http, SandboxCscService service, String form) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(service.v2().resolve("/oauth2/token").toString()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
