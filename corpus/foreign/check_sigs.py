#!/usr/bin/python3
"""check_sigs.py FILE ROOT.pem [--attime EPOCH] [--crl-from-dss]

Independent check of the signatures of FILE with `openssl cms -verify` (adbe.x509.rsa_sha1: `openssl dgst
-verify` of the RSA value, then `openssl verify` of its certificate; a document time-stamp, ETSI.RFC3161:
`openssl ts -verify` of the token against the byte range), the foreign root being the only
trust anchor: for every signed signature field, print one line
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
            covers = "whole" if br[2] + br[3] == len(data) else "partial"
            if sub == "adbe.x509.rsa_sha1":
                # ISO 32000-1 12.8.3.2: /Contents is a DER OCTET STRING holding the PKCS#1 v1.5 RSA signature of
                # the byte range (SHA-1), /Cert the signer's certificate (a string, or an array starting with it)
                certs = v.Cert if isinstance(v.Cert, pikepdf.Array) else [v.Cert]
                p_cert, p_key, p_sig = (os.path.join(td, n) for n in ("cert.pem", "key.pem", "sig.bin"))
                open(p_cert, "w").write(pem("CERTIFICATE", bytes(certs[0])))
                value = cms[2:] if cms[1] < 0x80 else cms[2 + (cms[1] & 0x7F):]
                open(p_sig, "wb").write(value)
                subprocess.run(["openssl", "x509", "-in", p_cert, "-pubkey", "-noout", "-out", p_key], check=True)
                r = subprocess.run(["openssl", "dgst", "-sha1", "-verify", p_key, "-signature", p_sig, p_data],
                                   capture_output=True, text=True)
                result = "OK" if r.returncode == 0 else "RSA signature value does not verify"
                if result == "OK":
                    cmd = ["openssl", "verify", "-CAfile", store] + (["-attime", str(a.attime)] if a.attime else []) + [p_cert]
                    r = subprocess.run(cmd, capture_output=True, text=True)
                    if r.returncode != 0:
                        m = re.search(r"error \d+ at \d+ depth lookup:\s*(.*)", r.stdout + r.stderr)
                        result = m.group(1).strip() if m else (r.stdout + r.stderr).strip().splitlines()[-1]
                print("%s\t%s\t%s\t%s" % (f.get("/T"), sub, covers, result))
                continue
            if sub == "ETSI.RFC3161":
                # a document time-stamp (ISO 32000-2 12.8.5): a time-stamp token over the byte range, checked by
                # `openssl ts -verify` (message imprint, TSA signature, chain to the root, timeStamping EKU)
                cmd = ["openssl", "ts", "-verify", "-data", p_data, "-in", p_cms, "-token_in", "-CAfile", store]
                if a.attime:
                    cmd += ["-attime", str(a.attime)]
                r = subprocess.run(cmd, capture_output=True, text=True)
                if r.returncode == 0:
                    result = "OK"
                else:
                    m = re.search(r"Verify error:\s*(.*)", r.stdout + r.stderr)
                    result = m.group(1).strip() if m else (r.stdout + r.stderr).strip().splitlines()[-1]
                print("%s\t%s\t%s\t%s" % (f.get("/T"), sub, covers, result))
                continue
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
            print("%s\t%s\t%s\t%s" % (f.get("/T"), sub, covers, result))


if __name__ == "__main__":
    main()
