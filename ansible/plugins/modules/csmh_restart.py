#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: csmh-agent developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: csmh_restart
short_description: Bring an edxapp host's servers back online with new settings through csmh-agent
description:
  - Settings act only once the servers run with them. Runs the restart commands from the agent's own config (never from the
    task; default C(/edx/bin/supervisorctl restart lms cms edxapp_worker:)), one after the other, stopping at the first that fails.
  - The agent then watches both history tables; its C(writes) step is done once the old table stays still while CSMHE grows.
  - With I(confirm), runs nothing and records the operator's word that every server writes only CSMHE (an idle site shows
    nothing in the database).
options:
  confirm: {description: Record the confirmation instead of restarting., type: bool, default: false}
extends_documentation_fragment:
  - csmh.agent.common
author: csmh-agent developers (@csmh-agent)
'''

EXAMPLES = r'''
- name: Restart the LMS, Studio and their workers with the new settings
  csmh.agent.csmh_restart:
- name: Every server runs the new settings (a test site nobody uses)
  csmh.agent.csmh_restart:
    confirm: true
'''

RETURN = r'''
output: {description: The commands' output lines., type: list, elements: str, returned: always}
confirmed: {description: "What the agent recorded (with I(confirm))", type: str, returned: when confirm is true}
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.csmh.agent.plugins.module_utils import csmhctl


def main():
    args = dict(confirm=dict(type='bool', default=False))
    args.update(csmhctl.COMMON_ARGS)
    module = AnsibleModule(argument_spec=args, supports_check_mode=True)
    p = module.params
    if module.check_mode:
        module.exit_json(changed=True, output=[], msg='would ' + ('record the confirmation' if p['confirm'] else 'run the restart commands'))
    cmd = ['restart'] + (['--confirm'] if p['confirm'] else [])
    rc, events = csmhctl.run(module, cmd, ok_codes=(csmhctl.EXIT_OK, csmhctl.EXIT_JOB_FAILED))
    output = [e['output'] for e in events if 'output' in e]
    failed = [e for e in events if e.get('exitCode')]
    if failed:
        module.fail_json(msg='restart command %d exited %s' % (failed[0].get('command', 0) + 1, failed[0]['exitCode']), output=output)
    confirmed = [e['confirmed'] for e in events if e.get('confirmed')]
    if confirmed:
        module.exit_json(changed=True, output=output, confirmed=confirmed[0])
    module.exit_json(changed=True, output=output)


if __name__ == '__main__':
    main()
