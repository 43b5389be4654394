#!/usr/bin/env bash
# Producer corpus: generate.sh OUTDIR
#
# Writes real-world PDFs made by the third-party programs installed on this machine (LibreOffice, Chromium,
# Ghostscript, cairo, ReportLab, ImageMagick, qpdf, pdf-lib, PDFKit, jsPDF, WeasyPrint, wkhtmltopdf, groff, img2pdf,
# pdftk) plus a few hand-made structural edge cases
# (hybrid-reference, incremental updates, page geometry) into OUTDIR as <producer>-<variant>.pdf, and
# OUTDIR/manifest.tsv (file, producer, description). Every file is checked with qpdf --check and pdfinfo; a
# broken file fails the script. Afterwards corpus/foreign.sh OUTDIR runs if it exists and is executable.
#
# A missing producer program fails the script under CI=true (naming it); otherwise a "SKIP <producer>: <why>"
# line goes to stderr and the rest of the corpus is still made. qpdf and pdfinfo are the checkers: without them
# nothing is written.
#
# Debian packages: libreoffice-writer-nogui libreoffice-calc-nogui libreoffice-impress-nogui python3-uno chromium
# ghostscript poppler-utils qpdf imagemagick python3-pikepdf python3-reportlab nodejs npm fonts-dejavu-core
# weasyprint wkhtmltopdf groff img2pdf pdftk-java
# (python3-uno, which LibreOffice recommends, lets one soffice process export every LibreOffice variant; without
# it each set of export options costs a LibreOffice start-up). npm: corpus/package.json, installed by `npm ci`.
#
# Runtime: about 30 s on 2 cores (LibreOffice runs in the background while the other producers work).
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 OUTDIR" >&2
  exit 2
