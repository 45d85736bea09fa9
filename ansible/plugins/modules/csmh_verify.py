#!/usr/bin/python
# -*- coding: utf-8 -*-
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
  chunk_size: {description: Ids per chunk., type: int}
  sleep_ms: {description: Pause between chunks., type: int}
  target_chunk_ms: {description: Auto-size chunks to this duration., type: int}
  max_rows_per_second: {description: Rate cap., type: int}
  max_threads_running: {description: Throttle above this Threads_running., type: int}
  max_replica_lag_seconds: {description: Throttle above this replica lag., type: int}
  replica_endpoints: {description: Agent endpoints of replicas to watch., type: list, elements: str}
  agent: {description: csmh-agent address., type: str, default: '127.0.0.1:7443'}
  csmhctl: {description: Path of csmhctl., type: str, default: csmhctl}
  timeout: {description: Seconds to wait for each call., type: int, default: 120}
author: csmh-agent developers
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
