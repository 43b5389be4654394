#!/usr/bin/env bash
# corpus/foreign.sh OUTDIR
#
# PDFs already signed by a FOREIGN signer - an implementation other than the project's
# (Java/PDFBox/DSS): corpus/foreign/sign_pdf.py (Python, incremental update written by hand,
# CMS by `openssl cms`), poppler's `pdfsig -add-signature` (NSS), MuPDF's `mutool sign`, LibreOffice's signed PDF
# export (NSS), @signpdf/signpdf (Node), iText 9,
# OpenPDF 2, Apache PDFBox 3 and DSS 6.2 (Java, corpus/producers/ITextSign.java, OpenPdfSign.java, PdfBoxSign.java
# and DssSign.java, run only when $CERTYNEO_JAVA_CP names a class path with them). A throw-away PKI (root CA,
# intermediate, end-entity signers) is generated with openssl in a temp dir on every run; its
# CRL DP / AIA OCSP / caIssuers URLs point at http://127.0.0.1:9/ where nothing listens.
#
# Called at the end of the script that filled OUTDIR with unsigned PDFs and OUTDIR/manifest.tsv
# (header "file<TAB>producer<TAB>description"); one line is appended per file made here (lines of
# an earlier run for the same file names are replaced). The base document is the first suitable
# PDF of OUTDIR (see foreign/pick_base.py), else one made with reportlab.
#
# Files: foreign-untrusted.pdf, foreign-cades.pdf, foreign-expired.pdf, foreign-revoked.pdf, foreign-signpdf.pdf,
#        foreign-pkcs7-sha1.pdf, foreign-two-signatures.pdf, foreign-poppler.pdf, foreign-signpdf-pdflib.pdf,
#        foreign-itext.pdf, foreign-itext-certified.pdf, foreign-itext-rewrite.pdf, foreign-openpdf-x509.pdf,
#        foreign-openpdf-pkcs7.pdf, foreign-pdfbox-encrypted.pdf, foreign-dss-lta.pdf, foreign-mupdf.pdf,
#        foreign-libreoffice.pdf, foreign-podofo.pdf
# Every file is checked with pdfsig, qpdf --check, pypdf (strict, silent), mutool info and, with
# the foreign root as the only trust anchor, `openssl cms -verify` (foreign/check_sigs.py: the
# expired one also at its claimed signing time, the revoked one with the CRLs of its /DSS); a
# failed check makes the script exit non-zero and leaves no foreign-*.pdf in OUTDIR. Under CI=true a missing tool is an error too; otherwise it is
# reported as "SKIP ..." on stderr and the rest goes on.
#
# FOREIGN_KEEP_PKI=DIR copies the generated PKI (keys, certificates, CRLs) to DIR.
set -euo pipefail

if [ $# -ne 1 ] || [ ! -d "$1" ]; then
  echo "usage: $0 OUTDIR   (an existing directory)" >&2
  exit 2
fi
OUTDIR=$(cd "$1" && pwd)
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PY=/usr/bin/python3              # Debian's python3 (python3-pikepdf, -pypdf, -reportlab from apt)
SIGNER="$HERE/foreign/sign_pdf.py"
PICK="$HERE/foreign/pick_base.py"
MANIFEST="$OUTDIR/manifest.tsv"

is_ci() { [ "${CI:-}" = "true" ]; }
have() { command -v "$1" >/dev/null 2>&1; }
# need TOOL WHAT: 0 if TOOL is there; else error out under CI, or say SKIP and return 1
need() {
  if have "$1"; then return 0; fi
  if is_ci; then echo "foreign.sh: ERROR: '$1' is missing (needed for $2)" >&2; exit 1; fi
  echo "SKIP $2: '$1' not found" >&2
  return 1
}
need_py() { # need_py MODULE WHAT
  if [ -x "$PY" ] && "$PY" -c "import $1" 2>/dev/null; then return 0; fi
  if is_ci; then echo "foreign.sh: ERROR: $PY cannot import $1 (needed for $2)" >&2; exit 1; fi
  echo "SKIP $2: $PY cannot import $1" >&2
  return 1
}

need openssl "the foreign PKI and all foreign-*.pdf" || exit 0
need_py pikepdf "all foreign-*.pdf (sign_pdf.py reads its input with pikepdf)" || exit 0

WORK=$(mktemp -d "${TMPDIR:-/tmp}/foreign-pki.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# --------------------------------------------------------------------------------------------
# manifest
# --------------------------------------------------------------------------------------------
MADE=()
if [ ! -f "$MANIFEST" ]; then printf 'file\tproducer\tdescription\n' >"$MANIFEST"; fi
# drop the lines of an earlier run of this script
awk -F'\t' 'NR == 1 || $1 !~ /^foreign-.*\.pdf$/' "$MANIFEST" >"$WORK/manifest"
cat "$WORK/manifest" >"$MANIFEST"
FOREIGN_FILES=(foreign-untrusted.pdf foreign-cades.pdf foreign-expired.pdf foreign-revoked.pdf
               foreign-pkcs7-sha1.pdf foreign-two-signatures.pdf foreign-poppler.pdf foreign-signpdf.pdf
               foreign-signpdf-pdflib.pdf foreign-itext.pdf foreign-itext-certified.pdf foreign-itext-rewrite.pdf
               foreign-openpdf-x509.pdf foreign-openpdf-pkcs7.pdf foreign-mupdf.pdf foreign-libreoffice.pdf
               foreign-podofo.pdf)
for f in "${FOREIGN_FILES[@]}"; do rm -f "${OUTDIR:?}/$f"; done   # files of an earlier run
manifest() { # manifest FILE PRODUCER DESCRIPTION
  printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$MANIFEST"
  MADE+=("$1")
}
# signed_by FILE PRODUCER DESCRIPTION COMMAND...: runs COMMAND, which writes $T/FILE (its output goes to a log), and
# records FILE in the manifest; when it fails or writes nothing, prints the log and stops the script
signed_by() {
  local file=$1 producer=$2 description=$3 log="$WORK/${1%.pdf}.log"
  shift 3
  if "$@" >"$log" 2>&1 && [ -s "$T/$file" ]; then
    manifest "$file" "$producer" "$description"
  else
    cat "$log" >&2
    echo "foreign.sh: ERROR: $1 failed to make $file" >&2
    exit 1
  fi
}

# --------------------------------------------------------------------------------------------
# foreign PKI (openssl): root CA -> intermediate CA -> end-entity signers
# --------------------------------------------------------------------------------------------
PKI="$WORK/pki"
mkdir -p "$PKI"
URL=http://127.0.0.1:9
cat >"$PKI/openssl.cnf" <<EOF
[ ca ]
default_ca = CA_default

[ CA_default ]
dir             = \$ENV::CADIR
database        = \$dir/index.txt
new_certs_dir   = \$dir/newcerts
serial          = \$dir/serial
crlnumber       = \$dir/crlnumber
rand_serial     = yes
default_md      = sha256
default_days    = 730
default_crl_days= 30
policy          = policy_any
unique_subject  = no
copy_extensions = none
email_in_dn     = no
crl_extensions  = crl_ext

[ policy_any ]
countryName            = optional
organizationName       = optional
organizationalUnitName = optional
commonName             = supplied

[ req ]
distinguished_name = req_dn
prompt             = no
[ req_dn ]
CN = placeholder

[ crl_ext ]
authorityKeyIdentifier = keyid:always

[ v3_root ]
basicConstraints       = critical, CA:true
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ v3_intermediate ]
basicConstraints       = critical, CA:true, pathlen:0
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
crlDistributionPoints  = URI:$URL/crl/foreign-root.crl
authorityInfoAccess    = OCSP;URI:$URL/ocsp/foreign-root, caIssuers;URI:$URL/ca/foreign-root.cer

[ v3_tsa ]
basicConstraints       = critical, CA:false
keyUsage               = critical, digitalSignature
extendedKeyUsage       = critical, timeStamping
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
crlDistributionPoints  = URI:$URL/crl/foreign-intermediate.crl

[ v3_signer ]
basicConstraints       = critical, CA:false
keyUsage               = critical, digitalSignature, nonRepudiation
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
crlDistributionPoints  = URI:$URL/crl/foreign-intermediate.crl
authorityInfoAccess    = OCSP;URI:$URL/ocsp/foreign-intermediate, caIssuers;URI:$URL/ca/foreign-intermediate.cer
EOF
SUBJ_O="/C=ZZ/O=Foreign Test PKI (throw-away)"
export CADIR="$PKI/root"   # openssl.cnf reads $ENV::CADIR; each `openssl ca` sets its own

ssl() { openssl "$@" 2>"$WORK/openssl.err" || { cat "$WORK/openssl.err" >&2; return 1; }; }
newkey() { # newkey FILE rsa|ec
  case "$2" in
    rsa) ssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" ;;
    ec)  ssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" ;;
  esac
}
cadir() { # cadir NAME
  mkdir -p "$PKI/$1/newcerts"
  : >"$PKI/$1/index.txt"
  echo 1000 >"$PKI/$1/crlnumber"
}
utc() { date -u -d "$1" +%Y%m%d%H%M%SZ; }

