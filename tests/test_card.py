"""`roadmap card`: an SVG progress card that is self-contained, escapes what the learner wrote,
gives the same bytes for the same progress, follows the theme asked for, and draws."""

from __future__ import annotations

import json
import re
import struct
import xml.etree.ElementTree as ET
import zlib

import pytest

from conftest import workspace_from

SVG = "{http://www.w3.org/2000/svg}"

PLAN = """\
version: 1
title: "Ada's <b>\\"deep\\" & wide</b> roadmap"
steps:
  - id: basics
    title: "Basics </text><script>alert(1)</script>"
    resources:
      - title: Course
        url: https://example.com/course
      - title: Book
        url: https://example.com/book
      - title: Paper
        url: https://example.com/paper
  - id: nets
    title: "Nets \\e[31m red"
    resources:
      - title: Video
        url: https://example.com/video
      - title: Notes
        url: https://example.com/notes
  - id: skipped
    title: Skipped
    resources:
      - title: Old
        url: https://example.com/old
  - id: by-hand
    title: Done by hand
    resources:
      - title: One
        url: https://example.com/one
      - title: Two
        url: https://example.com/two
  - id: empty
    title: "広い文字の長いタイトルがカードの幅を超えてしまうときは切られる"
"""


@pytest.fixture
def ws(tmp_path):
    """A workspace whose titles carry markup, quotes, a control sequence and wide characters, with
    a step two-thirds done, one in progress, one skipped and one marked done by hand."""
    runner = workspace_from(tmp_path, PLAN)
    runner("check", "1.r1", "1.r2", "--date", "2026-11-03")
    runner("start", "2.r1", "--date", "2026-11-20")
    runner("skip", "3", "--date", "2026-12-01")
    runner("check", "4.r1", "--date", "2026-12-01")
    runner("check", "4", "--date", "2026-12-02")
    runner("check", "5", "--date", "2026-12-29")
    return runner


def card(runner, *args: str) -> str:
    result = runner("card", *args)
    return result.stdout


def parse(text: str) -> ET.Element:
    root = ET.fromstring(text)
    assert root.tag == f"{SVG}svg"
    return root


def steps(root: ET.Element) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if "step" in g.get("class", "").split()]


def test_the_card_is_self_contained(ws):
    text = card(ws)
    root = parse(text)
    tags = {el.tag.removeprefix(SVG) for el in root.iter()}
    assert not tags & {"script", "image", "foreignObject", "a", "iframe", "use", "feImage"}
    for el in root.iter():
        for name, value in el.attrib.items():
            if name.endswith("href"):
                assert value.startswith("#"), (el.tag, name, value)
            assert not name.startswith("on"), (el.tag, name)  # no event handlers
            assert "url(" not in value or value.startswith("url(#")
    style = "".join(s.text or "" for s in root.iter(f"{SVG}style"))
    assert "@import" not in style and "@font-face" not in style
    assert re.findall(r"url\((?!#)", style) == []
    assert "sans-serif" in style  # a generic family: no font of its own


def test_each_bar_is_as_full_as_status_says(ws):
    status = json.loads(ws("status", "--json").stdout)
    shown = steps(parse(card(ws)))
    assert len(shown) == len(status["steps"]) == 5
    for step, row in zip(status["steps"], shown):
        counted = step["total"] - step["skipped"]
        fraction = step["done"] / counted if counted else float(step["state"] == "done")
        track, bar = row.findall(f"{SVG}rect")
        assert track.get("class") == "track" and bar.get("class") == "bar"
        assert float(bar.get("width")) == pytest.approx(fraction * float(track.get("width")), abs=0.01)
        label = row.findall(f"{SVG}text")[-1].text
        assert label == ("skipped" if step["state"] == "skipped" else f"{100 * fraction:.0f}%")
    # Two of three; nothing; skipped; marked done by hand with one of two checked; done with nothing to count.
    assert [row.findall(f"{SVG}text")[-1].text for row in shown] == ["67%", "0%", "skipped", "50%", "100%"]
    head = [t.text for t in parse(card(ws)).iter(f"{SVG}text")][:3]
    assert head[1:] == [f"{status['done']} of {status['total']} items done, 1 skipped", f"{status['percent']:.0f}%"]


def test_what_the_learner_wrote_is_escaped_never_markup(ws):
    text = card(ws)
    root = parse(text)
    title = 'Ada\'s <b>"deep" & wide</b> roadmap'
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts[0] == title
    assert root.find(f"{SVG}title").text.startswith(title + ": ")
    assert "&lt;b&gt;" in text and "&amp; wide" in text and "<b>" not in text
    assert texts[3] == "1. Basics </text><script>alert(1)</script>"[:37] + "…"
    assert "<script" not in text
    # A control sequence is written out, as `status` shows it; XML could not hold it as it is.
    assert "2. Nets \\x1b[31m red" in texts
    # Wide characters take two cells: the title is cut to what fits before the bars.
    wide = next(t for t in texts if t.startswith("5. "))
    assert wide.endswith("…") and len(wide) < 25


def test_text_xml_cannot_hold_is_written_out_and_the_view_is_pure():
    from datetime import date

    from roadmap_tracker.progress.momentum import Momentum
    from roadmap_tracker.progress.status import Status, StepStatus
    from roadmap_tracker.render.card import card_svg

    step = StepStatus(1, "s", "nul\x00 and \ufffe", "todo", 0, 2, 0, 0, 0, 0)
    status = Status("bell\x07 \uffff", 0.0, 0, 2, 0, [step], 1, [], None, [], [])
    day = date(2026, 12, 31)
    text = card_svg(status, Momentum(day, 0, 0, 0, 0, 2), {}, day, theme="light")
    texts = [t.text for t in parse(text).iter(f"{SVG}text")]
    assert texts[0] == "bell\\x07 \\uffff" and texts[3] == "1. nul\\x00 and \\ufffe"
    assert card_svg(status, Momentum(day, 0, 0, 0, 0, 2), {}, day, theme="light") == text


