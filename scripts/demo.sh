#!/usr/bin/env bash
# End-to-end demo on a throwaway MariaDB: sandbox + agent + csmhctl.
#   ./scripts/demo.sh [ROWS]     (default 100000 rows in the old history table)
# Everything lives under ./demo-run and is removed at the end (the sandbox server is killed).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
./scripts/setup.sh
# shellcheck source=lib/edx-settings.sh
. "$here/scripts/lib/edx-settings.sh"
rows="${1:-100000}"
run="$here/demo-run"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

if ! ls agent/target/csmh-agent-*-all.jar client/target/csmh-client-*-all.jar >/dev/null 2>&1; then
  step "building (mvn package: a few minutes the first time; each module as it is built)"
  # Maven's own lines for each module, not its download log: progress without four silent minutes.
  mvn -B -ntp package -DskipTests 2>&1 | grep --line-buffered -E '^\[INFO\] (Building |BUILD )|ERROR' || true
  ls agent/target/csmh-agent-*-all.jar >/dev/null 2>&1 || { echo "the build failed: run mvn package -DskipTests to see why" >&2; exit 1; }
fi
agent_jar="$(ls agent/target/csmh-agent-*-all.jar | head -n1)"
ctl() { "$here/bin/csmhctl" --agent "unix:$run/agent.sock" "$@"; }

rm -rf "$run"; mkdir -p "$run"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$run"
}
trap cleanup EXIT

step "starting a sandbox MariaDB and seeding $rows rows into edxapp.courseware_studentmodulehistory"
java -cp "$agent_jar" org.csmh.agent.sandbox.SandboxMain "$run/db" "$rows" &
pids+=($!)
for _ in $(seq 1 600); do [ -f "$run/db/sandbox.port" ] && break; sleep 0.5; done
[ -f "$run/db/sandbox.port" ] || { echo "sandbox did not start" >&2; exit 1; }
db_port="$(cat "$run/db/sandbox.port")"

step "writing lms.yml / cms.yml as configuration's to_nice_yaml renders them, and the agent config"
for f in lms cms; do write_edx_settings "$run/$f.yml" "$db_port" Demo; done
chmod 0640 "$run/lms.yml" "$run/cms.yml"
printf '' > "$run/admin.pass"
cat > "$run/agent.yml" <<YAML
listen: unix:$run/agent.sock
lms_yml: $run/lms.yml
cms_yml: $run/cms.yml
state_dir: $run/state   # the demo's job records stay with it (the default, /var/lib/csmh-agent, is the host agent's)
endpoints:
  admin: {host: 127.0.0.1, port: $db_port, user: root, password_file: $run/admin.pass}
YAML
umask 077
printf 'demo-runtime-pass\n' > "$run/runtime.pass"
printf 'demo-migrate-pass\n' > "$run/migrate.pass"

step "starting csmh-agent on its Unix socket $run/agent.sock (mode 0660: who may call is the socket group)"
java -jar "$agent_jar" --config "$run/agent.yml" 2> "$run/agent.log" &
pids+=($!)
for _ in $(seq 1 100); do ctl --timeout 2 status >/dev/null 2>&1 && break; sleep 0.3; done

step "status before anything"
ctl status

step "provision, dry run: the statements that would run (passwords masked)"
ctl provision --dry-run --runtime-user edxapp_csmh001 --runtime-password-file "$run/runtime.pass" \
  --migrate-user edxapp_csmh_migrate --migrate-password-file "$run/migrate.pass"

step "provision"
ctl provision --runtime-user edxapp_csmh001 --runtime-password-file "$run/runtime.pass" \
  --migrate-user edxapp_csmh_migrate --migrate-password-file "$run/migrate.pass"

step "provision again: nothing to do"
ctl provision --runtime-user edxapp_csmh001 --runtime-password-file "$run/runtime.pass" \
  --migrate-user edxapp_csmh_migrate --migrate-password-file "$run/migrate.pass"

step "lms.yml/cms.yml, dry run: the diff (passwords masked)"
ctl settings --dry-run --db-user edxapp_csmh001 --db-password-file "$run/runtime.pass" --db-host 127.0.0.1 \
  --db-port "$db_port" --enable-csmh-extended true --read-multiple-tables true

step "lms.yml/cms.yml: apply (atomic replace, backup kept)"
ctl settings --db-user edxapp_csmh001 --db-password-file "$run/runtime.pass" --db-host 127.0.0.1 \
  --db-port "$db_port" --enable-csmh-extended true --read-multiple-tables true

step "migrations: no Django here, so CSMHE is created as coursewarehistoryextended 0001 does"
ctl migrate --without-django

step "copy every old row into CSMHE, keeping ids (chunks of 5000, 50 ms apart; the agent streams progress)"
ctl copy --chunk-size 5000 --sleep-ms 50 --growth-check-seconds 1

step "verify: COUNT + BIT_XOR(CRC32) per chunk on both tables"
ctl verify --chunk-size 20000

step "cutover: reads leave the old table (gate: the verify above passed over every old id)"
ctl cutover

step "purge the old table (chunked DELETE, 20000 ids per chunk, here without the seed's 3 s pause)"
ctl purge --sleep-ms 0

step "jobs"
ctl jobs

step "status now: every step done"
ctl status

step "the same status as JSON, for machines"
ctl --json status | head -n 20
echo "..."
step "agent log (no secrets)"
cat "$run/agent.log"
