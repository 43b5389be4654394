package com.certyneo.engine.pades;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import com.certyneo.engine.CertificationLevel;
import com.certyneo.engine.ErrorCode;
import com.certyneo.engine.FieldLock;
import com.certyneo.engine.SignatureEngineException;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSObject;
import org.apache.pdfbox.cos.COSString;
import org.apache.pdfbox.pdmodel.PDDocument;

/**
 * Certification and field locks as a signature expresses them (ISO 32000-1 §12.8.2.2 to §12.8.2.4, §12.7.4.5):
 * <ul>
 * <li>a certification is a {@code /Reference} entry {@code << /Type /SigRef /TransformMethod /DocMDP
 * /TransformParams << /Type /TransformParams /P n /V /1.2 >> >>} in the first signature's dictionary, which the
 * catalog's {@code /Perms /DocMDP} names;</li>
 * <li>a field lock is a {@code /Reference} entry with {@code /TransformMethod /FieldMDP} and
 * {@code /TransformParams << /Type /TransformParams /Action /All|/Include|/Exclude /Fields [...] /V /1.2 >>} and
 * {@code /Data}, the catalog (ISO 32000-1 requires it for FieldMDP, and DSS warns without it; {@link RevisionDiff}
 * does not take the catalog for a part of the signature for it); a signature into a field with a {@code /Lock} gets
 * the lock of the field when the request names none.</li>
 * </ul>
 * No {@code /DigestMethod}, {@code /DigestValue} or {@code /DigestLocation}: ISO 32000-2 deprecates them and the
 * transforms need none (the signature's byte range covers the document).
 */
final class FieldRules {

    static final COSName TRANSFORM_METHOD = COSName.getPDFName("TransformMethod");
    static final COSName TRANSFORM_PARAMS = COSName.getPDFName("TransformParams");
    static final COSName FIELD_MDP = COSName.getPDFName("FieldMDP");
    static final COSName LOCK = COSName.getPDFName("Lock");
    static final COSName ACTION = COSName.getPDFName("Action");
    private static final COSName SIG_REF = COSName.getPDFName("SigRef");
    private static final COSName SIG_FIELD_LOCK = COSName.getPDFName("SigFieldLock");
    private static final COSName V_1_2 = COSName.getPDFName("1.2");

    private FieldRules() {
    }

    /**
     * Adds the certification and the field lock a signature request asks for (or its field's {@code /Lock}) to the
     * options of its revision.
     *
     * @throws SignatureEngineException INVALID_REQUEST when a certification is asked for a document that is signed
     *         or certified already
     */
    static void apply(PDDocument document, String name, SigningPipeline.Spec spec,
                      List<SigningPipeline.EarlierSignature> earlier, SignatureRevision.Options options) {
        Optional<CertificationLevel> certification = spec.certification();
        COSDictionary catalog = document.getDocumentCatalog().getCOSObject();
        if (certification.isPresent()) {
            boolean signed = earlier.stream().anyMatch(e -> !"DocTimeStamp".equals(e.type()));
            boolean certified = catalog.getDictionaryObject(COSName.PERMS) instanceof COSDictionary perms
                    && perms.getDictionaryObject(COSName.DOCMDP) != null;
            if (signed || certified) {
                throw new SignatureEngineException(ErrorCode.INVALID_REQUEST, "Cannot certify '" + name + "': it is "
                        + (certified ? "certified" : "signed") + " already, and only the first signature of a document "
                        + "may certify it", "Sign it without --certify (an approval signature), or certify the "
                        + "unsigned original.", null);
            }
        }
        Optional<FieldLock> lock = spec.lock();
        if (lock.isEmpty() && spec.field().isPresent()) {
            lock = document.getSignatureFields().stream()
                    .filter(f -> spec.field().get().equals(f.getFullyQualifiedName())).findFirst()
                    .map(f -> f.getCOSObject().getDictionaryObject(LOCK) instanceof COSDictionary d ? lockOf(d) : null);
        }
        if (certification.isEmpty() && lock.isEmpty()) {
            return;
        }
        COSArray references = new COSArray();
        certification.ifPresent(level -> {
            COSDictionary params = params();
            params.setInt(COSName.P, level.permission());
            references.add(reference(COSName.DOCMDP, params));
        });
        lock.ifPresent(l -> {
            COSDictionary reference = reference(FIELD_MDP, lockParams(l, params()));
            reference.setItem(COSName.getPDFName("Data"), catalog); // ISO 32000-1 Table 253: required for FieldMDP
            references.add(reference);
        });
        SignatureRevision.references(options, references, certification.isPresent());
    }

    private static COSDictionary params() {
        COSDictionary params = new COSDictionary();
        params.setItem(COSName.TYPE, COSName.getPDFName("TransformParams"));
        return params;
    }

    private static COSDictionary reference(COSName method, COSDictionary params) {
        params.setItem(COSName.V, V_1_2);
        COSDictionary reference = new COSDictionary();
        reference.setItem(COSName.TYPE, SIG_REF);
        reference.setItem(TRANSFORM_METHOD, method);
        reference.setItem(TRANSFORM_PARAMS, params);
        return reference;
    }

    /** {@code /Action} and {@code /Fields} of {@code lock} set in {@code dictionary}. */
    private static COSDictionary lockParams(FieldLock lock, COSDictionary dictionary) {
        String action = lock.action().name().charAt(0) + lock.action().name().substring(1).toLowerCase(Locale.ROOT);
        dictionary.setItem(ACTION, COSName.getPDFName(action));
        if (lock.action() != FieldLock.Action.ALL) {
            COSArray fields = new COSArray();
            lock.fields().forEach(f -> fields.add(new COSString(f)));
            dictionary.setItem(COSName.FIELDS, fields);
        }
        return dictionary;
    }

    /** @return a signature field lock dictionary ({@code /Type /SigFieldLock}) of {@code lock} */
    static COSDictionary lockDictionary(FieldLock lock) {
        COSDictionary dictionary = new COSDictionary();
        dictionary.setItem(COSName.TYPE, SIG_FIELD_LOCK);
        return lockParams(lock, dictionary);
    }

    /** @return the lock a /Lock dictionary or FieldMDP parameters express, or {@code null} when malformed */
    static FieldLock lockOf(COSDictionary dictionary) {
        String action = dictionary.getNameAsString(ACTION);
        List<String> fields = new java.util.ArrayList<>();
        if (dictionary.getDictionaryObject(COSName.FIELDS) instanceof COSArray array) {
            for (COSBase item : array) {
                if ((item instanceof COSObject o ? o.getObject() : item) instanceof COSString s) {
                    fields.add(s.getString());
                }
            }
        }
        try {
            return switch (action == null ? "" : action) {
                case "All" -> FieldLock.all();
                case "Include" -> new FieldLock(FieldLock.Action.INCLUDE, fields);
                case "Exclude" -> new FieldLock(FieldLock.Action.EXCLUDE, fields);
                default -> null;
            };
        } catch (SignatureEngineException e) {
            return null; // no field named: nothing a signer could be held to
        }
    }
}
