package com.certyneo.engine.pades;

import com.certyneo.engine.BatchSigningException;
import com.certyneo.engine.DocumentSource;
import com.certyneo.engine.DocumentTarget;
import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.PrepareRequest;
import com.certyneo.engine.PreparedSignature;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.SigningResult;
import com.certyneo.engine.spi.QualifiedCredential;
import com.certyneo.engine.spi.QualifiedSigningProvider;
import com.certyneo.engine.spi.SigningKey;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * All-or-nothing signing of several documents ({@link PadesSignatureEngine#signAll}) on the engine's two-step
 * pipeline: (1) every document is read and prepared ({@link TwoStepSigning#prepare}: laid out, checked, its signed
 * attributes computed) — a document that cannot be signed fails here, before anyone is asked for an OTP; (2) every
 * signature value is obtained, the QES documents of one signer's credential through one
 * {@link QualifiedSigningProvider#signAll} (one authorisation, one OTP); (3) every signature is completed
 * ({@link TwoStepSigning#complete}: time-stamp and validation data for the profile, self-check) into memory; (4) every
 * output is staged next to its target ({@link DocumentTarget#stage}) and, once all are staged, moved into place.
 * Any failure before the moves leaves no output and names the document.
 */
final class BatchSigning {

    private final PadesSignatureEngine engine;

    BatchSigning(PadesSignatureEngine engine) {
        this.engine = engine;
    }

    /** The QES documents of one signer and credential, signed under one authorisation. */
    private record Group(QualifiedKey key, String jca, List<Integer> members) {
    }

    List<SigningResult> signAll(List<SignRequest> requests) {
        Objects.requireNonNull(requests, "requests");
        if (requests.isEmpty()) {
            throw new SignatureEngineException(ErrorCode.INVALID_REQUEST, "The batch has no document",
                    "Give signAll() at least one SignRequest.");
        }
        int n = requests.size();
        Map<Path, Integer> outputs = new HashMap<>();
        for (int i = 0; i < n; i++) {
            SignRequest request = requests.get(i);
            if (request == null) {
                throw new SignatureEngineException(ErrorCode.INVALID_REQUEST, "Request " + (i + 1) + " of the batch is null",
                        "Pass one SignRequest per document.");
            }
            Integer before = request.output().path().map(p -> outputs.put(p.toAbsolutePath().normalize(), outputs.size()))
                    .orElse(null);
            if (before != null) {
                throw new SignatureEngineException(ErrorCode.INVALID_REQUEST, "Documents " + (before + 1) + " and " + (i + 1)
                        + " of the batch are both to be written to " + request.output().path().orElseThrow(),
                        "Give every document of the batch its own output file.");
            }
        }

        // 1. read and prepare every document
        byte[][] inputs = new byte[n][];
        SigningKey[] keys = new SigningKey[n];
        PreparedSignature[] prepared = new PreparedSignature[n];
        Map<String, QualifiedCredential> credentials = new HashMap<>();
        for (int i = 0; i < n; i++) {
            SignRequest request = requests.get(i);
            String name = request.document().name();
            try {
                inputs[i] = request.document().readAllBytes(); // the same bytes for step 1 and step 2
                keys[i] = key(request, credentials);
                prepared[i] = engine.prepare(PrepareRequest.from(request, keys[i].certificateChain())
                        .document(DocumentSource.of(inputs[i], name)).build());
            } catch (SignatureEngineException e) {
                throw new BatchSigningException(i, name, n, e);
            }
        }

        // 2. the signature values: one authorisation per QES signer credential, the other keys one by one
        byte[][] values = new byte[n][];
        Map<String, Group> groups = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String jca = prepared[i].signatureAlgorithm();
            if (keys[i] instanceof QualifiedKey qualified) {
                String id = System.identityHashCode(qualified.provider()) + "\u0000" + qualified.credential().id() + "\u0000"
                        + qualified.signer().email() + "\u0000" + qualified.signer().name() + "\u0000" + jca;
                groups.computeIfAbsent(id, k -> new Group(qualified, jca, new ArrayList<>())).members().add(i);
            } else {
                try {
                    values[i] = keys[i].sign(prepared[i].dataToSign(), jca);
                } catch (SignatureEngineException e) {
                    throw new BatchSigningException(i, requests.get(i).document().name(), n, e);
                } catch (RuntimeException e) {
                    throw new BatchSigningException(i, requests.get(i).document().name(), n,
                            PadesSignatureEngine.translate(e, requests.get(i).document().name()));
                }
            }
        }
        for (Group group : groups.values()) {
            int first = group.members().get(0);
            List<byte[]> data = group.members().stream().map(i -> prepared[i].dataToSign()).toList();
            try {
                List<byte[]> signed = group.key().signAll(data, group.jca());
                for (int k = 0; k < signed.size(); k++) {
                    values[group.members().get(k)] = signed.get(k);
                }
            } catch (SignatureEngineException e) {
                throw new BatchSigningException(first, requests.get(first).document().name(), n, e);
            }
        }

        // 3. complete every signature, into memory
        byte[][] signedBytes = new byte[n][];
        SigningResult[] results = new SigningResult[n];
        for (int i = 0; i < n; i++) {
            SignRequest request = requests.get(i);
            String name = request.document().name();
            ByteArrayOutputStream buffer = new ByteArrayOutputStream(inputs[i].length + 64 * 1024);
            try {
                SigningResult r = engine.complete(prepared[i].state(), values[i], DocumentSource.of(inputs[i], name),
                        DocumentTarget.of(buffer), request.password().orElse(null));
                results[i] = new SigningResult(r.level(), r.profile(), r.certificateChain(), r.signingTime(), r.timestampTime(),
                        r.inputSha256(), r.preparedSha256(), r.outputSha256(), request.output().path(), r.sandbox(),
                        r.warnings());
            } catch (SignatureEngineException e) {
                throw new BatchSigningException(i, name, n, e);
            }
            signedBytes[i] = buffer.toByteArray();
            inputs[i] = null;
        }

        // 4. stage every output next to its target, then move them all into place
        List<DocumentTarget.Staged> staged = new ArrayList<>(n);
        try {
            for (int i = 0; i < n; i++) {
                byte[] bytes = signedBytes[i];
                try {
                    staged.add(requests.get(i).output().stage(out -> out.write(bytes)));
                } catch (SignatureEngineException e) {
                    throw new BatchSigningException(i, requests.get(i).document().name(), n, e);
                }
            }
        } catch (RuntimeException e) {
            staged.forEach(DocumentTarget.Staged::discard);
            throw e;
        }
        for (int i = 0; i < n; i++) {
            try {
                staged.get(i).commit();
            } catch (SignatureEngineException e) {
                // a rename in the target's own directory failed after every output was staged: the outputs already
                // moved stay (they are complete, valid signed documents); the rest are discarded
                for (int k = i + 1; k < n; k++) {
                    staged.get(k).discard();
                }
                throw new BatchSigningException(i, requests.get(i).document().name(), n, e);
            }
        }
        return List.of(results);
    }

    /** The key of a request; one credential look-up per QES signer. */
    private SigningKey key(SignRequest request, Map<String, QualifiedCredential> credentials) {
        if (request.level() != SignatureLevel.QES) {
            return engine.keyFor(request, engine.clock().instant().truncatedTo(ChronoUnit.SECONDS));
        }
        QualifiedSigningProvider provider = engine.qualifiedProvider();
        String signer = request.signer().email() + "\u0000" + request.signer().name();
        QualifiedCredential credential = credentials.get(signer);
        if (credential == null) {
            credential = provider.credential(request.signer());
            credentials.put(signer, credential);
        }
        return new QualifiedKey(provider, credential, request.signer());
    }
}
