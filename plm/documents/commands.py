"""`flask plm badges`, `flask plm certificates` and `flask plm run-jobs`."""

from __future__ import annotations

import os
import re
import sys
import tempfile

import click
from flask import current_app
from sqlalchemy import select

from plm import links
from plm.cli import command
from plm.documents import service
from plm.extensions import db
from plm.models import Event, EventSession
from plm.transactions import commit_unit
from plm.vocabulary import ParticipantRole, ParticipantStatus


def _event(slug: str) -> Event:
    event = db.session.scalar(select(Event).where(Event.slug == slug.lower()))
    if event is None:
        raise click.ClickException(f"no event with slug {slug!r}")
    return event


def _write(path: str, data: bytes) -> None:
    """Write next to the target and rename: a failed run never leaves half a PDF behind."""
    folder = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(dir=folder, suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


class _Bar:
    """click's progress bar fed by the renderer's progress(done, total) callback."""

    def __init__(self, total: int, label: str):
        self.bar = click.progressbar(length=total, label=label, show_pos=True, file=sys.stderr)
        self.done = 0

    def __enter__(self):
        self.bar.__enter__()
        return self

    def __exit__(self, *exc):
        return self.bar.__exit__(*exc)

    def __call__(self, done: int, total: int) -> None:
        self.bar.update(done - self.done)
        self.done = done


def _processes(ctx, param, value: int | None) -> int:
    return value if value is not None else int(current_app.config.get("DOCUMENT_RENDER_PROCESSES") or 1)


_processes_option = click.option(
    "--processes", type=click.IntRange(1, 2), callback=_processes,
    help="1 = render in this process; 2 = a helper process renders every other chunk "
         "(default: DOCUMENT_RENDER_PROCESSES, 2).")


def _split(values: tuple[str, ...]) -> list[str]:
    return [item for value in values for item in re.split(r"[\s,;]+", value) if item]


@command("badges")
@click.option("--event", "slug", required=True, help="Event slug.")
@click.option("-o", "--output", "path", required=True, type=click.Path(dir_okay=False, writable=True))
@click.option("--role", "roles", multiple=True, type=click.Choice(ParticipantRole.values()), help="Repeatable.")
@click.option("--ids", "ids", multiple=True, help="Ticket numbers (public ids), comma- or space-separated; repeatable.")
@click.option("--province", "provinces", multiple=True, help="Exact province name; repeatable.")
@click.option("--status", "statuses", multiple=True, type=click.Choice(ParticipantStatus.values()),
              help="Default: registered. Repeatable.")
@click.option("--unprinted", is_flag=True, help="Only badges never printed before.")
@click.option("--sort", type=click.Choice(service.BADGE_SORTS), default="name", show_default=True)
@click.option("--layout", type=click.Choice(service.BADGE_LAYOUTS), default="a6", show_default=True)
@click.option("--no-mark", is_flag=True, help="Do not record the badges as printed.")
@_processes_option
def badges_command(slug, path, roles, ids, provinces, statuses, unprinted, sort, layout, no_mark, processes) -> None:
    """Badge sheets for a selection of participants; records when each badge was printed."""
    event = _event(slug)
    selection = service.BadgeSelection(roles=list(roles), provinces=list(provinces),
                                       statuses=list(statuses) or [ParticipantStatus.REGISTERED.value], unprinted=unprinted,
                                       ids=_split(ids), sort=sort)
    people = service.select_badges(db.session, event, selection)
    if not people:
        raise click.ClickException("no participant matches this selection; nothing written")
    if selection.ids:
        missing = {i.upper() for i in selection.ids} - {p.public_id for p in people}
        if missing:
            click.echo(f"Not found or filtered out: {', '.join(sorted(missing))}", err=True)
    with _Bar(len(people), "Badges") as bar:
        pdf = service.render_badge_pdf(db.session, event, people, secret=current_app.config["SECRET_KEY"],
                                       upload_folder=current_app.config["UPLOAD_FOLDER"], layout=layout,
                                       progress=bar, mark_printed=not no_mark, processes=processes)
    _write(path, pdf)
    commit_unit(db.session)
    click.echo(f"Wrote {len(people)} badges ({layout}) to {path}.")


@command("certificates")
@click.option("--event", "slug", required=True, help="Event slug.")
@click.option("-o", "--output", "path", required=True, type=click.Path(dir_okay=False, writable=True))
@click.option("--session", "session_id", type=int, help="Only the participants of this session (its id).")
@_processes_option
def certificates_command(slug: str, path: str, session_id: int | None, processes: int | None) -> None:
    """Certificates for everyone eligible (issues serials the first time; revoked ones are left out)."""
    event = _event(slug)
    if session_id is not None:
        item = db.session.get(EventSession, session_id)
        if item is None or item.event_id != event.id:
            raise click.ClickException(f"no session {session_id} in {event.slug}")
        people = service.session_participants(db.session, item)
    else:
        people = service.event_participants(db.session, event)
    rows = service.eligibility_rows(db.session, event, people)
    chosen = service.certificates_to_print(db.session, event, people)
    if not chosen:
        raise click.ClickException(f"nobody is eligible ({len(rows)} checked); nothing written")
    certs = service.prepare_certificates(db.session, event, chosen, base_url=links.base_url())
    commit_unit(db.session)
    with _Bar(len(certs), "Certificates") as bar:
        pdf = service.render_certificate_pdf(event, certs, upload_folder=current_app.config["UPLOAD_FOLDER"],
                                             progress=bar, processes=processes, session=db.session)
    _write(path, pdf)
    not_eligible = len(rows) - sum(1 for r in rows if r.eligibility.eligible)
    click.echo(f"Wrote {len(certs)} certificates to {path} ({not_eligible} not eligible).")


COMMANDS = (badges_command, certificates_command)