# root CA, self-signed with explicit dates (long before the "expired" signer's 2020 validity)
cadir root
newkey "$PKI/root.key" rsa
ssl req -new -config "$PKI/openssl.cnf" -key "$PKI/root.key" -subj "$SUBJ_O/CN=Foreign Test Root CA" -out "$PKI/root.csr"
CADIR="$PKI/root" ssl ca -batch -config "$PKI/openssl.cnf" -selfsign -keyfile "$PKI/root.key" \
  -in "$PKI/root.csr" -out "$PKI/root.pem" -notext -extensions v3_root \
  -startdate 20190101000000Z -enddate 20450101000000Z

# intermediate CA
cadir intermediate
newkey "$PKI/intermediate.key" ec
ssl req -new -config "$PKI/openssl.cnf" -key "$PKI/intermediate.key" -subj "$SUBJ_O/CN=Foreign Test Issuing CA" -out "$PKI/intermediate.csr"
CADIR="$PKI/root" ssl ca -batch -config "$PKI/openssl.cnf" -cert "$PKI/root.pem" -keyfile "$PKI/root.key" \
  -in "$PKI/intermediate.csr" -out "$PKI/intermediate.pem" -notext -extensions v3_intermediate \
  -startdate 20190601000000Z -enddate 20400101000000Z
cat "$PKI/intermediate.pem" "$PKI/root.pem" >"$PKI/chain.pem"

# signer NAME rsa|ec CN [STARTDATE ENDDATE]
signer() {
  local name=$1 kt=$2 cn=$3 start=${4:-$(utc '-1 day')} end=${5:-$(utc '+2 years')}
  newkey "$PKI/$name.key" "$kt"
  ssl req -new -config "$PKI/openssl.cnf" -key "$PKI/$name.key" -subj "$SUBJ_O/CN=$cn" -out "$PKI/$name.csr"
  CADIR="$PKI/intermediate" ssl ca -batch -config "$PKI/openssl.cnf" -cert "$PKI/intermediate.pem" \
    -keyfile "$PKI/intermediate.key" -in "$PKI/$name.csr" -out "$PKI/$name.pem" -notext \
    -extensions v3_signer -startdate "$start" -enddate "$end"
}
signer untrusted ec  "Foreign Signer Untrusted (EC P-256)"
signer cades     rsa "Foreign Signer CAdES (RSA 2048)"
signer expired   rsa "Foreign Signer Expired (RSA 2048)" 20200101000000Z 20210101000000Z
signer revoked   ec  "Foreign Signer Revoked (EC P-256)"
signer sha1      rsa "Foreign Signer SHA-1 (RSA 2048)"
signer first     rsa "Foreign Signer One (RSA 2048)"
signer second    ec  "Foreign Signer Two (EC P-256)"
signer itext     ec  "Foreign Signer iText (EC P-256)"
signer poppler   rsa "Foreign Signer Poppler (RSA 2048)"
signer libreoffice rsa "Foreign Signer LibreOffice (RSA 2048)"
# root_signer NAME CN: an RSA signer issued by the (RSA) root itself, for the signers that read RSA only: node-forge
# (@signpdf) parses neither EC keys nor EC-signed certificates, OpenPDF signs with RSA; and for MuPDF, whose CMS
# carries no issuer certificate, so that the root alone verifies it
root_signer() {
  newkey "$PKI/$1.key" rsa
  ssl req -new -config "$PKI/openssl.cnf" -key "$PKI/$1.key" -subj "$SUBJ_O/CN=$2" -out "$PKI/$1.csr"
  CADIR="$PKI/root" ssl ca -batch -config "$PKI/openssl.cnf" -cert "$PKI/root.pem" -keyfile "$PKI/root.key" \
    -in "$PKI/$1.csr" -out "$PKI/$1.pem" -notext -extensions v3_signer \
    -startdate "$(utc '-1 day')" -enddate "$(utc '+2 years')"
  cat "$PKI/$1.pem" "$PKI/root.pem" >"$PKI/$1-chain.pem"
}
# a time-stamping unit of the foreign PKI (DSS's KeyEntityTSPSource signs foreign-dss-lta.pdf's tokens with it)
newkey "$PKI/tsa.key" ec
ssl req -new -config "$PKI/openssl.cnf" -key "$PKI/tsa.key" -subj "$SUBJ_O/CN=Foreign Test TSA (EC P-256)" -out "$PKI/tsa.csr"
CADIR="$PKI/intermediate" ssl ca -batch -config "$PKI/openssl.cnf" -cert "$PKI/intermediate.pem" \
  -keyfile "$PKI/intermediate.key" -in "$PKI/tsa.csr" -out "$PKI/tsa.pem" -notext -extensions v3_tsa \
  -startdate "$(utc '-1 day')" -enddate "$(utc '+2 years')"
