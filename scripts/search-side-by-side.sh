#!/usr/bin/env bash
# Query latency of this tree and of an earlier commit, side by side on one machine, in
# one run: each is built with `examples/query_latency.rs` (copied into the earlier
# commit's worktree), each searches the same generated corpus with its own store, and
# the two alternate RUNS times, so that a slow spell of a noisy host falls on both.
#
# Usage: scripts/search-side-by-side.sh DIR [BASE [RUNS [ROUNDS]]]
#   DIR     a generated corpus with its store built by this tree: DIR/corpus, DIR/index
#           (`POLICYNAV_BENCH_SIZES=10000 POLICYNAV_BENCH_DIR=D cargo bench --bench links`
#           makes D/generated-10000)
#   BASE    the commit to compare with (default 4ccee91, the search before issue 14)
#   RUNS    alternations (default 6); ROUNDS: rounds of the 12 queries per run (30)
# With CPUS=LIST in the environment (e.g. CPUS=1), both run pinned to those cores
# (`taskset -c LIST`): a search that spreads over cores then has only those, as on a
# machine busy with other work.
# The earlier commit's store is built once, in DIR/base-index, from DIR/corpus's texts
# and manifest with that commit's own rule files (DIR/base-corpus). Prints each run's
# line (p50, p99, each query's mean, ms), then the median p50 and p99 of each side.
set -euo pipefail
cd "$(dirname "$0")/.."

dir=${1:?usage: scripts/search-side-by-side.sh DIR [BASE [RUNS [ROUNDS]]]}
dir=$(cd "$dir" && pwd)
base=${2:-4ccee91}
runs=${3:-6}
rounds=${4:-30}
[ -f "$dir/corpus/manifest.toml" ] || { echo "search-side-by-side: $dir/corpus/manifest.toml: no generated corpus" >&2; exit 2; }

work=target/side-by-side
mkdir -p "$work"
work=$(cd "$work" && pwd)
export POLICYNAV_DATA_DIR="$work/data"

echo "building this tree's example" >&2
cargo build --release --quiet --example query_latency
now=target/release/examples/query_latency

tree="$work/base-$base"
if [ ! -d "$tree" ]; then
    git worktree add --detach "$tree" "$base" >&2
fi
mkdir -p "$tree/examples" "$tree/benches/common"
cp examples/query_latency.rs "$tree/examples/"
cp benches/common/queries.rs "$tree/benches/common/"
echo "building $base's example" >&2
(cd "$tree" && CARGO_TARGET_DIR="$work/base-target" cargo build --release --quiet --example query_latency)
then_bin="$work/base-target/release/examples/query_latency"

# the earlier commit reads the same texts and manifest with its own rule files
bc="$dir/base-corpus"
if [ ! -f "$bc/manifest.toml" ]; then
    mkdir -p "$bc"
    for f in "$dir"/corpus/*.txt; do
        [ "$(basename "$f")" = dict.txt ] || ln -sf "$f" "$bc/"
    done
    cp "$dir/corpus/manifest.toml" "$bc/"
    for f in "$tree"/corpus/*.toml "$tree"/corpus/dict.txt; do
        [ -f "$f" ] && [ "$(basename "$f")" != manifest.toml ] && cp "$f" "$bc/"
    done
fi
echo "opening (or building) both stores" >&2
"$then_bin" "$bc" "$dir/base-index" 1 >/dev/null
"$now" "$dir/corpus" "$dir/index" 1 >/dev/null

pin=()
if [ -n "${CPUS:-}" ]; then
    command -v taskset >/dev/null || { echo "search-side-by-side: CPUS needs taskset (util-linux)" >&2; exit 2; }
    pin=(taskset -c "$CPUS")
    echo "both pinned to cores $CPUS" >&2
fi
then_lines=()
now_lines=()
for i in $(seq "$runs"); do
    l=$("${pin[@]}" "$then_bin" "$bc" "$dir/base-index" "$rounds"); echo "$base  $l"; then_lines+=("$l")
    l=$("${pin[@]}" "$now" "$dir/corpus" "$dir/index" "$rounds"); echo "now      $l"; now_lines+=("$l")
done
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
for side in then now; do
    if [ $side = then ]; then name=$base; lines=("${then_lines[@]}"); else name=now; lines=("${now_lines[@]}"); fi
    p50=$(printf '%s\n' "${lines[@]}" | awk '{print $2}' | median)
    p99=$(printf '%s\n' "${lines[@]}" | awk '{print $4}' | median)
    echo "median of $runs runs, $name: p50 $p50 ms, p99 $p99 ms"
done
