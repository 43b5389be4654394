"""Convert several documents to PDF with ONE headless LibreOffice process, each with its own PDF export options.

    lo_convert.py PROFILE_DIR JOB...      (run with /usr/bin/python3: it needs python3-uno)

JOB is INPUT=OUTPUT=FILTER[=KEY:TYPE:VALUE,...], for example
    in/a.fodt=out/libreoffice-writer-pdfa2b.pdf=writer_pdf_Export=SelectPdfVersion:long:2

`soffice --convert-to` applies one set of filter options to all documents of a call, so the corpus would need a
LibreOffice start-up (several seconds) per variant; this starts soffice once (private profile in PROFILE_DIR,
a private pipe) and drives the same PDF export filter through the UNO API: the PDFs are written by LibreOffice's
own exporter exactly as with --convert-to "pdf:FILTER:{json options}".
"""

import os
import signal
import subprocess
import sys
import time

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException


def prop(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def filter_data(spec):
    props = []
    for item in filter(None, spec.split(",")):
        key, kind, value = item.split(":", 2)
        if kind == "boolean":
            props.append(prop(key, value.lower() == "true"))
        elif kind == "long":
            props.append(prop(key, uno.Any("long", int(value))))
        else:
            props.append(prop(key, value))
    return uno.Any("[]com.sun.star.beans.PropertyValue", tuple(props))


def main():
    # timeout(1) or a caller's kill sends SIGTERM: unwind through the finally below, which stops soffice.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    profile = os.path.abspath(sys.argv[1])
    jobs = [arg.split("=", 3) for arg in sys.argv[2:]]
    pipe = f"certyneo_corpus_{os.getpid()}"
    office = subprocess.Popen(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--invisible", "--norestore",
         "--nolockcheck", "--nodefault", f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        context = None
        deadline = time.time() + 120
        while context is None:
            try:
                context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            except NoConnectException:
                if office.poll() is not None or time.time() > deadline:
                    raise SystemExit("lo_convert.py: LibreOffice did not start")
                time.sleep(0.2)
        desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
        for job in jobs:
            source, target, filter_name = job[0], job[1], job[2]
            options = job[3] if len(job) > 3 else ""
            doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(os.path.abspath(source)), "_blank", 0,
                                               (prop("Hidden", True),))
            if doc is None:
                raise SystemExit(f"lo_convert.py: LibreOffice could not load {source}")
            try:
                doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(target)),
                               (prop("FilterName", filter_name), prop("FilterData", filter_data(options))))
            finally:
                doc.close(True)
            print(f"lo_convert.py: {source} -> {target} ({filter_name} {options})")
        try:
            desktop.terminate()
        except Exception:  # the bridge goes away while terminating
            pass
        office.wait(timeout=60)
    finally:
        if office.poll() is None:  # soffice (oosplash) and its soffice.bin child: the group this script started
            os.killpg(office.pid, signal.SIGTERM)
            try:
                office.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(office.pid, signal.SIGKILL)


if __name__ == "__main__":
    main()
