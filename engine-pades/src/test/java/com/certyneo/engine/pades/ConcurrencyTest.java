package com.certyneo.engine.pades;

import com.certyneo.engine.AuthenticationMethod;
import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.Signer;
import com.certyneo.engine.ValidationOptions;
import com.certyneo.testvectors.SamplePdfs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One engine instance serves concurrent callers. */
class ConcurrencyTest {

    @TempDir
    Path home;

    @Test
    void oneEngineSignsConcurrently() throws Exception {
        PadesSignatureEngine engine = PadesSignatureEngine.sandbox(home);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<byte[]>> futures = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                int n = i;
                futures.add(pool.submit(() -> {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    engine.sign(SignRequest.builder().document(DocumentSource.of(SamplePdfs.multiPage(1 + n % 3), "d" + n + ".pdf"))
                            .output(DocumentTarget.of(out))
                            .signer(Signer.of("Signer " + n, "s" + n + "@example.com")
                                    .authenticatedBy(AuthenticationMethod.SMS_OTP, Instant.now()))
                            .build());
                    return out.toByteArray();
                }));
            }
            for (Future<byte[]> f : futures) {
                var report = engine.validate(DocumentSource.of(f.get(), "x.pdf"), ValidationOptions.sandbox());
                assertEquals(1, report.signatures().size());
                assertTrue(report.allPassed(), report.toString());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
