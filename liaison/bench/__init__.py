"""The district-scale benchmark behind `make bench` (`python manage.py bench`).

It is tooling, not part of the application: nothing in the apps imports it. The command
(`liaison/management/commands/bench.py`) runs one worker process per database with
`DATABASE_URL` pointing at that database and `DJANGO_SETTINGS_MODULE=liaison.bench.settings`,
so the pages are measured on a Django configured exactly as in production (DEBUG off), on data
that never mixes with the development database.

    data.py     builds the data set (bulk inserts, reused when present)
    measure.py  pages through the test client, the SQL floor, the exports
    load.py     gunicorn + wrk
    report.py   BENCHMARKS.md
"""
