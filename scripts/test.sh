#!/usr/bin/env bash
# Runs every test: unit tests, then integration tests against throwaway MariaDB sandboxes started from the
# local mariadbd (and MySQL 8 through Testcontainers where Docker works).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -ntp verify
