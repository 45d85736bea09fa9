# -*- coding: utf-8 -*-
# Copyright: csmh-agent developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# Shared by every csmh module: run `csmhctl --json`, passing the request (secrets included) on stdin, never argv.
from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

COMMON_ARGS = dict(
    agent=dict(type='str', default='unix:/run/csmh-agent/agent.sock'),
    csmhctl=dict(type='str', default='csmhctl'),
    timeout=dict(type='int', default=120),
)

# csmhctl's exit codes (README.md)
EXIT_OK = 0
EXIT_REFUSED = 4
EXIT_JOB_FAILED = 7


def run(module, args, request=None, ok_codes=(EXIT_OK,), stdin=None):
    """Runs csmhctl; returns (exit code, parsed JSON lines). Fails the module with csmhctl's message otherwise.
    A request (JSON, may hold secrets) or a single secret goes on standard input."""
    cmd = [module.params['csmhctl'], '--agent', module.params['agent'], '--timeout', str(module.params['timeout']), '--json'] + args
    data = stdin
    if request is not None:
        cmd += ['--request', '-']
        data = json.dumps(request)
    rc, out, err = module.run_command(cmd, data=data, binary_data=True)
    if rc == 2 and not out.strip():
        module.fail_json(msg=err.strip().replace('csmhctl: ', '', 1) or 'csmhctl refused the arguments', rc=rc)
    lines = [parse(module, line) for line in out.splitlines() if line.strip()]
    if rc not in ok_codes:
        message = err.strip() or out.strip()
        for doc in lines:
            if isinstance(doc, dict) and 'error' in doc:
                message = doc['error'].get('message', message)
        module.fail_json(msg=message.replace('csmhctl: ', '', 1), rc=rc)
    return rc, lines


def warn(module, messages, prefix=''):
    """The agent's warnings (an existing database in another character set, privileges revoked, a value the next
    deploy would change) become Ansible warnings, shown in the play's output where an operator sees them."""
    for message in messages or []:
        module.warn(prefix + message)


def error_message(lines):
    """The message of csmhctl's --json error document, if it printed one."""
    for doc in lines:
        if isinstance(doc, dict) and 'error' in doc:
            return doc['error'].get('message', '')
    return ''


def run_one(module, args, request=None):
    """A call that answers with one JSON document."""
    rc, lines = run(module, args, request)
    if not lines:
        module.fail_json(msg='csmhctl printed nothing for: %s' % ' '.join(args))
    return lines[-1]


def parse(module, line):
    """csmhctl --json prints one JSON document per line."""
    try:
        return json.loads(line)
    except ValueError:
        module.fail_json(msg='csmhctl printed something that is not JSON: %s' % line[:200])


PACE_ARGS = dict(
    chunk_size=dict(type='int'),
    sleep_ms=dict(type='int'),
    target_chunk_ms=dict(type='int'),
    max_rows_per_second=dict(type='int'),
    max_threads_running=dict(type='int'),
    max_replica_lag_seconds=dict(type='int'),
    replica_endpoints=dict(type='list', elements='str'),
    max_load=dict(type='dict'),
    window=dict(type='str'),
    time_zone=dict(type='str'),
)


# The copy's own options, shared by csmh_copy and csmh_plan (which plans the copy they would start).
COPY_ARGS = dict(
    mode=dict(type='str', choices=['auto', 'same-instance', 'cross-server'], default='auto'),
    range_start=dict(type='int'),
    range_end=dict(type='int'),
    growth_check_seconds=dict(type='int'),
    statement=dict(type='str', choices=['auto', 'bulk', 'simple-inserts', 'short-insert-select'], default='auto'),
    writers=dict(type='int'),
)


def copy_args(params):
    """csmhctl options for the copy's own parameters."""
    out = ['--mode', params['mode'], '--statement', params['statement']]
    for name, option in (('range_start', '--range-start'), ('range_end', '--range-end'), ('growth_check_seconds', '--growth-check-seconds'),
                         ('writers', '--writers')):
        if params.get(name) is not None:
            out += [option, str(params[name])]
    return out


def follow_job(module, args, request=None):
    """Starts a job and follows it to its end; fails the module when the job does not succeed."""
    rc, lines = run(module, args, request, ok_codes=(EXIT_OK, EXIT_JOB_FAILED))
    jobs = [doc for doc in lines if isinstance(doc, dict) and 'id' in doc and 'kind' in doc]
    if not jobs:
        module.fail_json(msg='no job events from csmhctl %s' % args[0])
    job = jobs[-1]
    if job.get('state') != 'JOB_STATE_SUCCEEDED':
        module.fail_json(msg='%s job %s ended %s: %s' % (args[0], job.get('id'), job.get('state'), job.get('error', '')), job=job)
    return job


def status(module):
    """The agent's GetStatus: checks, and the procedure's steps as the agent defines them."""
    rc, lines = run(module, ['status'])
    return lines[-1]


def steps_by_id(status_doc):
    """Step id -> {state: done|todo|running|blocked, detail, job_id, ...}, in the agent's order."""
    out = {}
    for step in status_doc.get('steps', []):
        state = step.get('state', '').replace('STEP_STATE_', '').lower()
        out[step.get('id')] = dict(state=state, title=step.get('title', ''), detail=step.get('detail', ''),
                                   action=step.get('action', ''), job_id=step.get('jobId', ''))
    return out


def step_state(module, step_id):
    """The state of one step of the procedure, as the agent sees it now."""
    return steps_by_id(status(module)).get(step_id, {}).get('state', '')


def jobs(module):
    """Every job the agent knows, as its last snapshot."""
    rc, lines = run(module, ['jobs'])
    return [doc for doc in lines if isinstance(doc, dict) and 'id' in doc]


def job_args(params):
    """csmhctl options for the shared pace parameters."""
    out = []
    for name, option in (('chunk_size', '--chunk-size'), ('sleep_ms', '--sleep-ms'), ('target_chunk_ms', '--target-chunk-ms'),
                         ('max_rows_per_second', '--max-rate'), ('max_threads_running', '--max-threads-running'),
                         ('max_replica_lag_seconds', '--max-replica-lag')):
        if params.get(name) is not None:
            out += [option, str(params[name])]
    for replica in params.get('replica_endpoints') or []:
        out += ['--replica', replica]
    if params.get('max_load'):
        out += ['--max-load', ','.join('%s=%s' % (name, limit) for name, limit in sorted(params['max_load'].items()))]
    for name, option in (('window', '--window'), ('time_zone', '--time-zone')):
        if params.get(name) is not None:
            out += [option, params[name]]
    return out


def overrides(settings_doc):
    """The EDXAPP_* overrides of a settings result, typed as lms.yml has them (a string 'false' is true to Python)."""
    return dict((k, json.loads(v)) for k, v in settings_doc.get('ansibleOverridesJson', {}).items())
