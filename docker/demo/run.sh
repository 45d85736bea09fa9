#!/bin/sh
# The whole procedure through the agent, as an operator would run it.
set -eu
printf 'demo-runtime-pass\n' > /tmp/rt.pass
printf 'demo-migrate-pass\n' > /tmp/mg.pass
csmhctl status
csmhctl provision --runtime-user edxapp_csmh001 --runtime-password-file /tmp/rt.pass \
  --migrate-user edxapp_csmh_migrate --migrate-password-file /tmp/mg.pass
csmhctl settings --db-user edxapp_csmh001 --db-password-file /tmp/rt.pass --db-host mysql --enable-csmh-extended true
csmhctl run --without-django --purge --sleep-ms 0 --growth-check-seconds 1
csmhctl status
