"""`motcua certs dev`: a development certificate authority and an office certificate, for trying the
signing of results on a laptop. They say in their subject that they are for development only."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from pathlib import Path

import click


@click.group()
def certs() -> None:
    """Certificates results are signed with."""


@certs.command("dev")
@click.option("--office", required=True, help="the office's name, as the certificate will say it")
@click.option("--out", "folder", required=True, type=click.Path(file_okay=False, path_type=Path))
def certs_dev(office: str, folder: Path) -> None:
    """Write OUT/ca.pem, OUT/office.p12 and OUT/office.pass: FOR DEVELOPMENT ONLY, never in production."""
    from documents.devcerts import DEVELOPMENT_MARK, development_keys

    password = secrets.token_urlsafe(16).encode()
    made = development_keys(office, datetime.now(UTC), password)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    (folder / "ca.pem").write_bytes(made.ca_pem)
    (folder / "office.p12").write_bytes(made.p12)
    (folder / "office.pass").write_bytes(password)
    click.echo(f"{DEVELOPMENT_MARK}: a development CA and a certificate for {office!r} in {folder}")
    click.echo(
        f"MOTCUA_SIGNING_P12={folder / 'office.p12'}  MOTCUA_SIGNING_P12_PASSWORD=$(cat {folder / 'office.pass'})"
    )
    click.echo(f"MOTCUA_SIGNING_TRUST_ROOTS={folder / 'ca.pem'}")