cat "$PKI/tsa.pem" "$PKI/chain.pem" >"$PKI/tsa-chain.pem"
root_signer signpdf "Foreign Signer signpdf (RSA 2048)"
root_signer openpdf "Foreign Signer OpenPDF (RSA 2048)"
root_signer mupdf "Foreign Signer MuPDF (RSA 2048)"   # mutool sign embeds the signer's certificate only
root_signer podofo "Foreign Signer PoDoFo (RSA 2048)" # so does podofosign

# revoke the "revoked" signer (keyCompromise), dated one hour ago so that it precedes the signature
CADIR="$PKI/intermediate" ssl ca -config "$PKI/openssl.cnf" -cert "$PKI/intermediate.pem" \
  -keyfile "$PKI/intermediate.key" -revoke "$PKI/revoked.pem" -crl_reason keyCompromise
REVOKED_AT=$(date -u -d '-1 hour' +%y%m%d%H%M%SZ)
sed -i -E "s/^R\t([0-9]+Z)\t[0-9]+Z,keyCompromise/R\t\1\t${REVOKED_AT},keyCompromise/" "$PKI/intermediate/index.txt"
grep -q "${REVOKED_AT},keyCompromise" "$PKI/intermediate/index.txt"
CADIR="$PKI/intermediate" ssl ca -config "$PKI/openssl.cnf" -cert "$PKI/intermediate.pem" \
  -keyfile "$PKI/intermediate.key" -gencrl -out "$PKI/intermediate.crl"
CADIR="$PKI/root" ssl ca -config "$PKI/openssl.cnf" -cert "$PKI/root.pem" -keyfile "$PKI/root.key" \
  -gencrl -out "$PKI/root.crl"
openssl crl -in "$PKI/intermediate.crl" -noout -text | grep -q "Key Compromise"

