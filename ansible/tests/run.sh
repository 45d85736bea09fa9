#!/usr/bin/env bash
# Ansible tests: real ansible-playbook against localhost, driving a real agent over sandbox MariaDB servers.
#   ansible/tests/run.sh        (needs the jars: mvn -q package -DskipTests)
# Prints "ansible: N passed, M failed" at the end; exits non-zero when anything failed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=../../scripts/lib/edx-settings.sh
. "$root/scripts/lib/edx-settings.sh"
agent_jar="$(ls "$root"/agent/target/csmh-agent-*-all.jar | head -n1)"
client_jar="$(ls "$root"/client/target/csmh-client-*-all.jar | head -n1)"
work="$(mktemp -d /tmp/csmh-ansible-XXXXXX)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/bin" "$work/collections/ansible_collections/csmh"
ln -s "$root/ansible" "$work/collections/ansible_collections/csmh/agent"
# The checkout's csmhctl (class-data sharing archive, C1): every module call starts it.
printf '#!/bin/sh\nexec %s "$@"\n' "$root/bin/csmhctl" > "$work/bin/csmhctl"
chmod +x "$work/bin/csmhctl"
export ANSIBLE_COLLECTIONS_PATH="$work/collections" ANSIBLE_NOCOLOR=1 ANSIBLE_LOCALHOST_WARNING=false \
  ANSIBLE_INVENTORY_UNPARSED_WARNING=false ANSIBLE_RETRY_FILES_ENABLED=false ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3


# An environment: sandbox MariaDB seeded with ROWS old rows, lms.yml/cms.yml, and an agent. Sets env_dir, db_port, agent.
start_env() {
  local name="$1" rows="$2"
  env_dir="$work/$name"; mkdir -p "$env_dir"
  java -cp "$agent_jar" org.csmh.agent.sandbox.SandboxMain "$env_dir/db" "$rows" 2> "$env_dir/sandbox.log" &
  pids+=($!)
  for _ in $(seq 1 600); do [ -f "$env_dir/db/sandbox.port" ] && break; sleep 0.2; done
  db_port="$(cat "$env_dir/db/sandbox.port")"
  for f in lms cms; do write_edx_settings "$env_dir/$f.yml" "$db_port"; done
  : > "$env_dir/admin.pass"
  cat > "$env_dir/agent.yml" <<YAML
listen: unix:agent.sock
lms_yml: lms.yml
cms_yml: cms.yml
state_dir: state
endpoints:
  admin: {host: 127.0.0.1, port: $db_port, user: root, password_file: admin.pass}
restart:
  commands: [[/bin/sh, -c, 'echo restarted lms cms workers']]
  sample_seconds: 1
  window_seconds: 2
YAML
  java -jar "$agent_jar" --config "$env_dir/agent.yml" 2> "$env_dir/agent.log" &
  pids+=($!)
  agent="unix:$env_dir/agent.sock"
  for _ in $(seq 1 100); do "$work/bin/csmhctl" --agent "$agent" --timeout 2 status >/dev/null 2>&1 && return 0; sleep 0.3; done
  echo "agent did not start:"; cat "$env_dir/agent.log"; return 1
}

passed=0
failed=0
playbook() {
  local log="$1"; shift
  if ansible-playbook -i localhost, -c local "$@" > "$log" 2>&1; then
    passed=$((passed + $(grep -c '"msg": "All assertions passed"' "$log" || true)))
    return 0
  fi
  failed=$((failed + 1))
  echo "---- $log"; tail -n 60 "$log"
  return 1
}
recap() { sed -n 's/.*localhost *: ok=[0-9]* *changed=\([0-9]*\).*failed=\([0-9]*\).*/\1 \2/p' "$1" | tail -n 1; }

start_env modules 3000
common=(-e "csmh_agent=$agent" -e "csmh_csmhctl=$work/bin/csmhctl" -e "db_port=$db_port" -e "env_dir=$env_dir")
playbook "$work/modules.log" "$root/ansible/tests/test_modules.yml" "${common[@]}" || true

start_env procedure 2500
# configuration's defaults: the CSMH user is the LMS's own account (edxapp001, ALL on edxapp.*) and one migrate user
# serves every database. The procedure must leave every grant they hold outside edxapp_csmh as it found it.
sql() { mariadb -h127.0.0.1 -P"$db_port" -uroot -N -e "$1"; }
sql "CREATE USER 'edxapp001'@'%' IDENTIFIED BY 'lms-pass'; GRANT ALL PRIVILEGES ON edxapp.* TO 'edxapp001'@'%';
     CREATE USER 'migrate'@'%' IDENTIFIED BY 'migrate-pass'; GRANT ALL PRIVILEGES ON edxapp.* TO 'migrate'@'%' WITH GRANT OPTION"
