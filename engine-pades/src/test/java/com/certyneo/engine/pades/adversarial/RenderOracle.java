package com.certyneo.engine.pades.adversarial;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The render oracle: renders what the signer signed and what a reader of the attacked file sees, with
 * poppler ({@code pdftoppm}), MuPDF ({@code mutool draw}) and Ghostscript ({@code gs}) at 30 dpi, the
 * first {@link #MAX_PAGES} pages, and says for each renderer whether the two differ: a different page
 * count, a page of another size, a pixel differing by more than {@link #CHANNEL_TOLERANCE} in some
 * channel, or a renderer that fails (non-zero exit, time-out, no page) on the attacked file while it
 * rendered the signed revision. Renderings are cached by the SHA-256 of the file (the signed revisions
 * repeat across variants) and kept as PNG bytes. Every process runs with a time-out and is killed, with
 * its children, when it overruns.
 */
final class RenderOracle {

    /** The renderers, by executable. */
    enum Renderer {
        POPPLER("pdftoppm"), MUPDF("mutool"), GHOSTSCRIPT("gs");

        final String executable;

        Renderer(String executable) {
            this.executable = executable;
        }
    }

    /** One renderer's pages of one file; {@code failure} non-null when it failed. */
    record Rendering(List<byte[]> pngs, String failure) {
        boolean ok() {
            return failure == null && !pngs.isEmpty();
        }
    }

    /** One renderer's judgement of a signed revision against the attacked file. */
    record Judgement(Renderer renderer, boolean differs, String reason) {
        @Override
        public String toString() {
            return renderer.name().toLowerCase(java.util.Locale.ROOT) + (differs ? " DIFFERS (" + reason + ")" : " same");
        }
    }

    static final int MAX_PAGES = 4;
    static final int DPI = 30;
    static final int CHANNEL_TOLERANCE = 24;
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Path work;
    private final List<Renderer> renderers;
    private final ExecutorService pool;
    private final Map<String, CompletableFuture<Rendering>> cache = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong processMillis = new java.util.concurrent.atomic.AtomicLong();

    /**
     * @param work      a directory for the files and pages (created)
     * @param renderers the renderers to use
     * @param pool      runs the renderer processes
     */
    RenderOracle(Path work, List<Renderer> renderers, ExecutorService pool) {
        this.work = work;
        this.renderers = List.copyOf(renderers);
        this.pool = pool;
        try {
            Files.createDirectories(work);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @return the renderers installed here
     * @throws AssertionError under {@code CI=true} when one is missing (never a skip there)
     */
    static List<Renderer> available() {
        List<Renderer> found = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (Renderer r : Renderer.values()) {
            if (onPath(r.executable)) {
                found.add(r);
            } else {
                missing.add(r.executable);
            }
        }
        if (!missing.isEmpty()) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError("RenderOracle: under CI=true every renderer is required; missing: " + missing
                        + " (apt-get install poppler-utils mupdf-tools ghostscript)");
            }
            System.err.println("RenderOracle: renderers not installed, left out: " + missing);
        }
        return found;
    }

    /** @return how many renderer processes ran and their summed wall-clock time, e.g. "231 renderings, 118.2 s" */
    String statistics() {
        return cache.size() + " renderings, " + String.format(java.util.Locale.ROOT, "%.1f s", processMillis.get() / 1000.0);
    }

    /** @return the renderers in use */
    List<Renderer> renderers() {
        return renderers;
    }

    /** @return per renderer, whether {@code attacked} looks different from {@code signed} (asynchronously) */
    CompletableFuture<List<Judgement>> compare(byte[] signed, byte[] attacked) {
        List<CompletableFuture<Judgement>> judgements = new ArrayList<>();
        for (Renderer r : renderers) {
            CompletableFuture<Rendering> a = render(r, signed);
            CompletableFuture<Rendering> b = render(r, attacked);
            judgements.add(a.thenCombine(b, (x, y) -> judge(r, x, y)));
        }
        return CompletableFuture.allOf(judgements.toArray(CompletableFuture[]::new))
                .thenApply(v -> judgements.stream().map(CompletableFuture::join).toList());
    }

    /** @return the (cached) rendering of {@code pdf} by {@code renderer} */
    CompletableFuture<Rendering> render(Renderer renderer, byte[] pdf) {
        String key = renderer + "-" + sha256(pdf);
        return cache.computeIfAbsent(key, k -> CompletableFuture.supplyAsync(() -> renderNow(renderer, pdf, k), pool));
    }

    static Judgement judge(Renderer r, Rendering signed, Rendering attacked) {
        if (!signed.ok()) {
            return attacked.ok() ? new Judgement(r, true, "only the attacked file renders; signed revision: " + signed.failure())
                    : new Judgement(r, false, "renders neither: " + signed.failure());
        }
        if (!attacked.ok()) {
            return new Judgement(r, true, "fails on the attacked file: "
                    + (attacked.failure() != null ? attacked.failure() : "no page"));
        }
        if (signed.pngs().size() != attacked.pngs().size()) {
            return new Judgement(r, true, "pages " + signed.pngs().size() + " -> " + attacked.pngs().size());
        }
        for (int p = 0; p < signed.pngs().size(); p++) {
            String difference = difference(decode(signed.pngs().get(p)), decode(attacked.pngs().get(p)));
            if (difference != null) {
                return new Judgement(r, true, "page " + (p + 1) + ": " + difference);
            }
        }
        return new Judgement(r, false, "");
    }

    /** @return null when the images are the same within the tolerance, else what differs */
    static String difference(BufferedImage a, BufferedImage b) {
        if (a.getWidth() != b.getWidth() || a.getHeight() != b.getHeight()) {
            return "size " + a.getWidth() + "x" + a.getHeight() + " -> " + b.getWidth() + "x" + b.getHeight();
        }
        long differing = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                if (p != q && channelDelta(p, q) > CHANNEL_TOLERANCE) {
                    differing++;
                }
            }
        }
        return differing == 0 ? null : differing + " pixels";
    }

    private static int channelDelta(int p, int q) {
        int max = 0;
        for (int shift = 0; shift <= 16; shift += 8) {
            max = Math.max(max, Math.abs(((p >> shift) & 0xff) - ((q >> shift) & 0xff)));
        }
        return max;
    }

    private static BufferedImage decode(byte[] png) {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
            if (image == null) {
                throw new IllegalStateException("not a PNG");
            }
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Rendering renderNow(Renderer renderer, byte[] pdf, String key) {
        try {
            Path dir = work.resolve(key);
            Files.createDirectories(dir);
            Path file = dir.resolve("in.pdf");
            Files.write(file, pdf);
            String out = dir.resolve("p").toString();
            List<String> command = switch (renderer) {
                case POPPLER -> List.of("pdftoppm", "-r", String.valueOf(DPI), "-f", "1", "-l", String.valueOf(MAX_PAGES), "-png",
                        file.toString(), out);
                case MUPDF -> List.of("mutool", "draw", "-q", "-r", String.valueOf(DPI), "-o", out + "-%d.png", file.toString(),
                        "1-" + MAX_PAGES);
                case GHOSTSCRIPT -> List.of("gs", "-q", "-dSAFER", "-dNOPAUSE", "-dBATCH", "-sDEVICE=png16m", "-r" + DPI,
                        "-dFirstPage=1", "-dLastPage=" + MAX_PAGES, "-o", out + "-%d.png", file.toString());
            };
            long start = System.nanoTime();
            String failure = run(command, dir);
            processMillis.addAndGet((System.nanoTime() - start) / 1_000_000);
            List<byte[]> pages = new ArrayList<>();
            for (Path png : pages(dir)) {
                pages.add(Files.readAllBytes(png));
            }
            return new Rendering(pages, failure);
        } catch (IOException e) {
            return new Rendering(List.of(), "I/O: " + e.getMessage());
        }
    }

    private static final Pattern PAGE = Pattern.compile("p-0*(\\d+)\\.png");

    /** The PNG files of a rendering, in page order. */
    private static List<Path> pages(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> PAGE.matcher(p.getFileName().toString()).matches())
                    .sorted(Comparator.comparingInt(p -> {
                        Matcher m = PAGE.matcher(p.getFileName().toString());
                        return m.matches() ? Integer.parseInt(m.group(1)) : 0;
                    })).toList();
        }
    }

    /** Runs a command with a time-out; @return null on exit 0, else what went wrong */
    private static String run(List<String> command, Path dir) {
        File log = dir.resolve("log.txt").toFile();
        Process process = null;
        try {
            process = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true).redirectOutput(log).start();
            if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(process);
                return "timed out after " + TIMEOUT.toSeconds() + " s";
            }
            int exit = process.exitValue();
            if (exit == 0) {
                return null;
            }
            String text = Files.readString(log.toPath(), java.nio.charset.StandardCharsets.ISO_8859_1).strip();
            return "exit " + exit + (text.isEmpty() ? "" : ": " + firstLine(text));
        } catch (IOException e) {
            return "cannot run " + command.get(0) + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } finally {
            if (process != null && process.isAlive()) {
                kill(process);
            }
        }
    }

    private static String firstLine(String text) {
        String line = text.lines().filter(l -> !l.isBlank()).findFirst().orElse("");
        return line.length() > 120 ? line.substring(0, 120) + "…" : line;
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 24);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return the judgements as one short string, e.g. {@code "poppler,mupdf"} for those that differ */
    static String differing(List<Judgement> judgements) {
        Map<String, String> d = new LinkedHashMap<>();
        judgements.stream().filter(Judgement::differs)
                .forEach(j -> d.put(j.renderer().name().toLowerCase(java.util.Locale.ROOT), j.reason()));
        return d.isEmpty() ? "-" : String.join(",", d.keySet());
    }
}