if [ -n "${FOREIGN_KEEP_PKI:-}" ]; then
  mkdir -p "$FOREIGN_KEEP_PKI"
  cp "$PKI"/*.pem "$PKI"/*.key "$PKI"/*.crl "$FOREIGN_KEEP_PKI"/
fi

# --------------------------------------------------------------------------------------------
# base documents: one whose newest xref section is a classic table, one with an xref stream
# --------------------------------------------------------------------------------------------
BASE=""
BASE_NAME=""
while IFS= read -r cand; do
  [ -n "$cand" ] || continue
  # the base itself must pass the checks the results are held to (clean qpdf, silent pypdf and mutool)
  if have qpdf; then
    out=$(qpdf --check "$cand" 2>&1) || continue
    if grep -qi 'warning' <<<"$out"; then continue; fi
  fi
  if "$PY" -c "import pypdf" 2>/dev/null; then
    out=$("$PY" -c "import pypdf,sys; r=pypdf.PdfReader(sys.argv[1], strict=True); [p.extract_text() for p in r.pages]" "$cand" 2>&1) || continue
    [ -z "$out" ] || continue
  fi
  if have mutool; then
    out=$(mutool info "$cand" 2>&1) || continue
    if grep -qiE 'error|warning' <<<"$out"; then continue; fi
  fi
  BASE=$cand
  BASE_NAME=$(basename "$cand")
  break
done < <("$PY" "$PICK" --candidates "$OUTDIR")
if [ -z "$BASE" ]; then
  need_py reportlab "a base PDF (OUTDIR has no suitable unsigned PDF)" || exit 0
  BASE="$WORK/base-reportlab.pdf"
  BASE_NAME="a 2-page reportlab document made by foreign.sh"
  "$PY" "$PICK" --make-own "$BASE"
fi
BASE_FORM=$("$PY" "$PICK" --form "$BASE")
BASE_TABLE="$WORK/base-table.pdf"
BASE_STREAM="$WORK/base-stream.pdf"
if [ "$BASE_FORM" = table ]; then cp "$BASE" "$BASE_TABLE"; else "$PY" "$PICK" --variant table "$BASE" "$BASE_TABLE"; fi
if [ "$BASE_FORM" = stream ]; then cp "$BASE" "$BASE_STREAM"; else "$PY" "$PICK" --variant stream "$BASE" "$BASE_STREAM"; fi
[ "$("$PY" "$PICK" --form "$BASE_TABLE")" = table ] && [ "$("$PY" "$PICK" --form "$BASE_STREAM")" = stream ] || {
  echo "foreign.sh: could not make table/stream variants of $BASE_NAME" >&2; exit 1; }
echo "foreign.sh: base document: $BASE_NAME (newest xref section: $BASE_FORM)" >&2
if [ "$BASE_FORM" = table ]; then
  ON_TABLE="$BASE_NAME"
  ON_STREAM="$BASE_NAME rewritten by pikepdf with object streams"
else
  ON_TABLE="$BASE_NAME rewritten by pikepdf without object streams"
  ON_STREAM="$BASE_NAME"
fi

# --------------------------------------------------------------------------------------------
# signing
# --------------------------------------------------------------------------------------------
PRODUCER="sign_pdf.py+openssl-cms (foreign; $(openssl version | cut -d' ' -f1-2))"
sign() { # sign IN OUT SIGNER [sign_pdf.py options...]
  local in=$1 out=$2 who=$3
  shift 3
  "$PY" "$SIGNER" sign "$in" "$out" --key "$PKI/$who.key" --cert "$PKI/$who.pem" --chain "$PKI/chain.pem" \
    --location "127.0.0.1" "$@"
}
T="$WORK/out"
mkdir -p "$T"

sign "$BASE_TABLE" "$T/foreign-untrusted.pdf" untrusted --subfilter adbe.pkcs7.detached \
  --reason "Foreign signature, valid but untrusted chain"
manifest foreign-untrusted.pdf "$PRODUCER" "$ON_TABLE + 1 incremental update (xref table): invisible signature, SubFilter adbe.pkcs7.detached, CMS by openssl (SHA-256, signed attrs content-type/message-digest/signing-time), signer EC P-256 valid now, chain to a throw-away foreign root (untrusted); CRL DP/OCSP at http://127.0.0.1:9/"

sign "$BASE_STREAM" "$T/foreign-cades.pdf" cades --subfilter ETSI.CAdES.detached --cades \
  --reason "Foreign CAdES signature"
manifest foreign-cades.pdf "$PRODUCER" "$ON_STREAM + 1 incremental update (xref stream): SubFilter ETSI.CAdES.detached, CMS by openssl -cades (signing-certificate-v2 present; signing-time attribute also present, which PAdES baseline forbids), signer RSA 2048, untrusted foreign chain"

sign "$BASE_TABLE" "$T/foreign-expired.pdf" expired --subfilter adbe.pkcs7.detached \
  --signing-time 2020-06-15T12:00:00Z --reason "Foreign signature by a certificate expired since 2021"
manifest foreign-expired.pdf "$PRODUCER" "$ON_TABLE + 1 incremental update (xref table): adbe.pkcs7.detached, signer certificate valid 2020-01-01..2021-01-01 (expired), /M and CMS signing-time 2020-06-15T12:00:00Z (inside the validity; signing-time re-signed after openssl), no timestamp, untrusted foreign chain"

sign "$BASE_STREAM" "$WORK/revoked-signed.pdf" revoked --subfilter adbe.pkcs7.detached \
  --reason "Foreign signature by a revoked certificate"
"$PY" "$SIGNER" add-dss "$WORK/revoked-signed.pdf" "$T/foreign-revoked.pdf" \
  --cert "$PKI/revoked.pem" --cert "$PKI/intermediate.pem" --cert "$PKI/root.pem" \
  --crl "$PKI/intermediate.crl" --crl "$PKI/root.crl"
manifest foreign-revoked.pdf "$PRODUCER" "$ON_STREAM + 2 incremental updates (xref streams): adbe.pkcs7.detached signature by an EC P-256 certificate revoked (keyCompromise) 1 h before signing, then a /DSS (Certs: signer, intermediate, root; CRLs: intermediate CRL listing the signer, root CRL) as PAdES LTV adds it; untrusted foreign chain"

sign "$BASE_TABLE" "$T/foreign-pkcs7-sha1.pdf" sha1 --subfilter adbe.pkcs7.sha1 \
  --reason "Foreign adbe.pkcs7.sha1 signature"
manifest foreign-pkcs7-sha1.pdf "$PRODUCER" "$ON_TABLE + 1 incremental update (xref table): SubFilter adbe.pkcs7.sha1 (CMS encapsulates the 20-byte SHA-1 of the byte range, digest SHA-1, RSA 2048), untrusted foreign chain"

sign "$BASE_STREAM" "$WORK/two-1.pdf" first --subfilter adbe.pkcs7.detached --field-name ForeignSignature1 \
  --reason "First foreign signature"
sign "$WORK/two-1.pdf" "$T/foreign-two-signatures.pdf" second --subfilter adbe.pkcs7.detached \
  --field-name ForeignSignature2 --reason "Second foreign signature"
manifest foreign-two-signatures.pdf "$PRODUCER" "$ON_STREAM + 2 incremental updates (xref streams), each an adbe.pkcs7.detached signature (RSA 2048, then EC P-256) by two signers of the same untrusted foreign chain; the first covers revision 2, the second the whole file"

# @signpdf/signpdf (npm; node-forge CMS), the Node signer behind many e-signature backends: its placeholder-plain
# appends an update of its own, its placeholder-pdf-lib has pdf-lib write the whole file again
if need node "foreign-signpdf*.pdf"; then
  if [ -d "$HERE/node_modules/@signpdf/signpdf" ]; then
    SIGNPDF_VER=$(node -p "require('$HERE/node_modules/@signpdf/signpdf/package.json').version")
    # node-forge reads PKCS#12 files with the legacy (3DES/RC2) encryption only
    ssl pkcs12 -export -legacy -inkey "$PKI/signpdf.key" -in "$PKI/signpdf.pem" -certfile "$PKI/root.pem" \
      -name foreign-signpdf -passout pass:foreign -out "$PKI/signpdf.p12"
    node "$HERE/producers/signpdf.mjs" plain "$BASE_TABLE" "$T/foreign-signpdf.pdf" "$PKI/signpdf.p12" foreign \
      "Foreign signature by @signpdf (placeholder-plain)"
    manifest foreign-signpdf.pdf "@signpdf/signpdf ${SIGNPDF_VER} + placeholder-plain (node-forge)" "$ON_TABLE + 1 incremental update written by @signpdf/placeholder-plain (xref table; its startxref names the line break before 'xref', which qpdf reports and pypdf's strict mode refuses): a new /AcroForm, an invisible widget on page 1, adbe.pkcs7.detached, CMS by node-forge (SHA-256, signed attrs content-type/message-digest/signing-time; signer and root certificates), RSA 2048 signer issued by the untrusted foreign root"
    node "$HERE/producers/signpdf.mjs" pdflib "$BASE" "$T/foreign-signpdf-pdflib.pdf" "$PKI/signpdf.p12" foreign \
      "Foreign signature by @signpdf (placeholder-pdf-lib)"
    manifest foreign-signpdf-pdflib.pdf "@signpdf/signpdf ${SIGNPDF_VER} + placeholder-pdf-lib (pdf-lib, node-forge)" "$BASE_NAME written again as one revision by pdf-lib (xref table) with the signature field and an invisible widget on page 1, signed by @signpdf: adbe.pkcs7.detached, CMS by node-forge, RSA 2048 signer issued by the untrusted foreign root"
  else
    if is_ci; then echo "foreign.sh: ERROR: corpus/node_modules has no @signpdf (run: npm ci --prefix corpus)" >&2; exit 1; fi
    echo "SKIP foreign-signpdf*.pdf: corpus/node_modules has no @signpdf (npm ci --prefix corpus)" >&2
  fi
fi

# iText 9's PdfSigner (Java), run as a source file (corpus/producers/ITextSign.java) on the JVM and class path the
# corpus tests hand over: engine-pades' test class path holds iText (AGPL, tests only) and BouncyCastle
if [ -n "${CERTYNEO_JAVA_CP:-}" ]; then
  JAVA=${CERTYNEO_JAVA:-java}
  ITEXT_VER=$(tr ':' '\n' <<<"$CERTYNEO_JAVA_CP" | sed -n 's|.*/com/itextpdf/sign/\([^/]*\)/.*|\1|p' | head -1)
  cat "$PKI/itext.pem" "$PKI/chain.pem" >"$PKI/itext-chain.pem"
  itext() { # itext MODE IN OUT REASON
    "$JAVA" -cp "$CERTYNEO_JAVA_CP" "$HERE/producers/ITextSign.java" "$1" "$2" "$3" "$PKI/itext.key" \
      "$PKI/itext-chain.pem" "$4" >"$WORK/itext.log" 2>&1 || { cat "$WORK/itext.log" >&2; echo "foreign.sh: ITextSign $1 failed" >&2; exit 1; }
  }
  itext approval "$BASE_STREAM" "$T/foreign-itext.pdf" "Foreign approval signature by iText"
  manifest foreign-itext.pdf "iText ${ITEXT_VER} PdfSigner" "$ON_STREAM + 1 incremental update written by iText (append mode): invisible approval signature, ETSI.CAdES.detached, CMS by iText with BouncyCastle (SHA-256, ECDSA, signing-certificate-v2), EC P-256 signer of the untrusted foreign chain"
  itext certify "$BASE_TABLE" "$T/foreign-itext-certified.pdf" "Foreign certification by iText"
  manifest foreign-itext-certified.pdf "iText ${ITEXT_VER} PdfSigner" "$ON_TABLE + 1 incremental update written by iText (append mode): certification signature, DocMDP P=2 (form filling and signing allowed), ETSI.CAdES.detached, a visible box on page 1 with iText's appearance, EC P-256 signer of the untrusted foreign chain"
  itext rewrite "$BASE" "$T/foreign-itext-rewrite.pdf" "Foreign signature by iText, file written again"
  manifest foreign-itext-rewrite.pdf "iText ${ITEXT_VER} PdfSigner" "$BASE_NAME written again by iText as one revision (not in append mode) with an invisible approval signature, adbe.pkcs7.detached, EC P-256 signer of the untrusted foreign chain"
  # OpenPDF 2 (the fork of iText 2.1.7 older Java applications sign with), PdfStamper.createSignature, append mode
  OPENPDF_VER=$(tr ':' '\n' <<<"$CERTYNEO_JAVA_CP" | sed -n 's|.*/com/github/librepdf/openpdf/\([^/]*\)/.*|\1|p' | head -1)
  openpdf() { # openpdf MODE IN OUT REASON
    "$JAVA" -cp "$CERTYNEO_JAVA_CP" "$HERE/producers/OpenPdfSign.java" "$1" "$2" "$3" "$PKI/openpdf.key" \
      "$PKI/openpdf-chain.pem" "$4" >"$WORK/openpdf.log" 2>&1 || { cat "$WORK/openpdf.log" >&2; echo "foreign.sh: OpenPdfSign $1 failed" >&2; exit 1; }
  }
  openpdf x509 "$BASE_STREAM" "$T/foreign-openpdf-x509.pdf" "Foreign adbe.x509.rsa_sha1 signature by OpenPDF"
  manifest foreign-openpdf-x509.pdf "OpenPDF ${OPENPDF_VER} PdfStamper" "$ON_STREAM + 1 incremental update written by OpenPDF (append mode; its cross-reference stream lists its own object number as free, generation 65535): invisible signature, SubFilter adbe.x509.rsa_sha1 (a bare RSA value over the SHA-1 of the byte range, no CMS; pdfsig does not verify it), RSA 2048 signer issued by the untrusted foreign root"
  openpdf pkcs7 "$BASE_TABLE" "$T/foreign-openpdf-pkcs7.pdf" "Foreign adbe.pkcs7.sha1 signature by OpenPDF"
  manifest foreign-openpdf-pkcs7.pdf "OpenPDF ${OPENPDF_VER} PdfStamper" "$ON_TABLE + 1 incremental update written by OpenPDF (append mode): SubFilter adbe.pkcs7.sha1, a visible box on page 1 drawn by OpenPDF, RSA 2048 signer issued by the untrusted foreign root"
  # Apache PDFBox 3 (addSignature + saveIncremental, as Java back ends sign) on an owner-password-only AES-256 file:
  # PDFBox opens it without a password and writes its update encrypted
  PDFBOX_VER=$(tr ':' '\n' <<<"$CERTYNEO_JAVA_CP" | sed -n 's|.*/org/apache/pdfbox/pdfbox/\([^/]*\)/.*|\1|p' | head -1)
  cat "$PKI/second.pem" "$PKI/chain.pem" >"$PKI/second-chain.pem"
  if need qpdf "foreign-pdfbox-encrypted.pdf (its owner-password base)"; then
    qpdf --encrypt "" foreign-owner 256 -- "$BASE_STREAM" "$WORK/base-owner-aes256.pdf"
    "$JAVA" -cp "$CERTYNEO_JAVA_CP" "$HERE/producers/PdfBoxSign.java" visible "$WORK/base-owner-aes256.pdf" \
      "$T/foreign-pdfbox-encrypted.pdf" "$PKI/second.key" "$PKI/second-chain.pem" "Foreign signature by PDFBox" \
      >"$WORK/pdfbox.log" 2>&1 || { cat "$WORK/pdfbox.log" >&2; echo "foreign.sh: PdfBoxSign failed" >&2; exit 1; }
    manifest foreign-pdfbox-encrypted.pdf "Apache PDFBox ${PDFBOX_VER} saveIncremental" "$ON_STREAM encrypted by qpdf (AES-256, owner password only) + 1 incremental update written by PDFBox, encrypted (addSignature with a visual signature template, saveIncremental): approval signature in a new field with a box on page 1, adbe.pkcs7.detached, CMS by BouncyCastle's CMSSignedDataGenerator, EC P-256 signer of the untrusted foreign chain"
  fi
  # DSS 6.2 PAdES-BASELINE-LTA (the eIDAS reference implementation): signature with a signature time-stamp and a
  # visible box, /DSS with chains and CRLs, document time-stamp; TSA and CRLs of the foreign PKI
  DSS_VER=$(tr ':' '\n' <<<"$CERTYNEO_JAVA_CP" | sed -n 's|.*/eu/europa/ec/joinup/sd-dss/dss-pades/\([^/]*\)/.*|\1|p' | head -1)
  "$JAVA" -cp "$CERTYNEO_JAVA_CP" "$HERE/producers/DssSign.java" "$BASE_TABLE" "$T/foreign-dss-lta.pdf" \
    "$PKI/second.key" "$PKI/second-chain.pem" "$PKI" \
    >"$WORK/dss.log" 2>&1 || { cat "$WORK/dss.log" >&2; echo "foreign.sh: DssSign failed" >&2; exit 1; }
  manifest foreign-dss-lta.pdf "DSS ${DSS_VER} PAdESService" "$ON_TABLE + 3 incremental updates written by DSS (PDFBox): PAdES-BASELINE-LTA by the foreign PKI, ETSI.CAdES.detached with a signature time-stamp and DSS's text box on page 1, a /DSS (certificates, the root and intermediate CRLs), a document time-stamp (ETSI.RFC3161) by the foreign TSA; EC P-256 signer of the untrusted foreign chain"
