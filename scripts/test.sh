#!/usr/bin/env bash
# npm test: installs what is missing, starts the services, then lint, type-check, and every
# unit, integration and end-to-end test against the real services. Ends with the counts.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_node_modules
# promtool: the alert rules are checked and unit-tested (libs/platform/test/prometheus-rules.int-spec.ts).
bash "$ROOT_DIR/scripts/services.sh" --promtool
build_all

cd "$ROOT_DIR"
status=0
say "lint (eslint, prettier)"
if npx eslint --max-warnings=0 "backend/*/src/**/*.ts" "backend/*/test/**/*.ts" "libs/*/src/**/*.ts" "libs/*/test/**/*.ts" \
     "frontend/*/src/**/*.{ts,tsx}" "frontend/*/test/**/*.ts" "frontend/*/vite.config.ts" \
   && npx prettier --check --log-level warn "**/*.{ts,tsx,js,mjs,json}"; then
  ok "lint clean"; lint="passed"
else
  warn "lint failed"; lint="FAILED"; status=1
fi

say "type-check (every source and test file, and the back office's own tsconfig)"
if npx tsc -p tsconfig.json && npx tsc -p frontend/backoffice/tsconfig.json; then ok "types check"; types="passed"; else warn "type-check failed"; types="FAILED"; status=1; fi

say "dependency audit (npm audit --omit=dev: no high or critical advisory unless accepted in docs/security.md)"
if node "$ROOT_DIR/scripts/audit-check.mjs"; then audit="passed"; else warn "audit failed"; audit="FAILED"; status=1; fi

say "unit, integration and e2e tests (jest)"
results="$RUN_DIR/jest-results.json"
rm -f "$results"
npx jest --ci --json --outputFile="$results" "$@" || status=1

node -e '
  const fs = require("fs");
  const file = process.argv[1];
  if (!fs.existsSync(file)) { console.log("tests: no results (jest did not run)"); process.exit(0); }
  const r = JSON.parse(fs.readFileSync(file, "utf8"));
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped, ` +
    `${r.numTotalTests} total in ${r.numTotalTestSuites} suites (${r.numFailedTestSuites} suites failed)`);
' "$results"
echo "lint: $lint; type-check: $types; audit: $audit"
if [ "$status" = 0 ]; then say "ALL PASSED"; else say "FAILED"; fi
exit "$status"
