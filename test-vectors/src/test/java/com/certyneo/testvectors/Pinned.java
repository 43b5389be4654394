package com.certyneo.testvectors;

/** Fingerprints pinned so that an accidental change of the derivation is caught. */
final class Pinned {
    static final String DEFAULT_ROOT_SHA256 = "c3a7669a6716446972e018e2cd2d41e913d7c3971e936ae8004b7a160c056be4";

    static final String DEFAULT_RSA_SIGNER_SHA256 = "359fca503c75b56bb55ffe57353d76739b21ed4a4b81122323ebeb46abbcf652";

    private Pinned() {
    }
}
