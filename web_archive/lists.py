"""List pages: home (latest activity), authorities with statistics, one authority, problem areas, representatives."""
from __future__ import annotations

from templates.credits import CREDITS
from web_archive.pages import HELD_FOR_OPERATOR, Site, web_link
from web_archive.source import AuthorityView
from web_archive.stats import AuthorityStats, LetterStats, percent
from web_archive.summary import Summary


def render_home(site: Site, latest: list[Summary], counts: dict[str, int], reports: list[Summary] = ()) -> str:
    return site.render("home.html", "", latest=latest, counts=counts, reports=reports)


def render_authorities(site: Site, stats: dict[int, AuthorityStats]) -> str:
    authorities = sorted(site.authorities.values(), key=lambda a: a.name.lower())
    return site.render("authorities.html", "../", authorities=authorities, stats=stats, percent=percent)


def render_authority(site: Site, authority: AuthorityView, threads: list[Summary], stats: AuthorityStats) -> str:
    return site.render("authority.html", "../../", authority=authority, threads=threads, stats=stats,
                       percent=percent, web_link=web_link)


def render_reports(site: Site, areas: list[tuple[AuthorityView, AuthorityStats]]) -> str:
    return site.render("reports.html", "../", areas=areas, days=days)


def render_area(site: Site, authority: AuthorityView, threads: list[Summary], stats: AuthorityStats) -> str:
    """One body's problem reports: open and fixed counts, median days to fix, and the list."""
    return site.render("area.html", "../../", authority=authority, threads=threads, stats=stats, days=days)


def days(value: float | None) -> str:
    """
    >>> days(None), days(3.0), days(2.5)
    ('–', '3', '2.5')
    """
    return "–" if value is None else f"{value:g}"


def render_representatives(site: Site, rows: list[LetterStats]) -> str:
    return site.render("representatives.html", "../", rows=rows, percent=percent)


def render_search(site: Site) -> str:
    return site.render("search.html", "../")


def render_about(site: Site, stats: dict[int, AuthorityStats]) -> str:
    """What the site is, how to use it by email (with a real address to copy: the authority asked most),
    what is not automatic yet, and the credits for its data."""
    asked = sorted((a for a in site.authorities.values() if a.id in stats and stats[a.id].requests),
                   key=lambda a: (-stats[a.id].requests, a.name.lower()))
    coming = [(site.addresses.service(route), what) for route, what in HELD_FOR_OPERATOR]
    return site.render("about.html", "../", example=asked[0] if asked else None, coming=coming, credits=CREDITS,
                       web_link=web_link)
