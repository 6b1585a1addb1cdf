#!/usr/bin/env bash
# Soak test: several processes run mixed add / remove / search / export against one
# temporary data folder for a while; then every reported success is checked against the
# manifest, the documents listed and the search index.
#
#   scripts/soak.sh [SECONDS] [WORKERS]        (default 180 s, 4 workers)
#
# The binary is $POLICYNAV_BIN, else target/release/policynav (built if missing).
# Nothing outside a temporary folder is touched. Exits non-zero on any failed operation
# or any check that does not hold, and prints the figures recorded in BENCHMARKS.md.
set -euo pipefail

SECONDS_TO_RUN=${1:-180}
WORKERS=${2:-4}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${POLICYNAV_BIN:-$ROOT/target/release/policynav}
if [ ! -x "$BIN" ]; then
    (cd "$ROOT" && cargo build --release --locked --bin policynav)
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/policynav-soak.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export POLICYNAV_DATA_DIR="$WORK/data"
export POLICYNAV_TODAY=2025-06-01
unset POLICYNAV_INDEX
INDEX="$WORK/index"
pn() { "$BIN" --index "$INDEX" "$@"; }

# A policy text of its own for worker $1, document $2: distinct title and measures, so
# that no addition is a duplicate of another and each can be found by its batch number.
policy() {
    local w=$1 n=$2
    echo "上海市关于支持中小企业发展的若干措施（第${w}组第${n}批）"
    for k in 1 2 3 4 5; do
        echo "${k}.支持企业开展第${w}组第${n}批第${k}项专项行动，给予每家不超过$((w * 100 + n * 10 + k))万元的资金补贴。"
    done
}

QUERIES=(上市 补贴 专项行动 "专精特新 300万" 展会 "资金补贴 -上市" 融资 "知识产权" "level:city 上市" 服务券)

worker() {
    local w=$1 deadline=$2 log="$WORK/worker-$1.log"
    local n=0 added=() op pick id out rc
    : >"$log"
    while [ "$(date +%s)" -lt "$deadline" ]; do
        pick=$((RANDOM % 10))
        if [ "$pick" -lt 3 ] || [ ${#added[@]} -eq 0 ]; then
            op=add
            n=$((n + 1))
            policy "$w" "$n" >"$WORK/w$w-$n.txt"
            if [ $((n % 2)) -eq 0 ]; then
                out=$(pn add "$WORK/w$w-$n.txt" --id "w$w-n$n" --json 2>"$WORK/err-$w") && rc=0 || rc=$?
            else
                # no --id: every worker wants the same inferred id (shanghai-undated)
                out=$(pn add "$WORK/w$w-$n.txt" --json 2>"$WORK/err-$w") && rc=0 || rc=$?
            fi
            id=$(printf '%s\n' "$out" | sed -n 's/^  "id": "\(.*\)",$/\1/p' | head -1)
            if [ "$rc" -eq 0 ] && [ -n "$id" ]; then
                added+=("$id")
                echo "add $id ok" >>"$log"
            else
                echo "add w$w-$n FAIL rc=$rc $(head -c 300 "$WORK/err-$w")" >>"$log"
            fi
        elif [ "$pick" -lt 5 ]; then
            op=remove
            local i=$((RANDOM % ${#added[@]}))
            id=${added[$i]}
            if pn remove "$id" >/dev/null 2>"$WORK/err-$w"; then
                added=("${added[@]:0:$i}" "${added[@]:$((i + 1))}")
                echo "remove $id ok" >>"$log"
            else
                echo "remove $id FAIL $(head -c 300 "$WORK/err-$w")" >>"$log"
            fi
        elif [ "$pick" -lt 9 ]; then
            op=search
            local q=${QUERIES[$((RANDOM % ${#QUERIES[@]}))]}
            if pn search "$q" --json --limit 5 >/dev/null 2>"$WORK/err-$w"; then
                echo "search ok" >>"$log"
            else
                echo "search '$q' FAIL $(head -c 300 "$WORK/err-$w")" >>"$log"
            fi
        else
            op=export
            if pn export --query 补贴 --limit 5 --out "$WORK/export-$w.md" --force \
                >/dev/null 2>"$WORK/err-$w"; then
                echo "export ok" >>"$log"
            else
                echo "export FAIL $(head -c 300 "$WORK/err-$w")" >>"$log"
            fi
        fi
    done
}

echo "soak: $WORKERS workers for ${SECONDS_TO_RUN}s with $BIN"
pn index >/dev/null
START=$(date +%s)
DEADLINE=$((START + SECONDS_TO_RUN))
for w in $(seq 1 "$WORKERS"); do
    worker "$w" "$DEADLINE" &
done
wait
ELAPSED=$(($(date +%s) - START))

cat "$WORK"/worker-*.log >"$WORK/all.log"
count() { grep -c "$1" "$WORK/all.log" || true; }
OPS=$(wc -l <"$WORK/all.log")
FAILED=$(count FAIL)
echo "operations: $OPS in ${ELAPSED}s (add $(count '^add '), remove $(count '^remove '), search $(count '^search'), export $(count '^export'))"
echo "failed operations: $FAILED"
grep FAIL "$WORK/all.log" | head -5 || true

# What must be there: every successful add not followed by the same worker's successful
# remove. (Workers only remove what they added; an id one removed may be taken again by
# another's later add, so each worker's log is read on its own.)
EXPECTED=$(awk '$3 == "ok" && $1 == "add" { live[FILENAME SUBSEP $2] = $2 }
    $3 == "ok" && $1 == "remove" { delete live[FILENAME SUBSEP $2] }
    END { for (k in live) print live[k] }' "$WORK"/worker-*.log | sort)
MANIFEST=$(sed -n 's/^id = "\(.*\)"$/\1/p' "$POLICYNAV_DATA_DIR/corpus/manifest.toml" 2>/dev/null | sort)
LISTED=$(pn docs --json | awk '/"id": /{ gsub(/[",]/, "", $2); id = $2 } /"origin": "user"/{ print id }' | sort)
problems=0
if [ "$EXPECTED" != "$MANIFEST" ]; then
    echo "manifest differs from the reported successes:"
    diff <(echo "$EXPECTED") <(echo "$MANIFEST") || true
    problems=$((problems + 1))
fi
if [ "$EXPECTED" != "$LISTED" ]; then
    echo "policynav docs differs from the reported successes:"
    diff <(echo "$EXPECTED") <(echo "$LISTED") || true
    problems=$((problems + 1))
fi
# The index answers every query, for every document that is listed.
unanswered=0
for id in $EXPECTED; do
    total=$(pn search 专项行动 --doc "$id" --json | sed -n 's/^  "total": \([0-9]*\),\{0,1\}$/\1/p')
    if [ "${total:-0}" -lt 5 ]; then
        echo "search finds ${total:-0} of the 5 provisions of $id"
        unanswered=$((unanswered + 1))
    fi
done
for q in "${QUERIES[@]}"; do
    pn search "$q" --json >/dev/null || { echo "search '$q' fails"; unanswered=$((unanswered + 1)); }
done
LEFT=$(find "$POLICYNAV_DATA_DIR/corpus" -name '.*tmp*' | wc -l)
echo "documents at the end: $(echo "$EXPECTED" | grep -c . || true); unanswered queries: $unanswered; leftover temporary files: $LEFT"
if [ "$FAILED" -ne 0 ] || [ "$problems" -ne 0 ] || [ "$unanswered" -ne 0 ] || [ "$LEFT" -ne 0 ]; then
    echo "soak: FAILED"
    exit 1
fi
echo "soak: ok"