fi
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=$HERE/producers
mkdir -p "$1"
OUT=$(cd "$1" && pwd)
export PYTHONDONTWRITEBYTECODE=1   # no __pycache__ in corpus/producers
PY=/usr/bin/python3   # Debian's python: it has python3-pikepdf and python3-reportlab (a pyenv python3 on PATH may not)
START=$(date +%s)
WORK=$(mktemp -d "$OUT/.work.XXXXXX")
LO_PID=""
cleanup() {
  if [ -n "$LO_PID" ]; then  # the background LibreOffice job, when the script ends early: stop it and its children
    pkill -TERM -P "$LO_PID" 2>/dev/null || true
    kill "$LO_PID" 2>/dev/null || true
    wait "$LO_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
# Files of an earlier run (named in its manifest, ours and foreign.sh's) go first, so no stale PDF stays behind.
if [ -f "$OUT/manifest.tsv" ]; then
  tail -n +2 "$OUT/manifest.tsv" | cut -f1 | while IFS= read -r old; do
    case $old in */* | .* | "") ;; *.pdf) rm -f "$OUT/$old" ;; esac
  done
  rm -f "$OUT/manifest.tsv"
fi
MANIFEST_BODY=$WORK/manifest.body
: > "$MANIFEST_BODY"

log() { echo "generate.sh: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# A producer that cannot run: fatal under CI=true, a SKIP line otherwise (then the caller goes on without it).
missing() {
  local producer=$1 why=$2
  if [ "${CI:-}" = "true" ]; then
    die "producer $producer is missing under CI=true: $why"
  fi
  echo "SKIP $producer: $why" >&2
}

have() { command -v "$1" >/dev/null 2>&1; }

for checker in qpdf pdfinfo; do
  have "$checker" || die "$checker is required to check the corpus (Debian package: $([ "$checker" = qpdf ] && echo qpdf || echo poppler-utils))"
done

# record FILE PRODUCER DESCRIPTION [--warnings-ok WHY] [--pdfa PART] [--tagged] [--form] [--pages N] [--text]
# Checks OUTDIR/FILE and adds it to the manifest. --warnings-ok accepts qpdf --check warnings that the real producer
# emits (WHY goes into the description).
record() {
  local file=$1 producer=$2 description=$3
  shift 3
  local path=$OUT/$file warn_ok="" pdfa="" tagged="" form="" pages="" text=""
  while [ $# -gt 0 ]; do
    case $1 in
      --warnings-ok) warn_ok=$2; shift 2 ;;
      --pdfa) pdfa=$2; shift 2 ;;
      --tagged) tagged=1; shift ;;
      --form) form=1; shift ;;
      --pages) pages=$2; shift 2 ;;
      --text) text=1; shift ;;
      *) die "record: unknown option $1" ;;
    esac
  done
  [ -s "$path" ] || die "$file: $producer did not produce it"
  local check rc=0
  check=$(qpdf --check "$path" 2>&1) || rc=$?
  if [ "$rc" -eq 3 ] && [ -n "$warn_ok" ]; then
    description="$description (qpdf --check warns: $warn_ok)"
  elif [ "$rc" -ne 0 ]; then
    log "qpdf --check $file (exit $rc):"
    echo "$check" >&2
    die "$file: $producer wrote a PDF that qpdf --check does not accept"
  fi
  local info
  info=$(pdfinfo "$path" 2>&1 | tr -d '\000') || { echo "$info" >&2; die "$file: pdfinfo failed"; }
  local n
  n=$(awk '/^Pages:/ {print $2}' <<<"$info")
  [ -n "$n" ] && [ "$n" -ge 1 ] || die "$file: pdfinfo reports no pages"
  if [ -n "$pages" ] && [ "$n" -ne "$pages" ]; then die "$file: $n pages, expected $pages"; fi
  if [ -n "$tagged" ] && ! grep -q '^Tagged: *yes' <<<"$info"; then die "$file: not a tagged PDF"; fi
  if [ -n "$form" ] && ! grep -q '^Form: *AcroForm' <<<"$info"; then die "$file: has no AcroForm"; fi
  if [ -n "$pdfa" ]; then
    local part=${pdfa%?} conformance=${pdfa#?}
    local meta
    meta=$(pdfinfo -meta "$path" 2>/dev/null | tr -d '\000' || true)
    grep -Eq "pdfaid:part(>|=['\"])$part" <<<"$meta" || die "$file: its XMP metadata does not claim PDF/A-$part"
    grep -Eiq "pdfaid:conformance(>|=['\"])$conformance" <<<"$meta" \
      || die "$file: its XMP metadata does not claim conformance level $conformance"
  fi
  if [ -n "$text" ]; then
    local p
    for ((p = 1; p <= n; p++)); do
      [ -n "$(pdftotext -f "$p" -l "$p" "$path" - 2>/dev/null | tr -d '[:space:]')" ] \
        || die "$file: page $p has no extractable text"
    done
  fi
  local facts=""
  if [ -x "$PY" ]; then facts=$("$PY" "$SRC/inspect_pdf.py" "$path" 2>/dev/null || true); fi
  facts="${facts:+$facts }pages=$n"
  printf '%s\t%s\t%s [%s]\n' "$file" "$producer" "$description" "$facts" >> "$MANIFEST_BODY"
}

python_ok() {  # python_ok MODULE...: Debian's python3 with these modules
  [ -x "$PY" ] || return 1
  local m
  for m in "$@"; do "$PY" -c "import $m" >/dev/null 2>&1 || return 1; done
}

# ---------------------------------------------------------------- LibreOffice (runs in the background)

lo_filter() {  # lo_filter FILTER KEY TYPE VALUE [KEY TYPE VALUE...]: pdf:FILTER:{JSON filter options}
  local filter=$1 json="" sep=""
  shift
  while [ $# -gt 0 ]; do
    json="$json$sep\"$1\":{\"type\":\"$2\",\"value\":\"$3\"}"
    sep=","
    shift 3
  done
  echo "pdf:$filter:{$json}"
}

libreoffice_convert() {
  local profile=$WORK/lo-profile writer=$SRC/libreoffice-writer.fodt
  if python_ok uno; then
    # One soffice process for all variants, each exported with its own options through the UNO API.
    local w=writer_pdf_Export
    timeout 240 "$PY" "$SRC/lo_convert.py" "$profile" \
      "$writer=$OUT/libreoffice-writer-plain.pdf=$w=ExportFormFields:boolean:true" \
      "$SRC/libreoffice-writer-form.fodt=$OUT/libreoffice-writer-form.pdf=$w=ExportFormFields:boolean:true" \
      "$writer=$OUT/libreoffice-writer-tagged.pdf=$w=UseTaggedPDF:boolean:true" \
      "$writer=$OUT/libreoffice-writer-pdfa1a.pdf=$w=SelectPdfVersion:long:1" \
      "$writer=$OUT/libreoffice-writer-pdfa2b.pdf=$w=SelectPdfVersion:long:2" \
      "$writer=$OUT/libreoffice-writer-pdfa3b.pdf=$w=SelectPdfVersion:long:3" \
      "$SRC/libreoffice-calc.fods=$OUT/libreoffice-calc.pdf=calc_pdf_Export" \
      "$SRC/libreoffice-impress.fodp=$OUT/libreoffice-impress.pdf=impress_pdf_Export"
    return
  fi
  # Without python3-uno: soffice --convert-to, one call per set of filter options (a LibreOffice start-up each).
  local lo=$WORK/lo v
  mkdir -p "$lo/default" "$lo/tagged" "$lo/pdfa1a" "$lo/pdfa2b" "$lo/pdfa3b"
  cp "$writer" "$lo/default/libreoffice-writer-plain.fodt"
  cp "$SRC/libreoffice-writer-form.fodt" "$lo/default/libreoffice-writer-form.fodt"
  cp "$SRC/libreoffice-calc.fods" "$lo/default/libreoffice-calc.fods"
  cp "$SRC/libreoffice-impress.fodp" "$lo/default/libreoffice-impress.fodp"
  cp "$writer" "$lo/tagged/libreoffice-writer-tagged.fodt"
  cp "$writer" "$lo/pdfa1a/libreoffice-writer-pdfa1a.fodt"
  cp "$writer" "$lo/pdfa2b/libreoffice-writer-pdfa2b.fodt"
  cp "$writer" "$lo/pdfa3b/libreoffice-writer-pdfa3b.fodt"
  run_soffice() {  # run_soffice CONVERT-TO FILE...
    local filter=$1
    shift
    timeout 180 soffice -env:UserInstallation="file://$profile" --headless --norestore --nolockcheck \
      --convert-to "$filter" --outdir "$OUT" "$@"
  }
  # ExportFormFields is true by default, so Writer, Calc and Impress share one call with each module's default.
  run_soffice pdf "$lo"/default/*
  run_soffice "$(lo_filter writer_pdf_Export UseTaggedPDF boolean true)" "$lo/tagged/libreoffice-writer-tagged.fodt"
  run_soffice "$(lo_filter writer_pdf_Export SelectPdfVersion long 1)" "$lo/pdfa1a/libreoffice-writer-pdfa1a.fodt"
  run_soffice "$(lo_filter writer_pdf_Export SelectPdfVersion long 2)" "$lo/pdfa2b/libreoffice-writer-pdfa2b.fodt"
  run_soffice "$(lo_filter writer_pdf_Export SelectPdfVersion long 3)" "$lo/pdfa3b/libreoffice-writer-pdfa3b.fodt"
}

if have soffice; then
  libreoffice_convert > "$WORK/libreoffice.log" 2>&1 &
  LO_PID=$!
else
  missing libreoffice "soffice not found (Debian: libreoffice-writer-nogui libreoffice-calc-nogui libreoffice-impress-nogui)"
fi

# ---------------------------------------------------------------- Chromium

chromium_print() {  # chromium_print BINARY HTML OUTFILE
  local bin=$1 html=$2 pdf=$3
  HOME=$WORK/chromium-home XDG_CONFIG_HOME=$WORK/chromium-home/.config XDG_CACHE_HOME=$WORK/chromium-home/.cache \
    timeout 120 "$bin" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
      --disable-background-networking --disable-component-update --disable-sync --disable-extensions \
      --no-pdf-header-footer --user-data-dir="$WORK/chromium-profile" --print-to-pdf="$pdf" "file://$html" \
      >> "$WORK/chromium.log" 2>&1 || { cat "$WORK/chromium.log" >&2; die "chromium failed on $(basename "$html")"; }
}

produce_chromium() {
  local bin=""
  for candidate in chromium chromium-browser; do have "$candidate" && { bin=$candidate; break; }; done
  [ -n "$bin" ] || { missing chromium "chromium not found (Debian: chromium)"; return 0; }
  mkdir -p "$WORK/chromium-home"
  chromium_print "$bin" "$SRC/chromium-page.html" "$OUT/chromium-page.pdf"
  chromium_print "$bin" "$SRC/chromium-landscape.html" "$OUT/chromium-landscape.pdf"
  record chromium-page.pdf chromium "Chromium headless --print-to-pdf (Skia/PDF): A4 HTML page with text, a table, a link annotation and Unicode text; tagged" --pages 2 --text
  record chromium-landscape.pdf chromium "Chromium headless --print-to-pdf: HTML page with @page { size: A5 landscape }" --pages 1 --text
}

# ---------------------------------------------------------------- Ghostscript

produce_ghostscript() {
  have gs || { missing ghostscript "gs not found (Debian: ghostscript)"; return 0; }
  gs -q -dSAFER -dBATCH -dNOPAUSE -sDEVICE=pdfwrite -sOutputFile="$OUT/ghostscript-plain.pdf" \
    "$SRC/ghostscript-doc.ps" || die "gs pdfwrite failed"
  record ghostscript-plain.pdf ghostscript "Ghostscript pdfwrite from hand-written PostScript: two pages, standard fonts embedded as subsets" --pages 2 --text
  # PDF 2.0 (ISO 32000-2): the header says 2.0, and a signer must neither downgrade it nor lean on 1.x extensions
  gs -q -dSAFER -dBATCH -dNOPAUSE -sDEVICE=pdfwrite -dCompatibilityLevel=2.0 -sOutputFile="$OUT/ghostscript-pdf20.pdf" \
    "$SRC/ghostscript-doc.ps" >/dev/null || die "gs pdfwrite -dCompatibilityLevel=2.0 failed"
  [ "$(head -c 8 "$OUT/ghostscript-pdf20.pdf")" = "%PDF-2.0" ] || die "ghostscript-pdf20.pdf: no %PDF-2.0 header"
  record ghostscript-pdf20.pdf ghostscript "Ghostscript pdfwrite -dCompatibilityLevel=2.0 from hand-written PostScript: a PDF 2.0 file (header %PDF-2.0)" --pages 2 --text
  local icc=""
  for candidate in /usr/share/ghostscript/*/iccprofiles/srgb.icc /usr/share/color/icc/ghostscript/srgb.icc; do
    [ -f "$candidate" ] && { icc=$candidate; break; }
  done
  [ -n "$icc" ] || die "Ghostscript's srgb.icc was not found (needed for the PDF/A output intent)"
  gs -q -dSAFER -dBATCH -dNOPAUSE -sDEVICE=pdfwrite -dPDFA=2 -dPDFACompatibilityPolicy=1 \
    -sColorConversionStrategy=RGB -sPDFA_ICC="$icc" --permit-file-read="$icc" \
    -sOutputFile="$OUT/ghostscript-pdfa2b.pdf" "$SRC/ghostscript-pdfa-def.ps" "$SRC/ghostscript-doc.ps" \
    || die "gs pdfwrite PDF/A-2b failed"
  record ghostscript-pdfa2b.pdf ghostscript "Ghostscript pdfwrite -dPDFA=2 with an sRGB output intent: PDF/A-2b claim in XMP" --pdfa 2b --pages 2 --text
  # PDF/A-1b (PDF 1.4: no object streams, no transparency) and PDF/A-3b, the other parts a signer meets in the wild
  local part
  for part in 1 3; do
    gs -q -dSAFER -dBATCH -dNOPAUSE -sDEVICE=pdfwrite -dPDFA=$part -dPDFACompatibilityPolicy=1 \
      -sColorConversionStrategy=RGB -sPDFA_ICC="$icc" --permit-file-read="$icc" \
      -sOutputFile="$OUT/ghostscript-pdfa${part}b.pdf" "$SRC/ghostscript-pdfa-def.ps" "$SRC/ghostscript-doc.ps" \
      || die "gs pdfwrite PDF/A-${part}b failed"
    record "ghostscript-pdfa${part}b.pdf" ghostscript "Ghostscript pdfwrite -dPDFA=$part with an sRGB output intent: PDF/A-${part}b claim in XMP" --pdfa "${part}b" --pages 2 --text
  done
}

