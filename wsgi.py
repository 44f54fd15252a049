"""Entry point for `flask` and gunicorn: `gunicorn wsgi:app`."""

import gc

from plm import create_app

app = create_app()

# What is loaded by now (modules, the app, its config) lives as long as the process: take it out of the
# garbage collector's full passes, which otherwise walk ~200,000 objects (≈0.1 s with the GIL held) every
# thousand or so requests: a stall every door scan waiting behind it would feel (bench/checkin_load.py's p99).
gc.collect()
gc.freeze()
