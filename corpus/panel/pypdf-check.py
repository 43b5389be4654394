#!/usr/bin/python3
"""Reads each PDF given on the command line with pypdf (strict mode) and pikepdf (qpdf's library
through Python) and prints one JSON line per file:

  {"file", "pypdf": {"ok", "pages", "sigFields", "sandboxPages", "emptyTextPages", "messages", "error"},
           "pikepdf": {"ok", "pages", "problems", "warnings", "error"}, "millis"}

pypdf: PdfReader(f, strict=True), the page count, the text of every page (sandboxPages: 1-based
pages whose text contains "SANDBOX"), the number of /FT /Sig fields, and every warning pypdf logged
or raised. pikepdf: pikepdf.open(f), Pdf.check() problems and the warnings qpdf collected.

Encrypted files: $PANEL_PASSWORDS is a JSON object from file path to the user password both open with.

One process serves a whole batch (ReaderPanel runs it once per check). Runs with Debian's
/usr/bin/python3 (python3-pypdf, python3-pikepdf).
"""
import json
import logging
import os
import signal
import sys
import time
import warnings


class Capture(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.messages = []

    def emit(self, record):
        try:
            self.messages.append(f"{record.levelname}: {record.getMessage()}")
        except Exception as e:  # a malformed log record must not kill the batch
            self.messages.append(f"{record.levelname}: <unprintable: {e}>")


class Timeout(Exception):
    pass


def on_alarm(signum, frame):
    raise Timeout("timed out")


def sig_field_count(reader):
    count = 0
    fields = reader.get_fields() or {}
    for field in fields.values():
        if field.get("/FT") == "/Sig":
            count += 1
    return count


PASSWORDS = json.loads(os.environ.get("PANEL_PASSWORDS") or "{}")


def check_pypdf(path, capture):
    from pypdf import PdfReader

    result = {"ok": False}
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            reader = PdfReader(path, strict=True, password=PASSWORDS.get(path))
            pages = len(reader.pages)
            sandbox, empty = [], []
            for n, page in enumerate(reader.pages, start=1):
                text = page.extract_text() or ""
                squeezed = "".join(text.split()).upper()
                if "SANDBOX" in squeezed:
                    sandbox.append(n)
                if not squeezed:
                    empty.append(n)
            result.update(ok=True, pages=pages, sigFields=sig_field_count(reader),
                          sandboxPages=sandbox, emptyTextPages=empty)
        capture.messages.extend(f"{w.category.__name__}: {w.message}" for w in caught)
    except Timeout:
        result["error"] = "Timeout: pypdf did not finish"
    except Exception as e:  # pypdf raises many kinds; all of them are findings
        result["error"] = f"{type(e).__name__}: {e}"
    result["messages"] = list(capture.messages)
    return result


def check_pikepdf(path):
    import pikepdf

    result = {"ok": False}
    try:
        with pikepdf.open(path, password=PASSWORDS.get(path, "")) as pdf:
            problems = [str(p) for p in pdf.check()]
            result.update(ok=True, pages=len(pdf.pages), problems=problems,
                          warnings=[str(w) for w in pdf.get_warnings()])
    except Timeout:
        result["error"] = "Timeout: pikepdf did not finish"
    except Exception as e:
        result["error"] = f"{type(e).__name__}: {e}"
    return result


def main(paths):
    per_file = int(os.environ.get("PYPDF_TIMEOUT_S", "60"))
    signal.signal(signal.SIGALRM, on_alarm)
    logger = logging.getLogger("pypdf")
    logger.propagate = False
    for path in paths:
        started = time.monotonic()
        capture = Capture()
        logger.handlers = [capture]
        try:
            signal.alarm(per_file)
            pypdf_result = check_pypdf(path, capture)
            signal.alarm(per_file)
            pike_result = check_pikepdf(path)
        except Timeout:
            pypdf_result = {"ok": False, "error": "Timeout", "messages": []}
            pike_result = {"ok": False, "error": "Timeout"}
        finally:
            signal.alarm(0)
        line = {"file": path, "pypdf": pypdf_result, "pikepdf": pike_result,
                "millis": int((time.monotonic() - started) * 1000)}
        sys.stdout.write(json.dumps(line) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