# ---------------------------------------------------------------- ReportLab (python)

produce_reportlab() {
  python_ok reportlab pikepdf || { missing reportlab "$PY with reportlab and pikepdf not found (Debian: python3-reportlab python3-pikepdf)"; return 0; }
  "$PY" "$SRC/reportlab_docs.py" "$OUT" || die "reportlab_docs.py failed"
  record reportlab-plain.pdf reportlab "ReportLab platypus: title, paragraphs, a table; standard fonts not embedded" --pages 2 --text
  record reportlab-outline-acroform.pdf reportlab "ReportLab canvas: nested outline (bookmarks) and an AcroForm with a text field and two check boxes" --form --pages 3 --text
  record reportlab-annotations.pdf reportlab "ReportLab canvas with its own Link/Text/FreeText/Highlight annotations; pikepdf (qpdf) added Ink, Text+Popup, FreeText, Square, Circle, Highlight, Stamp x2, FileAttachment x2 (embedded files), Underline, StrikeOut, Line, GoTo Link - some with /AP and some without, some indirect and some direct dictionaries in /Annots" --pages 2 --text
}

# ---------------------------------------------------------------- ImageMagick

produce_imagemagick() {
  local im=""
  if have magick; then
    im=magick
  elif [ -x /usr/bin/convert ]; then
    im=/usr/bin/convert   # the real one: something else may stand in for `convert` earlier on PATH
  elif have convert; then
    im=convert
  fi
  if [ -z "$im" ] || ! "$im" -version 2>/dev/null | grep -q ImageMagick; then
    missing imagemagick "ImageMagick's convert/magick not found (Debian: imagemagick)"
    return 0
  fi
  # Debian's /etc/ImageMagick-6/policy.xml forbids the PDF coder outright (read and write), to keep Ghostscript
  # away from untrusted input. Writing a PDF from a raster image does not involve Ghostscript, so a private
  # HOME's policy.xml grants WRITE (only) on PDF for these calls; system files are left alone.
  local home=$WORK/imagemagick-home
  mkdir -p "$home/.config/ImageMagick"
  cat > "$home/.config/ImageMagick/policy.xml" <<'EOF'
<policymap>
  <policy domain="coder" rights="write" pattern="PDF" />
</policymap>
EOF
  im_run() { HOME=$home "$im" "$@"; }
  local font=DejaVu-Sans
  im_run -size 4x4 xc:'#3366cc' -units PixelsPerInch -density 72 "$OUT/imagemagick-tiny.pdf" \
    || die "ImageMagick failed to write a PDF"
  im_run -seed 7 -size 480x320 plasma:'#88aadd-#335522' -alpha off -blur 0x1 -font "$font" -pointsize 28 \
    -fill white -stroke black -strokewidth 1 -gravity south -annotate +0+20 'Photo page (ImageMagick)' \
    -quality 80 -compress jpeg -units PixelsPerInch -density 96 "$OUT/imagemagick-photo.pdf" \
    || die "ImageMagick failed on imagemagick-photo.pdf"
  im_run -size 200x200 gradient:'#ffcc00-#cc3300' -font "$font" -pointsize 28 -fill black -gravity center \
    -annotate 0 'HUGE PAGE\n14400 pt' -compress zip -units PixelsPerInch -density 1 "$OUT/imagemagick-huge.pdf" \
    || die "ImageMagick failed on imagemagick-huge.pdf"
  # (IM6's Group 4 PDF path costs seconds per page, so the "scan" is one page at 100 dpi.)
  im_run -size 827x1170 xc:white -font "$font" -fill black -pointsize 30 -annotate +80+140 'Scanned letter' \
    -pointsize 19 -annotate +80+200 'Bilevel A4 page at 100 dpi, CCITT Group 4' -stroke black -strokewidth 2 \
    -fill none -draw 'rectangle 66,80 760,1100' -threshold 50% -type bilevel -compress Group4 \
    -units PixelsPerInch -density 100 "$OUT/imagemagick-scan.pdf" \
    || die "ImageMagick failed on imagemagick-scan.pdf"
  record imagemagick-tiny.pdf imagemagick "ImageMagick: a 4x4 pixel image at 72 dpi, so a 4 x 4 pt page (no text: the page is an image); /Title written as UTF-16 without BOM" --pages 1
  record imagemagick-photo.pdf imagemagick "ImageMagick: photo-like JPEG (DCTDecode) page, 480x320 px at 96 dpi = 360 x 240 pt, text drawn into the image" --pages 1
  record imagemagick-huge.pdf imagemagick "ImageMagick: a 200x200 px image at 1 dpi, so a 14400 x 14400 pt page (the PDF maximum), text drawn into the image" --pages 1
  record imagemagick-scan.pdf imagemagick "ImageMagick: a bilevel A4 page at 100 dpi (CCITTFaxDecode, Group 4) like a scanner's output, text drawn into the image" --pages 1
}

