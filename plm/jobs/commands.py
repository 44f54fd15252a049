"""`flask plm run-jobs`: the job runner as a process of its own (JOB_WORKER = False in the web's config)."""

from __future__ import annotations

import click
from flask import current_app

from plm import jobs
from plm.cli import command


@command("run-jobs")
@click.option("--once", is_flag=True, help="Run the queued jobs, then exit.")
def run_jobs_command(once: bool) -> None:
    """Run batch-PDF jobs in this process (instead of, or besides, the web workers' threads)."""
    if once:
        app = current_app._get_current_object()
        count = jobs.run_pending(app, processes=int(app.config.get("DOCUMENT_RENDER_PROCESSES") or 1))
        click.echo(f"Ran {count} jobs.")
        return
    worker = jobs.Worker(current_app._get_current_object())
    click.echo("Waiting for jobs (Ctrl+C to stop).")
    try:
        worker._loop()
    except KeyboardInterrupt:
        pass


COMMANDS = (run_jobs_command,)
