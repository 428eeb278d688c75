"""The six parts of a report, its text sections, and who and which year it is about.

Headings are searched in the document's compact text (normalised, no whitespace), in their fixed order, so a
heading glued to the text around it (web crawls) or broken across lines (PDF) is still found, and a heading typo
such as ``行政法复议`` is tolerated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from ..form import FORM_2021
from ..normalise import compact_with_offsets
from .document import Linear, normalise

# key and pattern on compact text, in the order of the format's section headings
_PATTERNS = (
    ("overview", r"一\.?总体情况"),
    ("t2", r"二\.?主动公开政府信息(?:情况)?"),
    ("t3", r"三\.?收到和处理政府信息公开申请(?:情况)?"),
    ("t4", r"四\.[^。.\d]{0,16}?行政法?复议(?:[.]?(?:提起)?行政诉讼)?(?:的?情况)?"),
    ("problems", r"五\.[^。.\d]{0,20}?主要问题(?:及|和)?(?:改进|整改)?(?:情况|措施)?"),
    ("other", r"六\.?其他需要报告的?事项"),
)
# key, the heading as the format writes it, pattern
HEADINGS = tuple((key, heading, pattern) for (key, pattern), heading in zip(_PATTERNS, FORM_2021.section_headings,
                                                                          strict=True))
HEADING_TEXT = {key: text for key, text, _ in HEADINGS}
# where a table starts when its heading is missing or unrecognised
FALLBACKS = {
    "t2": r"第二十条",
    "t3": r"本列数据的勾稽关系|勾稽关系|申请人情况|本年新收",
    "t4": r"行政法?复议",
}
TERMINAL = tuple("。！？：；!?:;")
# web-page furniture that follows the last section of a crawled page
TRAILING_JUNK = re.compile(r"附件下载|相关附件|【打印|打印本页|关闭窗口|扫一扫|主办单位|版权所有|网站标识码|ICP备|上一篇|下一篇|分享到")


@dataclass
class Heading:
    key: str
    start: int  # raw offsets
    end: int
    text: str  # as found (compact)
    fallback: bool = False


class Sections:
    def __init__(self, linear: Linear) -> None:
        self.linear = linear
        self.compact, self.cmap = compact_with_offsets(linear.norm)
        self.found: dict[str, Heading] = {}
        pos = 0
        for key, _, pattern in HEADINGS:
            match = re.compile(pattern).search(self.compact, pos)
            fallback = False
            if not match and key in FALLBACKS:
                match = re.compile(FALLBACKS[key]).search(self.compact, pos)
                fallback = True
            if match:
                start, end = self._raw(match.start()), self._raw(match.end() - 1) + 1
                self.found[key] = Heading(key, start, end if not fallback else start, match.group(), fallback)
                pos = match.end() if not fallback else match.start()

    def _raw(self, index: int) -> int:
        return self.cmap[index] if index < len(self.cmap) else len(self.linear.raw)

    @property
    def any(self) -> bool:
        return bool(self.found)

    def region(self, key: str) -> tuple[int, int] | None:
        """Raw offsets of the part's body: from its heading's end to the next part's heading."""
        heading = self.found.get(key)
        if heading is None:
            return None
        keys = [k for k, _, _ in HEADINGS]
        end = len(self.linear.raw)
        for later in keys[keys.index(key) + 1:]:
            if later in self.found:
                end = self.found[later].start
                break
        return heading.end, end

    def preamble_end(self) -> int:
        return min((h.start for h in self.found.values()), default=min(len(self.linear.raw), 5000))

    def variants(self) -> list[tuple[str, str]]:
        """(found, expected) for headings written differently from the format, when it looks like a slip."""
        out = []
        for key, expected, _ in HEADINGS:
            heading = self.found.get(key)
            if heading is None or heading.fallback:
                continue
            want = normalise(expected)
            if heading.text != want and SequenceMatcher(None, heading.text, want).ratio() >= 0.85:
                out.append((self.linear.raw[heading.start:heading.end].strip(), expected))
        return out


# ------------------------------------------------------------------------------------------ text sections
def paragraphs(text: str, *, reflow: bool) -> str:
    """A text section as paragraphs separated by line breaks.

    Sources whose lines are paragraphs (HTML, Word) keep them. Hard-wrapped sources (plain text, PDF) are
    reflowed. When some lines are indented relative to the others (PDF layout text: first lines are indented),
    a paragraph starts at an indented line, or after a short line that ends a sentence. Otherwise (text copied
    from a page, one paragraph per line) a line starts a paragraph when the previous one ended a sentence
    (。：；…); any other line continues the previous one.
    """
    lines = [line.replace("\t", " ") for line in text.split("\n")]
    if not reflow:
        out = [_squash(line) for line in lines]
        return "\n".join(line for line in out if line)
    present = [line for line in lines if line.strip()]
    base = min((_indent(line) for line in present), default=0)
    by_indent = any(_indent(line) - base >= 2 for line in present)
    width = max((len(line.strip()) for line in present), default=0)
    paras: list[str] = []
    previous = ""
    for line in present:
        stripped = _squash(line)
        ends_sentence = previous.endswith(TERMINAL)
        if by_indent:
            new = _indent(line) - base >= 2 or (ends_sentence and len(previous) < 0.6 * width)
        else:
            new = ends_sentence
        if not paras or new:
            paras.append(stripped)
        else:
            joiner = " " if paras[-1][-1:].isascii() and paras[-1][-1:].isalnum() and stripped[:1].isascii() \
                and stripped[:1].isalnum() else ""
            paras[-1] += joiner + stripped
        previous = line.strip()
    return "\n".join(paras)


