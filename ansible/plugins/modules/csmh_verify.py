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
options:
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
job: {description: The verify job's last snapshot., type: dict, returned: always}
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.csmh.agent.plugins.module_utils import csmhctl


def main():
    args = dict(range_start=dict(type='int'), range_end=dict(type='int'), max_reported=dict(type='int'))
    args.update(csmhctl.PACE_ARGS)
    args.update(csmhctl.COMMON_ARGS)
    module = AnsibleModule(argument_spec=args, supports_check_mode=True)
    p = module.params
    cmd = ['verify'] + csmhctl.job_args(p)
    for name, option in (('range_start', '--range-start'), ('range_end', '--range-end'), ('max_reported', '--max-reported')):
        if p[name] is not None:
            cmd += [option, str(p[name])]
    # Read-only, so it runs in check mode too.
    job = csmhctl.follow_job(module, cmd)
    module.exit_json(changed=False, job=job)


if __name__ == '__main__':
    main()
