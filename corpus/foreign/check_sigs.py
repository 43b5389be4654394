#!/usr/bin/python3
"""check_sigs.py FILE ROOT.pem [--attime EPOCH] [--crl-from-dss]

Independent check of the signatures of FILE with `openssl cms -verify`, the foreign root being the
only trust anchor: for every signed signature field, print one line
    <field name>\t<SubFilter>\t<covers: whole|partial>\t<OK | openssl's reason>
--attime EPOCH verifies the certificates at that time; --crl-from-dss adds the CRLs of the
document's /DSS and turns on CRL checking of the whole chain (-crl_check_all).
Exit status 0 unless the file cannot be read.
"""
import argparse
import base64
import hashlib
import os
import re
import subprocess
import sys
import tempfile

import pikepdf


def der_length(buf):
    """Length of the DER object at the start of buf (the /Contents is padded with zeros)."""
    l = buf[1]
    if l == 0x80:  # BER indefinite length (NSS writes that): let openssl find the end
        return len(buf)
    if l < 0x80:
        return 2 + l
    n = l & 0x7F
    return 2 + n + int.from_bytes(buf[2:2 + n], "big")


def sig_fields(pdf):
    acro = pdf.Root.get("/AcroForm")
    stack = list(acro.get("/Fields", [])) if acro is not None else []
    out = []
    while stack:
        f = stack.pop(0)
        if not isinstance(f, pikepdf.Dictionary):
            continue
        if f.get("/FT") == "/Sig" and isinstance(f.get("/V"), pikepdf.Dictionary):
            out.append(f)
        stack.extend(f.get("/Kids", []))
    return out


def pem(label, der):
    b = base64.encodebytes(der).decode().replace("\n", "")
    return "-----BEGIN %s-----\n%s\n-----END %s-----\n" % (label, "\n".join(b[i:i + 64] for i in range(0, len(b), 64)), label)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("root")
    ap.add_argument("--attime", type=int)
    ap.add_argument("--crl-from-dss", action="store_true")
    a = ap.parse_args()
    data = open(a.file, "rb").read()
    pdf = pikepdf.open(a.file)
    with tempfile.TemporaryDirectory() as td:
        store = os.path.join(td, "store.pem")
        with open(store, "w") as s:
            s.write(open(a.root).read())
            if a.crl_from_dss:
                dss = pdf.Root.get("/DSS")
                for crl in (dss.get("/CRLs", []) if dss is not None else []):
                    s.write(pem("X509 CRL", crl.read_bytes()))
        for f in sig_fields(pdf):
            v = f.V
            br = [int(x) for x in v.ByteRange]
            signed = data[br[0]:br[0] + br[1]] + data[br[2]:br[2] + br[3]]
            raw = bytes(v.Contents)
            cms = raw[:der_length(raw)]
            sub = str(v.get("/SubFilter", ""))[1:]
            p_cms, p_data, p_out = (os.path.join(td, n) for n in ("sig.der", "data.bin", "out.bin"))
            open(p_cms, "wb").write(cms)
            open(p_data, "wb").write(signed)
            cmd = ["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", p_cms, "-CAfile", store, "-out", p_out]
            if sub != "adbe.pkcs7.sha1":
                cmd += ["-content", p_data]
            if a.attime:
                cmd += ["-attime", str(a.attime)]
            if a.crl_from_dss:
                cmd += ["-crl_check_all"]
            r = subprocess.run(cmd, capture_output=True, text=True)
            if r.returncode == 0:
                result = "OK"
                if sub == "adbe.pkcs7.sha1" and open(p_out, "rb").read() != hashlib.sha1(signed).digest():
                    result = "encapsulated content is not the SHA-1 of the byte range"
            else:
                m = re.search(r"Verify error:\s*(.*)", r.stderr)
                result = m.group(1).strip() if m else r.stderr.strip().splitlines()[-1]
            covers = "whole" if br[2] + br[3] == len(data) else "partial"
            print("%s\t%s\t%s\t%s" % (f.get("/T"), sub, covers, result))


if __name__ == "__main__":
    main()
