#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: csmh-agent developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: csmh_plan
short_description: Plan a copy of CSMH into CSMHE before starting it, through csmh-agent
description:
  - Asks the agent what the copy these options would start takes - rows, CSMHE's growth, the free space, the binary log against
    its expiry, the time at this pace (sampled on the source, within the quiet-hours window), replicas, the LMS's exposure -
    and its verdict GO, GO_WITH_WARNINGS or NO_GO with each reason.
  - Reads only; runs the same in check mode. Fails on NO_GO unless O(fail_on_no_go=false); warnings become Ansible warnings.
options:
  exact_count: {description: COUNT(*) the old table (reads every row) instead of sampling chunks., type: bool, default: false}
  target_free_bytes: {description: "Free bytes where CSMHE's server keeps its data, when the agent cannot read it (a server on another host).", type: int}
  sample_chunks: {description: Chunks read and timed on the source (1 to 100; the agent's default is 8)., type: int}
  fail_on_no_go: {description: Fail the task when the verdict is NO_GO., type: bool, default: true}
extends_documentation_fragment:
  - csmh.agent.common
  - csmh.agent.common.COPY
  - csmh.agent.common.PACE
author: csmh-agent developers (@csmh-agent)
'''

EXAMPLES = r'''
- name: Plan a night-only copy before starting it
  csmh.agent.csmh_plan:
    window: "01:00-06:00"
    time_zone: Europe/Paris
    sleep_ms: 500
  register: plan

- ansible.builtin.debug:
    msg: "{{ plan.plan.rows }} rows, about {{ plan.plan.wallSeconds }} s"
'''

RETURN = r'''
plan: {description: "The agent's CopyPlan (rows, bytes, binlog, time, replicas, reasons; numbers as csmhctl --json prints them).", type: dict, returned: always}
verdict: {description: "GO, GO_WITH_WARNINGS or NO_GO.", type: str, returned: always}
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.csmh.agent.plugins.module_utils import csmhctl

EXIT_NO_GO = 8


def main():
    args = dict(exact_count=dict(type='bool', default=False), target_free_bytes=dict(type='int'), sample_chunks=dict(type='int'),
                fail_on_no_go=dict(type='bool', default=True))
    args.update(csmhctl.COPY_ARGS)
    args.update(csmhctl.PACE_ARGS)
    args.update(csmhctl.COMMON_ARGS)
    module = AnsibleModule(argument_spec=args, supports_check_mode=True)
    p = module.params
    cmd = ['plan'] + csmhctl.copy_args(p) + csmhctl.job_args(p)
    if p['exact_count']:
        cmd.append('--exact-count')
    for name, option in (('target_free_bytes', '--target-free-bytes'), ('sample_chunks', '--sample-chunks')):
        if p[name] is not None:
            cmd += [option, str(p[name])]
    rc, lines = csmhctl.run(module, cmd, ok_codes=(csmhctl.EXIT_OK, EXIT_NO_GO))
    plan = lines[-1]
    verdict = plan.get('verdict', '').replace('VERDICT_', '')
    for reason in plan.get('reasons', []):
        if reason.get('verdict') == 'VERDICT_GO_WITH_WARNINGS':
            module.warn('%s: %s' % (reason.get('code'), reason.get('message')))
    if verdict == 'NO_GO' and p['fail_on_no_go']:
        blockers = ['%s: %s' % (r.get('code'), r.get('message')) for r in plan.get('reasons', []) if r.get('verdict') == 'VERDICT_NO_GO']
        module.fail_json(msg='the copy plan says NO_GO: ' + '; '.join(blockers), plan=plan, verdict=verdict)
    module.exit_json(changed=False, plan=plan, verdict=verdict)


if __name__ == '__main__':
    main()
