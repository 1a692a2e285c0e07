#!/usr/bin/env bash
# Copies what tsc does not: files the compiled apps read at run time (ClickHouse migrations).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p backend/nest-app/dist/infra/clickhouse/migrations
cp backend/nest-app/src/infra/clickhouse/migrations/*.sql backend/nest-app/dist/infra/clickhouse/migrations/
