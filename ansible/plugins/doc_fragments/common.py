# -*- coding: utf-8 -*-
# Copyright: csmh-agent developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):
    # How every csmh module reaches the agent.
    DOCUMENTATION = r'''
options:
  agent: {description: 'csmh-agent address: unix:/path/to/socket (the agent''s default) or host:port.', type: str, default: 'unix:/run/csmh-agent/agent.sock'}
  csmhctl: {description: Path of csmhctl., type: str, default: csmhctl}
  timeout: {description: Seconds to wait for each call to the agent., type: int, default: 120}
'''

    # The pace of a chunked job (copy, verify, purge); unset options keep the agent's defaults.
    PACE = r'''
options:
  chunk_size: {description: Ids per chunk., type: int}
  sleep_ms: {description: Pause between chunks in milliseconds., type: int}
  target_chunk_ms: {description: Auto-size chunks to take about this long (0 = fixed size)., type: int}
  max_rows_per_second: {description: Average rate cap (0 = none)., type: int}
  max_threads_running: {description: Throttle while the target's Threads_running is above this (0 = off)., type: int}
  max_replica_lag_seconds: {description: Throttle while a watched replica lags more seconds., type: int}
  replica_endpoints: {description: Agent endpoint names of replicas whose lag to watch., type: list, elements: str}
  max_load:
    description:
      - "Throttle while any of these signals is above its limit, as gh-ost's C(--max-load), e.g. C({Innodb_row_lock_current_waits: 10})."
      - A name is a SHOW GLOBAL STATUS variable or C(trx_rseg_history_len), InnoDB's history list length (needs PROCESS).
      - Replaces the job's list; a limit of 0 removes that name.
    type: dict
  window:
    description:
      - Quiet hours, e.g. C(01:00-06:00) or C(22:00-02:00,12:00-13:00); outside them the job waits and says when it resumes.
      - An empty string means any time.
    type: str
  time_zone: {description: IANA zone the window is read in (default the agent host's)., type: str}
'''

    # The copy's own options (csmh_copy, and csmh_plan, which plans the copy they would start).
    COPY = r'''
options:
  mode: {description: Copy mode., type: str, choices: [auto, same-instance, cross-server], default: auto}
  range_start: {description: First id., type: int}
  range_end: {description: Last id., type: int}
  growth_check_seconds: {description: Watch the old table this long and refuse if it grows., type: int}
  statement:
    description:
      - Which statements write CSMHE. C(auto) takes C(simple-inserts) under innodb_autoinc_lock_mode 1 (MariaDB's default),
        so the LMS's inserts do not queue behind a chunk, or C(short-insert-select) there when the server runs on another host,
        else C(bulk).
      - C(bulk) (INSERT..SELECT or LOAD DATA) is about twice as fast there but holds CSMHE's table AUTO-INC lock per chunk.
      - C(short-insert-select) (same instance) runs INSERT..SELECT in statements of 250 ids, a chunk's in one round trip.
    type: str
    choices: [auto, bulk, simple-inserts, short-insert-select]
    default: auto
  writers:
    description:
      - Target connections writing chunks at once (1 to 4), each chunk in its own transaction, commits in id order.
        The agent's default is 2. A pace with O(sleep_ms) writes one chunk at a time, and so do the bulk statements
        (INSERT..SELECT, LOAD DATA) under innodb_autoinc_lock_mode 0 or 1.
    type: int
'''
