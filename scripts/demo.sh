#!/usr/bin/env bash
# `npm run demo`: a complete tour on the bundled fixtures, in a throwaway directory:
# imports (with a rejected row and an idempotent re-import), a reconcile with findings,
# triage, a second night that closes a late booking, reports, the audit chain, and an
# integrity baseline + scan. Findings exit codes (1-15) are expected; 16+ fails the demo.
set -u
cd "$(dirname "$0")/.."
ROOT=$PWD
WORK=${PAYRECON_DEMO_DIR:-$(mktemp -d -t payrecon-demo-XXXXXX)}
mkdir -p "$WORK"
export PAYRECON_DB="$WORK/demo.db"
export PAYRECON_ACTOR="demo"
rm -f "$PAYRECON_DB" "$PAYRECON_DB-wal" "$PAYRECON_DB-shm"

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then B=$'\033[1m'; N=$'\033[0m'; else B=''; N=''; fi
step() { printf '\n%s== %s%s\n' "$B" "$*" "$N"; }
# Echo the command as one could paste it: arguments with spaces in single quotes.
show() {
  local out='$ payrecon' a
  for a in "$@"; do
    case "$a" in *[[:space:]]*) out+=" '$a'" ;; *) out+=" $a" ;; esac
  done
  printf '\n%s\n' "$out"
}
pr() {
  show "$@"
  node "$ROOT/bin/payrecon" "$@"
  local code=$?
  printf '(exit %d)\n' "$code"
  if [ "$code" -ge 16 ]; then
    echo "demo failed: payrecon exited $code" >&2
    exit 1
  fi
  return 0
}

step "1. Import last night's settlement files from four providers"
pr import psp fixtures/demo/stripe-balance-report-2025-03.csv fixtures/demo/settlement_detail_report_batch_118.csv \
  fixtures/demo/STL-20250310.01.009.CSV fixtures/demo/checkout-settlement-breakdown-2025-03.csv
step "2. Import the ledger export (one malformed row is rejected, the rest land: exit 8)"
pr import ledger fixtures/demo/ledger.csv
step "3. Importing the same file again is a no-op"
pr import ledger fixtures/demo/ledger.csv
step "4. Reconcile: every discrepancy named, exit code a bitmask; an HTML report for accounting"
pr reconcile --report "$WORK/report.html"
step "5. Triage: list open discrepancies, resolve one with a note"
pr discrepancies
first=$(node "$ROOT/bin/payrecon" discrepancies --kind amount_mismatch --json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const d=JSON.parse(s).discrepancies;process.stdout.write(d.length?String(d[0].id):"")})')
if [ -n "$first" ]; then
  pr resolve "$first" --note "bank confirmed the PSP amount; ledger corrected in March close" --by demo
fi
step "6. Proposals: pairings by amount + date alone wait for a person; accept both (audited)"
pr proposals
pr proposals --accept 1 2 --note "same amount and day, checked against the bank statement" --by demo
step "7. The next night: the late booking arrives and its open item closes by itself"
pr import ledger fixtures/demo/night2/ledger.csv
pr reconcile
pr report --out "$WORK/report.csv"
pr report --out "$WORK/junit.xml"
step "8. The bank leg: statements from two banks; did every payout reach the bank?"
pr import bank fixtures/demo/bank/camt053-eur-2025-03.xml fixtures/demo/bank/mt940-usd-2025-03.sta
pr reconcile --deposit-window 5
pr discrepancies --kind payout_not_deposited
pr discrepancies --kind unexplained_deposit
step "9. The audit log's hash chain verifies"
pr audit verify

step "10. Integrity: baseline a directory of secrets and configs, change it, scan"
SECRETS="$WORK/secrets"
mkdir -p "$SECRETS/ssh" "$SECRETS/app"
KEY="$WORK/hmac.key"
head -c 32 /dev/urandom > "$KEY" && chmod 600 "$KEY"
printf 'db_password=demo-only-not-a-secret\n' > "$SECRETS/app/.env"
printf 'listen 8443\nlog_level info\n' > "$SECRETS/app/server.conf"
printf -- '-----BEGIN OPENSSH PRIVATE KEY-----\nZGVtbyBrZXkgbWF0ZXJpYWwsIG5vdCBhIHJlYWwga2V5\n-----END OPENSSH PRIVATE KEY-----\n' > "$SECRETS/ssh/id_ed25519"
chmod 600 "$SECRETS/ssh/id_ed25519" "$SECRETS/app/.env"
pr baseline init demo-secrets --path "$SECRETS" --key-file "$KEY"
pr scan demo-secrets --key-file "$KEY"
printf 'listen 9443\nlog_level debug\n' > "$SECRETS/app/server.conf"
printf 'new=1\n' > "$SECRETS/app/extra.conf"
chmod 644 "$SECRETS/ssh/id_ed25519"
pr scan demo-secrets --key-file "$KEY" --fail-on added,removed,changed,unreadable,policy
pr baseline list

step "Done"
echo "Database:  $PAYRECON_DB"
echo "Reports:   $WORK/report.html  $WORK/report.csv  $WORK/junit.xml"
echo "Try:       PAYRECON_DB=$PAYRECON_DB node bin/payrecon tui"
