#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: csmh-agent developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: csmh_copy
short_description: Copy every CSMH row into CSMHE through csmh-agent
description:
  - Starts a copy job (ids kept, chunked, throttled, resumable) and waits for it, or returns at once with I(wait=false).
  - Copying again after a finished copy resumes from what CSMHE holds, so a second run copies nothing and reports no change.
options:
  wait: {description: Follow the job to its end., type: bool, default: true}
extends_documentation_fragment:
  - csmh.agent.common
  - csmh.agent.common.COPY
  - csmh.agent.common.PACE
author: csmh-agent developers (@csmh-agent)
'''

EXAMPLES = r'''
- csmh.agent.csmh_copy:
    chunk_size: 10000
    sleep_ms: 2000
'''

RETURN = r'''
job: {description: The job's last snapshot., type: dict, returned: always}
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.csmh.agent.plugins.module_utils import csmhctl


def main():
    args = dict(wait=dict(type='bool', default=True))
    args.update(csmhctl.COPY_ARGS)
    args.update(csmhctl.PACE_ARGS)
    args.update(csmhctl.COMMON_ARGS)
    module = AnsibleModule(argument_spec=args, supports_check_mode=True)
    p = module.params
    if module.check_mode:
        done = [j for j in csmhctl.jobs(module) if j.get('kind') == 'JOB_KIND_COPY' and j.get('state') == 'JOB_STATE_SUCCEEDED']
        module.exit_json(changed=not done, job=done[-1] if done else {})
    cmd = ['copy'] + csmhctl.copy_args(p) + csmhctl.job_args(p)
    if not p['wait']:
        rc, lines = csmhctl.run(module, cmd + ['--detach'])
        module.exit_json(changed=True, job=lines[-1])
    job = csmhctl.follow_job(module, cmd)
    module.exit_json(changed=int(job.get('rowsDone', 0)) > 0, job=job)


if __name__ == '__main__':
    main()
