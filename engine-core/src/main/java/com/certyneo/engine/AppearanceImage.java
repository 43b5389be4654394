package com.certyneo.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * An image drawn in a visible signature box next to its text: a logo, or the handwritten signature a wrapper
 * captured. PNG (with or without an alpha channel) or baseline/progressive JPEG, at most {@link #MAX_BYTES} bytes
 * and {@link #MAX_SIDE} pixels on each side; the format and size are read from the image's header here, so a bad
 * image is refused when the request is built, before anything is written. Make one with {@link #of(byte[])} or
 * {@link #of(Path)}; the engine scales it into the box keeping its aspect ratio.
 */
public final class AppearanceImage {

    /** The largest image file accepted, in bytes (4 MiB). */
    public static final int MAX_BYTES = 4 * 1024 * 1024;
    /** The largest width and height accepted, in pixels. */
    public static final int MAX_SIDE = 4096;

    /** The image formats accepted. */
    public enum Format {
        /** PNG (ISO/IEC 15948), any colour type; an alpha channel becomes a soft mask. */
        PNG,
        /** JPEG (JFIF/Exif), embedded as it is (DCTDecode). */
        JPEG
    }

    private final byte[] bytes;
    private final String name;
    private final Format format;
    private final int width;
    private final int height;

    private AppearanceImage(byte[] bytes, String name) {
        this.name = name;
        if (bytes.length > MAX_BYTES) {
            throw invalid(name, "is " + bytes.length + " bytes, more than the limit of " + MAX_BYTES + " bytes (4 MiB)",
                    "Scale or compress the image (a signature image needs a few hundred pixels).");
        }
        this.bytes = bytes.clone();
        int[] size;
        if (bytes.length > 24 && (bytes[0] & 0xff) == 0x89 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G'
                && bytes[12] == 'I' && bytes[13] == 'H' && bytes[14] == 'D' && bytes[15] == 'R') {
            format = Format.PNG;
            size = new int[] {int32(bytes, 16), int32(bytes, 20)};
        } else if (bytes.length > 3 && (bytes[0] & 0xff) == 0xFF && (bytes[1] & 0xff) == 0xD8 && (bytes[2] & 0xff) == 0xFF) {
            format = Format.JPEG;
            size = jpegSize(bytes);
            if (size == null) {
                throw invalid(name, "is a JPEG without a frame header (truncated or damaged)", "Export the image again.");
            }
        } else {
            throw invalid(name, "is neither a PNG nor a JPEG image", "Convert it to PNG or JPEG.");
        }
        width = size[0];
        height = size[1];
        if (width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE) {
            throw invalid(name, "is " + Integer.toUnsignedString(width) + " x " + Integer.toUnsignedString(height)
                    + " pixels; the limit is " + MAX_SIDE + " x " + MAX_SIDE, "Scale the image down.");
        }
    }

    /**
     * {@return the image}
     * @param bytes the PNG or JPEG file's bytes (copied)
     * @throws SignatureEngineException {@link ErrorCode#INVALID_REQUEST} for bytes that are not PNG or JPEG, more than
     *                                  {@link #MAX_BYTES} bytes, or an image larger than {@link #MAX_SIDE} pixels
     */
    public static AppearanceImage of(byte[] bytes) {
        return new AppearanceImage(Objects.requireNonNull(bytes, "bytes"), "the appearance image");
    }

    /**
     * {@return the image}
     * @param file a PNG or JPEG file, read now
     * @throws SignatureEngineException {@link ErrorCode#INVALID_REQUEST} for a file that cannot be read, is not PNG
     *                                  or JPEG, or is larger than the limits
     */
    public static AppearanceImage of(Path file) {
        Objects.requireNonNull(file, "file");
        String name = "the appearance image " + file;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw invalid(name, "is " + Files.size(file) + " bytes, more than the limit of " + MAX_BYTES
                        + " bytes (4 MiB)", "Scale or compress the image (a signature image needs a few hundred pixels).");
            }
            return new AppearanceImage(Files.readAllBytes(file), name);
        } catch (NoSuchFileException e) {
            throw invalid(name, "does not exist", "Give the path of a PNG or JPEG file.");
        } catch (IOException e) {
            throw invalid(name, "cannot be read (" + e.getClass().getSimpleName() + ")", "Check the file and its permissions.");
        }
    }

    /** {@return a copy of the image file's bytes} */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** {@return the image's format, from its header} */
    public Format format() {
        return format;
    }

    /** {@return the width in pixels, from its header} */
    public int width() {
        return width;
    }

    /** {@return the height in pixels, from its header} */
    public int height() {
        return height;
    }

    /** {@return how errors name this image ("the appearance image" or "the appearance image PATH")} */
    public String name() {
        return name;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AppearanceImage other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "AppearanceImage[" + format + " " + width + "x" + height + ", " + bytes.length + " bytes]";
    }

    private static int int32(byte[] b, int at) {
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }

    /** The {width, height} of a JPEG's first start-of-frame segment, or {@code null}. */
    private static int[] jpegSize(byte[] b) {
        int i = 2;
        while (i + 9 < b.length) {
            if ((b[i] & 0xff) != 0xFF) {
                return null;
            }
            int marker = b[i + 1] & 0xff;
            if (marker == 0xFF) {
                i++;
                continue;
            }
            int length = ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
            boolean frame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if (frame) {
                int height = ((b[i + 5] & 0xff) << 8) | (b[i + 6] & 0xff);
                int width = ((b[i + 7] & 0xff) << 8) | (b[i + 8] & 0xff);
                return new int[] {width, height};
            }
            if (marker == 0xD9 || marker == 0xDA || length < 2) {
                return null;
            }
            i += 2 + length;
        }
        return null;
    }

    private static SignatureEngineException invalid(String name, String why, String fix) {
        String n = name.substring(0, 1).toUpperCase(java.util.Locale.ROOT) + name.substring(1);
        return new SignatureEngineException(ErrorCode.INVALID_REQUEST, n + " " + why, fix
                + " Accepted: PNG or JPEG, at most " + MAX_BYTES + " bytes and " + MAX_SIDE + " x " + MAX_SIDE + " pixels.");
    }
}
