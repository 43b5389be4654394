/**
 * A client for the Cloud Signature Consortium API (v2, and the v1.0.4.0 dialect behind the same
 * interface) on {@code java.net.http}, and {@link com.certyneo.engine.pades.csc.CscSigningProvider}, the
 * {@link com.certyneo.engine.spi.QualifiedSigningProvider} that signs PAdES digests through it with
 * SCAL2 hash binding and SMS OTP. Every error is a
 * {@link com.certyneo.engine.SignatureEngineException} naming the endpoint and the CSC error; no
 * token, SAD, PIN or OTP ever appears in a message or a log.
 */
package com.certyneo.engine.pades.csc;
