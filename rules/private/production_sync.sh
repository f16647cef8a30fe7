#!/usr/bin/env bash
# The production/ tree in the source tree, against the built one (chronon_production's `.update` and `_test`).
#
#   production_sync.sh check  MANIFEST CONF_TOOL DIR UPDATE_LABEL --checked_in=LISTING
#   production_sync.sh update MANIFEST CONF_TOOL DIR UPDATE_LABEL [--force-overwrite]
#
# MANIFEST lines are `<path under production/>\t<runfiles path of the built file>`; DIR is the checked-in tree,
# relative to the workspace root. `check` runs as a test in the runfiles tree, where the checked-in files named by
# LISTING are present; `update` runs under `bazel run` and writes into $BUILD_WORKSPACE_DIRECTORY/DIR.
#
# Online guard (compile.py `safe_to_overwrite`, spec §3.3): an existing online GroupBy or Join whose content changes
# (ignoring metaData, and for Joins the join parts' GroupBy metaData and onlineExternalParts) is reported on its
# own; `update` refuses to write anything until acknowledged with --force-overwrite, as compile.py refuses without it.
set -euo pipefail

mode=$1 manifest=$2 conf_tool=$3 dir=$4 update_label=$5
shift 5
force=0
listing=
for arg in "$@"; do
  case $arg in
    --force-overwrite) force=1 ;;
    --checked_in=*) listing=${arg#--checked_in=} ;;
    *)
      echo "error: unknown argument $arg (the only option is --force-overwrite)" >&2
      exit 2
      ;;
  esac
done

KINDS=(group_bys joins staging_queries)

# kind_of REL: the conf kind (compiler name and compile.py class name) of a path under production/.
kind_of() {
  case ${1%%/*} in
    group_bys) echo "group_by GroupBy" ;;
    joins) echo "join Join" ;;
    *) echo "staging_query StagingQuery" ;;
  esac
}

# guarded OLD NEW REL: whether compile.py would refuse to overwrite OLD with NEW.
guarded() {
  local kind status=0
  read -r kind _ <<<"$(kind_of "$3")"
  "$conf_tool" online-guard "$kind" "$1" "$2" || status=$?
  case $status in
    0) return 1 ;;
    3) return 0 ;;
    *)
      echo "error: cannot compare $dir/$3 with its built version" >&2
      exit 1
      ;;
  esac
}

if [[ $mode == update ]]; then
  [[ -n ${BUILD_WORKSPACE_DIRECTORY:-} ]] || {
    echo "error: run this with \`bazel run $update_label\`" >&2
    exit 2
  }
  root=$BUILD_WORKSPACE_DIRECTORY/$dir
else
  root=$dir
fi

declare -A built=()
added=() changed=() online=() unchanged=0
while IFS=$'\t' read -r rel file; do
  built[$rel]=$file
  if [[ $mode == check && ! -e $root/$rel ]] || [[ $mode == update && ! -f $root/$rel ]]; then
    added+=("$rel")
  elif cmp -s "$root/$rel" "$file"; then
    unchanged=$((unchanged + 1))
  elif guarded "$root/$rel" "$file" "$rel"; then
    online+=("$rel")
  else
    changed+=("$rel")
  fi
done <"$manifest"

removed=()
if [[ $mode == check ]]; then
  while read -r path; do
    rel=${path#"$dir"/}
    [[ $rel == "$path" || -n ${built[$rel]+x} ]] && continue
    case ${rel%%/*} in group_bys | joins | staging_queries) removed+=("$rel") ;; esac
  done <"$listing"
else
  for kind in "${KINDS[@]}"; do
    [[ -d $root/$kind ]] || continue
    while IFS= read -r -d '' path; do
      rel=${path#"$root"/}
      [[ -n ${built[$rel]+x} ]] || removed+=("$rel")
    done < <(find "$root/$kind" -type f -print0 | sort -z)
  done
fi

online_message() {
  local rel=$1 class
  read -r _ class <<<"$(kind_of "$rel")"
  echo "ONLINE CONF CHANGED: $dir/$rel"
  echo "  It is online in the checked-in tree and its content changed (metaData aside). compile.py refuses this:"
  echo "  \"Cannot overwrite $class $rel with existing online conf\". Online features are frozen in production."
}

if [[ $mode == check ]]; then
  total=$((${#added[@]} + ${#changed[@]} + ${#removed[@]} + ${#online[@]}))
  if ((total == 0)); then
    echo "$dir/ is up to date ($unchanged files)"
    exit 0
  fi
  echo "$dir/ is stale: ${#changed[@]} changed, ${#added[@]} new, ${#removed[@]} whose definitions are gone," \
    "${#online[@]} online conf(s) changed"
  for rel in "${added[@]}"; do echo; echo "NEW: $dir/$rel (not checked in)"; done
  for rel in "${removed[@]}"; do echo; echo "GONE: $dir/$rel (no definition builds it any more)"; done
  for rel in "${changed[@]}" "${online[@]}"; do
    echo
    if [[ " ${online[*]} " == *" $rel "* ]]; then online_message "$rel"; else echo "CHANGED: $dir/$rel"; fi
    diff -u --label "$dir/$rel (checked in)" --label "$dir/$rel (built)" "$root/$rel" "${built[$rel]}" | head -n 60 || true
  done
  echo
  if ((${#online[@]})); then
    echo "If the online change is intended, acknowledge it (as compile.py --force-overwrite does) and update with:"
    echo "  bazel run $update_label -- --force-overwrite"
  else
    echo "To update $dir/, run:"
    echo "  bazel run $update_label"
  fi
  exit 1
fi

if ((${#online[@]})) && ((!force)); then
  for rel in "${online[@]}"; do online_message "$rel" >&2; done
  {
    echo
    echo "Nothing was written. If the change is intended, acknowledge it with:"
    echo "  bazel run $update_label -- --force-overwrite"
  } >&2
  exit 1
fi
for rel in "${added[@]}" "${changed[@]}" "${online[@]}"; do
  mkdir -p "$(dirname "$root/$rel")"
  rm -f "$root/$rel"
  cp "${built[$rel]}" "$root/$rel"
  chmod 0644 "$root/$rel"
  echo "wrote $dir/$rel"
done
for rel in "${removed[@]}"; do
  rm -f "$root/$rel"
  echo "removed $dir/$rel"
done
for kind in "${KINDS[@]}"; do
  [[ -d $root/$kind ]] && find "$root/$kind" -type d -empty -delete
done
acknowledged=
((${#online[@]})) && acknowledged=" (${#online[@]} online, acknowledged with --force-overwrite)"
echo "$dir/: $((${#added[@]} + ${#changed[@]} + ${#online[@]})) written$acknowledged, ${#removed[@]} removed," \
  "$unchanged unchanged"
