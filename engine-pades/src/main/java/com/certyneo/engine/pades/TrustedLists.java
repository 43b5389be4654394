package com.certyneo.engine.pades;

import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.SignatureEngineException;
import com.certyneo.engine.TrustedListSource;
import eu.europa.esig.dss.model.tsl.InfoRecord;
import eu.europa.esig.dss.model.tsl.LOTLInfo;
import eu.europa.esig.dss.model.tsl.TLInfo;
import eu.europa.esig.dss.model.tsl.TLValidationJobSummary;
import eu.europa.esig.dss.model.tsl.ValidationInfoRecord;
import eu.europa.esig.dss.model.x509.CertificateToken;
import eu.europa.esig.dss.service.http.commons.CommonsDataLoader;
import eu.europa.esig.dss.service.http.commons.FileCacheDataLoader;
import eu.europa.esig.dss.spi.client.http.IgnoreDataLoader;
import eu.europa.esig.dss.spi.tsl.TrustedListsCertificateSource;
import eu.europa.esig.dss.spi.x509.CommonCertificateSource;
import eu.europa.esig.dss.tsl.job.TLValidationJob;
import eu.europa.esig.dss.tsl.source.LOTLSource;
import eu.europa.esig.dss.tsl.sync.ExpirationAndSignatureCheckStrategy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

/**
 * Loads trusted lists through DSS's TL validation job: the LOTL (its signature checked against the pinned
 * certificates), then each TL it points to (checked against the certificates the LOTL lists for it). Only lists
 * whose signature verifies and whose next update has not passed are synchronised into the certificate source
 * validation uses; every other list is named in a warning.
 *
 * <p>Loaded lists are kept per JVM, keyed by the source and by the size and modification time of the cached
 * files, so that a validation re-reads a cache only when it changed. Thread-safe.
 */
final class TrustedLists {

    /**
     * Lists ready for validation.
     *
     * @param certificates the trusted services of every list that verified, for DSS
     * @param problems one sentence per list that is not used, naming it
     * @param expires the earliest next update of the lists used: the lists are loaded again after it
     */
    record Loaded(TrustedListsCertificateSource certificates, List<String> problems, Instant expires) {
    }

    private record Key(TrustedListSource source, String fingerprint) {
    }

    private static final Map<Key, Loaded> CACHE = new ConcurrentHashMap<>();

    private TrustedLists() {
    }

    /**
     * @param source where the lists are
     * @param now the time that decides whether a list's next update has passed
     * @return the lists
     * @throws SignatureEngineException {@link ErrorCode#INVALID_REQUEST} when the cache directory does not exist
     */
    static Loaded load(TrustedListSource source, Instant now) {
        Path dir = source.cacheDirectory();
        if (!Files.isDirectory(dir)) {
            throw new SignatureEngineException(ErrorCode.INVALID_REQUEST,
                    "The trusted-list cache directory " + dir + " does not exist",
                    "Give an existing directory (an empty one is filled when the lists are refreshed online).");
        }
        if (source.online()) {
            return job(source, now); // the cache's freshness is the job's to decide
        }
        Key key = new Key(source, fingerprint(dir));
        Loaded loaded = CACHE.get(key);
        if (loaded == null || anyExpired(loaded, now)) {
            loaded = job(source, now);
            if (CACHE.size() > 16) {
                CACHE.clear();
            }
            CACHE.put(key, loaded);
        }
        return loaded;
    }

    private static boolean anyExpired(Loaded loaded, Instant now) {
        return now.isAfter(loaded.expires()) || Instant.now().isAfter(loaded.expires());
    }

