package com.certyneo.engine.pades.csc;

/** Which version of the CSC API a service speaks. */
public enum CscDialect {
    /** CSC API v2 ({@code hashes}, {@code hashAlgorithmOID}, {@code authData}, {@code getChallenge}). */
    V2,
    /** CSC API v1.0.4.0 ({@code hash}, {@code hashAlgo}, {@code PIN}/{@code OTP}, {@code sendOTP}). */
    V1_0_4
}
