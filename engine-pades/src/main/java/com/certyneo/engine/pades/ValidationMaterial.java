package com.certyneo.engine.pades;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The long-term validation material of one signature or document time-stamp, as the PDF document
 * security store ({@code /DSS}, ISO 32000-2 §12.8.4.3, ETSI EN 319 142-1 §5.4) holds it: DER-encoded
 * X.509 certificates ({@code /Certs}), DER-encoded {@code OCSPResponse}s of RFC 6960 ({@code /OCSPs}),
 * and DER-encoded X.509 CRLs ({@code /CRLs}).
 *
 * <p>Immutable: the arrays are copied in and out. Each list keeps its first-seen order and holds no
 * two entries with the same bytes (deduplication by content). {@link #equals(Object)} and
 * {@link #hashCode()} compare contents, not array identities.
 *
 * @param certificates DER X.509 certificates
 * @param ocspResponses DER OCSPResponse structures (status successful, with a BasicOCSPResponse)
 * @param crls DER X.509 CRLs
 */
record ValidationMaterial(List<byte[]> certificates, List<byte[]> ocspResponses, List<byte[]> crls) {

    private static final ValidationMaterial EMPTY = new ValidationMaterial(List.of(), List.of(), List.of());

    /** Copies, deduplicates and freezes the three lists; {@code null} lists count as empty. */
    ValidationMaterial {
        certificates = distinct(certificates);
        ocspResponses = distinct(ocspResponses);
        crls = distinct(crls);
    }

    /** @return material with nothing in it */
    static ValidationMaterial empty() {
        return EMPTY;
    }

    /** @return copies of the DER certificates */
    @Override
    public List<byte[]> certificates() {
        return copies(certificates);
    }

    /** @return copies of the DER OCSPResponses */
    @Override
    public List<byte[]> ocspResponses() {
        return copies(ocspResponses);
    }

    /** @return copies of the DER CRLs */
    @Override
    public List<byte[]> crls() {
        return copies(crls);
    }

    /** @return whether there is no certificate, OCSP response or CRL */
    boolean isEmpty() {
        return certificates.isEmpty() && ocspResponses.isEmpty() && crls.isEmpty();
    }

    /** @return the number of entries, all lists together */
    int size() {
        return certificates.size() + ocspResponses.size() + crls.size();
    }

    /**
     * @param other more material
     * @return this material followed by whatever of {@code other} is not in it
     */
    ValidationMaterial plus(ValidationMaterial other) {
        return new ValidationMaterial(concat(certificates, other.certificates), concat(ocspResponses, other.ocspResponses),
                concat(crls, other.crls));
    }

    /**
     * What is new with respect to a document security store that already exists: the entries of this
     * material whose bytes are not already in {@code present}, list by list.
     *
     * @param present the material already in the document (its {@code /DSS} contents)
     * @return the entries still to write; the same order as in this material
     */
    ValidationMaterial minus(ValidationMaterial present) {
        return without(present.certificates, present.ocspResponses, present.crls);
    }

    /**
     * Like {@link #minus(ValidationMaterial)}, for the raw contents of an existing {@code /DSS}: its
     * {@code /Certs}, {@code /OCSPs} and {@code /CRLs} streams decoded to DER.
     *
     * @param presentCertificates the DER certificates already present ({@code null}: none)
     * @param presentOcsps the DER OCSP responses already present ({@code null}: none)
     * @param presentCrls the DER CRLs already present ({@code null}: none)
     * @return the entries of this material not already present
     */
    ValidationMaterial without(Collection<byte[]> presentCertificates, Collection<byte[]> presentOcsps,
                               Collection<byte[]> presentCrls) {
        return new ValidationMaterial(notIn(certificates, presentCertificates), notIn(ocspResponses, presentOcsps),
                notIn(crls, presentCrls));
    }

    /** Compares contents. */
    @Override
    public boolean equals(Object o) {
        return o instanceof ValidationMaterial other && keys(certificates).equals(keys(other.certificates))
                && keys(ocspResponses).equals(keys(other.ocspResponses)) && keys(crls).equals(keys(other.crls));
    }

    /** Hashes contents. */
    @Override
    public int hashCode() {
        return Objects.hash(keys(certificates), keys(ocspResponses), keys(crls));
    }

    /** Counts only: the bytes are not worth printing. */
    @Override
    public String toString() {
        return "ValidationMaterial[" + certificates.size() + " certificate(s), " + ocspResponses.size()
                + " OCSP response(s), " + crls.size() + " CRL(s)]";
    }

    private static List<ByteBuffer> keys(List<byte[]> entries) {
        return entries.stream().map(ByteBuffer::wrap).toList();
    }

    /** Copies each non-null entry once, in first-seen order. */
    private static List<byte[]> distinct(List<byte[]> entries) {
        if (entries == null || entries.isEmpty()) {
            return List.of();
        }
        Map<ByteBuffer, byte[]> unique = new LinkedHashMap<>();
        for (byte[] entry : entries) {
            if (entry != null && entry.length > 0) {
                byte[] copy = entry.clone();
                unique.putIfAbsent(ByteBuffer.wrap(copy), copy);
            }
        }
        return List.copyOf(unique.values());
    }

    private static List<byte[]> copies(List<byte[]> entries) {
        return entries.stream().map(byte[]::clone).toList();
    }

    private static List<byte[]> concat(List<byte[]> first, List<byte[]> second) {
        List<byte[]> all = new ArrayList<>(first.size() + second.size());
        all.addAll(first);
        all.addAll(second);
        return all;
    }

    private static List<byte[]> notIn(List<byte[]> entries, Collection<byte[]> present) {
        if (present == null || present.isEmpty()) {
            return entries;
        }
        Set<ByteBuffer> known = present.stream().filter(Objects::nonNull).map(ByteBuffer::wrap)
                .collect(Collectors.toSet());
        return entries.stream().filter(e -> !known.contains(ByteBuffer.wrap(e))).toList();
    }
}
