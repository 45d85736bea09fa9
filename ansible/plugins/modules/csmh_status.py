#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: csmh-agent developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: csmh_status
short_description: The CSMH procedure's checklist and jobs on a host
description:
  - Read-only. Returns every check of the procedure, its steps as the agent defines them (in order, each with its
    state), and the agent's jobs, e.g. to poll an asynchronous copy or to skip steps that are already done.
options:
  job_id: {description: Also return this job as C(job)., type: str}
extends_documentation_fragment:
  - csmh.agent.common
author: csmh-agent developers (@csmh-agent)
'''

EXAMPLES = r'''
- csmh.agent.csmh_status: {}
  register: csmh
'''

RETURN = r'''
checks: {description: The checklist., type: list, elements: dict, returned: always}
complete: {description: No check is pending or failed., type: bool, returned: always}
steps:
  description: The procedure's steps by id, each with C(state) (done, todo, running or blocked), C(title), C(detail), C(action) and C(job_id).
  type: dict
  returned: always
todo: {description: 'Ids of the steps not done yet, in order.', type: list, elements: str, returned: always}
next_step: {description: The first step not done; empty when the procedure is complete., type: str, returned: always}
jobs: {description: Every job's last snapshot., type: list, elements: dict, returned: always}
job: {description: The job named by job_id., type: dict, returned: when job_id is given}
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.csmh.agent.plugins.module_utils import csmhctl


def main():
    args = dict(job_id=dict(type='str'))
    args.update(csmhctl.COMMON_ARGS)
    module = AnsibleModule(argument_spec=args, supports_check_mode=True)
    status = csmhctl.status(module)
    steps = csmhctl.steps_by_id(status)
    jobs = csmhctl.jobs(module)
    result = dict(changed=False, checks=status.get('checks', []), complete=status.get('complete', False), jobs=jobs,
                  steps=steps, todo=[k for k, v in steps.items() if v['state'] != 'done'], next_step=status.get('nextStep', ''))
    csmhctl.warn(module, ['%s: %s' % (c.get('title'), c.get('detail')) for c in result['checks'] if c.get('state') == 'CHECK_STATE_WARNING'])
    if module.params['job_id']:
        rc, lines = csmhctl.run(module, ['job', module.params['job_id']])
        result['job'] = lines[-1]
    module.exit_json(**result)


if __name__ == '__main__':
    main()