# ---------------------------------------------------------------- pdf-lib (node)

produce_pdflib() {
  have node || { missing pdf-lib "node not found (Debian: nodejs)"; return 0; }
  if [ ! -d "$HERE/node_modules" ]; then
    have npm || { missing pdf-lib "npm not found (Debian: npm)"; return 0; }
    npm ci --prefix "$HERE" --no-audit --no-fund > "$WORK/npm.log" 2>&1 \
      || { cat "$WORK/npm.log" >&2; missing pdf-lib "npm ci --prefix corpus failed"; return 0; }
  fi
  node "$SRC/pdflib.mjs" "$OUT" || die "pdflib.mjs failed"
  record pdflib-form.pdf pdf-lib "pdf-lib: text and an AcroForm (text field, check box), saved with useObjectStreams: true (object streams, xref stream)" --form --pages 2 --text
  record pdflib-classic.pdf pdf-lib "pdf-lib: the same document saved with useObjectStreams: false" --form --pages 2 --text
}

# ---------------------------------------------------------------- PDFKit and jsPDF (node)

produce_npm_writers() {
  have node || { missing pdfkit/jspdf "node not found (Debian: nodejs)"; return 0; }
  [ -d "$HERE/node_modules/pdfkit" ] && [ -d "$HERE/node_modules/jspdf" ] \
    || { missing pdfkit/jspdf "corpus/node_modules lacks pdfkit or jspdf (npm ci --prefix corpus)"; return 0; }
  node "$SRC/npm-writers.mjs" "$OUT" || die "npm-writers.mjs failed"
  record pdfkit-text.pdf pdfkit "PDFKit: three pages (one landscape), DejaVu Sans embedded and subset, Greek and Cyrillic text, a link annotation" --pages 3 --text
  record pdfkit-form.pdf pdfkit "PDFKit: an AcroForm from its form API (text field, check box, push button)" --form --pages 1 --text
  record pdfkit-owner-aes.pdf pdfkit "PDFKit's own encryption: owner password only (empty user password), AES-128 (V 4, R 4), every permission but high-resolution printing" --pages 1 --text
  record jspdf-text.pdf jspdf "jsPDF: two pages (the second landscape), standard 14 font, uncompressed content streams" --pages 2 --text
  record jspdf-owner-rc4.pdf jspdf "jsPDF's own encryption: owner password only, RC4 40-bit (V 1, R 2), printing and modifying allowed" --pages 1 --text
}

