package com.certyneo.testvectors;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The README's "Expected outcomes" table says what the catalog ({@link ExpectedOutcomes}) says: every cell is
 * read back and compared with the catalog entries of its row's vectors, and every catalog entry is covered by a
 * row. (A revoked signer at B-LT once read {@code SIGNING_KEY_ERROR} there while the catalog, and the engine, say
 * {@code CERTIFICATE_REVOKED}.)
 */
class ReadmeCatalogTest {

    static final Path README = Path.of("README.md");
    static final List<Operation> COLUMNS = List.of(Operation.SIGN_B_B, Operation.SIGN_B_T, Operation.SIGN_B_LT,
            Operation.SIGN_B_LTA, Operation.VALIDATE);
    static final Pattern REFUSED = Pattern.compile("refused `(\\w+)`(?: \\(\"([^\"]+)\"\\))?(?: \\(engine rule[^)]*\\))?");
    static final Pattern INDICATION = Pattern.compile("(TOTAL_PASSED|TOTAL_FAILED|INDETERMINATE)(?: / (\\w+))?(?: \\((B|T|LT|LTA)\\))?");
    static final Pattern ONLY = Pattern.compile("`(\\w+)`: (.*)");

    @Test
    void theExpectedOutcomesTableMatchesTheCatalog() throws Exception {
        List<String[]> rows = table(Files.readString(README));
        assertFalse(rows.isEmpty(), "README.md has an 'Expected outcomes' table");
        Set<String> covered = new HashSet<>();
        List<String> mismatches = new ArrayList<>();
        for (String[] row : rows) {
            List<String> vectors = vectors(row[0]);
            assertFalse(vectors.isEmpty(), "no vector for the row " + row[0]);
            String previous = null;
            for (int c = 0; c < COLUMNS.size(); c++) {
                String cell = row[c + 1].equals("same") ? previous : row[c + 1];
                assertNotNull(cell, "'same' in the first column of " + row[0]);
                previous = cell;
                for (String vector : vectors) {
                    String problem = compare(vector, COLUMNS.get(c), cell);
                    if (problem != null) {
                        mismatches.add(row[0] + " / " + COLUMNS.get(c) + ": README says '" + cell + "', " + problem);
                    }
                    covered.add(vector + "/" + COLUMNS.get(c));
                }
            }
        }
        assertEquals(List.of(), mismatches);
        for (Expectation e : ExpectedOutcomes.all()) {
            assertTrue(covered.contains(e.key()), "the README's table has no row for " + e.key());
        }
    }

    /** @return null when the catalog agrees with the cell, else what it says */
    static String compare(String vector, Operation operation, String cell) {
        Expectation e = ExpectedOutcomes.find(vector, operation).orElse(null);
        String catalog = e == null ? "no entry"
                : e.refused() ? "refused " + e.errorCode() + " (" + e.reason() + ")"
                : e.outcome() + (e.subIndication() == null ? "" : " / " + e.subIndication()) + " " + e.format();
        Matcher only = ONLY.matcher(cell);
        if (only.matches()) {
            cell = only.group(1).equals(vector) ? only.group(2) : "–";
        }
        if (cell.equals("–")) {
            return e == null ? null : "the catalog says " + catalog;
        }
        if (e == null) {
            return "the catalog has no entry";
        }
        Matcher refused = REFUSED.matcher(cell);
        if (refused.matches()) {
            boolean same = e.refused() && e.errorCode().equals(refused.group(1))
                    && (refused.group(2) == null || e.reason().contains(refused.group(2)))
                    && cell.contains("engine rule") == e.engineRule();
            return same ? null : "the catalog says " + catalog;
        }
        Matcher indication = INDICATION.matcher(cell);
        if (!indication.matches()) {
            fail("cannot read the README cell '" + cell + "'");
        }
        String format = indication.group(3) != null ? "PAdES-BASELINE-" + indication.group(3) : operation.targetFormat();
        boolean same = !e.refused() && e.outcome().name().equals(indication.group(1))
                && java.util.Objects.equals(e.subIndication(), indication.group(2))
                && (format == null || format.equals(e.format()));
        return same ? null : "the catalog says " + catalog;
    }

    /** The vectors a row's first cell names. */
    static List<String> vectors(String cell) {
        List<String> all = ExpectedOutcomes.all().stream().map(Expectation::vector).distinct().toList();
        Matcher signer = Pattern.compile("`(SIGNER_\\w+_)\\*`.*").matcher(cell);
        if (signer.matches()) {
            return all.stream().filter(v -> v.startsWith(signer.group(1))
                    && Set.of("EC_P256", "RSA_PSS_3072").contains(v.substring(signer.group(1).length()))).toList();
        }
        if (cell.startsWith("every well-formed PDF vector")) {
            Set<String> damagedOrEncrypted = Set.of("ENCRYPTED_USER_PASSWORD", "ENCRYPTED_OWNER_PASSWORD_ONLY", "TRUNCATED");
            return all.stream().filter(v -> !v.startsWith("SIGNER_") && !damagedOrEncrypted.contains(v)).toList();
        }
        Matcher one = Pattern.compile("`(\\w+)`").matcher(cell);
        return one.matches() ? List.of(one.group(1)) : List.of();
    }

    /** The rows of the table under "## Expected outcomes", header and separator left out. */
    static List<String[]> table(String markdown) {
        int section = markdown.indexOf("\n## Expected outcomes");
        assertTrue(section >= 0, "README.md has a section 'Expected outcomes'");
        List<String[]> rows = new ArrayList<>();
        boolean inTable = false;
        for (String line : markdown.substring(section + 1).split("\n")) {
            if (line.startsWith("|")) {
                String[] cells = line.substring(1, line.lastIndexOf('|')).split("\\|", -1);
                for (int i = 0; i < cells.length; i++) {
                    cells[i] = cells[i].strip();
                }
                if (!inTable) {
                    assertEquals(List.of("Vector", "B-B", "B-T", "B-LT", "B-LTA", "VALIDATE"), List.of(cells), "table header");
                    inTable = true;
                } else if (!cells[0].startsWith("---")) {
                    assertEquals(COLUMNS.size() + 1, cells.length, line);
                    rows.add(cells);
                }
            } else if (inTable) {
                break;
            }
        }
        return rows;
    }
}
