package com.certyneo.engine.pades.readme;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The Java examples of a README and the test code they are copied from. A README's {@code ```java} blocks are
 * compared, verbatim, with the regions of the test sources marked
 *
 * <pre>
 *     // snippet README-PATH
 *     ...the code, as the README shows it...
 *     // end snippet
 * </pre>
 *
 * where README-PATH is the README's path from the repository root ({@code README.md},
 * {@code test-vectors/README.md}). A region is compared without the indentation common to its lines, so a
 * README block can be a whole file (its imports and class), a method's statements or a class's members. Lines
 * from {@code // snippet paused} to {@code // snippet resumed} are the test's own (assertions inside a block the
 * README shows whole) and left out.
 */
final class ReadmeSnippets {

    /** The repository root: the tests run in {@code engine-pades/}. */
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final String BEGIN = "// snippet ";
    static final String END = "// end snippet";
    static final String PAUSED = "// snippet paused";
    static final String RESUMED = "// snippet resumed";

    private ReadmeSnippets() {
    }

    /** @return the {@code ```java} blocks of a markdown file, in order, without their fences */
    static List<String> javaBlocks(Path markdown) {
        List<String> blocks = new ArrayList<>();
        StringBuilder block = null;
        for (String line : lines(markdown)) {
            if (block == null && line.strip().equals("```java")) {
                block = new StringBuilder();
            } else if (block != null && line.strip().equals("```")) {
                blocks.add(block.toString());
                block = null;
            } else if (block != null) {
                block.append(line.stripTrailing()).append('\n');
            }
        }
        if (block != null) {
            throw new IllegalStateException(markdown + " has an unclosed ```java block");
        }
        return blocks;
    }

    /**
     * @param readme the README's path from the repository root, as named after {@code // snippet}
     * @return every region marked for that README in the test sources of this module, dedented
     */
    static List<Snippet> regions(String readme) {
        List<Snippet> regions = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/test/java"))) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java")).sorted()::iterator) {
                List<String> lines = lines(file);
                for (int i = 0; i < lines.size(); i++) {
                    if (!lines.get(i).strip().equals(BEGIN + readme)) {
                        continue;
                    }
                    int end = i + 1;
                    while (end < lines.size() && !lines.get(end).strip().equals(END)) {
                        end++;
                    }
                    if (end == lines.size()) {
                        throw new IllegalStateException(file + ":" + (i + 1) + ": '" + BEGIN + readme + "' without '" + END + "'");
                    }
                    regions.add(new Snippet(file + ":" + (i + 2), dedent(lines.subList(i + 1, end))));
                    i = end;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return regions;
    }

    static String dedent(List<String> region) {
        List<String> lines = new ArrayList<>();
        boolean paused = false;
        for (String line : region) {
            if (line.strip().equals(PAUSED)) {
                paused = true;
            } else if (line.strip().equals(RESUMED)) {
                paused = false;
            } else if (!paused) {
                lines.add(line);
            }
        }
        int indent = lines.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length())
                .min().orElse(0);
        StringBuilder text = new StringBuilder();
        for (String line : lines) {
            text.append(line.isBlank() ? "" : line.substring(indent).stripTrailing()).append('\n');
        }
        return text.toString();
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A marked region of test code.
     *
     * @param where the file and line where it starts
     * @param code its text, dedented
     */
    record Snippet(String where, String code) {
    }
}
