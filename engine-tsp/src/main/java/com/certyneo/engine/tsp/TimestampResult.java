package com.certyneo.engine.tsp;

import java.util.Arrays;
import java.util.Objects;

/**
 * A time-stamp token that passed every check of {@link TsaClient}, with where it came from and what it
 * claims. The trust decision ({@link #chainTrusted()}) is kept apart from the token's claims
 * ({@link TimestampInfo#claimsQualified()}): a token may claim to be qualified and still come from an
 * untrusted TSU, and only a trusted list can confirm a qualified status.
 *
 * @param tsa the URL of the TSA that issued the token (no credentials or query)
 * @param token the DER TimeStampToken
 * @param info what the token claims
 * @param chainTrusted whether the TSU certificate was validated up to a configured trust anchor (false
 *                     when the client has no trust anchors)
 */
public record TimestampResult(String tsa, byte[] token, TimestampInfo info, boolean chainTrusted) {

    /**
     * Not part of the stable API: the engine creates these, and a new component changes this constructor.
     *
     * Copies the token and checks the fields.
     *
     * @param tsa the URL of the TSA that issued the token (no credentials or query)
     * @param token the DER TimeStampToken
     * @param info what the token claims
     * @param chainTrusted whether the TSU certificate was validated up to a configured trust anchor (false
     *        when the client has no trust anchors)
     */
    @com.certyneo.engine.InternalApi
    public TimestampResult {
        Objects.requireNonNull(tsa, "tsa");
        token = Objects.requireNonNull(token, "token").clone();
        Objects.requireNonNull(info, "info");
    }

    /** {@return a copy of the DER TimeStampToken} */
    @Override
    public byte[] token() {
        return token.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TimestampResult r && tsa.equals(r.tsa) && Arrays.equals(token, r.token)
                && info.equals(r.info) && chainTrusted == r.chainTrusted;
    }

    @Override
    public int hashCode() {
        return Objects.hash(tsa, Arrays.hashCode(token), info, chainTrusted);
    }

    @Override
    public String toString() {
        return "TimestampResult[tsa=" + tsa + ", genTime=" + info.genTime() + ", serial=" + info.serialNumber()
                + ", policy=" + info.policyOid() + ", claimsQualified=" + info.claimsQualified()
                + ", chainTrusted=" + chainTrusted + ", token=" + token.length + " bytes]";
    }
}
