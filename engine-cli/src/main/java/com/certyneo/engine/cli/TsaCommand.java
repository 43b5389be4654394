package com.certyneo.engine.cli;

import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.pades.SandboxPki;
import com.certyneo.engine.tsp.TimestampAuthority;
import com.certyneo.engine.tsp.TsaHttpServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code certyneo tsa}: the sandbox RFC 3161 time-stamp authority. */
@Command(name = "tsa", mixinStandardHelpOptions = true, description = "Sandbox RFC 3161 time-stamp authority.",
        subcommands = {TsaCommand.Serve.class, CommandLine.HelpCommand.class})
final class TsaCommand extends CommandGroup {

    /** Alias of the TSU key in the sandbox PKCS#12 store. */
    static final String TSA_ALIAS = "tsa";
    /** The sandbox store's published password: test material, not a secret. */
    private static final char[] SANDBOX_PASSWORD = "certyneo-sandbox".toCharArray();

    /** {@code certyneo tsa serve [--port N] [--bind ADDRESS]}: serves the sandbox TSA until killed. */
    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = {"Serve the sandbox TSA over HTTP (RFC 3161: POST application/timestamp-query) until killed.",
                    "Its tokens carry the sandbox TSA policy and chain to the sandbox root: never for production."})
    static final class Serve extends GroupSubcommand implements Callable<Integer> {

        @Option(names = "--port", paramLabel = "N", defaultValue = "3161",
                description = "TCP port, 0 for a free one (default: ${DEFAULT-VALUE})")
        int port;

        @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
                description = "Local address to listen on (default: ${DEFAULT-VALUE})")
        String bind;

        @Override
        public Integer call() throws InterruptedException {
            if (port < 0 || port > 65535) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--port must be between 0 and 65535");
            }
            Path homeDir = homeDir();
            SandboxPki pki = SandboxPki.loadOrCreate(homeDir);
            TimestampAuthority authority = sandboxAuthority(pki.directory().resolve("sandbox-pki.p12"));
            InetAddress address;
            try {
                address = InetAddress.getByName(bind);
            } catch (IOException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "Unknown --bind address: " + bind);
            }
            TsaHttpServer server;
            try {
                server = TsaHttpServer.start(authority, address, port);
            } catch (UncheckedIOException e) {
                throw new SignatureEngineException(ErrorCode.IO_ERROR, e.getMessage(),
                        "Choose another --port (0 picks a free one).", e);
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                server.close();
                stopped.countDown();
            }, "certyneo-tsa-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            PrintWriter out = spec.commandLine().getOut();
            out.printf("Sandbox TSA listening on %s%n", server.uri());
            out.printf("  TSU certificate: %s%n", authority.certificateChain().get(0).getSubjectX500Principal().getName());
            out.printf("  Policy OID:      %s%n", authority.policyOid());
            out.printf("  Trust anchor:    %s%n", pki.directory().resolve("sandbox-root.pem"));
            out.println("SANDBOX - NOT LEGALLY BINDING. Stop with Ctrl+C.");
            out.flush();
            try {
                stopped.await();
            } catch (InterruptedException e) {
                // Embedded use (tests): stop when the calling thread is interrupted.
                Runtime.getRuntime().removeShutdownHook(hook);
                server.close();
            }
            return 0;
        }
    }

    /** Builds the sandbox TSA from the TSU key in the sandbox PKCS#12 store. */
    static TimestampAuthority sandboxAuthority(Path store) {
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, SANDBOX_PASSWORD);
            PrivateKey key = (PrivateKey) ks.getKey(TSA_ALIAS, SANDBOX_PASSWORD);
            Certificate[] chain = ks.getCertificateChain(TSA_ALIAS);
            if (key == null || chain == null) {
                throw new GeneralSecurityException("no '" + TSA_ALIAS + "' entry");
            }
            List<X509Certificate> certificates = Arrays.stream(chain).map(c -> (X509Certificate) c).toList();
            return TimestampAuthority.builder().key(key, certificates).policy(SandboxPki.SANDBOX_TSA_POLICY_OID).build();
        } catch (IOException | GeneralSecurityException | ClassCastException e) {
            throw new SignatureEngineException(ErrorCode.IO_ERROR, "Cannot read the sandbox TSA key from " + store
                    + ": " + e.getMessage(), "Delete " + store + " to recreate the sandbox PKI.", e);
        }
    }
}
