#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: csmh-agent developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: csmh_verify
short_description: Verify CSMHE against CSMH through csmh-agent
description:
  - Compares the tables chunk by chunk (COUNT and BIT_XOR of CRC32) and fails listing differing ids. Never changes anything.
  - Skips the work when a verify already passed over every old id after the last copy (the agent's verify step is
    done, as the cutover gate reads it), so a re-run of the procedure does not read a large table again; I(force) or a
    range verifies anyway.
  - In check mode no job is started (a job record is a change on the agent); the result says whether one would run.
options:
  force: {description: Verify even though a verify already passed after the last copy., type: bool, default: false}
  range_start: {description: First id., type: int}
  range_end: {description: Last id., type: int}
  max_reported: {description: Differing ids to list., type: int}
extends_documentation_fragment:
  - csmh.agent.common
  - csmh.agent.common.PACE
author: csmh-agent developers (@csmh-agent)
'''

EXAMPLES = r'''
- csmh.agent.csmh_verify:
    chunk_size: 20000
'''

RETURN = r'''
job: {description: "The verify job's last snapshot (the earlier passing verify when skipped).", type: dict, returned: when a verify ran or was skipped}
skipped_verify: {description: True when an earlier passing verify was taken instead of running one., type: bool, returned: always}
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.csmh.agent.plugins.module_utils import csmhctl


def main():
    args = dict(range_start=dict(type='int'), range_end=dict(type='int'), max_reported=dict(type='int'), force=dict(type='bool', default=False))
    args.update(csmhctl.PACE_ARGS)
    args.update(csmhctl.COMMON_ARGS)
    module = AnsibleModule(argument_spec=args, supports_check_mode=True)
    p = module.params
    cmd = ['verify'] + csmhctl.job_args(p)
    for name, option in (('range_start', '--range-start'), ('range_end', '--range-end'), ('max_reported', '--max-reported')):
        if p[name] is not None:
            cmd += [option, str(p[name])]
    whole_table = p['range_start'] is None and p['range_end'] is None
    step = csmhctl.steps_by_id(csmhctl.status(module)).get('verify', {})
    if step.get('state') == 'done' and whole_table and not p['force']:
        passed = [j for j in csmhctl.jobs(module) if j.get('id') == step.get('job_id')]
        module.exit_json(changed=False, skipped_verify=True, msg=step.get('detail', ''), job=passed[0] if passed else {})
    if module.check_mode:
        module.exit_json(changed=False, skipped_verify=False, msg='would verify: ' + step.get('detail', ''))
    job = csmhctl.follow_job(module, cmd)
    module.exit_json(changed=False, skipped_verify=False, job=job)


if __name__ == '__main__':
    main()
