#!/usr/bin/env bash
# `production.update` killed with SIGKILL at random moments, on the bench repo (tools/bench/gen_repo.py 10 100 20:
# 1,200 confs). The tree goes from version A (team_9 left out) to version B (team_8 left out, every namespace
# renamed, so every remaining conf changes): about 1,080 files rewritten, 120 added and 120 removed.
# After every kill:
#   1. each file under production/ is byte for byte its version in A or its version in B (nothing truncated,
#      nothing half-written, nothing else), apart from the update's own staging directory; the index lists only
#      lines of A's or B's index;
#   2. the next run finishes the job: the tree is exactly B, the staging directory is gone, and the staleness check
#      passes.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

KILLS=${CHRONON_KILLS:-24}
tmp=$(mktemp -d)
ws=$tmp/ws
trap '(cd "$ws" 2>/dev/null && bazel shutdown 2>/dev/null) || true; rm -rf "$tmp"' EXIT
python3 "$ROOT/tools/bench/gen_repo.py" "$ws" 10 100 20 --rules="$ROOT"
cp "$ws/BUILD" "$tmp/BUILD.all"
cp "$ws/teams.json" "$tmp/teams.json.a"

# version NAME: builds the tree and writes the update script $tmp/NAME.sh (run outside Bazel, so it can be killed).
version() {
  bazel_in "$ws" build //:production >"$tmp/$1.build" 2>&1 || { tail -n 30 "$tmp/$1.build"; fail "build $1 failed"; }
  bazel_in "$ws" run --script_path="$tmp/$1.sh" //:production.update >/dev/null 2>&1 || fail "no update script"
}
# snapshot: every file under production/ but the staging directory and the index (checked line by line), as
# "<md5>  <path>", sorted.
snapshot() { (cd "$ws" && find production -path production/.chronon_staging -prune -o -type f \
  ! -path production/.chronon_managed -print0 | sort -z | xargs -0 md5sum); }

grep -v '/team_9:' "$tmp/BUILD.all" >"$ws/BUILD"
version a
rm -rf "$ws/production"
"$tmp/a.sh" >/dev/null || fail "filling production/ with version A failed"
cp -a "$ws/production" "$tmp/production.a"
snapshot >"$tmp/a.sums"

grep -v '/team_8:' "$tmp/BUILD.all" >"$ws/BUILD"
sed 's/"ns_/"nsb_/' "$tmp/teams.json.a" >"$ws/teams.json"
version b
"$tmp/b.sh" --force-overwrite >"$tmp/b.out" || { cat "$tmp/b.out"; fail "updating A to B failed"; }
tail -n 1 "$tmp/b.out"
snapshot >"$tmp/b.sums"
cp "$ws/production/.chronon_managed" "$tmp/b.index"
"$tmp/b.sh" --check >/dev/null || fail "the check fails after a complete update"
# The kill points are spread over the time an uninterrupted update takes in the loop's own conditions.
rm -rf "$ws/production"
cp -a "$tmp/production.a" "$ws/production"
start=$(date +%s%N)
"$tmp/b.sh" --force-overwrite >/dev/null || fail "updating A to B failed"
full_ms=$((($(date +%s%N) - start) / 1000000))
echo "A -> B: an uninterrupted update took $full_ms ms"

# Every (md5, path) of a snapshot taken mid-way must be A's or B's; so must every index line.
cat "$tmp/a.sums" "$tmp/b.sums" | sort -u >"$tmp/allowed.sums"
cat "$tmp/production.a/.chronon_managed" "$tmp/b.index" | sort -u >"$tmp/allowed.index"
# The first half of the kills is spread over 0..1.5x the uninterrupted time; the second half narrows in on the
# commit (the renames, a few ms of it): between the latest kill that found nothing renamed yet and the earliest
# that came after the end.
mixed=0 staged=0 done_before=0
before_us=0 after_us=$((full_ms * 1500))
half=$((KILLS / 2))
for i in $(seq 1 "$KILLS"); do
  rm -rf "$ws/production"
  cp -a "$tmp/production.a" "$ws/production"
  if ((i <= half)); then
    delay_us=$((full_ms * 1500 * (i - 1) / half + RANDOM % 5000))
  else
    delay_us=$((before_us + (after_us - before_us) * (RANDOM % 1000) / 1000))
  fi
  "$tmp/b.sh" --force-overwrite >/dev/null 2>&1 &
  pid=$!
  sleep "$(printf '%d.%06d' $((delay_us / 1000000)) $((delay_us % 1000000)))"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true

  snapshot >"$tmp/kill.sums"
  if ! comm -23 <(sort -u "$tmp/kill.sums") "$tmp/allowed.sums" >"$tmp/bad.sums" || [[ -s $tmp/bad.sums ]]; then
    head -n 5 "$tmp/bad.sums"
    fail "kill $i at ${delay_us} us: files that are neither A's nor B's version"
  fi
  if [[ -f $ws/production/.chronon_managed ]]; then
    comm -23 <(sort -u "$ws/production/.chronon_managed") "$tmp/allowed.index" >"$tmp/bad.index"
    [[ ! -s $tmp/bad.index ]] || fail "kill $i: index lines of neither version: $(head -n 3 "$tmp/bad.index")"
  fi
  if cmp -s "$tmp/kill.sums" "$tmp/b.sums"; then
    done_before=$((done_before + 1))
    ((delay_us < after_us)) && after_us=$delay_us
  elif ! cmp -s "$tmp/kill.sums" "$tmp/a.sums"; then
    mixed=$((mixed + 1))
  elif ((delay_us > before_us)); then
    before_us=$delay_us
  fi
  [[ -d $ws/production/.chronon_staging ]] && staged=$((staged + 1))

  "$tmp/b.sh" --force-overwrite >"$tmp/finish.out" 2>&1 || { cat "$tmp/finish.out"; fail "kill $i: the next run failed"; }
  snapshot >"$tmp/finished.sums"
  cmp -s "$tmp/finished.sums" "$tmp/b.sums" || {
    diff "$tmp/b.sums" "$tmp/finished.sums" | head -n 5
    fail "kill $i: the next run did not finish the job"
  }
  [[ ! -e $ws/production/.chronon_staging ]] || fail "kill $i: the next run left the staging directory"
  cmp -s "$ws/production/.chronon_managed" "$tmp/b.index" || fail "kill $i: the index is not B's after the next run"
done
"$tmp/b.sh" --check >/dev/null || fail "the check fails after the last recovery"
echo "$KILLS kills: every file was A's or B's version each time ($mixed left a mix of both, $staged left staged" \
  "files, $done_before came after the update had finished); every next run finished the job"
