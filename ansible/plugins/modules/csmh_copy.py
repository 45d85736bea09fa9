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
  mode: {description: Copy mode., type: str, choices: [auto, same-instance, cross-server], default: auto}
  range_start: {description: First id., type: int}
  range_end: {description: Last id., type: int}
  growth_check_seconds: {description: Watch the old table this long and refuse if it grows., type: int}
  statement:
    description:
      - Which statements write CSMHE. C(auto) takes C(simple-inserts) under innodb_autoinc_lock_mode 1 (MariaDB's default),
        so the LMS's inserts do not queue behind a chunk, else C(bulk).
      - C(bulk) (INSERT..SELECT or LOAD DATA) is about twice as fast there but holds CSMHE's table AUTO-INC lock per chunk.
    type: str
    choices: [auto, bulk, simple-inserts]
    default: auto
  writers:
    description:
      - Target connections writing chunks at once (1 to 4), each chunk in its own transaction, commits in id order.
        The agent's default is 2. A pace with O(sleep_ms) writes one chunk at a time, and so do the bulk statements
        (INSERT..SELECT, LOAD DATA) under innodb_autoinc_lock_mode 0 or 1.
    type: int
extends_documentation_fragment:
  - csmh.agent.common
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
    args = dict(
        wait=dict(type='bool', default=True),
        mode=dict(type='str', choices=['auto', 'same-instance', 'cross-server'], default='auto'),
        range_start=dict(type='int'),
        range_end=dict(type='int'),
        growth_check_seconds=dict(type='int'),
        statement=dict(type='str', choices=['auto', 'bulk', 'simple-inserts'], default='auto'),
        writers=dict(type='int'),
    )
    args.update(csmhctl.PACE_ARGS)
    args.update(csmhctl.COMMON_ARGS)
    module = AnsibleModule(argument_spec=args, supports_check_mode=True)
    p = module.params
    if module.check_mode:
        done = [j for j in csmhctl.jobs(module) if j.get('kind') == 'JOB_KIND_COPY' and j.get('state') == 'JOB_STATE_SUCCEEDED']
        module.exit_json(changed=not done, job=done[-1] if done else {})
    cmd = ['copy', '--mode', p['mode'], '--statement', p['statement']] + csmhctl.job_args(p)
    for name, option in (('range_start', '--range-start'), ('range_end', '--range-end'), ('growth_check_seconds', '--growth-check-seconds'),
                         ('writers', '--writers')):
        if p[name] is not None:
            cmd += [option, str(p[name])]
    if not p['wait']:
        rc, lines = csmhctl.run(module, cmd + ['--detach'])
        module.exit_json(changed=True, job=lines[-1])
    job = csmhctl.follow_job(module, cmd)
    module.exit_json(changed=int(job.get('rowsDone', 0)) > 0, job=job)


if __name__ == '__main__':
    main()
