#!/usr/bin/env bash
# Regenerates the pictures in docs/img from the shipped store, with a few
# actions added, as of a fixed date so the pictures only change when afi does.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp tracker.json "$tmp/tracker.json"
export AFI_DB="$tmp/tracker.json" AFI_USER="Improvement lead"
afi add I1 "Deliver unconscious bias training to all response officers" --owner "Insp Patel" --due 28/02/2025 >/dev/null
afi add I2 "Publish quarterly stop and search disproportionality analysis" --owner "Supt Jones" --due 10/04/2025 >/dev/null
afi add I2 "Commission University of Worcester review" --owner "Supt Jones" --due 30/06/2025 >/dev/null
afi done A2 --evidence https://www.westmercia.police.uk/stop-search-data >/dev/null
afi add I3 "Publish action taken on stop and search disparities" --owner "Supt Jones" --due 30/05/2025 >/dev/null
afi add I4 "Business case for counter-corruption analysts" --owner "DCI Ahmed" --due 31/05/2025 >/dev/null
afi block A5 --reason "Awaiting budget decision" >/dev/null
afi add I8 "Independent members on promotion boards" --owner "HR Director" --due 31/07/2025 >/dev/null
COLUMNS=80 afi status --as-of 02/04/2025 --format svg -o docs/img/status-80.svg
COLUMNS=120 afi status --as-of 02/04/2025 --format svg -o docs/img/status-120.svg
COLUMNS=80 afi status --by owner --as-of 02/04/2025 --format svg -o docs/img/status-by-owner.svg

# The spreadsheet pictures in docs/adopting.md and docs/papers.md (Pillow, no office suite).
python3 scripts/draw_sheet.py tests/fixtures/plans/west-mercia-plan.csv docs/img/plan-sheet.png "" 10 7
cp tracker.json "$tmp/plan.json"
AFI_DB="$tmp/plan.json" afi import-plan tests/fixtures/plans/west-mercia-plan.csv >/dev/null 2>&1
AFI_DB="$tmp/plan.json" afi item respond I3 --accepted --text "Published; see A4" >/dev/null 2>&1
AFI_DB="$tmp/plan.json" afi export -o "$tmp/board.xlsx" 2>/dev/null
python3 scripts/draw_sheet.py "$tmp/board.xlsx" docs/img/export-sheet.png west-mercia-peel-2018-legitimac 10 12
python3 scripts/draw_sheet.py "$tmp/board.xlsx" docs/img/export-summary.png Summary 3 16

# Measures (docs/measures.md): a figure from the report with three readings,
# its action done, and the target date passed without reaching it.
afi measure add I1 --from-finding F1 --target 95% --by 31/03/2025 >/dev/null
afi measure record M1 68% --on 30/06/2024 --source "Training records" >/dev/null
afi measure record M1 70% --on 30/09/2024 --source "Training records" >/dev/null
afi measure record M1 72% --on 31/12/2024 --source "Training records" >/dev/null
afi measure add I8 --from-finding F7 --target 90% --by 31/03/2026 >/dev/null
afi measure record M2 71% --on 31/03/2025 --source "HR system" >/dev/null
afi done A1 --evidence https://intranet/training-records >/dev/null
COLUMNS=80 afi status --as-of 02/04/2025 --format svg -o docs/img/measures-status.svg
COLUMNS=100 afi measure list --as-of 02/04/2025 --format svg -o docs/img/measure-list.svg