# ---------------------------------------------------------------- WeasyPrint, wkhtmltopdf, groff, img2pdf, pdftk

produce_debian_writers() {
  if have weasyprint; then
    weasyprint "$SRC/chromium-page.html" "$OUT/weasyprint-page.pdf" 2>> "$WORK/weasyprint.log" \
      || { cat "$WORK/weasyprint.log" >&2; die "weasyprint failed"; }
    record weasyprint-page.pdf weasyprint "WeasyPrint (Python, pydyf): the Chromium test page's HTML, fonts embedded as subsets, link annotation" --pages 2 --text
  else
    missing weasyprint "weasyprint not found (Debian: weasyprint)"
  fi
  if have wkhtmltopdf; then
    QT_QPA_PLATFORM=offscreen XDG_RUNTIME_DIR=$WORK timeout 120 wkhtmltopdf -q "$SRC/chromium-page.html" \
      "$OUT/wkhtmltopdf-page.pdf" 2>> "$WORK/wkhtmltopdf.log" || { cat "$WORK/wkhtmltopdf.log" >&2; die "wkhtmltopdf failed"; }
    record wkhtmltopdf-page.pdf wkhtmltopdf "wkhtmltopdf (Qt WebKit): the Chromium test page's HTML, outline, link annotation" --text
  else
    missing wkhtmltopdf "wkhtmltopdf not found (Debian: wkhtmltopdf)"
  fi
  if have groff; then
    groff -ms -Tpdf "$SRC/groff-doc.ms" > "$OUT/groff-ms.pdf" 2>> "$WORK/groff.log" \
      || { cat "$WORK/groff.log" >&2; die "groff -Tpdf failed"; }
    record groff-ms.pdf groff "groff -ms -Tpdf (gropdf, groff's own PDF writer): two pages, Type 1 standard fonts embedded" --pages 2 --text
  else
    missing groff "groff not found (Debian: groff)"
  fi
  if have img2pdf && have convert; then
    convert -size 600x400 xc:white -fill black -pointsize 28 -draw "text 40,200 'img2pdf scan'" "$WORK/img2pdf.png" \
      || die "convert failed for img2pdf.png"
    img2pdf "$WORK/img2pdf.png" -o "$OUT/img2pdf-scan.pdf" || die "img2pdf failed"
    record img2pdf-scan.pdf img2pdf "img2pdf: a PNG embedded losslessly as the only content of its page (no text)" --pages 1
  else
    missing img2pdf "img2pdf or ImageMagick's convert not found (Debian: img2pdf, imagemagick)"
  fi
  if have pdftk; then
    local first="" second=""
    for candidate in reportlab-plain.pdf ghostscript-plain.pdf; do
      [ -f "$OUT/$candidate" ] && { if [ -z "$first" ]; then first=$OUT/$candidate; else second=$OUT/$candidate; fi; }
    done
    if [ -n "$first" ] && [ -n "$second" ]; then
      pdftk "$first" "$second" cat output "$OUT/pdftk-cat.pdf" || die "pdftk cat failed"
      record pdftk-cat.pdf pdftk "pdftk (pdftk-java, iText 2 based): $(basename "$first") and $(basename "$second") concatenated" --text
      pdftk "$first" output "$OUT/pdftk-owner.pdf" owner_pw corpus-owner allow AllFeatures 2>> "$WORK/pdftk.log" \
        || { cat "$WORK/pdftk.log" >&2; die "pdftk owner_pw failed"; }
      record pdftk-owner.pdf pdftk "pdftk: $(basename "$first") with an owner password only and every permission (AES-128, V 4, R 4)" --text
    else
      die "pdftk: no ReportLab and Ghostscript files to combine"
    fi
  else
    missing pdftk "pdftk not found (Debian: pdftk-java)"
  fi
}

