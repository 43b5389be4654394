package com.certyneo.engine.tsp;

import org.bouncycastle.asn1.ASN1UTF8String;
import org.bouncycastle.asn1.cmp.PKIFailureInfo;
import org.bouncycastle.asn1.cmp.PKIFreeText;
import org.bouncycastle.asn1.cmp.PKIStatusInfo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Readable text for RFC 3161 PKIStatus values and failInfo bits. */
final class PkiStatusText {

    private static final Map<Integer, String> FAIL_INFO = new LinkedHashMap<>();

    static {
        FAIL_INFO.put(PKIFailureInfo.badAlg, "badAlg (unrecognized or unsupported digest algorithm)");
        FAIL_INFO.put(PKIFailureInfo.badRequest, "badRequest (transaction not permitted or supported)");
        FAIL_INFO.put(PKIFailureInfo.badDataFormat, "badDataFormat (the request is malformed)");
        FAIL_INFO.put(PKIFailureInfo.timeNotAvailable, "timeNotAvailable (the TSA's time source is not available)");
        FAIL_INFO.put(PKIFailureInfo.unacceptedPolicy, "unacceptedPolicy (the requested TSA policy is not supported)");
        FAIL_INFO.put(PKIFailureInfo.unacceptedExtension, "unacceptedExtension (the requested extension is not supported)");
        FAIL_INFO.put(PKIFailureInfo.addInfoNotAvailable, "addInfoNotAvailable (the additional information requested "
                + "could not be understood or is not available)");
        FAIL_INFO.put(PKIFailureInfo.systemFailure, "systemFailure (the request cannot be handled due to system failure)");
        FAIL_INFO.put(PKIFailureInfo.badMessageCheck, "badMessageCheck");
        FAIL_INFO.put(PKIFailureInfo.badTime, "badTime");
        FAIL_INFO.put(PKIFailureInfo.badCertId, "badCertId");
        FAIL_INFO.put(PKIFailureInfo.wrongAuthority, "wrongAuthority");
        FAIL_INFO.put(PKIFailureInfo.incorrectData, "incorrectData");
        FAIL_INFO.put(PKIFailureInfo.missingTimeStamp, "missingTimeStamp");
        FAIL_INFO.put(PKIFailureInfo.notAuthorized, "notAuthorized");
        FAIL_INFO.put(PKIFailureInfo.systemUnavail, "systemUnavail");
    }

    private PkiStatusText() {
    }

    static String status(int status) {
        return switch (status) {
            case 0 -> "granted";
            case 1 -> "grantedWithMods";
            case 2 -> "rejection";
            case 3 -> "waiting";
            case 4 -> "revocationWarning";
            case 5 -> "revocationNotification";
            default -> "unknown status " + status;
        };
    }

    /** @return the failInfo bits of {@code info} as an int using the {@link PKIFailureInfo} masks, 0 if absent */
    static int failInfo(PKIStatusInfo info) {
        return info.getFailInfo() == null ? 0 : new PKIFailureInfo(info.getFailInfo()).intValue();
    }

    static String failInfoText(int bits) {
        List<String> names = new ArrayList<>();
        for (Map.Entry<Integer, String> e : FAIL_INFO.entrySet()) {
            if ((bits & e.getKey()) != 0) {
                names.add(e.getValue());
            }
        }
        if (names.isEmpty() && bits != 0) {
            names.add("failInfo bits 0x" + Integer.toHexString(bits));
        }
        return String.join(", ", names);
    }

    /** @return "rejection, failInfo badAlg (...), text 'xyz'" for the status info */
    static String describe(PKIStatusInfo info) {
        StringBuilder b = new StringBuilder(status(info.getStatus().intValue()));
        int bits = failInfo(info);
        if (bits != 0) {
            b.append(", failInfo ").append(failInfoText(bits));
        }
        PKIFreeText text = info.getStatusString();
        if (text != null && text.size() > 0) {
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < text.size(); i++) {
                ASN1UTF8String s = text.getStringAtUTF8(i);
                parts.add(s.getString());
            }
            b.append(", text '").append(sanitize(String.join("; ", parts))).append('\'');
        }
        return b.toString();
    }

    /** Strips control characters and caps the length of text coming from a remote server. */
    static String sanitize(String s) {
        String clean = s.replaceAll("\\p{Cntrl}", " ").strip();
        return clean.length() > 200 ? clean.substring(0, 200) + "..." : clean;
    }
}