grants_outside() { for u in edxapp001 migrate; do sql "SHOW GRANTS FOR '$u'@'%'" | grep -v 'edxapp_csmh' || true; done; }
grants_before="$(grants_outside)"
vars=(-e "csmh_hosts=localhost" -e "csmh_agent=$agent" -e "csmh_csmhctl=$work/bin/csmhctl" -e csmh_without_django=true
      -e csmh_purge=true -e csmh_purge_reclaim_space=true -e "EDXAPP_MYSQL_CSMH_USER=edxapp001" -e "EDXAPP_MYSQL_CSMH_PASSWORD=lms-pass"
      -e "EDXAPP_MYSQL_CSMH_HOST=127.0.0.1" -e "EDXAPP_MYSQL_CSMH_PORT=$db_port" -e "COMMON_MYSQL_MIGRATE_PASS=migrate-pass"
      -e csmh_growth_check_seconds=0 -e csmh_confirm_writes=true -e '{"csmh_copy_pace": {"chunk_size": 1000, "sleep_ms": 0}, "csmh_purge_pace": {"chunk_size": 1000, "sleep_ms": 0}}'
      -e "csmh_overrides_file=$work/overrides.yml")
book="$root/ansible/playbooks/csmh_procedure.yml"
# Check mode on the fresh host walks every step and changes nothing: lms.yml/cms.yml, the database, the agent's job
# records and the overrides file stay as they were.
sums_before="$(sha256sum "$env_dir/lms.yml" "$env_dir/cms.yml")"
if playbook "$work/proc0.log" "$book" "${vars[@]}" --check; then
  if [ "$sums_before" = "$(sha256sum "$env_dir/lms.yml" "$env_dir/cms.yml")" ] && [ ! -e "$work/overrides.yml" ] \
     && [ -z "$(ls -A "$env_dir/state/jobs" 2>/dev/null)" ] \
     && [ -z "$(mariadb -h127.0.0.1 -P"$db_port" -uroot -N -e "SHOW DATABASES LIKE 'edxapp_csmh'")" ] \
     && grep -q "TASK \[Purge the old table\]" "$work/proc0.log"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1)); echo "check mode on a fresh host changed something"; tail -n 40 "$work/proc0.log"
  fi
fi
if playbook "$work/proc1.log" "$book" "${vars[@]}"; then
  read -r changed fails < <(recap "$work/proc1.log")
  if [ "$changed" -ge 6 ] && [ "$fails" = 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "first run: changed=$changed failed=$fails"; fi
  # The chunked DELETE emptied the old table; csmh_purge_reclaim_space then truncated it (the second run leaves it).
  if sed -n '/TASK \[Give back the disk space/,/^$/p' "$work/proc1.log" | grep -q '^changed:'; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1)); echo "the emptied table was not truncated:"; sed -n '/TASK \[Purge the old table/,$p' "$work/proc1.log" | head -n 20
  fi
  if grep -q '^EDXAPP_MYSQL_CSMH_PASSWORD: "{{ vault_EDXAPP_MYSQL_CSMH_PASSWORD }}"$' "$work/overrides.yml" \
     && grep -q '^EDXAPP_ENABLE_READING_FROM_MULTIPLE_HISTORY_TABLES: false$' "$work/overrides.yml" \
     && ! grep -q 'csmh-pass' "$work/overrides.yml"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1)); echo "overrides file:"; cat "$work/overrides.yml"
  fi