# ---------------------------------------------------------------- handmade page geometry

produce_geometry() {
  [ -x "$PY" ] || { missing handmade "$PY not found (Debian: python3)"; return 0; }
  "$PY" "$SRC/geometry.py" "$OUT" || die "geometry.py failed"
  record handmade-rotate.pdf handmade "page geometry: /Rotate 90, 180 and 270 on A4 portrait pages and /Rotate 90 on an A4 landscape MediaBox" --pages 4 --text
  record handmade-cropbox.pdf handmade "page geometry: a CropBox offset inside the MediaBox (text outside it is cropped away); a MediaBox with a negative origin and offset CropBox/BleedBox/TrimBox/ArtBox" --pages 2 --text
  record handmade-userunit.pdf handmade "page geometry: /UserUnit 2 (612 x 792 units = 1224 x 1584 pt)" --pages 1 --text
  record handmade-inherited.pdf handmade "page geometry: /MediaBox, /Resources and /Rotate 90 inherited from the root /Pages node, one page through an intermediate /Pages node overriding /MediaBox, one page overriding /Rotate 0" --pages 3 --text
  record handmade-tiny.pdf handmade "page geometry: a 3 x 3 pt page with one 2.4 pt letter" --pages 1 --text
  record handmade-strip.pdf handmade "page geometry: a 14400 x 200 pt strip" --pages 1 --text
}

