#!/usr/bin/env bash
# Runs every test: unit tests, integration tests against throwaway MariaDB sandboxes started from the local
# mariadbd (and MySQL 8 through Testcontainers where Docker works), then the Ansible tests.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -ntp verify
# Ansible modules, playbooks and role: real ansible-playbook against localhost, a real agent and sandbox databases.
bash ansible/tests/run.sh
