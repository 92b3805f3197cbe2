"""gunicorn's settings for one web instance, liaison-web@PORT.service (deploy/systemd/).

Read from the environment (the unit's EnvironmentFile, /etc/liaison/liaison.env): the port is
the unit's instance name (GUNICORN_PORT=%i), the rest is documented in .env.example. One copy,
used in place from the checkout.
"""

import os

# 127.0.0.1 when nginx runs on this host; the host's own address when another host's nginx
# proxies to it (a second web host: README, "Production").
bind = f"{os.environ.get('GUNICORN_HOST', '127.0.0.1')}:{os.environ.get('GUNICORN_PORT', '8001')}"
# Synchronous workers: each takes one request at a time, and nginx buffers slow clients.
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
# A request running longer is ended (its worker restarted); nginx waits 65 s.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# On a stop or a restart, requests under way get this long to finish.
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests (with jitter, not all at once): memory a
# long-lived process gathers is given back.
max_requests = 1000
max_requests_jitter = 100
# The workers' heartbeat files in memory, not on a disk that may stall.
worker_tmp_dir = "/dev/shm"
# Both logs to standard error: journald keeps them (journalctl -u liaison-web@8001).
accesslog = "-"
errorlog = "-"
# Who the client is comes from X-Forwarded-For, read by the app (TRUSTED_PROXY_COUNT).
access_log_format = '%({x-forwarded-for}i)s "%(r)s" %(s)s %(b)s %(M)sms'
proc_name = "liaison-web"
