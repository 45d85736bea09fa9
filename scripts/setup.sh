#!/usr/bin/env bash
# Installs what the tests and the demo need on a fresh Debian machine with Java and Maven: the MariaDB server and
# client (the 10.11 sandboxes, mysqldump for the benchmark), Ansible and PyMySQL (the collection's tests), Django and
# MySQLdb (the reference CSMHE), openssl (test certificates). MariaDB 11.4 and MySQL 8.0 come from Maven artifacts; nothing else is needed for them.
# As root it installs what is missing; otherwise it prints the exact command and stops.
# --bench (bench/run.sh jobs): also Percona Toolkit, whose pt-archiver is a baseline of the purge benchmark.
set -euo pipefail
bench=false
[ "${1:-}" = --bench ] && bench=true

need=()
command -v java >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || need+=(maven)
if [ ! -x /usr/sbin/mariadbd ] && [ ! -x /usr/sbin/mysqld ]; then need+=(mariadb-server); fi
command -v mariadb-install-db >/dev/null 2>&1 || command -v mysql_install_db >/dev/null 2>&1 || need+=(mariadb-server)
command -v mysqldump >/dev/null 2>&1 || need+=(mariadb-client)
command -v ansible-playbook >/dev/null 2>&1 || need+=(ansible)
# The collection as its ecosystem checks it: ansible-lint (production profile) and ansible-test's validate-modules.
command -v ansible-lint >/dev/null 2>&1 || need+=(ansible-lint)
/usr/bin/python3 -c 'import voluptuous' >/dev/null 2>&1 || need+=(python3-voluptuous)
# curl speaks gRPC over the agent's Unix socket as a caller of another uid (SocketAccessIT).
command -v curl >/dev/null 2>&1 || need+=(curl)
# Debian's python3 (the one Ansible runs modules with), not whatever python3 comes first on PATH.
/usr/bin/python3 -c 'import pymysql' >/dev/null 2>&1 || need+=(python3-pymysql)
# Django builds CSMHE from the model in DjangoSchemaIT: the reference the agent's own DDL is checked against.
/usr/bin/python3 -c 'import django' >/dev/null 2>&1 || need+=(python3-django)
/usr/bin/python3 -c 'import MySQLdb' >/dev/null 2>&1 || need+=(python3-mysqldb)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v tar >/dev/null 2>&1 || need+=(tar)
if $bench; then command -v pt-archiver >/dev/null 2>&1 || need+=(percona-toolkit); fi
[ "${#need[@]}" -eq 0 ] && exit 0

# shellcheck disable=SC2207
need=($(printf '%s\n' "${need[@]}" | sort -u))
if [ "$(id -u)" -ne 0 ]; then
  echo "setup: missing packages; run as root:" >&2
  echo "  apt-get update && apt-get install -y --no-install-recommends ${need[*]}" >&2
  exit 1
fi
echo "setup: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}"
