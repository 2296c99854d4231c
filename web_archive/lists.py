"""List pages: home (latest activity), authorities with statistics, one authority, problem areas, representatives."""
from __future__ import annotations

from web_archive.pages import Site, web_link
from web_archive.source import AuthorityView
from web_archive.stats import AuthorityStats, LetterStats, percent
from web_archive.summary import Summary


def render_home(site: Site, latest: list[Summary], counts: dict[str, int]) -> str:
    return site.render("home.html", "", latest=latest, counts=counts)


def render_authorities(site: Site, stats: dict[int, AuthorityStats]) -> str:
    authorities = sorted(site.authorities.values(), key=lambda a: a.name.lower())
    return site.render("authorities.html", "../", authorities=authorities, stats=stats, percent=percent)


def render_authority(site: Site, authority: AuthorityView, threads: list[Summary], stats: AuthorityStats) -> str:
    return site.render("authority.html", "../../", authority=authority, threads=threads, stats=stats,
                       percent=percent, web_link=web_link)


def render_reports(site: Site, areas: list[tuple[AuthorityView, int]]) -> str:
    return site.render("reports.html", "../", areas=areas)


def render_area(site: Site, authority: AuthorityView, threads: list[Summary]) -> str:
    return site.render("area.html", "../../", authority=authority, threads=threads)


def render_representatives(site: Site, rows: list[LetterStats]) -> str:
    return site.render("representatives.html", "../", rows=rows, percent=percent)


def render_search(site: Site) -> str:
    return site.render("search.html", "../")
