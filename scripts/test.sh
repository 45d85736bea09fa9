#!/usr/bin/env bash
# Runs every test: unit tests, integration tests against throwaway database sandboxes (MariaDB 10.11 from Debian,
# MariaDB 11.4 and MySQL 8.0 from Maven artifacts), then the Ansible tests. Installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
mvn -B -ntp verify
# Ansible modules, playbooks and role: real ansible-playbook against localhost, a real agent and sandbox databases.
bash ansible/tests/run.sh
