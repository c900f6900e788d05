"""Coverage of the content base: which card is complete, draft, missing or stale in which language."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from typing import Literal

from bot.config import LANGUAGES
from bot.content import ContentBase

Status = Literal["complete", "draft", "missing", "stale"]
SYMBOLS: dict[Status, str] = {"complete": "✔", "draft": "d", "missing": "✘", "stale": "s"}
# The map of cards the content issue requires; a card not written yet shows as missing everywhere.
REQUIRED_CARDS = (
    "registration.alien-registration", "registration.address-change", "registration.card-reissue",
    "registration.stay-extension", "registration.moving-in", "registration.marriage-report",
    "registration.vehicle", "registration.local-tax", "daily.waste-separation", "daily.drivers-licence",
    "daily.transport", "health.insurance", "health.low-cost-care", "korean.kiip",
    "korean.family-centre-classes", "korean.koryoin-classes", "family.family-centre", "family.counselling",
    "family.children-language", "family.school-enrolment", "labor.unpaid-wages", "labor.workplace-change",
    "labor.industrial-accident", "labor.minimum-wage", "labor.severance-pay", "rights.discrimination",
    "safety.shelter", "safety.emergency", "safety.domestic-violence", "services.interpretation",
    "services.immigrant-plus-centre", "services.hotlines", "groups.north-korean-defectors",
    "groups.koryoin-sakhalin", "community.participation",
)


@dataclass(frozen=True)
class Coverage:
    """card id -> language -> status, plus the date each card was verified."""

    matrix: dict[str, dict[str, Status]]
    verified: dict[str, str]

    def counts(self) -> dict[Status, int]:
        """How many card-language cells are in each status."""
        totals: dict[Status, int] = {"complete": 0, "draft": 0, "missing": 0, "stale": 0}
        for row in self.matrix.values():
            for status in row.values():
                totals[status] += 1
        return totals


def coverage(content: ContentBase, stale_after_days: int = 365, today: dt.date | None = None) -> Coverage:
    """Status of every required and existing card in every language. Stale beats draft: the facts
    themselves need checking before the wording does."""
    today = today or dt.date.today()
    matrix: dict[str, dict[str, Status]] = {}
    verified: dict[str, str] = {}
    for card_id in sorted(set(REQUIRED_CARDS) | set(content.cards)):
        card = content.cards.get(card_id)
        row: dict[str, Status] = {}
        for lang in LANGUAGES:
            if card is None or lang not in card.languages:
                row[lang] = "missing"
            elif (today - card.verified).days > stale_after_days:
                row[lang] = "stale"
            elif card.languages[lang].status == "draft":
                row[lang] = "draft"
            else:
                row[lang] = "complete"
        matrix[card_id] = row
        verified[card_id] = card.verified.isoformat() if card else ""
    return Coverage(matrix, verified)


def as_text(report: Coverage) -> str:
    """A terminal table: one row per card, one column per language."""
    width = max(len(card_id) for card_id in report.matrix)
    lines = [" " * width + "  " + " ".join(f"{lang:>2}" for lang in LANGUAGES) + "  verified"]
    for card_id, row in report.matrix.items():
        cells = " ".join(f"{SYMBOLS[row[lang]]:>2}" for lang in LANGUAGES)
        lines.append(f"{card_id:<{width}}  {cells}  {report.verified[card_id]}")
    counts = report.counts()
    lines.append("")
    lines.append("✔ complete {complete}   d draft {draft}   s stale {stale}   ✘ missing {missing}".format(**counts))
    return "\n".join(lines)


def as_html(report: Coverage) -> str:
    """A page for staff: the same matrix, coloured, readable on a laptop or a tablet."""
    head = "".join(f"<th>{lang}</th>" for lang in LANGUAGES)
    rows = []
    for card_id, row in report.matrix.items():
        cells = "".join(f'<td class="{row[lang]}" title="{row[lang]}">{SYMBOLS[row[lang]]}</td>' for lang in LANGUAGES)
        rows.append(f"<tr><th scope=row>{html.escape(card_id)}</th>{cells}<td>{report.verified[card_id]}</td></tr>")
    counts = report.counts()
    legend = " · ".join(f'<span class="{k}">{SYMBOLS[k]}</span> {k} {v}' for k, v in counts.items())
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Content coverage</title>
<style>
body {{ font: 15px/1.4 system-ui, sans-serif; margin: 1rem; color: #1d2733; }}
table {{ border-collapse: collapse; }} th, td {{ padding: .25rem .5rem; border-bottom: 1px solid #e1e6ea; text-align: center; }}
th[scope=row] {{ text-align: left; font-weight: 500; }}
.complete {{ background: #d8f0dc; }} .draft {{ background: #fff3c4; }} .stale {{ background: #ffd9b3; }} .missing {{ background: #f7c5c5; }}
.wrap {{ overflow-x: auto; }}
</style></head><body>
<h1>Content coverage</h1>
<p>{legend}</p>
<div class="wrap"><table><thead><tr><th>card</th>{head}<th>verified</th></tr></thead>
<tbody>{"".join(rows)}</tbody></table></div>
</body></html>"""
