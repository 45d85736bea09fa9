#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: csmh-agent developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: csmh_purge
short_description: Empty the old history table through csmh-agent
description:
  - Chunked, throttled, resumable DELETE by id range (seed pace 20000 ids, 3 s apart) or one TRUNCATE, which waits at most 5 s at a
    time for the table's metadata lock (any open transaction that read the table holds it) and tries again in between.
  - "Only rows CSMHE holds leave the old table. A chunked DELETE removes, per chunk, the rows CSMHE holds with equal content and leaves
    the rest (a server still writing the old table, a late commit), then fails naming them; copy again, verify, purge again. A
    TRUNCATE runs only where a verify that passed after the last copy covers every row the table holds at that moment."
  - Refused until the cutover is done, unless I(force). Unchanged when the old table is already empty, except that
    I(method=truncate) after a chunked DELETE truncates the empty table, which gives back the disk space its file kept.
options:
  method: {description: How., type: str, choices: [delete, truncate], default: delete}
  force: {description: 'Purge even though reads may still use the old table (never while a copy of it runs, here or on another host).', type: bool, default: false}
  discard_uncopied: {description: 'Delete old rows whether or not CSMHE holds them, for a site that chose not to copy its history: they are lost.', type: bool, default: false}
  wait: {description: Follow the job to its end., type: bool, default: true}
extends_documentation_fragment:
  - csmh.agent.common
  - csmh.agent.common.PACE
author: csmh-agent developers (@csmh-agent)
'''

EXAMPLES = r'''
- name: Empty the old table slowly, as the seed procedure does
  csmh.agent.csmh_purge:
    method: delete
- name: Give back the disk space the emptied table's file still holds
  csmh.agent.csmh_purge:
    method: truncate
'''

RETURN = r'''
job: {description: The purge job's last snapshot., type: dict, returned: when a purge ran}
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.csmh.agent.plugins.module_utils import csmhctl


def main():
    args = dict(method=dict(type='str', choices=['delete', 'truncate'], default='delete'), force=dict(type='bool', default=False),
                discard_uncopied=dict(type='bool', default=False), wait=dict(type='bool', default=True))
    args.update(csmhctl.PACE_ARGS)
    args.update(csmhctl.COMMON_ARGS)
    module = AnsibleModule(argument_spec=args, supports_check_mode=True)
    p = module.params
    step = csmhctl.steps_by_id(csmhctl.status(module)).get('purge', {})
    # Done with a job named: a chunked DELETE emptied the table and its file kept its size (the agent's purge step);
    # a TRUNCATE then has no rows to lose and gives the space back.
    reclaim = step.get('state') == 'done' and p['method'] == 'truncate' and step.get('job_id')
    if step.get('state') == 'done' and not reclaim:
        module.exit_json(changed=False, msg='the old table is already empty: ' + step.get('detail', ''))
    if module.check_mode:
        module.exit_json(changed=True, msg='would truncate the empty old table' if reclaim else 'would purge the old table')
    cmd = ['purge'] + csmhctl.job_args(p)
    if p['method'] == 'truncate':
        cmd.append('--truncate')
    if p['force']:
        cmd.append('--force')
    if p['discard_uncopied']:
        cmd.append('--discard-uncopied')
    if not p['wait']:
        rc, lines = csmhctl.run(module, cmd + ['--detach'])
        module.exit_json(changed=True, job=lines[-1])
    job = csmhctl.follow_job(module, cmd)
    module.exit_json(changed=True, job=job)


if __name__ == '__main__':
    main()
