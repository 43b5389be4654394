package com.certyneo.engine.pades.adversarial;

/**
 * One file of the adversarial corpus: a signed input after an attack (or a benign update).
 *
 * @param input          the signed input it was made from (e.g. {@code shadow-B-B})
 * @param attackClass    the attack class
 * @param id             a short id, unique per input (e.g. {@code isa-c-evil-annotation})
 * @param description    what was done, in a few words
 * @param bytes          the attacked file
 * @param signedRevision what the attacked signature's signer signed: the signed file up to the end of
 *                       its /ByteRange (br[2] + br[3]); for the wrapping attacks, which move bytes, the
 *                       revision as it was signed
 * @param attackedField  the field name of the attacked signature
 * @param appendOnly     whether {@code bytes} is the signed input plus appended bytes (every class but SWA)
 * @param wellFormed     whether the generator means the result to be a structurally valid PDF (qpdf
 *                       --check clean); false for the deliberately broken ones (no %%EOF, loops, garbage)
 */
record Variant(String input, AttackClass attackClass, String id, String description, byte[] bytes,
               byte[] signedRevision, String attackedField, boolean appendOnly, boolean wellFormed) {

    /** The attack classes of the corpus, plus the benign updates and the "warn" cases. */
    enum AttackClass {
        /** Incremental saving attacks: a revision appended after the signature. */
        ISA("ISA"),
        /** Shadow attack, hide: content prepared before signing made (in)visible afterwards. */
        SHADOW_HIDE("SHADOW-hide"),
        /** Shadow attack, replace: an existing object made to point at another object already signed. */
        SHADOW_REPLACE("SHADOW-replace"),
        /** Shadow attack, hide-and-replace: an appended xref/trailer re-pointing at bytes already signed. */
        SHADOW_HIDE_REPLACE("SHADOW-hide+replace"),
        /** Signature wrapping: /ByteRange altered, signed bytes moved, new content in the gap. */
        SWA("SWA"),
        /** Universal signature forgery: a broken or forged signature dictionary. */
        USF("USF"),
        /** Legitimate later revisions: every signature must stay valid. */
        BENIGN("BENIGN"),
        /** Harmless oddities: signatures expected to stay valid, report warnings collected. */
        WARN("WARN");

        private final String label;

        AttackClass(String label) {
            this.label = label;
        }

        /** @return the label used in the matrix */
        String label() {
            return label;
        }

        /** @return whether variants of this class are attacks (must be refused or invisible) */
        boolean attack() {
            return this != BENIGN && this != WARN;
        }
    }

    /** @return {@code input/id} */
    String name() {
        return input + "/" + id;
    }

    @Override
    public String toString() {
        return attackClass.label() + " " + name();
    }
}