timed() {  # timed FUNCTION: runs it and logs its wall time
  local t0=$SECONDS
  "$1"
  log "$1: $((SECONDS - t0)) s"
}
timed produce_chromium
timed produce_ghostscript
timed produce_reportlab
timed produce_imagemagick
timed produce_pdflib
timed produce_npm_writers
timed produce_geometry
timed produce_debian_writers

# ---------------------------------------------------------------- LibreOffice results

if [ -n "$LO_PID" ]; then
  T0=$SECONDS
  LO_STATUS=0
  wait "$LO_PID" || LO_STATUS=$?
  LO_PID=""
  if [ "$LO_STATUS" -ne 0 ]; then
    cat "$WORK/libreoffice.log" >&2
    die "LibreOffice conversion failed (exit $LO_STATUS)"
  fi
  log "libreoffice: done $((SECONDS - T0)) s after the other producers"
  record libreoffice-writer-plain.pdf libreoffice "LibreOffice Writer, PDF export with default options (ExportFormFields=true): heading, text, table" --pages 2 --text
  record libreoffice-writer-form.pdf libreoffice "LibreOffice Writer with form controls, ExportFormFields=true: AcroForm with a text field and a check box (LibreOffice's check-box appearance streams use /ZaDb without a font resource: poppler logs Unknown font tag)" --form --pages 1 --text
  record libreoffice-writer-tagged.pdf libreoffice "LibreOffice Writer, UseTaggedPDF=true: structure tree, MarkInfo" --tagged --pages 2 --text
  record libreoffice-writer-pdfa1a.pdf libreoffice "LibreOffice Writer, SelectPdfVersion=1: LibreOffice 7.4 always claims PDF/A-1a for PDF/A-1 (tagged; 1a includes 1b's requirements), XMP claim and sRGB output intent" --pdfa 1a --pages 2 --text
  record libreoffice-writer-pdfa2b.pdf libreoffice "LibreOffice Writer, SelectPdfVersion=2: PDF/A-2b (LibreOffice tags it too)" --pdfa 2b --tagged --pages 2 --text
  record libreoffice-writer-pdfa3b.pdf libreoffice "LibreOffice Writer, SelectPdfVersion=3: PDF/A-3b (LibreOffice tags it too)" --pdfa 3b --tagged --pages 2 --text
  record libreoffice-calc.pdf libreoffice "LibreOffice Calc spreadsheet with a formula, default PDF export" --pages 1 --text
  record libreoffice-impress.pdf libreoffice "LibreOffice Impress presentation, 16:9 landscape slides, default PDF export" --pages 2 --text
fi

# ---------------------------------------------------------------- derived: cairo, qpdf variants, hybrid, multi-revision

T0=$SECONDS
BASE=""
BASE_NAME=""
for candidate in libreoffice-writer-plain.pdf reportlab-plain.pdf handmade-rotate.pdf; do
  if grep -q "^$candidate	" "$MANIFEST_BODY"; then BASE=$OUT/$candidate; BASE_NAME=$candidate; break; fi
done

if have pdftocairo; then
  if [ -n "$BASE" ]; then
    pdftocairo -pdf "$BASE" "$OUT/cairo-writer.pdf" || die "pdftocairo failed"
    record cairo-writer.pdf cairo "pdftocairo -pdf (cairo's PDF surface) re-rendering $BASE_NAME" --text
  fi
  if grep -q "^handmade-rotate.pdf	" "$MANIFEST_BODY"; then
    pdftocairo -pdf "$OUT/handmade-rotate.pdf" "$OUT/cairo-rotated.pdf" || die "pdftocairo failed"
    record cairo-rotated.pdf cairo "pdftocairo -pdf of handmade-rotate.pdf: cairo bakes the rotation into the page size and content" --pages 4 --text
  fi
else
  missing cairo "pdftocairo not found (Debian: poppler-utils)"
fi