fi
if playbook "$work/proc2.log" "$book" "${vars[@]}"; then
  read -r changed fails < <(recap "$work/proc2.log")
  if [ "$changed" = 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "second run changed=$changed"; tail -n 80 "$work/proc2.log"; fi
fi
# Both runs kept the LMS's and the migrate user's grants outside edxapp_csmh as they were (create_db_and_users.yml's
# append_privs), and the LMS account still reads its own database.
if [ "$(grants_outside)" = "$grants_before" ] && grep -q "ON \`edxapp\`.\*" <<< "$grants_before" \
   && mariadb -h127.0.0.1 -P"$db_port" -uedxapp001 -plms-pass -N -e "SELECT COUNT(*) FROM edxapp.courseware_studentmodulehistory" > /dev/null; then
  passed=$((passed + 1))
else
  failed=$((failed + 1)); echo "---- shared accounts: grants outside edxapp_csmh changed"; echo "before:"; echo "$grants_before"; echo "after:"; grants_outside
fi
if playbook "$work/proc3.log" "$book" "${vars[@]}" --check; then
  read -r changed fails < <(recap "$work/proc3.log")
  if [ "$changed" = 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "check mode changed=$changed"; fi
fi

# The role, installing files under a scratch root (no systemd here: the service is not managed).
role_vars=(-e "csmh_agent_install_dir=$work/role/opt" -e "csmh_agent_config_dir=$work/role/etc" -e "csmh_agent_state_dir=$work/role/var"
           -e "csmh_agent_bin_dir=$work/role/bin" -e "csmh_agent_systemd_dir=$work/role/systemd" -e csmh_agent_install_java=false
           -e csmh_agent_manage_service=false -e "csmh_agent_jar_src=$agent_jar"
           -e "csmh_ctl_jar_src=$client_jar" -e csmh_agent_admin_user=root -e csmh_agent_admin_password=role-secret -e csmh_hosts=localhost)
mkdir -p "$work/role/bin" "$work/role/systemd"
if playbook "$work/role1.log" "$root/ansible/playbooks/csmh_agent.yml" "${role_vars[@]}" \
   && playbook "$work/role2.log" "$root/ansible/playbooks/csmh_agent.yml" "${role_vars[@]}"; then
  read -r c1 _ < <(recap "$work/role1.log"); read -r c2 _ < <(recap "$work/role2.log")
  if [ "$c1" -gt 0 ] && [ "$c2" = 0 ] && [ "$(stat -c %a "$work/role/etc/admin.pass")" = 600 ] \
     && grep -q "ExecStart=/usr/bin/java -Xmx256m -Djava.library.path=$work/role/opt/lib -jar $work/role/opt/csmh-agent.jar" "$work/role/systemd/csmh-agent.service" \
     && ! grep -q role-secret "$work/role/etc/agent.yml" "$work/role1.log" \
     && archive=$(ls "$work"/role/opt/csmhctl-*.jsa) && [ -s "$archive" ] && grep -q -- "-XX:SharedArchiveFile=$archive " "$work/role/bin/csmhctl" \
     && [ "$("$work/role/bin/csmhctl" --version 2>&1)" = "csmhctl 0.1.0" ] \
     && [ -s "$work/role/opt/lib/libio_grpc_netty_shaded_netty_transport_native_epoll_$(uname -m | sed 's/aarch64/aarch_64/').so" ] \
     && grep -q -- "-Djava.library.path=$work/role/opt/lib" "$work/role/bin/csmhctl"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1)); echo "role: changed $c1 then $c2"; ls -la "$work/role/etc" "$work/role/opt"
  fi
  # A host whose /tmp is mounted noexec (a common hardening): the installed csmhctl still reaches the socket layer
  # (exit 3: no agent there), where Netty's copy of the library into java.io.tmpdir could not be loaded.
  mkdir -p "$work/noexec"
  if mount -t tmpfs -o noexec,size=16m tmpfs "$work/noexec" 2>/dev/null; then
    code=0; plain=0
    JAVA_TOOL_OPTIONS="-Djava.io.tmpdir=$work/noexec" "$work/role/bin/csmhctl" --agent "unix:$work/role/none.sock" status \
      > "$work/noexec.log" 2>&1 || code=$?
    # the same jar run without an installed library (bin/csmhctl has client/target/lib): the advice, not a stack trace
    JAVA_TOOL_OPTIONS="-Djava.io.tmpdir=$work/noexec" java -jar "$(ls "$root"/client/target/csmh-client-*-all.jar | head -n1)" \
      --agent "unix:$work/role/none.sock" status > "$work/noexec-plain.log" 2>&1 || plain=$?
    umount "$work/noexec"
    if [ "$code" = 3 ] && [ "$plain" = 1 ] && grep -q "NativeTransportLibrary" "$work/noexec-plain.log"; then
      passed=$((passed + 1))
    else
      failed=$((failed + 1)); echo "role: noexec /tmp: installed csmhctl exit $code, plain $plain"; cat "$work/noexec.log" "$work/noexec-plain.log"
    fi
  else
    echo "role: noexec /tmp check not run (cannot mount a tmpfs here)"
  fi
fi

