#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: csmh-agent developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: csmh_settings
short_description: Set DATABASES.student_module_history and the CSMH flags in lms.yml and cms.yml
description:
  - Edits only the lines that change, atomically, with a timestamped backup, through csmh-agent.
  - Supports check mode and diff mode (secrets masked) and returns the edxapp.yml overrides that keep the next deploy consistent.
options:
  db_name: {description: NAME; omitted keeps the entry's (else edxapp_csmh)., type: str}
  db_user: {description: USER; omitted keeps the entry's (else DATABASES.default's)., type: str}
  db_password: {description: PASSWORD; omitted keeps the entry's (else DATABASES.default's)., type: str}
  db_host: {description: HOST; omitted keeps the entry's (else DATABASES.default's)., type: str}
  db_port: {description: "PORT; omitted keeps the entry's (else DATABASES.default's, else 3306).", type: int}
  db_options:
    description:
      - OPTIONS (typed values kept); empty keeps the entry's (else DATABASES.default's, e.g. isolation_level).
      - TLS as Django's mysqlclient takes it, C(ssl_mode) and the nested C(ssl) mapping (C(ca), C(cert), C(key)); the agent
        connects to the database the same way.
    type: dict
    default: {}
  conn_max_age: {description: CONN_MAX_AGE; omitted keeps the entry's (else DATABASES.default's)., type: int}
  enable_csmh_extended: {description: FEATURES.ENABLE_CSMH_EXTENDED; omit to leave as is., type: bool}
  read_from_multiple_tables: {description: FEATURES.ENABLE_READING_FROM_MULTIPLE_HISTORY_TABLES; omit to leave as is., type: bool}
  include_cms: {description: Edit cms.yml too when the agent manages one., type: bool, default: true}
extends_documentation_fragment:
  - csmh.agent.common
author: csmh-agent developers (@csmh-agent)
'''

EXAMPLES = r'''
- csmh.agent.csmh_settings:
    db_user: edxapp_csmh001
    db_password: "{{ EDXAPP_MYSQL_CSMH_PASSWORD }}"
    db_host: db.internal
    enable_csmh_extended: true
'''

RETURN = r'''
files: {description: 'Per file: whether it changed, the masked diff and the backup path.', type: list, elements: dict, returned: always}
ansible_overrides: {description: 'The EDXAPP_* variables matching the new lms.yml, typed as lms.yml has them (password masked).', type: dict, returned: always}
next_deploy_changes: {description: 'What the next edxapp deploy would still change (e.g. CONN_MAX_AGE, which edxapp.yml shares with DATABASES.default).', type: list, elements: str, returned: always}
'''

import re

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.csmh.agent.plugins.module_utils import csmhctl


def option_text(value):
    """An OPTIONS value as the agent reads it: YAML-typed text, so a string that looks like a number or boolean is quoted."""
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, str) and (re.fullmatch(r'-?(0|[1-9][0-9]*)', value) or value in ('true', 'false', 'True', 'False')):
        return '"%s"' % value
    return str(value)


def flat_options(options):
    """OPTIONS as the request takes them: strings, the nested ssl mapping (ca, cert, key) as ssl.ca and so on."""
    flat = {}
    for k, v in options.items():
        if k == 'ssl' and isinstance(v, dict):
            flat.update(('ssl.%s' % sk, option_text(sv)) for sk, sv in v.items())
        else:
            flat[k] = option_text(v)
    return flat


def main():
    args = dict(
        db_name=dict(type='str'),
        db_user=dict(type='str'),
        db_password=dict(type='str', no_log=True),
        db_host=dict(type='str'),
        db_port=dict(type='int'),
        db_options=dict(type='dict', default={}),
        conn_max_age=dict(type='int'),
        enable_csmh_extended=dict(type='bool'),
        read_from_multiple_tables=dict(type='bool'),
        include_cms=dict(type='bool', default=True),
    )
    args.update(csmhctl.COMMON_ARGS)
    module = AnsibleModule(argument_spec=args, supports_check_mode=True)
    p = module.params
    request = dict(dryRun=module.check_mode, includeCms=p['include_cms'])
    # Any database parameter sets the entry; what is omitted the agent keeps from the file.
    if any(p[k] is not None for k in ('db_name', 'db_user', 'db_password', 'db_host', 'db_port')) or p['db_options']:
        request['database'] = dict(name=p['db_name'] or '', user=p['db_user'] or '', password=p['db_password'] or '',
                                   host=p['db_host'] or '', port=p['db_port'] or 0,
                                   options=flat_options(p['db_options']))
        if p['conn_max_age'] is not None:
            request['database']['connMaxAge'] = p['conn_max_age']
    for param, field in (('enable_csmh_extended', 'enableCsmhExtended'), ('read_from_multiple_tables', 'enableReadingFromMultipleHistoryTables')):
        if p[param] is not None:
            request[field] = 'FLAG_TRUE' if p[param] else 'FLAG_FALSE'
    if 'database' not in request and len(request) == 2:
        module.fail_json(msg='nothing to set: give a db_* parameter or a flag')
    doc = csmhctl.run_one(module, ['settings'], request)
    csmhctl.warn(module, doc.get('nextDeployChanges', []), 'the next edxapp deploy would change: ')
    files = doc.get('files', [])
    # Typed as lms.yml has them (a string 'false' would be true to Python).
    result = dict(changed=doc.get('changed', False), files=files, ansible_overrides=csmhctl.overrides(doc),
                  next_deploy_changes=doc.get('nextDeployChanges', []))
    if module._diff:
        result['diff'] = [dict(prepared=f['diff']) for f in files if f.get('diff')]
    module.exit_json(**result)


if __name__ == '__main__':
    main()
