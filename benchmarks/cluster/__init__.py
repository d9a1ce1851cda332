"""The two-node rehearsal: `ops/cluster.sh` (or `make cluster`) runs `rehearsal.py`.

PostgreSQL, an S3-compatible server (moto), two gunicorn app servers behind
nginx, two database task workers and a per-minute recovery sweep, all on
127.0.0.1; locust drives the main journeys (`locustfile.py`) while one app
server and one worker are killed and started again; `verify.py` then
compares what the clients were told was saved with the database and the
bucket. Figures go into BENCHMARKS.md.
"""
