package com.certyneo.engine.pades;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hex strings read without decoding them ({@link PdfSyntax.Parser#skipHexStrings}): the word-at-a-time scan gives the
 * byte-by-byte answer for every byte value, in every position of a word.
 */
class PdfSyntaxHexTest {

    private static boolean hexDigit(int c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }

    /** The number of whole words of hex digits from {@code from}, one byte at a time. */
    private static int reference(byte[] b, int from) {
        int words = 0;
        for (int i = from; i + 8 <= b.length; i += 8, words++) {
            for (int k = i; k < i + 8; k++) {
                if (!hexDigit(b[k] & 0xff)) {
                    return words;
                }
            }
        }
        return words;
    }

    @Test
    void everyByteValueInEveryPositionOfAWordStopsTheWordScanExactlyWhenItIsNotAHexDigit() {
        for (int value = 0; value < 256; value++) {
            for (int position = 0; position < 24; position++) {
                byte[] b = "0123456789abcdefABCDEF0123456789".getBytes(StandardCharsets.US_ASCII);
                b[position] = (byte) value;
                for (int from = 0; from < 8; from++) {
                    assertEquals(reference(b, from), PdfSyntax.hexDigitWords(b, from),
                            "byte " + value + " at " + position + ", scan from " + from);
                }
            }
        }
    }

    @Test
    void randomMixturesAgreeWithTheByteByByteScan() {
        Random random = new Random(42);
        byte[] alphabet = "0123456789abcdefABCDEFgG>< \n\r\t\0/@`\u007f".getBytes(StandardCharsets.ISO_8859_1);
        for (int round = 0; round < 20_000; round++) {
            byte[] b = new byte[random.nextInt(64)];
            for (int i = 0; i < b.length; i++) {
                b[i] = random.nextInt(8) == 0 ? (byte) random.nextInt(256)
                        : random.nextInt(4) == 0 ? alphabet[random.nextInt(alphabet.length)]
                        : (byte) "0123456789ABCDEF".charAt(random.nextInt(16));
            }
            int from = b.length == 0 ? 0 : random.nextInt(b.length);
            assertEquals(reference(b, from), PdfSyntax.hexDigitWords(b, from));
        }
    }

    @Test
    void aLongHexStringIsSkippedToItsEndAndDecodedLater() {
        byte[] value = new byte[5000];
        new Random(7).nextBytes(value);
        String hex = HexFormat.of().withUpperCase().formatHex(value);
        // white space inside, as some writers wrap their /Contents
        String wrapped = hex.substring(0, 1001) + "\n " + hex.substring(1001, 4003) + "\r\n" + hex.substring(4003);
        byte[] pdf = ("<</Contents <" + wrapped + "> /Next 7>>").getBytes(StandardCharsets.US_ASCII);
        Object read = new PdfSyntax.Parser(new PdfSyntax.ArrayInput(pdf), 0).skipHexStrings().readObject();
        Map<?, ?> dictionary = assertInstanceOf(Map.class, read);
        assertEquals(7L, dictionary.get("Next"));
        PdfSyntax.Hex contents = assertInstanceOf(PdfSyntax.Hex.class, dictionary.get("Contents"));
        assertArrayEquals(value, contents.decode());
        byte[] prefix = contents.decodePrefix(3072);
        assertEquals(3072, prefix.length);
        for (int i = 0; i < prefix.length; i++) {
            assertEquals(value[i], prefix[i], "byte " + i);
        }
        assertArrayEquals(value, contents.decodePrefix(8000));
    }

    @Test
    void prefixesOfHexStringsWithWhiteSpaceAnywhereAreTheirFirstBytes() {
        Random random = new Random(3);
        for (int round = 0; round < 2_000; round++) {
            byte[] value = new byte[random.nextInt(40)];
            random.nextBytes(value);
            StringBuilder hex = new StringBuilder("<");
            for (char c : HexFormat.of().formatHex(value).toCharArray()) {
                while (random.nextInt(5) == 0) {
                    hex.append(" \n\r\t\f".charAt(random.nextInt(5)));
                }
                hex.append(random.nextBoolean() ? Character.toUpperCase(c) : c);
            }
            boolean odd = random.nextInt(4) == 0; // a final lone digit is read as if followed by 0
            byte[] expected = value;
            if (odd) {
                hex.append('7');
                expected = java.util.Arrays.copyOf(value, value.length + 1);
                expected[value.length] = 0x70;
            }
            hex.append(">");
            byte[] pdf = hex.toString().getBytes(StandardCharsets.US_ASCII);
            PdfSyntax.Hex string = new PdfSyntax.Hex(new PdfSyntax.ArrayInput(pdf), 0);
            assertArrayEquals(expected, string.decode(), hex.toString());
            for (int max = 0; max <= expected.length + 2; max++) {
                byte[] prefix = string.decodePrefix(max);
                if (odd && max >= expected.length) {
                    // decodePrefix stops at the lone digit (its half byte is not one of the string's whole bytes)
                    assertArrayEquals(value, prefix, hex + " max " + max);
                } else {
                    assertArrayEquals(java.util.Arrays.copyOf(expected, Math.min(max, expected.length)), prefix, hex + " max " + max);
                }
            }
        }
    }

    @Test
    void prefixesOfLongHexStringsAreTheirFirstBytesWordByWordAndAcrossWhiteSpace() {
        Random random = new Random(11);
        for (int round = 0; round < 3_000; round++) {
            byte[] value = new byte[random.nextInt(300)];
            random.nextBytes(value);
            if (random.nextBoolean()) {
                java.util.Arrays.fill(value, random.nextInt(value.length + 1), value.length, (byte) 0); // placeholder padding
            }
            StringBuilder hex = new StringBuilder(" <".substring(random.nextInt(2))); // the string at offset 0 or 1
            int at = hex.length() - 1;
            int spaces = random.nextInt(3) * 50; // none, or now and then: runs of 8 digits at every alignment
            for (char c : HexFormat.of().formatHex(value).toCharArray()) {
                if (spaces > 0 && random.nextInt(spaces) == 0) {
                    hex.append(" \n\r\t\f".charAt(random.nextInt(5)));
                }
                hex.append(random.nextInt(3) == 0 ? Character.toUpperCase(c) : c);
            }
            hex.append(">");
            byte[] pdf = hex.toString().getBytes(StandardCharsets.US_ASCII);
            if (random.nextBoolean()) { // the string ends the array: no word may be read past it
                pdf = java.util.Arrays.copyOf(pdf, pdf.length - 1);
            }
            PdfSyntax.Hex string = new PdfSyntax.Hex(new PdfSyntax.ArrayInput(pdf), at);
            for (int max : new int[] {0, 1, 3, 4, 5, 8, 9, random.nextInt(value.length + 1), value.length, value.length + 7}) {
                assertArrayEquals(java.util.Arrays.copyOf(value, Math.min(max, value.length)), string.decodePrefix(max),
                        hex + " max " + max);
            }
        }
    }

    @Test
    void aForeignByteDeepInsideALongHexStringIsStillRefused() {
        String hex = "0".repeat(20_000);
        for (int at : new int[] {0, 7, 8, 9999, 10_000, 19_999}) {
            for (char bad : new char[] {'g', 'G', '/', ':', '@', '`', '(', '\u00e9'}) {
                StringBuilder b = new StringBuilder(hex);
                b.setCharAt(at, bad);
                byte[] pdf = ("<</Contents <" + b + ">>>").getBytes(StandardCharsets.ISO_8859_1);
                PdfSyntax.Malformed e = assertThrows(PdfSyntax.Malformed.class, () ->
                        new PdfSyntax.Parser(new PdfSyntax.ArrayInput(pdf), 0).skipHexStrings().readObject());
                assertTrue(e.getMessage().contains("hex string"), e.getMessage());
            }
        }
        byte[] unterminated = ("<</Contents <" + hex).getBytes(StandardCharsets.US_ASCII);
        assertThrows(PdfSyntax.Malformed.class, () ->
                new PdfSyntax.Parser(new PdfSyntax.ArrayInput(unterminated), 0).skipHexStrings().readObject());
    }
}
