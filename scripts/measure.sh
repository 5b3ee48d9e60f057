#!/usr/bin/env bash
# Measures the reader side by side with `less` and `grep` on this machine, in one run:
# first frame and key latency in a 200x60 pseudo-terminal (scripts/pty_time.py), `search`
# against `grep -c -i` (hyperfine), and peak memory (GNU time), on the embedded issue and on
# the generated 9 MB archive. Prints a Markdown table.
#
#   scripts/measure.sh [RUNS]        (needs: python3, less, hyperfine, GNU time)
#   NO_BUILD=1 scripts/measure.sh    (measure the release binary already built)
#
# The reader keeps its saved state and its cache of parsed files in a temporary home, so
# earlier sessions do not change where it opens or what it has to parse. The reader is timed
# with the cache off (as on a first open) and, for its first frame, with it warm; `search` on
# a first search (no entry: it reads the archive page by page), a second (it parses the archive
# and writes the entry) and warm (it reads the entry). For scale, examples/ratatui-floor (one
# pane of text, a status line) is timed in turn with the reader, and examples/crossterm-floor
# (a key read, a line scrolled in; or a text column rewritten) in turn with less. Every time is a median of
# RUNS (hyperfine's spread after it), so that a run disturbed by the machine moves it little;
# the ratio column divides the reader's median by the other program's.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${1:-20}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for tool in python3 less hyperfine /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 2; }
done

if [ -z "${NO_BUILD:-}" ]; then
    cargo build --release --quiet
    cargo run --release --quiet --example make-archive -- "$work/archive.txt"
    cargo build --release --quiet --example ratatui-floor --example crossterm-floor
else
    target/release/examples/make-archive "$work/archive.txt"
fi
cp assets/the-broker-issue-1.txt "$work/issue.txt"
bin=$PWD/target/release/broker-reader
export HOME=$work/home XDG_STATE_HOME=$work/home XDG_CONFIG_HOME=$work/home XDG_DATA_HOME=$work/home
export XDG_CACHE_HOME=$work/cache
mkdir -p "$work/home"
# A file modified in the last two seconds gets no cache entry (its stamp may not show a change
# made in the same tick), so the archive is dated back.
touch -d '1 minute ago' "$work/archive.txt" "$work/issue.txt"
nocache="env BROKER_READER_NO_CACHE=1"
pty="python3 scripts/pty_time.py --runs $runs"
query=cluster

# JSON field from a pty_time.py result.
field() { python3 -c 'import json,sys; v=json.loads(sys.argv[1]).get(sys.argv[2]); print("-" if v is None else v)' "$1" "$2"; }
# Median time in ms from a hyperfine JSON export, with the standard deviation.
median_ms() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]; print("%.2f ± %.2f" % (r["median"]*1e3, r["stddev"]*1e3))' "$1" "$2"; }
# Median time in ms from a hyperfine JSON export, as a bare number.
median_of() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]; print(r["median"]*1e3)' "$1" "$2"; }
# How many times the second figure the first is ("-" when either is missing).
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2f×", a/b }'; }
# Peak RSS in MB of a command's run.
rss_mb() { /usr/bin/time -f %M -o "$work/rss" "$@" >/dev/null; awk '{printf "%.1f", $1/1024}' "$work/rss"; }

echo "measuring first frame, keys and memory in a pseudo-terminal ($runs runs each)..." >&2
# First frames are timed in turn with less's (--pair), run by run, and key presses go to both
# programs in turn, so that a drift of the machine's speed during the measurement falls on
# both alike.
less_issue=$($pty --ready issue.txt --anywhere --runs 1 --rss -- less "$work/issue.txt")
reader_issue=$($pty --ready help --rss \
    --pair "less $work/issue.txt" --pair-ready issue.txt --pair-anywhere -- "$bin")
less_archive=$($pty --ready archive.txt --anywhere --runs 1 --rss -- less "$work/archive.txt")
reader_archive=$($pty --ready help --settle loaded --presses "$runs" --rss \
    --pair "less $work/archive.txt" --pair-ready archive.txt --pair-anywhere \
    -- $nocache "$bin" --file "$work/archive.txt")
# Halfway down the first article, where the text column holds text on every row.
reader_onward=$(env XDG_STATE_HOME="$work/onward" $pty --ready help --settle loaded \
    --presses "$runs" --keys jjjjjjjjjjjjjjj --pair "less $work/archive.txt" \
    --pair-ready archive.txt --pair-anywhere -- $nocache "$bin" --file "$work/archive.txt")
# The text alone (`z`), scrolled on the terminal; its own state directory, as the reader
# remembers the choice.
reader_alone=$(env XDG_STATE_HOME="$work/alone" $pty --ready help --settle loaded \
    --presses "$runs" --keys z --pair "less $work/archive.txt" --pair-ready archive.txt \
    --pair-anywhere -- $nocache "$bin" --file "$work/archive.txt")
