#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: csmh-agent developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: csmh_database
short_description: Create the CSMH database and its users through csmh-agent
description:
  - Creates the database for courseware history (default C(edxapp_csmh)) and its users with grants, idempotently.
  - Parameters follow community.mysql (login_*, name, encoding, users with priv C(db.*:PRIV,PRIV)).
  - Runs C(csmhctl provision); secrets travel on its standard input.
options:
  login_host: {description: Admin login host; omit to use the agent's configured admin endpoint., type: str}
  login_port: {description: Admin login port., type: int, default: 3306}
  login_user: {description: Admin login user., type: str}
  login_password: {description: Admin login password., type: str}
  login_endpoint: {description: Name of an endpoint in the agent config to log in with (default admin)., type: str}
  ca_cert:
    description:
      - CA certificate (PEM, on the agent's host) that signed the login host's certificate; the agent then verifies the
        server (VERIFY_CA). With I(login_host) only; a configured endpoint has its own TLS settings.
    type: path
    aliases: [ssl_ca]
  client_cert: {description: Client certificate (PEM) for an admin account that REQUIRE X509., type: path, aliases: [ssl_cert]}
  client_key: {description: "Its private key (PEM, unencrypted).", type: path, aliases: [ssl_key]}
  check_hostname: {description: Also check that the certificate names I(login_host) (VERIFY_IDENTITY)., type: bool}
  name: {description: Database name., type: str, default: edxapp_csmh}
  encoding: {description: Character set of a new database; empty takes the old history table's., type: str, default: ''}
  collation: {description: Collation of a new database., type: str}
  users:
    description: Users to create with exactly these privileges.
    type: list
    elements: dict
    default: []
    suboptions:
      name: {description: User name., type: str, required: true}
      host: {description: Host pattern., type: str, default: '%'}
      password: {description: Password., type: str, required: true}
      priv: {description: "Privileges, e.g. C(edxapp_csmh.*:SELECT,INSERT,UPDATE,DELETE); C(*.*:PROCESS) for global ones; GRANT means WITH GRANT OPTION.", type: str, required: true}
      append_privs: {description: "As community.mysql: add what priv names and revoke nothing. False makes priv exact inside the database I(name): what it does not name there (the grant option, a table's grant) is revoked; grants on other databases and global privileges are kept and reported (configuration's defaults make the CSMH user the LMS's own account).", type: bool, default: false}
      revoke_outside_database: {description: "With I(append_privs=false), also revoke what priv does not name on other databases and globally. Those grants are not the procedure's: on the LMS's own account this takes the live site's access away.", type: bool, default: false}
  update_password: {description: When to set passwords of existing users (as community.mysql; C(always) keeps lms.yml and the database in step)., type: str, choices: [on_create, always], default: always}
extends_documentation_fragment:
  - csmh.agent.common
author: csmh-agent developers (@csmh-agent)
'''

EXAMPLES = r'''
- csmh.agent.csmh_database:
    login_host: db.internal
    login_user: admin
    login_password: "{{ COMMON_MYSQL_ADMIN_PASS }}"
    users:
      - {name: edxapp_csmh001, host: '%', password: "{{ EDXAPP_MYSQL_CSMH_PASSWORD }}", priv: 'edxapp_csmh.*:SELECT,INSERT,UPDATE,DELETE'}
'''

RETURN = r'''
statements: {description: Statements run (or planned in check mode) with passwords masked., type: list, elements: str, returned: always}
warnings_from_agent: {description: Things left alone on purpose., type: list, elements: str, returned: always}
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.csmh.agent.plugins.module_utils import csmhctl


def main():
    args = dict(
        login_host=dict(type='str'),
        login_port=dict(type='int', default=3306),
        login_user=dict(type='str'),
        login_password=dict(type='str', no_log=True),
        login_endpoint=dict(type='str'),
        ca_cert=dict(type='path', aliases=['ssl_ca']),
        client_cert=dict(type='path', aliases=['ssl_cert']),
        client_key=dict(type='path', aliases=['ssl_key']),
        check_hostname=dict(type='bool'),
        name=dict(type='str', default='edxapp_csmh'),
        encoding=dict(type='str', default=''),
        collation=dict(type='str'),
        users=dict(type='list', elements='dict', default=[], options=dict(
            name=dict(type='str', required=True),
            host=dict(type='str', default='%'),
            password=dict(type='str', required=True, no_log=True),
            priv=dict(type='str', required=True),
            append_privs=dict(type='bool', default=False),
            revoke_outside_database=dict(type='bool', default=False))),
        update_password=dict(type='str', choices=['on_create', 'always'], default='always', no_log=False),
    )
    args.update(csmhctl.COMMON_ARGS)
    module = AnsibleModule(argument_spec=args, supports_check_mode=True,
                           mutually_exclusive=[('login_endpoint', 'login_host')], required_together=[('login_host', 'login_user'), ('client_cert', 'client_key')])
    p = module.params
    login = {}
    if p['login_endpoint']:
        login['endpoint'] = p['login_endpoint']
    if p['login_host']:
        login.update(host=p['login_host'], port=p['login_port'], user=p['login_user'], password=p['login_password'] or '')
        login.update({k: v for k, v in (('caCert', p['ca_cert']), ('clientCert', p['client_cert']), ('clientKey', p['client_key'])) if v})
        if p['check_hostname']:
            login['checkHostname'] = True
    request = dict(login=login, database=p['name'], charset=p['encoding'], dryRun=module.check_mode,
                   passwordUpdate='PASSWORD_UPDATE_ALWAYS' if p['update_password'] == 'always' else 'PASSWORD_UPDATE_ON_CREATE',
                   users=[dict(name=u['name'], host=u['host'], password=u['password'], priv=u['priv'], appendPrivs=u['append_privs'],
                               revokeOutsideDatabase=u['revoke_outside_database'])
                          for u in p['users']])
    if p['collation']:
        request['collation'] = p['collation']
    doc = csmhctl.run_one(module, ['provision'], request)
    csmhctl.warn(module, doc.get('warnings', []))
    module.exit_json(changed=doc.get('changed', False), statements=doc.get('statements', []),
                     warnings_from_agent=doc.get('warnings', []))


if __name__ == '__main__':
    main()
