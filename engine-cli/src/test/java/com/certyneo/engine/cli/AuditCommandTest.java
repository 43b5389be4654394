package com.certyneo.engine.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuditCommandTest {

    @TempDir
    static Path dir;
    static Path home;
    static Path demo;

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    @BeforeAll
    static void demo() {
        home = dir.resolve("home");
        demo = dir.resolve("demo");
        Run r = run("demo", "--out", demo.toString(), "--home", home.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("RESULT: audit trail verified"), r.out());
    }

    @Test
    void demoWritesAVerifiableAuditTrail() throws Exception {
        assertTrue(Files.size(demo.resolve("audit-trail.pdf")) > 10_000);
        String json = Files.readString(demo.resolve("evidence.json"));
        assertTrue(json.contains("+33******78"), "masked phone");
        assertFalse(json.contains("612345678"), "no full phone number");
        Run r = run("audit", "verify", demo.resolve("audit-trail.pdf").toString(), "--document",
                demo.resolve("contract-signed.pdf").toString(), "--home", home.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertFalse(r.out().contains("[failed"), r.out());
    }

    @Test
    void renderThenVerify() {
        Path trail = dir.resolve("rendered.pdf");
        Run render = run("audit", "render", demo.resolve("evidence.json").toString(), "-o", trail.toString(), "--home", home.toString());
        assertEquals(0, render.code(), render.out() + render.err());
        assertTrue(render.out().contains("B-LTA"), render.out());
        Run verify = run("audit", "verify", trail.toString(), "--home", home.toString());
        assertEquals(0, verify.code(), verify.out() + verify.err());
        Run wrongDocument = run("audit", "verify", trail.toString(), "--document", demo.resolve("contract.pdf").toString(),
                "--home", home.toString());
        assertEquals(1, wrongDocument.code(), wrongDocument.out());
    }

    @Test
    void tamperedTrailExitsOne() throws Exception {
        byte[] pdf = Files.readAllBytes(demo.resolve("audit-trail.pdf"));
        int at = new String(pdf, StandardCharsets.ISO_8859_1).indexOf("stream") + 40;
        pdf[at] ^= 0x01;
        Path tampered = dir.resolve("tampered.pdf");
        Files.write(tampered, pdf);
        Run r = run("audit", "verify", tampered.toString(), "--home", home.toString());
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("NOT verified"), r.out());
    }

    @Test
    void badInputExitsThree() throws Exception {
        assertEquals(3, run("audit", "verify", dir.resolve("missing.pdf").toString(), "--home", home.toString()).code());
        assertEquals(3, run("audit", "verify", demo.resolve("evidence.json").toString(), "--home", home.toString()).code());
        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, Files.readString(demo.resolve("evidence.json")).replaceFirst("\"viewed\"", "\"opened\""));
        Run r = run("audit", "render", broken.toString(), "-o", dir.resolve("x.pdf").toString(), "--home", home.toString());
        assertEquals(3, r.code(), r.err());
        assertTrue(r.err().contains("event #"), r.err());
        assertFalse(Files.exists(dir.resolve("x.pdf")));
    }
}