"$bin" --file "$work/archive.txt" entities >/dev/null   # writes the cache entry, entities too
reader_cached=$($pty --ready help --rss \
    --pair "less $work/archive.txt" --pair-ready archive.txt --pair-anywhere \
    -- "$bin" --file "$work/archive.txt")
# The floor is timed in turn with the reader (first frames launch by launch, presses in turn),
# so that the two are compared under the same drift.
floor=$($pty --ready help --settle loaded --presses "$runs" \
    --pair "$PWD/target/release/examples/ratatui-floor" --pair-ready help \
    -- $nocache "$bin" --file "$work/archive.txt")

# And the least crossterm program that answers a key as the text alone does, in turn with
# less: what reading keys through crossterm on a thread and writing a scroll cost by themselves.
keys_floor=$($pty --ready help --runs 0 --presses "$runs" \
    --pair "less $work/archive.txt" --pair-ready archive.txt --pair-anywhere \
    -- "$PWD/target/release/examples/crossterm-floor")
# The same program rewriting a text column instead, in frames either side of the 4,095 bytes
# a pseudo-terminal hands its reader at once.
column_floor() {
    $pty --ready help --runs 0 --presses "$runs" \
        --pair "less $work/archive.txt" --pair-ready archive.txt --pair-anywhere \
        -- "$PWD/target/release/examples/crossterm-floor" --column "$1"
}
column_under=$(column_floor 3900)
column_over=$(column_floor 4300)

echo "timing search against grep..." >&2
# Output goes to a pipe, not /dev/null: GNU grep notices /dev/null and stops at the first
# match, which makes `grep -c` look four times faster than it is.
hyperfine -N --output=pipe --warmup 3 --runs "$runs" --export-json "$work/search.json" \
    "$bin --file $work/archive.txt search $query" "grep -c -i $query $work/archive.txt" \
    "$bin --file $work/archive.txt search --count $query" >/dev/null 2>&1
# A file's first search reads it page by page and writes no cache entry; the second parses it
# whole and writes one. grep is timed again in the same run, so the first search is compared
# with a grep timed minutes, not seconds, apart.
hyperfine -N --output=pipe --warmup 1 --runs "$runs" --prepare "rm -rf $work/cache" \
    --export-json "$work/cold.json" "$bin --file $work/archive.txt search $query" \
    "$bin --file $work/archive.txt search --count $query" \
    "grep -c -i $query $work/archive.txt" >/dev/null 2>&1
hyperfine -N --output=pipe --warmup 1 --runs "$runs" \
    --prepare "sh -c 'rm -rf $work/cache; $bin --file $work/archive.txt search $query >/dev/null'" \
    --export-json "$work/second.json" "$bin --file $work/archive.txt search $query" >/dev/null 2>&1
hyperfine -N --warmup 3 --runs "$runs" --export-json "$work/issue.json" \
    "$bin list" "$bin search $query" "$bin entities" >/dev/null 2>&1

