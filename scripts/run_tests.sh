#!/usr/bin/env bash
# The test command behind `make test` and .ci/run: a real PostGIS, then pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
url=$(bash scripts/ensure_postgis.sh) || { [ "${CI:-}" = true ] && exit 1; url=""; }
export PINGAN_TEST_DATABASE_URL="$url"
export PINGAN_CHROMIUM="${PINGAN_CHROMIUM:-$(command -v chromium || true)}"
export PINGAN_CHROMEDRIVER="${PINGAN_CHROMEDRIVER:-$(command -v chromedriver || true)}"
exec .venv/bin/python -m pytest -p no:cacheprovider "$@"
