"""The static report: one HTML file that works offline (no server, no scripts, no web fonts).

A scorecard per plan, then per target a chart of the observed series with every vintage, the
plan path and the target, coloured by status. Charts are inline SVG drawn here; Chinese text
uses the fonts of the reader's system (WenQuanYi, Noto CJK, PingFang, Microsoft YaHei …).
"""

from __future__ import annotations

import html
from pathlib import Path

import duckdb

from pipelines.lib import warehouse

STATUS_COLOURS = {
    "achieved": "#1a7f37",
    "not_achieved": "#cf222e",
    "ahead": "#2da44e",
    "on_track": "#4c9a2a",
    "needs_acceleration": "#bf8700",
    "lagging": "#e16f24",
    "regressing": "#a40e26",
    "no_data": "#8c959f",
}
FONTS = '"WenQuanYi Micro Hei", "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif'
WIDTH, HEIGHT, PAD = 560, 220, 44
# Target cards drawn per plan; the scorecard counts every target, the marts hold them all.
CARDS_PER_PLAN = 200


def build_report(db: Path, out: Path) -> dict[str, int]:
    """Write out/index.html from the marts of the warehouse file `db`; return counts."""
    con = warehouse.connect_read_only(db)
    try:
        plans = _rows(
            con,
            """
            select s.*, p.title_zh, p.issuer_zh, p.period_start_year from mart_plan_scorecard s
            join dim_plan p using (plan_id) order by s.n_assessed desc, s.n_targets desc, s.plan_id""",
        )
        # a card per target, up to CARDS_PER_PLAN a plan (a county plan has hundreds of thousands)
        con.execute(
            """
            create temp table charted as
            select target_id from (
                select target_id, row_number() over (
                    partition by plan_id order by status = 'no_data', target_id) as n
                from mart_target_attainment)
            where n <= ?""",
            [CARDS_PER_PLAN],
        )
        targets = _rows(
            con,
            """
            select a.*, i.name_zh as indicator_zh, i.name_en as indicator_en, r.name_zh as region_zh,
                   t.target_value_as_written, t.unit_as_written, t.wording_zh, t.path
            from mart_target_attainment a semi join charted using (target_id)
            join dim_indicator i using (indicator_id) join dim_region r using (region_code)
            join fct_target t using (target_id)
            order by a.plan_id, a.status = 'no_data', a.target_id""",
        )
        series = _rows(
            con,
            """
            select t.target_id, o.period_year, o.value, o.is_current_vintage, o.release_id
            from fct_target t semi join charted using (target_id) join fct_observation o
              on o.indicator_id = t.indicator_id and o.region_code = t.region_code
            where o.period_start_year = o.period_year
            order by t.target_id, o.period_year, o.published_on""",
        )
        as_of = con.execute("select max(as_of_date) from mart_target_attainment").fetchone()[0]
    finally:
        con.close()
    by_target: dict[str, list] = {}
    for s in series:
        by_target.setdefault(s["target_id"], []).append(s)
    sections = []
    for plan in plans:
        rows = [t for t in targets if t["plan_id"] == plan["plan_id"]]
        sections.append(_plan_section(plan, rows, by_target))
    out.mkdir(parents=True, exist_ok=True)
    (out / "index.html").write_text(_page(as_of, plans, sections), encoding="utf-8")
    return {
        "plans": len(plans),
        "targets": len(targets),
        "charts": sum(1 for t in targets if by_target.get(t["target_id"])),
    }


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    cursor = con.execute(sql)
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _page(as_of, plans: list[dict], sections: list[str]) -> str:
    legend = "".join(
        f'<span class="chip" style="background:{c}">{html.escape(s)}</span>'
        for s, c in STATUS_COLOURS.items()
    )
    toc = "".join(
        f'<li><a href="#{html.escape(p["plan_id"])}">{html.escape(p["title_zh"])}</a></li>' for p in plans
    )
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>planwatch 规划目标完成情况报告</title>
<style>
body {{ font-family: {FONTS}; margin: 24px; color: #1f2328; max-width: 1200px; }}
h1 {{ font-size: 26px; margin-bottom: 4px; }} h2 {{ margin-top: 36px; border-bottom: 2px solid #d0d7de; }}
table {{ border-collapse: collapse; margin: 8px 0 16px; }}
td, th {{ border: 1px solid #d0d7de; padding: 4px 8px; font-size: 13px; text-align: right; }}
th {{ background: #f6f8fa; }} td.l, th.l {{ text-align: left; }}
.chip {{ color: white; border-radius: 10px; padding: 1px 8px; font-size: 12px; margin-right: 4px; }}
.targets {{ display: grid; grid-template-columns: repeat(auto-fill, minmax({WIDTH + 20}px, 1fr)); gap: 14px; }}
.target {{ border: 1px solid #d0d7de; border-left: 6px solid; border-radius: 6px; padding: 8px 10px; }}
.target h3 {{ font-size: 15px; margin: 0 0 4px; }} .meta {{ font-size: 12px; color: #57606a; }}
</style></head><body>
<h1>规划目标完成情况报告 · Plan target attainment</h1>
<p class="meta">planwatch · 截至最新发布 as known at {html.escape(str(as_of))} · 方法见 METHOD.md</p>
<p>{legend}</p>
<ol>{toc}</ol>
{"".join(sections)}
</body></html>
"""


def _plan_section(plan: dict, targets: list[dict], series: dict[str, list]) -> str:
    statuses = [s for s in STATUS_COLOURS if plan.get(f"n_{s}")]
    header = "".join(
        f'<th><span class="chip" style="background:{STATUS_COLOURS[s]}">{s}</span></th>' for s in statuses
    )
    counts = "".join(f"<td>{plan[f'n_{s}']}</td>" for s in statuses)
    scorecard = (
        f'<table><tr><th class="l">目标数 targets</th>{header}<th>预期性 expected</th><th>约束性 binding</th></tr>'
        f'<tr><td class="l">{plan["n_targets"]}</td>{counts}<td>{plan["n_expected"]}</td><td>{plan["n_binding"]}</td></tr>'
        "</table>"
    )
    cards = "".join(_target_card(t, series.get(t["target_id"], [])) for t in targets)
    empty = "" if targets else '<p class="meta">本文件未设定量化目标 (no quantified targets).</p>'
    if plan["n_targets"] > len(targets):
        empty += (
            f'<p class="meta">{len(targets):,} of {plan["n_targets"]:,} targets drawn (assessed first); '
            f"every target is in mart_target_attainment where plan_id = "
            f"'{html.escape(plan['plan_id'])}'.</p>"
        )
    return (
        f'<h2 id="{html.escape(plan["plan_id"])}">{html.escape(plan["title_zh"])}</h2>'
        f'<p class="meta">{html.escape(plan["issuer_zh"] or "")} · {html.escape(plan["plan_id"])}</p>'
        f'{scorecard}{empty}<div class="targets">{cards}</div>'
    )


def _target_card(t: dict, points: list[dict]) -> str:
    colour = STATUS_COLOURS[t["status"]]
    ratio = "" if t["attainment_ratio"] is None else f" · 完成度 A = {t['attainment_ratio']:.2f}"
    pace = "" if t["pace_ratio"] is None else f" · 进度比 R = {t['pace_ratio']:.2f}"
    flags = [
        f
        for f in (
            "provisional",
            "partial_period",
            "stale",
            "discontinued",
            "baseline_substituted",
            "concept_mismatch",
        )
        if t[f]
    ]
    written = f"{t['wording_zh'] or ''} {_num(t['target_value_as_written'])} {t['unit_as_written']}"
    latest = (
        "—" if t["latest_value"] is None else f"{_num(t['latest_value'])} {t['unit']} ({t['latest_year']})"
    )
    chart = _chart(t, points, colour)
    return (
        f'<div class="target" style="border-left-color:{colour}">'
        f'<h3>{html.escape(t["indicator_zh"])} <span class="chip" style="background:{colour}">'
        f"{html.escape(t['status_zh'])}</span></h3>"
        f'<div class="meta">{html.escape(t["region_zh"])} · {html.escape(t["indicator_en"])} · '
        f"{html.escape(t['target_kind'])} · 目标 {html.escape(written)} ({t['target_year'] or '—'}) · "
        f"最新 {html.escape(latest)}{ratio}{pace}"
        f"{' · ' + ', '.join(flags) if flags else ''}</div>"
        f'<div class="meta">{html.escape(t["target_id"])} · {html.escape(t["source_ref"] or "")}</div>'
        f"{chart}</div>"
    )


def _chart(t: dict, points: list[dict], colour: str) -> str:
    """Observed values (filled: the vintage in use; hollow: other vintages), plan path, target."""
    level_target = t["target_kind"] not in ("cumulative", "annual_growth", "increment")
    xs = [p["period_year"] for p in points]
    ys = [p["value"] for p in points]
    path: list[tuple[float, float]] = []
    if (
        t["baseline_year"] is not None
        and t["baseline_value"] is not None
        and t["target_year"]
        and level_target
    ):
        path = [(t["baseline_year"], t["baseline_value"]), (t["target_year"], t["target_value"])]
    elif t["baseline_year"] is not None and t["baseline_value"] is not None and t["target_year"]:
        if t["target_kind"] == "increment":
            path = [
                (t["baseline_year"], t["baseline_value"]),
                (t["target_year"], t["baseline_value"] + t["target_value"]),
            ]
        elif t["target_kind"] == "annual_growth":
            years = range(t["baseline_year"], t["target_year"] + 1)
            path = [
                (y, t["baseline_value"] * (1 + t["target_value"] / 100) ** (y - t["baseline_year"]))
                for y in years
            ]
    if not xs and not path:
        return '<p class="meta">无数据 · no published figures yet</p>'
    all_x = xs + [p[0] for p in path] + ([t["target_year"]] if t["target_year"] else [])
    all_y = ys + [p[1] for p in path] + ([t["target_value"]] if level_target else [])
    x0, x1 = min(all_x), max(all_x)
    y0, y1 = 0.0, max(all_y) * 1.1 or 1.0
    if x1 == x0:
        x0, x1 = x0 - 1, x1 + 1

    def sx(x: float) -> float:
        return PAD + (x - x0) / (x1 - x0) * (WIDTH - 2 * PAD)

    def sy(y: float) -> float:
        return HEIGHT - PAD + 10 - (y - y0) / (y1 - y0) * (HEIGHT - PAD - 10)

    parts = [
        f'<svg width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg" font-family=\'{FONTS}\' font-size="11">',
        f'<line x1="{PAD}" y1="{sy(0):.1f}" x2="{WIDTH - PAD}" y2="{sy(0):.1f}" stroke="#8c959f"/>',
    ]
    for year in sorted(set(all_x)):
        parts.append(
            f'<text x="{sx(year):.1f}" y="{HEIGHT - 8}" text-anchor="middle" fill="#57606a">{year}</text>'
        )
    parts.append(f'<text x="4" y="14" fill="#57606a">{html.escape(t["unit"])}</text>')
    parts.append(f'<text x="4" y="{sy(y1 / 1.1):.1f}" fill="#57606a">{_num(y1 / 1.1)}</text>')
    if path:
        d = " ".join(f"{'M' if i == 0 else 'L'}{sx(x):.1f},{sy(y):.1f}" for i, (x, y) in enumerate(path))
        parts.append(f'<path d="{d}" fill="none" stroke="#57606a" stroke-dasharray="5,4"/>')
        parts.append(
            f'<text x="{sx(path[0][0]) + 4:.1f}" y="{sy(path[0][1]) - 6:.1f}" fill="#57606a">规划路径 plan path</text>'
        )
    if level_target and t["target_year"]:
        tx, ty = sx(t["target_year"]), sy(t["target_value"])
        parts.append(
            f'<line x1="{PAD}" y1="{ty:.1f}" x2="{WIDTH - PAD}" y2="{ty:.1f}" stroke="{colour}" stroke-width="1" '
            'stroke-dasharray="2,3"/>'
        )
        parts.append(f'<rect x="{tx - 5:.1f}" y="{ty - 5:.1f}" width="10" height="10" fill="{colour}"/>')
        parts.append(
            f'<text x="{tx - 8:.1f}" y="{ty - 9:.1f}" text-anchor="end" fill="{colour}">目标 target '
            f"{_num(t['target_value'])}</text>"
        )
    current = sorted((p["period_year"], p["value"]) for p in points if p["is_current_vintage"])
    if len(current) > 1:
        d = " ".join(f"{'M' if i == 0 else 'L'}{sx(x):.1f},{sy(y):.1f}" for i, (x, y) in enumerate(current))
        parts.append(f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="2"/>')
    for p in sorted(points, key=lambda p: p["is_current_vintage"]):  # the vintage in use on top
        fill = colour if p["is_current_vintage"] else "white"
        parts.append(
            f'<circle cx="{sx(p["period_year"]):.1f}" cy="{sy(p["value"]):.1f}" r="4" fill="{fill}" '
            f'stroke="{colour}" stroke-width="1.5"><title>{p["period_year"]}: {_num(p["value"])} '
            f"({html.escape(p['release_id'])})</title></circle>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _num(value) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}".rstrip("0").rstrip(".")
