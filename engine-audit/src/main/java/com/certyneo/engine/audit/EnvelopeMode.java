package com.certyneo.engine.audit;

/** Whether an envelope ran on the production platform or on the sandbox (test PKI, not legally binding). */
public enum EnvelopeMode {
    /** Real signatures with production keys. */
    PRODUCTION,
    /** Test signatures: sandbox keys, test PKI and test TSA; every output is marked as not legally binding. */
    SANDBOX
}
