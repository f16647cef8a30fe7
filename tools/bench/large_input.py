#!/usr/bin/env python3
"""Large inputs for measuring how the compiler's and the importer's cost grows (issue 26, finding 11).

  large_input.py group_by N OUT.textproto [--columns=C] [--expression-bytes=B]
      A GroupBy with an inline events source selecting C columns (default: N) and N aggregations, aggregation i a
      SUM of col_(i % C) over a window of (i % 7 + 1) days and one of 30 days (the shape of
      tests/integration/large_inputs_test.sh's 10 MB case); each select expression is B bytes longer (default 0).
  large_input.py import COMPILER N OUT_DIR
      A Chronon repo for the importer: OUT_DIR/teams.json (tests/errors/teams.json) and
      OUT_DIR/production/group_bys/example_team/big.v1, the conf COMPILER (chronon_compiler) writes for the
      `group_by N --expression-bytes=700` definition above: about 1 KB of conf per aggregation, so N=100000
      gives a 100 MB conf.

Compile the first by hand:
  chronon_compiler --kind=group_by --label=//group_bys/example_team:big.v1 --name=example_team.big.v1 \
      --src=OUT.textproto --teams=tests/errors/teams.json --out_conf=conf --out_summary=summary
"""
import os
import shutil
import subprocess
import sys
import tempfile

EXPRESSION_BYTES = 700  # in the importer's conf: N=100000 gives 100 MB
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def write_group_by(n, path, columns=None, expression_bytes=0):
    columns = n if columns is None else columns
    pad = " + 0" * (expression_bytes // 4)
    with open(path, "w") as f:
        f.write('meta_data { online: true }\n')
        f.write('sources { events { table: "db.big" query {\n')
        f.write('  selects { key: "user" value: "user_id" }\n')
        for i in range(columns):
            f.write('  selects { key: "col_%d" value: "coalesce(col_%d, 0)%s" }\n' % (i, i, pad))
        f.write('  start_partition: "2023-01-01" time_column: "ts" } } }\nkey_columns: "user"\n')
        for i in range(n):
            f.write('aggregations { input_column: "col_%d" operation: SUM windows { length: %d time_unit: DAYS } '
                    'windows { length: 30 time_unit: DAYS } }\n' % (i % columns, i % 7 + 1))


def main(argv):
    if len(argv) >= 3 and argv[0] == "group_by":
        options = {"columns": None, "expression_bytes": 0}
        for a in argv[3:]:
            name, _, value = a.lstrip("-").partition("=")
            options[name.replace("-", "_")] = int(value)
        write_group_by(int(argv[1]), argv[2], **options)
        return 0
    if len(argv) == 4 and argv[0] == "import":
        compiler, n, out = argv[1], int(argv[2]), argv[3]
        teams = os.path.join(ROOT, "tests", "errors", "teams.json")
        team_dir = os.path.join(out, "production", "group_bys", "example_team")
        os.makedirs(team_dir, exist_ok=True)
        shutil.copy(teams, os.path.join(out, "teams.json"))
        with tempfile.TemporaryDirectory() as tmp:
            src = os.path.join(tmp, "big.v1.textproto")
            write_group_by(n, src, expression_bytes=EXPRESSION_BYTES)
            subprocess.run([compiler, "--kind=group_by", "--label=//group_bys/example_team:big.v1",
                            "--name=example_team.big.v1", "--src=" + src, "--teams=" + teams,
                            "--out_conf=" + os.path.join(team_dir, "big.v1"),
                            "--out_summary=" + os.path.join(tmp, "summary")], check=True)
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