if [ -n "$BASE" ]; then
  qpdf --object-streams=generate "$BASE" "$OUT/qpdf-objstm.pdf" || die "qpdf --object-streams=generate failed"
  record qpdf-objstm.pdf qpdf "qpdf --object-streams=generate of $BASE_NAME: object streams and a cross-reference stream" --text
  qpdf --object-streams=disable "$BASE" "$OUT/qpdf-classic.pdf" || die "qpdf --object-streams=disable failed"
  record qpdf-classic.pdf qpdf "qpdf --object-streams=disable of $BASE_NAME: renumbered, classic xref table" --text
  qpdf --linearize "$BASE" "$OUT/qpdf-linearized.pdf" || die "qpdf --linearize failed"
  record qpdf-linearized.pdf qpdf "qpdf --linearize of $BASE_NAME: linearized (fast web view), first-page xref section and hint stream" --text
  qpdf --qdf "$BASE" "$OUT/qpdf-qdf.pdf" || die "qpdf --qdf failed"
  record qpdf-qdf.pdf qpdf "qpdf --qdf of $BASE_NAME: QDF form (uncompressed streams, %QDF comments, indirect /Length objects)" --text
  if grep -q "^libreoffice-writer-form.pdf	" "$MANIFEST_BODY"; then
    qpdf --force-version=2.0 --object-streams=generate "$OUT/libreoffice-writer-form.pdf" "$OUT/qpdf-pdf20-form.pdf" \
      || die "qpdf --force-version=2.0 failed"
    record qpdf-pdf20-form.pdf qpdf "qpdf --force-version=2.0 --object-streams=generate of libreoffice-writer-form.pdf: a PDF 2.0 file with an AcroForm (text field and check box), object streams" --form --pages 1 --text
  fi
  qpdf --rotate=+90:1 --rotate=180:2-z "$BASE" "$OUT/qpdf-rotated.pdf" || die "qpdf --rotate=+90:1 --rotate=180:2-z failed"
  record qpdf-rotated.pdf qpdf "qpdf --rotate of $BASE_NAME: /Rotate 90 on page 1 and 180 on the other pages" --text
  # Owner password only (empty user password, every permission): readers open them without a password, and so does
  # the engine; its document time-stamps there are the case where readers disagree (see ReaderPanel).
  qpdf --encrypt "" corpus-owner 256 -- "$BASE" "$OUT/qpdf-owner-aes256.pdf" || die "qpdf --encrypt 256 failed"
  record qpdf-owner-aes256.pdf qpdf "qpdf --encrypt of $BASE_NAME with an owner password only: AES-256 (V 5, R 6), empty user password, all permissions" --text
  qpdf --allow-weak-crypto --encrypt "" corpus-owner 128 --use-aes=n -- "$BASE" "$OUT/qpdf-owner-rc4.pdf" \
    || die "qpdf --encrypt 128 --use-aes=n failed"
  record qpdf-owner-rc4.pdf qpdf "qpdf --encrypt of $BASE_NAME with an owner password only: RC4-128 (V 2, R 3), empty user password, all permissions" --text

  if [ -x "$PY" ] && python_ok pikepdf; then
    "$PY" "$SRC/hybrid.py" "$OUT/qpdf-classic.pdf" "$OUT/handmade-hybrid.pdf" || die "hybrid.py failed"
    record handmade-hybrid.pdf handmade "hybrid-reference file from qpdf-classic.pdf: classic xref table (subsections around the packed objects) whose trailer has /XRefStm naming a cross-reference stream for the objects moved into an object stream" --text
    "$PY" "$SRC/multirev.py" "$BASE" "$OUT/handmade-multirev-classic.pdf" classic || die "multirev.py classic failed"
    record handmade-multirev-classic.pdf handmade "$BASE_NAME (unchanged bytes) plus 3 unsigned incremental updates with classic xref tables: an annotation and /ModDate, text added to page 1, a page added" --text
    "$PY" "$SRC/multirev.py" "$OUT/qpdf-objstm.pdf" "$OUT/handmade-multirev-xrefstream.pdf" xrefstream \
      || die "multirev.py xrefstream failed"
    record handmade-multirev-xrefstream.pdf handmade "qpdf-objstm.pdf (unchanged bytes) plus 3 unsigned incremental updates each ending in a cross-reference stream (uncompressed; Flate; Flate with PNG predictor): an annotation and /ModDate, text added to page 1, a page added" --text
  else
    missing handmade "$PY with pikepdf not found (Debian: python3-pikepdf)"
  fi
fi

# ---------------------------------------------------------------- manifest, foreign signer files

log "derived files: $((SECONDS - T0)) s"
{
  printf 'file\tproducer\tdescription\n'
  LC_ALL=C sort "$MANIFEST_BODY"
} > "$OUT/manifest.tsv"
COUNT=$(wc -l < "$MANIFEST_BODY")
log "$COUNT PDFs in $OUT ($(( $(date +%s) - START )) s)"

if [ -x "$HERE/foreign.sh" ]; then
  "$HERE/foreign.sh" "$OUT"
fi
