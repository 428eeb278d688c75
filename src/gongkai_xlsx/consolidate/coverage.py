"""What a consolidation covers, in words: how many of the roster are counted, and who is not and why. The
consolidated workbook's 汇总 and 指标 sheets both open with it."""

from __future__ import annotations

from ..roster import Agency
from ..template.consolidated_layout import SHEET_STATUS
from .merge import MergeResult
from .merge import SubmissionStatus as S

NOT_COUNTED_REASON = {S.INVALID_EXCLUDED: "有错误", S.WRONG_YEAR: "只收到其他年度的报表", S.MISSING: "未报送"}


def not_counted(result: MergeResult) -> list[tuple[Agency, str]]:
    """Every roster agency that is not in the totals, with why (in roster order)."""
    counted = {id(m.agency) for m in result.members}
    reasons: dict[int, S] = {}
    for entry in result.entries:
        if entry.agency is not None and entry.status in (S.INVALID_EXCLUDED, S.WRONG_YEAR):
            # a newer return that counts, or an excluded one, outranks a file of another year
            if reasons.get(id(entry.agency)) is not S.INVALID_EXCLUDED:
                reasons[id(entry.agency)] = entry.status
    out = []
    for agency in result.roster or []:
        if id(agency) not in counted:
            out.append((agency, NOT_COUNTED_REASON[reasons.get(id(agency), S.MISSING)]))
    return out


def coverage_short(result: MergeResult) -> str:
    counts = result.counts()
    if result.roster is None:
        return f"计入 {counts['members']} 个单位（未提供名册）"
    return f"计入 {counts['members']} / 名册 {counts['expected']} 个单位"


def coverage_text(result: MergeResult) -> str:
    """汇总's opening line: how many of the roster are counted, and every agency that is not, with why."""
    counts = result.counts()
    text = coverage_short(result)
    missing = not_counted(result)
    if missing:
        text += "；未计入：" + "、".join(f"{agency.name}（{reason}）" for agency, reason in missing) + "。"
    elif result.roster is not None:
        text += "；名册单位全部计入。"
    else:
        text += "。"
    if counts["invalid_included"]:
        text += f"其中 {counts['invalid_included']} 个单位的报表有错误，按 --include-invalid 计入。"
    others = [(counts["unknown_agency"], "名册外单位的报表"), (counts["unidentified"], "认不出是哪个单位的报表"),
              (counts["unreadable"], "无法读取的文件")]
    if any(n for n, _ in others):
        text += "另有" + "、".join(f"{what} {n} 份" for n, what in others if n) + "未计入。"
    return text + f"详见“{SHEET_STATUS}”。"
