#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: csmh-agent developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: csmh_cutover
short_description: Stop (or resume) reads from the old history table
description:
  - I(state=cutover) sets FEATURES.ENABLE_READING_FROM_MULTIPLE_HISTORY_TABLES to false in lms.yml and cms.yml, refused until a verify
    passed over every old id since the last copy, unless I(force).
  - I(state=rollback) sets it back to true.
  - In check mode the change is planned without writing; where the verify gate is not open yet (a fresh host walked in
    check mode) the plan is made past the gate and I(msg) says what the real run would wait for.
options:
  state: {description: Which way., type: str, choices: [cutover, rollback], default: cutover}
  force: {description: Skip the verify gate., type: bool, default: false}
extends_documentation_fragment:
  - csmh.agent.common
author: csmh-agent developers (@csmh-agent)
'''

EXAMPLES = r'''
- csmh.agent.csmh_cutover: {}
'''

RETURN = r'''
verify_job_id: {description: The verify that opened the gate., type: str, returned: always}
ansible_overrides: {description: "The EDXAPP_* variables matching lms.yml after the change, typed as lms.yml has them (password masked).", type: dict, returned: always}
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.csmh.agent.plugins.module_utils import csmhctl


def main():
    args = dict(state=dict(type='str', choices=['cutover', 'rollback'], default='cutover'), force=dict(type='bool', default=False))
    args.update(csmhctl.COMMON_ARGS)
    module = AnsibleModule(argument_spec=args, supports_check_mode=True)
    p = module.params
    cmd = [p['state']]
    if p['force'] and p['state'] == 'cutover':
        cmd.append('--force')
    note = ''
    if module.check_mode:
        cmd.append('--dry-run')
        rc, lines = csmhctl.run(module, cmd, ok_codes=(csmhctl.EXIT_OK, csmhctl.EXIT_REFUSED))
        if rc == csmhctl.EXIT_REFUSED and '--force' not in cmd:
            # Refused by the gate (nothing verified yet): plan past it, changing nothing, and say what the run needs.
            note = 'the real run waits for: ' + csmhctl.error_message(lines)
            cmd.append('--force')
            lines = csmhctl.run(module, cmd)[1]
        doc = lines[-1]
    else:
        doc = csmhctl.run_one(module, cmd)
    files = doc.get('settings', {}).get('files', [])
    result = dict(changed=doc.get('changed', False), verify_job_id=doc.get('verifyJobId', ''), msg=note,
                  ansible_overrides=csmhctl.overrides(doc.get('settings', {})))
    if module._diff:
        result['diff'] = [dict(prepared=f['diff']) for f in files if f.get('diff')]
    module.exit_json(**result)


if __name__ == '__main__':
    main()