else
  if is_ci; then
    echo "foreign.sh: ERROR: CERTYNEO_JAVA_CP is not set: foreign-itext*.pdf, foreign-openpdf*.pdf, foreign-pdfbox*.pdf and foreign-dss*.pdf are made by iText, OpenPDF, PDFBox and DSS on engine-pades' test class path (the corpus tests set it)" >&2
    exit 1
  fi
  echo "SKIP foreign-itext*.pdf, foreign-openpdf*.pdf, foreign-pdfbox*.pdf, foreign-dss*.pdf: CERTYNEO_JAVA_CP is not set (the corpus tests set it to engine-pades' test class path)" >&2
fi

# poppler's pdfsig -add-signature through an NSS database
if need pdfsig "foreign-poppler.pdf" && need certutil "foreign-poppler.pdf (libnss3-tools)" \
   && need pk12util "foreign-poppler.pdf (libnss3-tools)"; then
  pdfsig_help=$(pdfsig -h 2>&1 || true)
  POPPLER_VER=$(pdfsig -v 2>&1 | awk 'NR==1{print $3}' || true)
  if grep -q -- '-add-signature' <<<"$pdfsig_help"; then
    NSS="$WORK/nssdb"
    mkdir -p "$NSS"
    certutil -N -d "sql:$NSS" --empty-password
    ssl pkcs12 -export -inkey "$PKI/poppler.key" -in "$PKI/poppler.pem" -certfile "$PKI/chain.pem" \
      -name foreign-poppler -passout pass:foreign -out "$PKI/poppler.p12"
    pk12util -i "$PKI/poppler.p12" -d "sql:$NSS" -W foreign -K "" >/dev/null
    POPPLER_IN="$WORK/base-poppler.pdf"
    POPPLER_PREP=$("$PY" "$PICK" --poppler-ready "$BASE_TABLE" "$POPPLER_IN")
    ON_POPPLER="$ON_TABLE"
    if [ "$POPPLER_PREP" != "as is" ]; then ON_POPPLER="$ON_TABLE, $POPPLER_PREP"; fi
    if pdfsig -nssdir "sql:$NSS" -add-signature -nick foreign-poppler -digest SHA256 \
         -new-signature-field-name PopplerForeignSignature -reason "Foreign signature by poppler pdfsig" \
         "$POPPLER_IN" "$T/foreign-poppler.pdf" >"$WORK/pdfsig-sign.log" 2>&1 \
       && [ -s "$T/foreign-poppler.pdf" ]; then
      manifest foreign-poppler.pdf "poppler pdfsig ${POPPLER_VER} (NSS)" "$ON_POPPLER + 1 incremental update written by poppler (pdfsig -add-signature; xref table; adds an embedded font /popplerfont to /AcroForm /DR): adbe.pkcs7.detached, CMS by NSS in BER indefinite-length encoding with signer + intermediate but not the root (pdfsig: issuer unknown), signed attrs content-type/message-digest/signing-certificate-v2 and no signing-time, RSA 2048 signer of the untrusted foreign chain"
    else
      cat "$WORK/pdfsig-sign.log" >&2
      if is_ci; then echo "foreign.sh: ERROR: pdfsig -add-signature failed" >&2; exit 1; fi
      echo "SKIP foreign-poppler.pdf: pdfsig -add-signature failed" >&2
    fi
  else
    if is_ci; then echo "foreign.sh: ERROR: this pdfsig has no -add-signature" >&2; exit 1; fi
    echo "SKIP foreign-poppler.pdf: this pdfsig has no -add-signature" >&2
  fi
