#!/usr/bin/env bash
# The step of the srcfn GitHub Action (action.yml), run in the checked-out repository:
#   srcfn check --format github; then, given a base revision, srcfn diff --base BASE --format github, and the
#   same diff as Markdown appended to $GITHUB_STEP_SUMMARY.
# Environment: SRCFN_SPECS, SRCFN_BUILD (folders), SRCFN_BASE (a revision; empty: no diff),
#   SRCFN_ALLOW_BREAKING (true|false), SRCFN_REPLAY (an NDJSON file, optional).
# Exit: the highest exit code of the commands run (0 clean, 1 findings or a breaking change, 2 bad input).
set -u
specs="${SRCFN_SPECS:-specs}"
build="${SRCFN_BUILD:-build}"
base="${SRCFN_BASE:-}"
status=0

run() {
  "$@"
  local code=$?
  if [ "$code" -gt "$status" ]; then status=$code; fi
}

run srcfn check --format github --specs "$specs" --build "$build"

if [ -z "$base" ]; then
  echo "srcfn: no base revision (not a pull request, and no 'base' input): diff skipped"
  exit "$status"
fi
if ! git cat-file -e "${base}^{commit}" 2>/dev/null; then
  # actions/checkout fetches one commit by default: fetch the base too.
  if ! git fetch --quiet --no-tags --depth=1 origin "$base"; then
    echo "::error title=srcfn diff::cannot fetch the base revision $base from origin (checkout with fetch-depth: 0)"
    exit 2
  fi
fi
args=(--base "$base" --specs "$specs")
if [ "${SRCFN_ALLOW_BREAKING:-false}" = "true" ]; then args+=(--allow-breaking); fi
if [ -n "${SRCFN_REPLAY:-}" ]; then args+=(--replay "$SRCFN_REPLAY"); fi
run srcfn diff "${args[@]}" --format github
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  srcfn diff "${args[@]}" --format markdown >> "$GITHUB_STEP_SUMMARY"
fi
exit "$status"
