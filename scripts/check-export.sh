#!/usr/bin/env bash
# Renders digests the way a client opens them and checks what comes out:
#   * DOCX through pandoc (the tables and their text are there) and through headless
#     LibreOffice to PDF and PNG pages;
#   * HTML through headless Chromium to PDF (print to A4) and PNG pages;
#   * XLSX through LibreOffice back to CSV, with the amount column summed and compared
#     with the JSON digest.
# for a digest of 5 clauses and one of 40 (both with equivalent measures, as the
# navigator exports them), and prints the page counts.
#
# Needs: pandoc, soffice (libreoffice-writer-nogui, libreoffice-calc-nogui), chromium,
# pdfinfo/pdftoppm/pdftotext (poppler-utils), python3, and a CJK font (fonts-noto-cjk):
#   apt-get install -y pandoc libreoffice-writer-nogui libreoffice-calc-nogui chromium \
#       poppler-utils fonts-noto-cjk python3
# A tool that is missing is reported and its checks are skipped (exit 0), so CI may
# run this anywhere. Any check that runs and fails exits 1.
#
# Usage: scripts/check-export.sh [OUT_DIR]   (default target/check-export)
#        POLICYNAV=path/to/policynav scripts/check-export.sh
set -uo pipefail
cd "$(dirname "$0")/.."

out=${1:-target/check-export}
rm -rf "$out"
mkdir -p "$out/data"
out=$(cd "$out" && pwd)
bin=${POLICYNAV:-target/debug/policynav}
if [ ! -x "$bin" ]; then
    echo "check-export: building policynav"
    cargo build --quiet || exit 1
fi
export POLICYNAV_TODAY=2025-03-01 POLICYNAV_DATA_DIR="$out/data"

failed=0
fail() {
    echo "check-export: FAIL: $*"
    failed=1
}
have() {
    if command -v "$1" >/dev/null 2>&1; then
        return 0
    fi
    echo "check-export: $1 is not installed; $2 skipped"
    return 1
}

# The two digests: five clauses named by id (listing subsidies, trade fairs, an expired
# district measure), and the forty best hits of a broad query; each with its equivalent
# measures (as the navigator exports) and, for the page counts, without.
five=(beijing-2021/9.4 beijing-2024/6.5 beijing-2021/11.5 zhejiang-2023/13.4 haidian-2013/3.1.3.1)
export_set() { # NAME FORMAT ARGS...
    local name=$1 format=$2
    shift 2
    "$bin" export "$@" --format "$format" --out "$out/$name.$format" --force 2>/dev/null ||
        fail "export $name.$format"
}
for format in docx html xlsx json md; do
    export_set five "$format" "${five[@]}" --with-links
    export_set forty "$format" --query "支持 企业" --limit 40 --with-links
done
for format in docx html; do
    export_set five-nolinks "$format" "${five[@]}"
    export_set forty-nolinks "$format" --query "支持 企业" --limit 40
done

pages() { pdfinfo "$1" 2>/dev/null | awk '/^Pages:/ {print $2}'; }
summary=()

# DOCX through pandoc: the tables must survive with their text
if have pandoc "the pandoc check of the DOCX"; then
    for name in five forty; do
        pandoc -f docx -t plain "$out/$name.docx" -o "$out/$name.pandoc.txt" || fail "pandoc $name.docx"
        pandoc -f docx -t json "$out/$name.docx" -o "$out/$name.pandoc.json" || fail "pandoc $name.docx json"
        tables=$(grep -o '"t":"Table"' "$out/$name.pandoc.json" | wc -l)
        [ "$tables" -ge 2 ] || fail "pandoc sees $tables tables in $name.docx"
        grep -q "beijing-2021" "$out/$name.pandoc.txt" || fail "pandoc: no source id in $name.docx"
        grep -q "文件来源" "$out/$name.pandoc.txt" || fail "pandoc: no sources heading in $name.docx"
        summary+=("$name.docx: pandoc reads $tables tables")
    done
fi

# DOCX through LibreOffice: PDF and PNG pages
if have soffice "the LibreOffice rendering of the DOCX and XLSX"; then
    profile=$(mktemp -d)
    for name in five forty five-nolinks forty-nolinks; do
        soffice -env:UserInstallation="file://$profile" --headless --convert-to pdf \
            --outdir "$out/lo" "$out/$name.docx" >/dev/null 2>&1 || fail "soffice $name.docx"
        pdf="$out/lo/$name.pdf"
        if [ -s "$pdf" ] && have pdftoppm "the PNG pages"; then
            pdftoppm -png -r 50 "$pdf" "$out/lo/$name-page"
            pdftotext "$pdf" "$out/lo/$name.txt"
            grep -q "政策条款摘编" "$out/lo/$name.txt" || fail "LibreOffice PDF of $name.docx has no title"
            grep -q "第 1 页" "$out/lo/$name.txt" || fail "LibreOffice PDF of $name.docx has no page numbers"
            summary+=("$name.docx via LibreOffice: $(pages "$pdf") A4 pages ($out/lo/$name-page-*.png)")
        fi
    done
    # XLSX back to CSV: the amounts are numbers and sum to what the JSON digest says
    if have python3 "the XLSX sum check"; then
        for name in five forty; do
            soffice -env:UserInstallation="file://$profile" --headless \
                --convert-to 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,1' \
                --outdir "$out/lo" "$out/$name.xlsx" >/dev/null 2>&1 || fail "soffice $name.xlsx"
            python3 - "$out/lo/$name-条款摘编.csv" "$out/$name.json" <<'PY' || fail "XLSX amounts of $name"
import csv, json, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8")))
head = rows[0]
col = head.index("最高金额（元）")
xlsx = sum(float(r[col]) for r in rows[1:] if r[col])
digest = json.load(open(sys.argv[2], encoding="utf-8"))
want = 0.0
for g in digest["groups"]:
    for e in g["entries"]:
        money = [f for f in e["figures"] if f["unit"] == "yuan"]
        if money:
            best = max(money, key=lambda f: f.get("value_max") or f["value"])
            if best["qualifier"] != "floor":
                want += best.get("value_max") or best["value"]
assert abs(xlsx - want) < 0.5, (xlsx, want)
print(f"  {sys.argv[1].rsplit('/', 1)[-1]}: {len(rows) - 1} rows, 最高金额 sums to {xlsx:,.0f} yuan as in the JSON")
PY
        done
    fi
    rm -rf "$profile"
fi

# HTML through Chromium: print to PDF
browser=""
for b in chromium chromium-browser google-chrome; do
    if command -v "$b" >/dev/null 2>&1; then browser=$b; break; fi
done
if [ -z "$browser" ]; then
    echo "check-export: chromium is not installed; the HTML print check skipped"
else
    for name in five forty five-nolinks forty-nolinks; do
        profile=$(mktemp -d)
        "$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
            --no-first-run --user-data-dir="$profile" --no-pdf-header-footer \
            --print-to-pdf="$out/$name.html.pdf" "file://$out/$name.html" >/dev/null 2>&1 ||
            fail "chromium $name.html"
        rm -rf "$profile"
        pdf="$out/$name.html.pdf"
        if [ -s "$pdf" ] && command -v pdftoppm >/dev/null 2>&1; then
            pdftoppm -png -r 50 "$pdf" "$out/$name-html-page"
            summary+=("$name.html via Chromium: $(pages "$pdf") A4 pages ($out/$name-html-page-*.png)")
        fi
    done
fi

echo "check-export: outputs in $out"
for line in "${summary[@]}"; do
    echo "  $line"
done
exit $failed