def cut_trailing_junk(text: str) -> str:
    match = TRAILING_JUNK.search(text)
    return text[:match.start()].rstrip() if match and match.start() > 0 else text


def _indent(line: str) -> int:
    n = 0
    for ch in line:
        if ch == " ":
            n += 1
        elif ch == "\u3000":
            n += 2
        elif ch == "\xa0":
            n += 1
        else:
            break
    return n


def _squash(line: str) -> str:
    return re.sub(r"[ \xa0\u3000]{2,}", " ", line).strip(" \xa0\u3000\t")


# ------------------------------------------------------------------------------------------ identity
_REPORT = r"政\s*府\s*信\s*息\s*公\s*开\s*(?:工\s*作\s*)?(?:年\s*度\s*报\s*告|(?:工\s*作\s*)?情\s*况\s*(?:的\s*)?报\s*告)"
# "<机关>2024年度政府信息公开工作年度报告", "<机关>关于2022年度政府信息公开情况的报告"
TITLE = re.compile(r"(20\d{2})\s*年\s*度?\s*(?:的\s*)?" + _REPORT)
# "2024年<机关>政府信息公开工作年度报告", "2019年<机关>政府信息公开年度报告（表格部分）"
TITLE_YEAR_FIRST = re.compile(r"(?m)^[ \t\u3000]*(?:关于)?(20\d{2})\s*年\s*度?\s*([^\n。，,；;:：]{2,40}?)" + _REPORT)
# a title that names no year ("<机关>政府信息公开工作年度报告" on a line of its own): the agency still
TITLE_NO_YEAR = re.compile(r"(?m)^[ \t\u3000]*([^\n]{2,40}?)" + _REPORT + r"[ \t\u3000]*$")
PERIOD = re.compile(r"(20\d{2})\s*年\s*(?:度\s*)?(?:0?1\s*月\s*0?1\s*日|1\s*月\s*1\s*日)\s*(?:起)?\s*(?:至|到|—|-|－|～|~)\s*"
                    r"(?:(20\d{2})\s*年\s*)?12\s*月\s*31\s*日")
SEPARATORS = re.compile(r"[\s>›»|｜_/]+")
NOT_AGENCY = re.compile(r"首页|当前位置|栏目|年报|发布时间|来源|字体|打印|分享|浏览|正文")
# words of a sentence, not of a title: an agency is never taken from "根据《条例》规定，现公布区统计局…"
SENTENCE = re.compile(r"[，,。；;！？《》]|根据|现公布|现将|特编制|本报告|规定|要求|如下")
FURNITURE = re.compile(r"网站|门户|信息公开|政务公开|索引号|发布|日期|分类")


def identity(linear: Linear, sections: Sections) -> tuple[str, int | None]:
    """(agency name, year) from the title; the year also from the statistical period.

    A title may put the year first ("2024年<机关>…年度报告"), be "<机关>关于2022年度政府信息公开情况的报告", or be
    broken over two lines. The agency comes only from a title line, never from a sentence.
    """
    raw = linear.raw
    head_end = max(sections.preamble_end(), 200)
    window = raw[:min(len(raw), head_end + 200)]
    agency, year = "", None
    first = TITLE_YEAR_FIRST.search(window)
    match = TITLE.search(window)
    if first and (match is None or first.start() <= match.start()):
        year = int(first.group(1))
        agency = _clean_agency(first.group(2))
    elif match:
        year = int(match.group(1))
        line_start = raw.rfind("\n", 0, match.start()) + 1
        prefix = raw[line_start:match.start()]
        prefix = re.sub(r"关于\s*$", "", prefix)
        agency = _clean_agency(prefix)
        if agency and not SENTENCE.search(prefix):
            agency = _title_continues(raw, line_start, agency)
        back = line_start - 1
        tries = 0
        while not agency and not SENTENCE.search(prefix) and back > 0 and tries < 4:
            prev_start = raw.rfind("\n", 0, back) + 1
            agency = _clean_agency(raw[prev_start:back])
            back = prev_start - 1
            tries += 1
    if first is None and match is None:
        bare = TITLE_NO_YEAR.search(window)
        if bare:
            agency = _clean_agency(bare.group(1))
    if year is None:
        period = PERIOD.search(raw, 0, min(len(raw), head_end + 2000))
        if period and period.group(2) in (None, period.group(1)):
            year = int(period.group(1))
    return agency, year


def _title_continues(raw: str, line_start: int, agency: str) -> str:
    """A title broken over two lines ("淮安市洪泽区" / "人民政府2024年度…"): the line just before, when it is a short
    line of a title (Chinese characters only, not a sentence, not page furniture), is the first part of the name."""
    if line_start < 2 or len(agency) > 12:
        return agency
    prev_start = raw.rfind("\n", 0, line_start - 1) + 1
    previous = raw[prev_start:line_start - 1].strip()
    if (previous and len(previous) <= 20 and re.fullmatch(r"[\u4e00-\u9fff（）()]+", previous)
            and not NOT_AGENCY.search(previous) and not FURNITURE.search(previous)
            and not SENTENCE.search(previous)):
        return previous + agency
    return agency


def _clean_agency(text: str) -> str:
    chunks = [c for c in SEPARATORS.split(text.replace("\t", " ")) if c]
    if not chunks:
        return ""
    name = re.sub(r"^(?:标题|题目|名称|文章标题)\s*[:：]\s*", "", chunks[-1])
    name = name.strip("《》“”\"'：:（）() ")
    if SENTENCE.search(name) or SENTENCE.search(text.split(chunks[-1])[0] if chunks[-1] in text else ""):
        return ""
    if not re.search(r"[\u4e00-\u9fff]", name) or len(name) > 40 or NOT_AGENCY.search(name):
        return ""
    return name
