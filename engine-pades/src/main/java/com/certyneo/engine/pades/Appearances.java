package com.certyneo.engine.pades;

import com.certyneo.engine.PadesProfile;
import com.certyneo.engine.SignRequest;
import com.certyneo.engine.SignatureLevel;
import com.certyneo.engine.VisibleAppearance;
import eu.europa.esig.dss.enumerations.SignerTextHorizontalAlignment;
import eu.europa.esig.dss.enumerations.SignerTextVerticalAlignment;
import eu.europa.esig.dss.enumerations.TextWrapping;
import eu.europa.esig.dss.model.InMemoryDocument;
import eu.europa.esig.dss.pades.DSSFileFont;
import eu.europa.esig.dss.pades.SignatureFieldParameters;
import eu.europa.esig.dss.pades.SignatureImageParameters;
import eu.europa.esig.dss.pades.SignatureImageTextParameters;

import java.awt.Color;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** DSS field/appearance parameters for a signature field name and/or a visible box. */
final class Appearances {

    private static final String FONT = "/org/apache/pdfbox/resources/ttf/LiberationSans-Regular.ttf";
    private static final byte[] FONT_BYTES = loadFont();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private Appearances() {
    }

    static SignatureImageParameters image(SignRequest request, X509Certificate certificate, Instant signingTime,
                                          PadesProfile profile, boolean sandbox) {
        SignatureFieldParameters field = new SignatureFieldParameters();
        request.fieldName().ifPresent(field::setFieldId);
        SignatureImageParameters image = new SignatureImageParameters();
        request.appearance().ifPresent(box -> {
            place(field, box);
            SignatureImageTextParameters text = new SignatureImageTextParameters();
            text.setText(text(request, certificate, signingTime, profile, sandbox));
            // An embedded font keeps the text selectable and PDF/A documents free of unembedded fonts.
            text.setFont(new DSSFileFont(new InMemoryDocument(FONT_BYTES, "LiberationSans-Regular.ttf")));
            text.setTextWrapping(TextWrapping.FILL_BOX_AND_LINEBREAK);
            text.setSignerTextHorizontalAlignment(SignerTextHorizontalAlignment.LEFT);
            text.setSignerTextVerticalAlignment(SignerTextVerticalAlignment.MIDDLE);
            text.setPadding(4);
            text.setTextColor(sandbox ? new Color(0xC0, 0x00, 0x00) : new Color(0x10, 0x2A, 0x43));
            text.setBackgroundColor(Color.WHITE);
            image.setTextParameters(text);
        });
        image.setFieldParameters(field);
        return image;
    }

    private static void place(SignatureFieldParameters field, VisibleAppearance box) {
        field.setPage(box.page());
        field.setOriginX(box.x());
        field.setOriginY(box.y());
        field.setWidth(box.width());
        field.setHeight(box.height());
    }

    static String text(SignRequest request, X509Certificate certificate, Instant signingTime, PadesProfile profile,
                       boolean sandbox) {
        String who = request.level() == SignatureLevel.SES
                ? "Sealed by " + PadesSignatureEngine.commonName(certificate) + "\nfor " + request.signer().name()
                : "Digitally signed by " + request.signer().name();
        return who + "\n" + TIME.format(signingTime) + "\n" + request.level() + " \u00b7 PAdES " + profile
                + (sandbox ? "\nSANDBOX \u2013 NOT LEGALLY BINDING" : "");
    }

    private static byte[] loadFont() {
        try (InputStream in = Appearances.class.getResourceAsStream(FONT)) {
            if (in == null) {
                throw new IllegalStateException("The font " + FONT + " is missing from PDFBox");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
