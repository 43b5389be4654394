package com.certyneo.engine.tsp;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** HTTPS with a client certificate (mutual TLS) through {@link TsaEndpoint#withSslContext}. */
class TsaClientTlsTest {

    static final char[] PASSWORD = "test".toCharArray();
    static TestPki.Issued root;
    static TestPki.Issued tsu;
    static TestPki.Issued client;
    static HttpsServer server;
    static ExecutorService executor;

    static SSLContext context(TestPki.Issued identity, X509Certificate trusted) throws Exception {
        KeyManager[] keyManagers = null;
        if (identity != null) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("me", identity.keys().getPrivate(), PASSWORD,
                    identity.chain().toArray(new X509Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, PASSWORD);
            keyManagers = kmf.getKeyManagers();
        }
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("root", trusted);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers, tmf.getTrustManagers(), null);
        return context;
    }

    @BeforeAll
    static void start() throws Exception {
        root = TestPki.root("TLS Test Root");
        tsu = TestPki.tsu(root, "TLS Test TSU", TestPki.Eku.TIME_STAMPING_CRITICAL);
        client = TestPki.tls(root, "TSA customer", KeyPurposeId.id_kp_clientAuth, null);
        TestPki.Issued serverIdentity = TestPki.tls(root, "127.0.0.1", KeyPurposeId.id_kp_serverAuth, "127.0.0.1");
        TimestampAuthority authority = TestPki.authority(tsu, "1.2.3.4.5.5");
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setHttpsConfigurator(new HttpsConfigurator(context(serverIdentity, root.cert())) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters ssl = getSSLContext().getDefaultSSLParameters();
                ssl.setNeedClientAuth(true);
                params.setSSLParameters(ssl);
            }
        });
        server.createContext("/", exchange -> {
            try (exchange) {
                byte[] reply = authority.respond(exchange.getRequestBody().readAllBytes());
                FakeTsa.send(exchange, 200, TsaClient.REPLY_TYPE, reply);
            }
        });
        executor = Executors.newFixedThreadPool(2);
        server.setExecutor(executor);
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
        executor.shutdownNow();
    }

    String url() {
        return "https://127.0.0.1:" + server.getAddress().getPort() + "/tsa";
    }

    @Test
    void timeStampsOverMutualTls() throws Exception {
        TsaClient tsaClient = TsaClient.builder().retries(0).trustAnchors(List.of(root.cert()))
                .endpoint(TsaEndpoint.of(url()).withSslContext(context(client, root.cert()))).build();
        TimestampResult result = tsaClient.request("SHA-256", new byte[32]);
        assertTrue(result.chainTrusted());
        assertEquals(url(), result.tsa());
    }

    @Test
    void withoutTheClientCertificateTheConnectionCheckFails() throws Exception {
        TsaClient tsaClient = TsaClient.builder().retries(0)
                .endpoint(TsaEndpoint.of(url()).withSslContext(context(null, root.cert()))).build();
        TsaException e = assertThrows(TsaException.class, () -> tsaClient.request("SHA-256", new byte[32]));
        assertEquals(TsaCheck.CONNECTION, e.check(), e::getMessage);
        assertTrue(e.getMessage().contains(url()), e::getMessage);
    }

    @Test
    void anUntrustedServerCertificateFailsTheConnectionCheck() throws Exception {
        TestPki.Issued otherRoot = TestPki.root("Other TLS Root");
        TsaClient tsaClient = TsaClient.builder().retries(0)
                .endpoint(TsaEndpoint.of(url()).withSslContext(context(client, otherRoot.cert()))).build();
        TsaException e = assertThrows(TsaException.class, () -> tsaClient.request("SHA-256", new byte[32]));
        assertEquals(TsaCheck.CONNECTION, e.check(), e::getMessage);
        assertTrue(e.getMessage().contains("TLS failed"), e::getMessage);
    }
}
