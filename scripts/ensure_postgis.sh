#!/usr/bin/env bash
# Make sure a PostGIS server is reachable for the tests and print its URL on stdout.
# Uses PINGAN_TEST_DATABASE_URL when set; otherwise (as root) starts Debian's local cluster
# with pg_ctlcluster and creates the role and database with runuser -u postgres.
set -euo pipefail
if [ -n "${PINGAN_TEST_DATABASE_URL:-}" ]; then
  echo "$PINGAN_TEST_DATABASE_URL"; exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "not root and PINGAN_TEST_DATABASE_URL unset: no PostGIS for the tests" >&2; exit 1
fi
ver=15
if ! pg_lsclusters -h 2>/dev/null | awk '{print $1" "$2}' | grep -q "^$ver main$"; then
  pg_createcluster "$ver" main >/dev/null
fi
port=$(pg_lsclusters -h | awk -v v=$ver '$1==v && $2=="main"{print $3}')
pg_ctlcluster "$ver" main start >/dev/null 2>&1 || true
for _ in $(seq 1 30); do
  runuser -u postgres -- pg_isready -q -p "$port" && break; sleep 1
done
psql_() { runuser -u postgres -- psql -p "$port" -v ON_ERROR_STOP=1 -qAt "$@"; }
[ "$(psql_ -c "select 1 from pg_roles where rolname='pingan'")" = 1 ] || \
  psql_ -c "create role pingan login superuser password 'pingan'" >/dev/null
[ "$(psql_ -c "select 1 from pg_database where datname='pingan_test'")" = 1 ] || \
  psql_ -c "create database pingan_test owner pingan" >/dev/null
psql_ -d pingan_test -c "set client_min_messages = warning; create extension if not exists postgis" >/dev/null
echo "postgresql://pingan:pingan@127.0.0.1:$port/pingan_test"
