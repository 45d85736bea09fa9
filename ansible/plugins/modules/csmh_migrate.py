#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: csmh-agent developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: csmh_migrate
short_description: Run edx-platform's migrations through csmh-agent
description:
  - Runs the migration commands configured on the agent (lms and cms against default and student_module_history, in order).
  - Where Django is not installed, I(without_django) creates CSMHE as migration 0001 does.
  - C(changed) is true when a migration was applied (Django printed C(Applying ...)) or CSMHE was created.
  - The commands run on the agent apart from the task; if the task's connection drops they go on, and the same task run
    again while they run follows them from their first line and reports their result.
options:
  steps: {description: "Steps as service:alias, e.g. C(lms:student_module_history); default all.", type: list, elements: str, default: []}
  without_django: {description: Create CSMHE with migration 0001's DDL instead of running commands., type: bool, default: false}
  auto_increment_offset: {description: AUTO_INCREMENT above max(old id) with without_django., type: int, default: 10000}
  db_migration_user: {description: DB_MIGRATION_USER for the commands., type: str}
  db_migration_password: {description: DB_MIGRATION_PASS for the commands., type: str}
extends_documentation_fragment:
  - csmh.agent.common
author: csmh-agent developers (@csmh-agent)
'''

EXAMPLES = r'''
- csmh.agent.csmh_migrate:
    db_migration_user: "{{ COMMON_MYSQL_MIGRATE_USER }}"
    db_migration_password: "{{ COMMON_MYSQL_MIGRATE_PASS }}"
'''

RETURN = r'''
output: {description: Every line the commands printed., type: list, elements: str, returned: always}
followed: {description: "The task followed a run an earlier call started (its connection dropped), from its first line.", type: bool, returned: when the commands ran (not in check mode)}
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.csmh.agent.plugins.module_utils import csmhctl


def main():
    args = dict(
        steps=dict(type='list', elements='str', default=[]),
        without_django=dict(type='bool', default=False),
        auto_increment_offset=dict(type='int', default=10000),
        db_migration_user=dict(type='str'),
        db_migration_password=dict(type='str', no_log=True),
    )
    args.update(csmhctl.COMMON_ARGS)
    module = AnsibleModule(argument_spec=args, supports_check_mode=True, required_together=[('db_migration_user', 'db_migration_password')])
    p = module.params
    if module.check_mode:
        # Migrations cannot be planned without running Django; report what would run.
        module.exit_json(changed=False, skipped=True, msg='migrations are not run in check mode', output=[])
    cmd = ['migrate', '--offset', str(p['auto_increment_offset'])]
    if p['without_django']:
        cmd.append('--without-django')
    for step in p['steps']:
        cmd += ['--step', step]
    stdin = None
    if p['db_migration_user']:
        cmd += ['--db-migration-user', p['db_migration_user'], '--db-migration-password-stdin']
        stdin = p['db_migration_password']
    rc, events = csmhctl.run(module, cmd, ok_codes=(csmhctl.EXIT_OK, csmhctl.EXIT_JOB_FAILED), stdin=stdin)
    output = [e['output'] for e in events if 'output' in e]
    failed = [e for e in events if e.get('exitCode')]
    if failed:
        step = failed[0].get('step', {})
        module.fail_json(msg='migration %s/%s exited %s' % (step.get('service'), step.get('alias'), failed[0]['exitCode']), output=output,
                         followed=any(e.get('followed') for e in events))
    changed = any(e.get('changed') for e in events) or any(line.strip().startswith('Applying ') for line in output)
    followed = any(e.get('followed') for e in events)
    module.exit_json(changed=changed, output=output, followed=followed)


if __name__ == '__main__':
    main()
