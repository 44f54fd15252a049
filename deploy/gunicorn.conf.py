"""Gunicorn settings for PLM: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`.

Every value can be overridden from the environment (PLM_BIND, PLM_WORKERS, PLM_THREADS).
"""

import multiprocessing
import os

bind = os.environ.get("PLM_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("PLM_WORKERS", min(2 * multiprocessing.cpu_count(), 8)))
threads = int(os.environ.get("PLM_THREADS", 4))
worker_class = "gthread"
timeout = int(os.environ.get("PLM_TIMEOUT", 60))  # batch PDFs run in background jobs, not in requests
graceful_timeout = 20
keepalive = 5
max_requests = 5000
max_requests_jitter = 500
accesslog = os.environ.get("PLM_ACCESS_LOG", "-")
errorlog = "-"
logger_class = "plm.gunicorn_logger.RedactingLogger"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%({x-request-id}o)s"'
forwarded_allow_ips = os.environ.get("PLM_FORWARDED_ALLOW_IPS", "127.0.0.1")
