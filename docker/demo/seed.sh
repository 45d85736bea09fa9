#!/bin/sh
# Creates the old history table with synthetic rows (the demo's stand-in for an Open edX database).
set -eu
m="mysql -hmysql -uroot -pdemo-root-pass"
$m edxapp <<'SQL'
SET SESSION cte_max_recursion_depth = 10000;
CREATE TABLE IF NOT EXISTS courseware_studentmodulehistory (
  id int NOT NULL AUTO_INCREMENT PRIMARY KEY, version varchar(255) NULL, created datetime(6) NOT NULL, state longtext NULL,
  grade double NULL, max_grade double NULL, student_module_id int NOT NULL,
  KEY courseware_studentmodulehistory_version_d3823ad1 (version), KEY courseware_studentmodulehistory_created_19cb94d2 (created),
  KEY courseware_studentmod_student_module_id_6ffc1d2e_fk_coursewar (student_module_id)) ENGINE=InnoDB DEFAULT CHARSET=utf8;
INSERT INTO courseware_studentmodulehistory (version, created, state, grade, max_grade, student_module_id)
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
  SELECT CONCAT('v', i % 3), NOW(6) - INTERVAL i MINUTE, CONCAT('{"attempts": ', i % 9, ', "done": true, "seed": ', i, '}'), i % 5, 4, i
  FROM n;
INSERT INTO courseware_studentmodulehistory (version, created, state, grade, max_grade, student_module_id)
  SELECT version, created, state, grade, max_grade, student_module_id FROM courseware_studentmodulehistory;
INSERT INTO courseware_studentmodulehistory (version, created, state, grade, max_grade, student_module_id)
  SELECT version, created, state, grade, max_grade, student_module_id FROM courseware_studentmodulehistory;
SQL
echo "seeded $($m -N -e 'SELECT COUNT(*) FROM edxapp.courseware_studentmodulehistory') rows"
