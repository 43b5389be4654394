package com.certyneo.engine.pades;

import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.Signer;

import java.nio.file.Path;

/**
 * A child process for {@link TempFilesShutdownTest}: signs {@code args[1]} into {@code args[2]} from disk
 * with the sandbox engine of home {@code args[0]}, printing "signing" first.
 */
public final class SignLargeMain {

    private SignLargeMain() {
    }

    public static void main(String[] args) {
        PadesSignatureEngine engine = PadesSignatureEngine.builder().sandbox(Path.of(args[0])).largeDocumentThreshold(0).build();
        System.out.println("signing");
        System.out.flush();
        engine.sign(SignRequest.builder().document(DocumentSource.of(Path.of(args[1])))
                .output(DocumentTarget.of(Path.of(args[2]))).signer(Signer.of("Seal", "seal@example.com"))
                .level(SignatureLevel.SES).build());
        System.out.println("signed");
    }
}