    private static Loaded job(TrustedListSource source, Instant now) {
        TrustedListsCertificateSource certificates = new TrustedListsCertificateSource();
        CommonCertificateSource pins = new CommonCertificateSource();
        source.lotlSigningCertificates().forEach(c -> pins.addCertificate(new CertificateToken(c)));
        LOTLSource lotl = new LOTLSource();
        lotl.setUrl(source.lotlUrl());
        lotl.setCertificateSource(pins);
        lotl.setPivotSupport(false);

        FileCacheDataLoader offline = new FileCacheDataLoader();
        offline.setFileCacheDirectory(source.cacheDirectory().toFile());
        offline.setCacheExpirationTime(-1); // whatever the age of the cached copy
        offline.setDataLoader(new IgnoreDataLoader());

        TLValidationJob job = new TLValidationJob();
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "certyneo-trusted-lists");
            t.setDaemon(true);
            return t;
        });
        try {
            job.setExecutorService(executor);
            job.setListOfTrustedListSources(lotl);
            job.setOfflineDataLoader(offline);
            job.setTrustedListCertificateSource(certificates);
            job.setSynchronizationStrategy(new ExpirationAndSignatureCheckStrategy()); // only valid, fresh lists
            if (source.online()) {
                CommonsDataLoader http = new CommonsDataLoader();
                int ms = (int) Math.min(Integer.MAX_VALUE, source.timeout().toMillis());
                http.setTimeoutConnection(ms);
                http.setTimeoutConnectionRequest(ms);
                http.setTimeoutResponse(ms);
                http.setTimeoutSocket(ms);
                FileCacheDataLoader online = new FileCacheDataLoader(http);
                online.setFileCacheDirectory(source.cacheDirectory().toFile());
                online.setCacheExpirationTime(source.maxAge().toMillis());
                job.setOnlineDataLoader(online);
                job.onlineRefresh();
            } else {
                job.offlineRefresh();
            }
            TLValidationJobSummary summary = job.getSummary();
            return new Loaded(certificates, problems(summary, source, now), expires(summary));
        } catch (RuntimeException e) {
            throw new SignatureEngineException(ErrorCode.VALIDATION_ERROR,
                    "Cannot load the trusted lists from " + source.cacheDirectory() + ": " + e.getMessage(),
                    "Check the trusted-list cache directory; delete it to start again.", e);
        } finally {
            executor.shutdownNow();
        }
    }

    private static List<String> problems(TLValidationJobSummary summary, TrustedListSource source, Instant now) {
        List<String> problems = new ArrayList<>();
        List<LOTLInfo> lotls = summary == null ? List.of() : summary.getLOTLInfos();
        if (lotls.isEmpty()) {
            problems.add("The list of trusted lists " + source.lotlUrl() + " was not loaded: no signature is qualified.");
        }
        for (LOTLInfo lotl : lotls) {
            String problem = problem("list of trusted lists", lotl, now);
            if (problem != null) {
                problems.add(problem + " None of the trusted lists it points to is used.");
                continue;
            }
            for (TLInfo tl : lotl.getTLInfos()) {
                String tlProblem = problem("trusted list", tl, now);
                if (tlProblem != null) {
                    problems.add(tlProblem);
                }
            }
        }
        return List.copyOf(problems);
    }

    private static Instant expires(TLValidationJobSummary summary) {
        Instant earliest = Instant.MAX;
        for (LOTLInfo lotl : summary == null ? List.<LOTLInfo>of() : summary.getLOTLInfos()) {
            List<TLInfo> all = new ArrayList<>(lotl.getTLInfos());
            all.add(lotl);
            for (TLInfo info : all) {
                if (info.getParsingCacheInfo() != null && info.getParsingCacheInfo().isResultExist()
                        && info.getParsingCacheInfo().getNextUpdateDate() != null) {
                    Instant next = info.getParsingCacheInfo().getNextUpdateDate().toInstant();
                    if (next.isBefore(earliest)) {
                        earliest = next;
                    }
                }
            }
        }
        return earliest;
    }

    /** @return why the list is not used, naming it, or null when it is */
    private static String problem(String what, TLInfo info, Instant now) {
        String name = "The " + what + " " + info.getUrl() + territory(info);
        InfoRecord download = info.getDownloadCacheInfo();
        if (download == null || download.isError() || !download.isResultExist()) {
            return name + " is not used: it could not be read" + reason(download) + ".";
        }
        eu.europa.esig.dss.model.tsl.ParsingInfoRecord parsing = info.getParsingCacheInfo();
        if (parsing == null || parsing.isError() || !parsing.isResultExist()) {
            return name + " is not used: it is not a trusted list" + reason(parsing) + ".";
        }
        ValidationInfoRecord validation = info.getValidationCacheInfo();
        if (validation == null || validation.isError() || !validation.isResultExist()) {
            return name + " is not used: its signature could not be checked" + reason(validation) + ".";
        }
        if (!validation.isValid()) {
            return name + " is not used: its signature does not verify with a pinned certificate ("
                    + validation.getIndication() + (validation.getSubIndication() == null ? ""
                    : "/" + validation.getSubIndication()) + ").";
        }
        Date next = parsing.getNextUpdateDate();
        if (next == null || next.toInstant().isBefore(now) || next.before(new Date())) {
            return name + " is not used: its next update (" + (next == null ? "none" : next.toInstant())
                    + ") has passed.";
        }
        return null;
    }

    private static String territory(TLInfo info) {
        InfoRecord parsing = info.getParsingCacheInfo();
        if (parsing instanceof eu.europa.esig.dss.model.tsl.ParsingInfoRecord p && p.isResultExist()
                && p.getTerritory() != null) {
            return " (" + p.getTerritory() + ")";
        }
        return "";
    }

    private static String reason(InfoRecord record) {
        return record == null || record.getExceptionMessage() == null ? "" : " (" + record.getExceptionMessage() + ")";
    }

    /** @return the names, sizes and modification times of the files of {@code dir} */
    private static String fingerprint(Path dir) {
        StringBuilder b = new StringBuilder();
        try (Stream<Path> files = Files.list(dir)) {
            files.sorted().forEach(f -> {
                try {
                    b.append(f.getFileName()).append(':').append(Files.size(f)).append(':')
                            .append(Files.getLastModifiedTime(f).toMillis()).append(';');
                } catch (IOException e) {
                    b.append(f.getFileName()).append(":?;");
                }
            });
        } catch (IOException e) {
            throw new SignatureEngineException(ErrorCode.IO_ERROR,
                    "Cannot list the trusted-list cache directory " + dir + ": " + e.getMessage(),
                    "Check that the directory is readable.", e);
        }
        return b.toString();
    }
}