fi

# MuPDF's `mutool sign` (its own incremental writer, CMS by OpenSSL) fills an existing empty signature field, as a
# recipient's viewer does with a field another party prepared: sign_pdf.py add-field makes one, with a widget box
if need mutool "foreign-mupdf.pdf"; then
  ssl pkcs12 -export -inkey "$PKI/mupdf.key" -in "$PKI/mupdf.pem" -certfile "$PKI/root.pem" \
    -name foreign-mupdf -passout pass:foreign -out "$PKI/mupdf.p12"
  MUPDF_FIELD=$("$PY" "$SIGNER" add-field "$BASE_TABLE" "$WORK/mupdf-field.pdf" --field-name MuPdfSignature)
  MUPDF_VER=$(mutool -v 2>&1 | awk 'NR==1{print $3}' || true)
  signed_by foreign-mupdf.pdf "MuPDF mutool sign ${MUPDF_VER}" "$ON_TABLE + an empty signature field with a box on page 1 (sign_pdf.py add-field) + 1 incremental update written by MuPDF filling it (mutool sign: its appearance in the box, its cross-reference table's first subsection not at object 0, which pypdf's strict mode warns about; adbe.pkcs7.detached, CMS by OpenSSL with the signer certificate only), RSA 2048 signer issued by the untrusted foreign root" \
    mutool sign -s "$PKI/mupdf.p12" -P foreign -o "$T/foreign-mupdf.pdf" "$WORK/mupdf-field.pdf" "$MUPDF_FIELD"