size_mb=$(awk -v b="$(stat -c %s "$work/archive.txt")" 'BEGIN { printf "%.1f", b/1048576 }')
cold_grep=$(median_of "$work/cold.json" 2)
warm_grep=$(median_of "$work/search.json" 1)
cat <<EOF
| measure | broker-reader | less / grep | ratio |
|---|---|---|---|
| embedded issue: whole \`list\` process (start, the copy parsed at build time decoded and indexed, output) | $(median_ms "$work/issue.json" 0) ms | | |
| embedded issue: whole \`entities\` process (the same, entities listed) | $(median_ms "$work/issue.json" 2) ms | | |
| embedded issue: first frame (200×60) | $(field "$reader_issue" first_frame_ms) ms | less $(field "$reader_issue" pair_first_frame_ms) ms | $(ratio "$(field "$reader_issue" first_frame_ms)" "$(field "$reader_issue" pair_first_frame_ms)") |
| embedded issue: peak memory (reader) | $(awk -v k="$(field "$reader_issue" max_rss_kb)" 'BEGIN{printf "%.1f", k/1024}') MB | less $(awk -v k="$(field "$less_issue" max_rss_kb)" 'BEGIN{printf "%.1f", k/1024}') MB | |
| ${size_mb} MB archive: first frame (200×60), no cache | $(field "$reader_archive" first_frame_ms) ms | less $(field "$reader_archive" pair_first_frame_ms) ms | $(ratio "$(field "$reader_archive" first_frame_ms)" "$(field "$reader_archive" pair_first_frame_ms)") |
| ${size_mb} MB archive: first frame (200×60), cached | $(field "$reader_cached" first_frame_ms) ms | less $(field "$reader_cached" pair_first_frame_ms) ms | $(ratio "$(field "$reader_cached" first_frame_ms)" "$(field "$reader_cached" pair_first_frame_ms)") |
| ${size_mb} MB archive: key to end of redraw (\`j\`/\`k\`) | $(field "$reader_archive" key_ms) ms | less $(field "$reader_archive" pair_key_ms) ms | $(ratio "$(field "$reader_archive" key_ms)" "$(field "$reader_archive" pair_key_ms)") |
| ${size_mb} MB archive: the same, 15 lines down the first article (\`j\` pressed 15 times first) | $(field "$reader_onward" key_ms) ms | less $(field "$reader_onward" pair_key_ms) ms | $(ratio "$(field "$reader_onward" key_ms)" "$(field "$reader_onward" pair_key_ms)") |
| ${size_mb} MB archive: the same, the text alone (\`z\`: scrolled on the terminal, the new line written) | $(field "$reader_alone" key_ms) ms | less $(field "$reader_alone" pair_key_ms) ms | $(ratio "$(field "$reader_alone" key_ms)" "$(field "$reader_alone" pair_key_ms)") |
| for scale: the least ratatui program (\`examples/ratatui-floor\`), timed in turn with the reader on the archive: first frame / key to end of redraw | $(field "$floor" pair_first_frame_ms) ms / $(field "$floor" pair_key_ms) ms | reader in the same run: $(field "$floor" first_frame_ms) ms / $(field "$floor" key_ms) ms | |
| for scale: the least crossterm program answering a key as the text alone does (\`examples/crossterm-floor\`: keys read on a thread, a line scrolled in, the position), key to end of redraw, in turn with less | $(field "$keys_floor" key_ms) ms | less $(field "$keys_floor" pair_key_ms) ms | $(ratio "$(field "$keys_floor" key_ms)" "$(field "$keys_floor" pair_key_ms)") |
| for scale: the same program rewriting a text column on every key (\`--column\`), frames of about 3.9 KB / 4.3 KB, key to end of redraw, in turn with less | $(field "$column_under" key_ms) ms / $(field "$column_over" key_ms) ms | less $(field "$column_under" pair_key_ms) ms / $(field "$column_over" pair_key_ms) ms | $(ratio "$(field "$column_under" key_ms)" "$(field "$column_under" pair_key_ms)") / $(ratio "$(field "$column_over" key_ms)" "$(field "$column_over" pair_key_ms)") |
| ${size_mb} MB archive: \`search $query\`, whole process, first search (read page by page, no cache entry) | $(median_ms "$work/cold.json" 0) ms | \`grep -c -i\` $(median_ms "$work/cold.json" 2) ms | $(ratio "$(median_of "$work/cold.json" 0)" "$cold_grep") |
| ${size_mb} MB archive: \`search --count $query\`, whole process, first search | $(median_ms "$work/cold.json" 1) ms | \`grep -c -i\` $(median_ms "$work/cold.json" 2) ms | $(ratio "$(median_of "$work/cold.json" 1)" "$cold_grep") |
| ${size_mb} MB archive: \`search $query\`, whole process, second search (parse, write the cache entry) | $(median_ms "$work/second.json" 0) ms | \`grep -c -i\` $(median_ms "$work/search.json" 1) ms | $(ratio "$(median_of "$work/second.json" 0)" "$warm_grep") |
| ${size_mb} MB archive: \`search $query\`, whole process, warm (cached) | $(median_ms "$work/search.json" 0) ms | \`grep -c -i\` $(median_ms "$work/search.json" 1) ms | $(ratio "$(median_of "$work/search.json" 0)" "$warm_grep") |
| ${size_mb} MB archive: \`search --count $query\`, whole process, warm | $(median_ms "$work/search.json" 2) ms | \`grep -c -i\` $(median_ms "$work/search.json" 1) ms | $(ratio "$(median_of "$work/search.json" 2)" "$warm_grep") |
| ${size_mb} MB archive: peak memory (reader, fully loaded) | $(awk -v k="$(field "$reader_archive" max_rss_kb)" 'BEGIN{printf "%.1f", k/1024}') MB | less $(awk -v k="$(field "$less_archive" max_rss_kb)" 'BEGIN{printf "%.1f", k/1024}') MB | $(awk -v k="$(field "$reader_archive" max_rss_kb)" -v b="$(stat -c %s "$work/archive.txt")" 'BEGIN{printf "%.2f× the file", k*1024/b}') |
| ${size_mb} MB archive: peak memory (\`search\`, first / second) | $(rm -rf "$work/cache"; rss_mb "$bin" --file "$work/archive.txt" search $query) / $(rss_mb "$bin" --file "$work/archive.txt" search $query) MB | grep $(rss_mb grep -c -i $query "$work/archive.txt") MB | |
| ${size_mb} MB archive: peak memory (\`search\`, warm) | $(rss_mb "$bin" --file "$work/archive.txt" search $query) MB | grep $(rss_mb grep -c -i $query "$work/archive.txt") MB | |
EOF