def test_the_same_progress_gives_the_same_bytes(ws, tmp_path):
    first = card(ws)
    assert card(ws) == first
    target = tmp_path / "progress.svg"
    result = ws("card", "-o", str(target))
    assert result.stdout == "" and result.stderr == f"Wrote the progress card to {target}.\n"
    assert target.read_bytes() == first.encode("utf-8")
    assert "20" + "26-12-31" not in first  # no day or time written into it


def test_themes_light_dark_and_auto(ws):
    light, dark, auto = (card(ws, "--theme", theme) for theme in ("light", "dark", "auto"))
    assert card(ws) == auto
    assert "prefers-color-scheme" not in light and "prefers-color-scheme" not in dark
    assert ".card{fill:#ffffff" in light and ".card{fill:#0d1117" in dark
    # Auto: light colours, then the dark ones for a reader in dark mode.
    assert re.search(r"\.card\{fill:#ffffff.*@media \(prefers-color-scheme: dark\)\{.*\.card\{fill:#0d1117", auto)
    # The themes change colours only.
    assert re.sub(r"<style>.*</style>", "", light) == re.sub(r"<style>.*</style>", "", dark)
    refused = ws("card", "--theme", "sepia", code=2)
    assert "sepia" in refused.stderr


def test_o_refuses_to_overwrite_without_force(ws, tmp_path):
    target = tmp_path / "progress.svg"
    target.write_text("mine")
    refused = ws("card", "-o", str(target), code=4)
    assert refused.stderr == f"Error: {target} already exists (pass --force to replace it; nothing was changed)\n"
    assert target.read_text() == "mine"
    ws("card", "-o", str(target), "--force")
    parse(target.read_text())
    inside = ws.root / "notes" / "card.svg"
    ws("card", "-o", str(inside), code=4)
    assert not inside.exists()


def test_the_calendar_shows_six_months_of_activity_as_report_counts_it(ws):
    root = parse(card(ws))
    squares = [r.get("class") for g in root.iter(f"{SVG}g") if g.get("class") == "calendar" for r in g]
    # 26 weeks from Monday 2026-07-06 up to Thursday 2026-12-31: 25 whole weeks and 4 days.
    assert len(squares) == 25 * 7 + 4
    activity = json.loads(ws("report", "--last", "26w", "--json").stdout)["activity"]
    assert sum(cls != "l0" for cls in squares) == sum(1 for n in activity.values() if n) == 5
    assert "l4" in squares  # the busiest day is drawn darkest
    streak = next(t.text for t in root.iter(f"{SVG}text") if t.text.startswith("Streak: "))
    momentum = json.loads(ws("status", "--json").stdout)["momentum"]
    assert (momentum["current_streak"], momentum["longest_streak"]) == (1, 1)
    assert streak == "Streak: 1 week (best 1)"


def test_two_thousand_steps_show_the_first_twenty_and_count_the_rest(tmp_path):
    plan = "version: 1\ntitle: Long\nsteps:\n" + "".join(
        f"  - id: s{n}\n    title: Step {n}\n    resources:\n      - title: R\n        url: https://e.com/{n}\n"
        for n in range(2000)
    )
    runner = workspace_from(tmp_path, plan)
    runner("check", "1999.r1", "2000.r1", "--date", "2026-11-03")
    root = parse(card(runner))
    shown = steps(root)
    assert [row.find(f"{SVG}text").text for row in shown] == [f"{n + 1}. Step {n}" for n in range(20)]
    assert "+1,980 more steps, 2 done" in [t.text for t in root.iter(f"{SVG}text")]
    assert int(root.get("height")) < 800


def test_help_says_what_the_card_holds_and_ends_with_examples(ws):
    out = ws("card", "--help").stdout
    assert "first 20" in out and "--theme" in out
    examples = out.split("Examples:\n")[1].split("\n\n")[0]
    assert examples.splitlines() == [
        "    roadmap card -o progress.svg",
        "    roadmap card --theme dark > progress-dark.svg",
    ]


def test_the_card_draws(ws):
    import resvg_py

    for theme, background in (("light", (255, 255, 255)), ("dark", (13, 17, 23)), ("auto", (255, 255, 255))):
        text = card(ws, "--theme", theme)
        root = parse(text)
        png = bytes(resvg_py.svg_to_bytes(svg_string=text))
        width, height, pixels = decode_png(png)
        assert (width, height) == (int(root.get("width")), int(root.get("height")))
        colours = set(pixels)
        assert len(colours) > 10, theme  # the card, its bars and the calendar's levels, not a blank
        inside = pixels[20 * width + 10]  # within the frame, left of the title
        assert inside[:3] == background, theme


def decode_png(data: bytes) -> tuple[int, int, list[tuple[int, ...]]]:
    """Width, height and RGBA pixels of an 8-bit RGBA PNG, read with zlib alone."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour_type, _, _, interlace = header
    assert (depth, colour_type, interlace) == (8, 6, 0)
    raw, stride, bpp = zlib.decompress(idat), width * 4, 4
    rows, previous, at = [], bytearray(stride), 0
    for _ in range(height):
        kind, line = raw[at], bytearray(raw[at + 1 : at + 1 + stride])
        at += 1 + stride
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up, corner = previous[i], previous[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 0xFF
        rows.append(line)
        previous = line
    pixels = [tuple(row[i : i + 4]) for row in rows for i in range(0, stride, 4)]
    return width, height, pixels