fi

# LibreOffice signing its own PDF export (xmlsecurity, CMS by NSS; 7.4's SignPDF and SignCertificateSubjectName export
# options), the signer's key in an NSS database that a private LibreOffice profile names as its certificate directory
if need soffice "foreign-libreoffice.pdf (libreoffice-writer-nogui)" && need certutil "foreign-libreoffice.pdf (libnss3-tools)" \
   && need pk12util "foreign-libreoffice.pdf (libnss3-tools)"; then
  LO_NSS="$WORK/lo-nssdb"
  LO_PROFILE="$WORK/lo-profile"
  mkdir -p "$LO_NSS" "$LO_PROFILE/user" "$WORK/lo-out"
  certutil -N -d "sql:$LO_NSS" --empty-password
  ssl pkcs12 -export -inkey "$PKI/libreoffice.key" -in "$PKI/libreoffice.pem" -certfile "$PKI/chain.pem" \
    -name foreign-libreoffice -passout pass:foreign -out "$PKI/libreoffice.p12"
  pk12util -i "$PKI/libreoffice.p12" -d "sql:$LO_NSS" -W foreign -K "" >/dev/null
  cat >"$LO_PROFILE/user/registrymodifications.xcu" <<XCU
<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="CertDir" oor:op="fuse"><value>$LO_NSS</value></prop></item>
</oor:items>
XCU
  # LibreOffice finds the certificate by its subject as an RFC 2253 string
  LO_SUBJECT=$(openssl x509 -in "$PKI/libreoffice.pem" -noout -subject -nameopt RFC2253 | sed 's/^subject=//')
  LO_VER=$(soffice --version 2>/dev/null | awk 'NR==1{print $2}' || true)
  cp "$HERE/producers/libreoffice-writer.fodt" "$WORK/lo-out/libreoffice-signed.fodt"
  if timeout 180 soffice -env:UserInstallation="file://$LO_PROFILE" --headless --convert-to \
       "pdf:writer_pdf_Export:{\"SignPDF\":{\"type\":\"boolean\",\"value\":\"true\"},\"SignCertificateSubjectName\":{\"type\":\"string\",\"value\":\"$LO_SUBJECT\"}}" \
       --outdir "$WORK/lo-out" "$WORK/lo-out/libreoffice-signed.fodt" >"$WORK/lo-sign.log" 2>&1 \
     && [ -s "$WORK/lo-out/libreoffice-signed.pdf" ]; then
    mv "$WORK/lo-out/libreoffice-signed.pdf" "$T/foreign-libreoffice.pdf"
    manifest foreign-libreoffice.pdf "LibreOffice ${LO_VER} (NSS)" "LibreOffice Writer's PDF export of corpus/producers/libreoffice-writer.fodt signed by LibreOffice itself (SignPDF, SignCertificateSubjectName): one revision (the export is signed as it is written), adbe.pkcs7.detached, CMS by NSS with the signer and the intermediate but not the root, RSA 2048 signer of the untrusted foreign chain"
  else
    cat "$WORK/lo-sign.log" >&2
    echo "foreign.sh: ERROR: LibreOffice's signed PDF export failed" >&2
    exit 1
  fi
fi

# PoDoFo's podofosign (C++, CMS by OpenSSL with the signer's certificate only), a visible box on page 1. On a file
# with cross-reference streams its incremental update lists the whole document again in a classic table without /Prev
# (ISO 32000-1 §7.5.6 asks an update for /Prev): every reader reads that table alone
if need podofosign "foreign-podofo.pdf (libpodofo-utils)"; then
  PODOFO_VER=$(dpkg-query -W -f='${Version}' libpodofo-utils 2>/dev/null | sed 's/[+-].*//' || true)
  signed_by foreign-podofo.pdf "PoDoFo ${PODOFO_VER} podofosign (OpenSSL)" "$ON_STREAM + 1 update written by PoDoFo (podofosign): a classic cross-reference table listing every object again, with no /Prev, after the xref stream; a visible box on page 1 with PoDoFo's appearance (Helvetica, not embedded); adbe.pkcs7.detached, CMS by OpenSSL with the signer certificate only, RSA 2048 signer issued by the untrusted foreign root" \
    podofosign -in "$BASE_STREAM" -out "$T/foreign-podofo.pdf" -cert "$PKI/podofo.pem" -pkey "$PKI/podofo.key" \
      -digest SHA256 -sigsize 8192 -field-name PoDoFoSignature -reason "Foreign signature by PoDoFo" \
      -annot-units mm -annot-position 1,15,15,60,15 -annot-print -annot-text 2,4,"Signed with PoDoFo"
fi

# --------------------------------------------------------------------------------------------
# checks: pdfsig, qpdf --check, pypdf strict, mutool
# --------------------------------------------------------------------------------------------
declare -A NSIG=([foreign-two-signatures.pdf]=2 [foreign-dss-lta.pdf]=2)
# signatures pdfsig does not verify ("Signature has not yet been verified."): adbe.x509.rsa_sha1, and a document
# time-stamp (poppler 22.12: type "unknown")
declare -A PDFSIG_UNVERIFIED=([foreign-openpdf-x509.pdf]=1 [foreign-dss-lta.pdf]=1)
# what pdfsig must say of the certificate (poppler 22.12 with no NSS database of ours)
declare -A PDFSIG_CERT=([foreign-untrusted.pdf]="Certificate issuer isn't Trusted" [foreign-expired.pdf]="Certificate has Expired")
# what a producer does wrong that the checks below must find exactly (and nothing else): @signpdf's placeholder-plain
# writes a startxref one byte short of its 'xref' keyword
declare -A QPDF_KNOWN=([foreign-signpdf.pdf]="extraneous whitespace seen before xref")
declare -A PYPDF_KNOWN=([foreign-signpdf.pdf]="pypdf.errors.PdfReadError: Broken xref table"
  [foreign-mupdf.pdf]="Xref table not zero-indexed. ID numbers for objects will be corrected.")
