"""`mailgate archive build|serve`: the static public archive."""
from __future__ import annotations

import os
from pathlib import Path

import click

# The builder is imported by the commands that use it: every `mailgate` command,
# `serve` among them, registers this group, and need not load the builder.


def _config():
    from mailgate.cli.support import store_settings_of
    from mailgate.runtime.configs import archive_config

    ctx = click.get_current_context()
    if ctx.find_root().obj is None:
        raise click.ClickException("no settings: run this as `mailgate archive ...`")
    return archive_config(store_settings_of(ctx))


@click.group()
def archive() -> None:
    """The public archive: a static site of all public correspondence."""


@archive.command()
@click.argument("outdir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--full", is_flag=True, help="rebuild every page, not only what changed")
@click.option("--search/--no-search", default=True, show_default=True, help="(re)build the Pagefind index")
@click.option("--workers", type=click.IntRange(1, 64), default=None, help="render processes [default: CPUs]")
def build(outdir: Path, full: bool, search: bool, workers: int | None) -> None:
    """Render everything public into OUTDIR (plain files any web server, or none, can serve)."""
    from web_archive.build import build_site
    from web_archive.search import SearchIndexError

    config = _config()
    try:
        report = build_site(config, outdir, full=full, search=search, workers=workers or os.cpu_count() or 1)
    except SearchIndexError as exc:
        raise click.ClickException(f"{exc}; the pages are built, rerun with --no-search to skip search") from exc
    except OSError as exc:
        raise click.ClickException(f"cannot write {outdir}: {exc.strerror or exc}") from exc
    kind = "full" if report.full else "incremental"
    click.echo(f"{kind} build of {outdir}: {report.threads} public threads, {report.rendered} rendered, "
               f"{report.removed} removed, {report.files_written} files written"
               f"{', search index rebuilt' if report.searched else ''} in {report.seconds:.2f} s")


@archive.command()
@click.argument("outdir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
def serve(outdir: Path, port: int) -> None:
    """Preview OUTDIR on http://127.0.0.1:PORT/."""
    from web_archive.serve import serve as run

    if not (outdir / "index.html").exists():
        raise click.ClickException(f"{outdir} has no index.html: run `mailgate archive build {outdir}` first")
    try:
        run(outdir, port)
    except OSError as exc:
        raise click.ClickException(f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc}") from exc
