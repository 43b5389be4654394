package com.certyneo.engine.pades.readme;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Every Java example of the root README and of test-vectors' README is compiled and run: each {@code ```java}
 * block is, verbatim, a marked region of a test in this package ({@link ReadmeSnippets}), and every marked region
 * is in its README. Editing an example means editing the test it comes from, and the other way round.
 */
class ReadmeSnippetsTest {

    @ParameterizedTest
    @ValueSource(strings = {"README.md", "test-vectors/README.md"})
    void everyJavaBlockIsTestedCode(String readme) {
        List<String> blocks = ReadmeSnippets.javaBlocks(ReadmeSnippets.ROOT.resolve(readme));
        List<ReadmeSnippets.Snippet> regions = ReadmeSnippets.regions(readme);
        assertFalse(blocks.isEmpty(), readme + " has Java examples");
        List<String> problems = new ArrayList<>();
        List<String> unmatched = new ArrayList<>(regions.stream().map(ReadmeSnippets.Snippet::code).toList());
        for (int i = 0; i < blocks.size(); i++) {
            String block = blocks.get(i);
            if (!unmatched.remove(block)) {
                problems.add(readme + ": Java block " + (i + 1) + " is no tested code; closest region: "
                        + closest(block, regions) + "\n" + block);
            }
        }
        for (ReadmeSnippets.Snippet region : regions) {
            if (unmatched.contains(region.code())) {
                problems.add(region.where() + ": this region is not in " + readme + "; closest block: "
                        + firstDifference(region.code(), closestBlock(region.code(), blocks)));
            }
        }
        assertEquals(List.of(), problems);
        assertEquals(blocks.size(), regions.size(), "one tested region per Java block of " + readme);
    }

    static String closest(String block, List<ReadmeSnippets.Snippet> regions) {
        ReadmeSnippets.Snippet best = null;
        int bestScore = -1;
        for (ReadmeSnippets.Snippet region : regions) {
            int score = commonLines(block, region.code());
            if (score > bestScore) {
                best = region;
                bestScore = score;
            }
        }
        return best == null ? "none" : best.where() + ", " + firstDifference(block, best.code());
    }

    static String closestBlock(String code, List<String> blocks) {
        return blocks.stream().max((a, b) -> Integer.compare(commonLines(code, a), commonLines(code, b))).orElse("");
    }

    static int commonLines(String a, String b) {
        List<String> bLines = List.of(b.split("\n"));
        return (int) List.of(a.split("\n")).stream().filter(bLines::contains).count();
    }

    static String firstDifference(String a, String b) {
        String[] x = a.split("\n", -1);
        String[] y = b.split("\n", -1);
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            String l = i < x.length ? x[i] : "<end>";
            String r = i < y.length ? y[i] : "<end>";
            if (!l.equals(r)) {
                return "line " + (i + 1) + " differs: '" + l + "' vs '" + r + "'";
            }
        }
        return "identical";
    }
}