# what `openssl cms -verify` must say with the foreign root as the only trust anchor, now
declare -A OPENSSL_NOW=([foreign-expired.pdf]="certificate has expired")
declare -A XFORM=() SUBF=() PDFSIG_SAYS=()
CHK_PDFSIG=0 CHK_QPDF=0 CHK_MUTOOL=0 CHK_PYPDF=0
need pdfsig "the pdfsig checks" && CHK_PDFSIG=1
need qpdf "the qpdf --check checks" && CHK_QPDF=1
need mutool "the mutool checks" && CHK_MUTOOL=1
need_py pypdf "the pypdf checks" && CHK_PYPDF=1
FAIL=0
fail() { echo "foreign.sh: CHECK FAILED: $*" >&2; FAIL=1; }
for f in "${MADE[@]}"; do
  p="$T/$f"
  if [ "$CHK_PDFSIG" = 1 ]; then
    out=$(pdfsig "$p" 2>&1) || fail "$f: pdfsig exit status $?"
    n=$(grep -c '^Signature #' <<<"$out" || true)
    [ "$n" = "${NSIG[$f]:-1}" ] || fail "$f: pdfsig lists $n signature(s), expected ${NSIG[$f]:-1}"
    v=$(grep -c 'Signature Validation: Signature is Valid' <<<"$out" || true)
    u=$(grep -c 'Signature Validation: Signature has not yet been verified' <<<"$out" || true)
    [ "$u" = "${PDFSIG_UNVERIFIED[$f]:-0}" ] || fail "$f: pdfsig leaves $u signature(s) unverified, expected ${PDFSIG_UNVERIFIED[$f]:-0}"
    [ "$((v + u))" = "$n" ] || fail "$f: pdfsig: not every signature is valid: $out"
    want=${PDFSIG_CERT[$f]:-}
    if [ -n "$want" ] && [ "$(grep -c "Certificate Validation: $want" <<<"$out" || true)" != "$n" ]; then
      fail "$f: pdfsig does not say '$want': $out"
    fi
    PDFSIG_SAYS[$f]=$(grep -E 'Signature Validation|Certificate Validation' <<<"$out" | sed -E 's/^ *- (Signature|Certificate) Validation: //' | paste -sd' ' - | sed 's/\. /; /g')
  fi
  # independent check of the CMS and of the foreign PKI: openssl cms -verify, foreign root trusted
  res=$("$PY" "$HERE/foreign/check_sigs.py" "$p" "$PKI/root.pem" | cut -f4 | sort -u | paste -sd';' -)
  [ "$res" = "${OPENSSL_NOW[$f]:-OK}" ] || fail "$f: openssl cms -verify (foreign root trusted): '$res', expected '${OPENSSL_NOW[$f]:-OK}'"
  case $f in
    foreign-expired.pdf)
      res=$("$PY" "$HERE/foreign/check_sigs.py" "$p" "$PKI/root.pem" --attime "$(date -u -d 2020-06-15T12:00:00Z +%s)" | cut -f4)
      [ "$res" = OK ] || fail "$f: openssl cms -verify at the claimed signing time: $res" ;;
    foreign-revoked.pdf)
      res=$("$PY" "$HERE/foreign/check_sigs.py" "$p" "$PKI/root.pem" --crl-from-dss | cut -f4)
      [ "$res" = "certificate revoked" ] || fail "$f: openssl cms -verify with the /DSS CRLs: '$res', expected 'certificate revoked'" ;;
  esac
  XFORM[$f]=$("$PY" "$PICK" --form "$p")
  SUBF[$f]=$("$PY" "$HERE/foreign/check_sigs.py" "$p" "$PKI/root.pem" | cut -f2 | paste -sd',' -)
  if [ "$CHK_QPDF" = 1 ]; then
    known=${QPDF_KNOWN[$f]:-}
    if [ -n "$known" ]; then
      # exactly the producer's known warning (exit status 3: warnings), and nothing else
      out=$(qpdf --check "$p" 2>&1) && fail "$f: qpdf --check no longer warns '$known'"
      grep -qxF -- "WARNING: $p: $known" <<<"$out" || fail "$f: qpdf --check does not report '$known': $out"
      # (with a warning qpdf ends with "operation succeeded with warnings" instead of "No syntax ... errors found")
      out=$(grep -vxF -e "WARNING: $p: $known" <<<"$out" | sed 's/^qpdf: operation succeeded with warnings$/No syntax or stream encoding errors found/')
    else
      out=$(qpdf --check "$p" 2>&1) || fail "$f: qpdf --check exit status $?: $out"
    fi
    if grep -qi 'warning' <<<"$out" || ! grep -q 'No syntax or stream encoding errors found' <<<"$out"; then
      fail "$f: qpdf --check: $out"
    fi
  fi
  if [ "$CHK_PYPDF" = 1 ]; then
    known=${PYPDF_KNOWN[$f]:-}
    if out=$("$PY" -c "import pypdf,sys; r=pypdf.PdfReader(sys.argv[1], strict=True); [p.extract_text() for p in r.pages]" "$p" 2>&1); then
      # a known warning is printed exactly (a valid construct pypdf's strict mode frowns on), a known error fails
      if [ "$out" != "$known" ] && [ -n "$out$known" ]; then fail "$f: pypdf strict printed '$out', expected '$known'"; fi
    elif [ -z "$known" ] || [ "$(tail -n 1 <<<"$out")" != "$known" ]; then
      fail "$f: pypdf strict: $out"
    fi
  fi
  if [ "$CHK_MUTOOL" = 1 ]; then
    out=$(mutool info "$p" 2>&1) || fail "$f: mutool info exit status $?"
    if grep -qiE 'error|warning' <<<"$out"; then fail "$f: mutool info: $out"; fi
  fi
done
if [ "$FAIL" != 0 ]; then
  echo "foreign.sh: some checks failed; the files were not copied to $OUTDIR" >&2
  # keep the manifest consistent with OUTDIR
  awk -F'\t' 'NR == 1 || $1 !~ /^foreign-.*\.pdf$/' "$MANIFEST" >"$WORK/manifest"
  cat "$WORK/manifest" >"$MANIFEST"
  exit 1
fi
for f in "${MADE[@]}"; do
  cp "$T/$f" "$OUTDIR/$f"
  printf 'foreign.sh: %-29s %-40s xref %-6s pdfsig: %s\n' "$f" "${SUBF[$f]}" "${XFORM[$f]}" "${PDFSIG_SAYS[$f]:-(not checked)}" >&2
done
echo "foreign.sh: wrote ${#MADE[@]} file(s) to $OUTDIR: ${MADE[*]}" >&2