# TLS to the admin endpoint in community.mysql's words; each new agent.yml is validated by the agent itself
# (--check-config) before it replaces the old one, so a CA file it cannot read fails the task and changes nothing.
if [ -s "$work/role/opt/csmh-agent.jar" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/role-ca.key" -out "$work/role-ca.pem" -days 2 -subj /CN=role-ca > /dev/null 2>&1
  if playbook "$work/role-tls.log" "$root/ansible/playbooks/csmh_agent.yml" "${role_vars[@]}" -e "csmh_agent_admin_ca_cert=$work/role-ca.pem" \
       -e csmh_agent_admin_check_hostname=true \
     && grep -q "^    ca_cert: $work/role-ca.pem$" "$work/role/etc/agent.yml" && grep -q "^    check_hostname: true$" "$work/role/etc/agent.yml"; then
    good=$(sha256sum < "$work/role/etc/agent.yml")
    if ! ansible-playbook -i localhost, -c local "$root/ansible/playbooks/csmh_agent.yml" "${role_vars[@]}" \
           -e "csmh_agent_admin_ca_cert=$work/role-ca.key" > "$work/role-badca.log" 2>&1 \
       && grep -q "endpoints.admin: ca_cert $work/role-ca.key: no PEM certificate" "$work/role-badca.log" \
       && [ "$(sha256sum < "$work/role/etc/agent.yml")" = "$good" ]; then
      passed=$((passed + 1))
    else
      failed=$((failed + 1)); echo "---- role: a bad CA file was not refused by the config's validation"; tail -n 30 "$work/role-badca.log"
    fi
  fi
fi

# The role validates its arguments (meta/argument_specs.yml): without the jar paths it stops before touching the
# host, saying which; ansible-doc documents the role.
if ! ansible-playbook -i localhost, -c local "$root/ansible/playbooks/csmh_agent.yml" -e csmh_hosts=localhost \
       -e "csmh_agent_install_dir=$work/role-nojar/opt" > "$work/role-nojar.log" 2>&1 \
   && grep -q "missing required arguments: csmh_agent_jar_src, csmh_ctl_jar_src" "$work/role-nojar.log" && [ ! -e "$work/role-nojar" ] \
   && ansible-doc -t role csmh.agent.csmh_agent 2>&1 | grep -q "csmh_agent_socket_group"; then
  passed=$((passed + 1))
else
  failed=$((failed + 1)); echo "---- role argument_specs"; tail -n 20 "$work/role-nojar.log"
fi

# ansible-test sanity: the tests that need no download (the others build a venv with pip from the network,
# which these machines cannot reach).
mkdir -p "$work/sanity/ansible_collections/csmh"
cp -r "$root/ansible" "$work/sanity/ansible_collections/csmh/agent"
rm -rf "$work/sanity/ansible_collections/csmh/agent/tests"
py="$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
if (cd "$work/sanity/ansible_collections/csmh/agent" && ansible-test sanity --local --python "$py" --test compile --test shebang \
      --test action-plugin-docs --test symlinks --test no-smart-quotes --test empty-init > "$work/sanity.log" 2>&1); then
  passed=$((passed + 1))
else
  failed=$((failed + 1)); echo "---- ansible-test sanity"; tail -n 40 "$work/sanity.log"
fi

# ansible-test's validate-modules logic, run with Debian's python3 and python3-voluptuous as ansible-test runs it
# (ansible-test itself would first build a venv with pip from the network): documentation against argument specs,
# RETURN syntax, authors, license headers.
vm=/usr/lib/python3/dist-packages/ansible_test/_util/controller/sanity/validate-modules
if (cd "$work/sanity/ansible_collections/csmh/agent" && PYTHONPATH="$vm" ANSIBLE_COLLECTIONS_PATH="$work/sanity" /usr/bin/python3 \
      "$vm/validate.py" --format plain --arg-spec --collection ansible_collections/csmh/agent \
      --collection-version "$(sed -n 's/^version: //p' galaxy.yml)" --plugin-type module plugins/modules/*.py > "$work/validate.log" 2>&1) \
   && [ ! -s "$work/validate.log" ]; then
  passed=$((passed + 1))
else
  failed=$((failed + 1)); echo "---- validate-modules"; cat "$work/validate.log"
fi

# ansible-lint, production profile (ansible/.ansible-lint), on what the collection ships.
if (cd "$work/sanity/ansible_collections/csmh/agent" && ANSIBLE_COLLECTIONS_PATH="$work/sanity" ansible-lint --nocolor > "$work/lint.log" 2>&1) \
   && grep -q "Passed with production profile: 0 failure(s), 0 warning(s)" "$work/lint.log"; then
  passed=$((passed + 1))
else
  failed=$((failed + 1)); echo "---- ansible-lint"; tail -n 40 "$work/lint.log"
fi

echo "ansible: $passed passed, $failed failed"
[ "$failed" = 0 ]
