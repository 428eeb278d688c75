"""《中华人民共和国政府信息公开工作年度报告格式》(国办公开办函〔2021〕30号), as data.

Every label here is verbatim from the notice and its Word template (full-width brackets and quotation
marks included). Every other module takes labels, table shapes and item ids from here.
"""

from __future__ import annotations

from .model import (
    Column,
    Form,
    HeaderCell,
    Item,
    MetaField,
    MetaRole,
    Row,
    Table2,
    Table2Block,
    Table2Row,
    Table3,
    Table4,
    Table4Group,
    TextRole,
    TextSection,
    ValueKind,
)

FEE_DECIMALS = 6

SECTION_HEADINGS = (
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
)

META = (
    MetaField("meta_agency", "机关名称", MetaRole.AGENCY, "agency name", from_roster=True),
    MetaField("meta_code", "机构代码（统一社会信用代码）", MetaRole.CODE, "agency code", from_roster=True),
    MetaField("meta_year", "报告年度", MetaRole.YEAR, "reporting year", set_by_template=True),
    MetaField("meta_contact", "填报人", MetaRole.CONTACT, "contact person"),
    MetaField("meta_phone", "联系电话", MetaRole.PHONE, "telephone"),
    MetaField("meta_date", "填报日期", MetaRole.DATE, "date filled in"),
)

TEXTS = (
    TextSection("text_overview", SECTION_HEADINGS[0], "（文字描述）", TextRole.OVERVIEW, "1. Overview", max_chars=1000, required=True),
    TextSection("text_problems", SECTION_HEADINGS[4], "（文字描述）", TextRole.PROBLEMS, "5. Problems and improvements"),
    TextSection("text_other", SECTION_HEADINGS[5], "（文字描述，收取信息处理费情况在此处报告。）",
                TextRole.OTHER, "6. Other matters"),
)

# ---------------------------------------------------------------- 表二 主动公开政府信息情况
_T2_DECISIONS = "本年处理决定数量"

TABLE2 = Table2(
    heading=SECTION_HEADINGS[1],
    grid_columns=4,
    blocks=(
        Table2Block(
            caption="第二十条第（一）项",
            headers=("信息内容", "本年制发件数", "本年废止件数", "现行有效件数"),
            rows=(
                Table2Row("rule", "规章", ("t2_rule_issued", "t2_rule_repealed", "t2_rule_valid")),
                Table2Row("norm", "行政规范性文件", ("t2_norm_issued", "t2_norm_repealed", "t2_norm_valid")),
            ),
        ),
        Table2Block(
            caption="第二十条第（五）项",
            headers=("信息内容", _T2_DECISIONS),
            rows=(Table2Row("license", "行政许可", ("t2_license",)),),
        ),
        Table2Block(
            caption="第二十条第（六）项",
            headers=("信息内容", _T2_DECISIONS),
            rows=(
                Table2Row("penalty", "行政处罚", ("t2_penalty",)),
                Table2Row("coercion", "行政强制", ("t2_coercion",)),
            ),
        ),
        Table2Block(
            caption="第二十条第（八）项",
            headers=("信息内容", "本年收费金额（单位：万元）"),
            rows=(Table2Row("fee", "行政事业性收费", ("t2_fee",)),),
        ),
    ),
)

# ---------------------------------------------------------------- 表三 收到和处理政府信息公开申请情况
_RESULTS = "三、本年度办理结果"
_DENY = "（三）不予公开"
_UNABLE = "（四）无法提供"
_NOPROC = "（五）不予处理"
_OTHER = "（六）其他处理"

T3_ROWS = (
    Row("new", ("一、本年新收政府信息公开申请数量",)),
    Row("carry_in", ("二、上年结转政府信息公开申请数量",)),
    Row("open", (_RESULTS, "（一）予以公开")),
    Row("partial", (_RESULTS, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）")),
    Row("deny_1", (_RESULTS, _DENY, "1.属于国家秘密")),
    Row("deny_2", (_RESULTS, _DENY, "2.其他法律行政法规禁止公开")),
    Row("deny_3", (_RESULTS, _DENY, "3.危及“三安全一稳定”")),
    Row("deny_4", (_RESULTS, _DENY, "4.保护第三方合法权益")),
    Row("deny_5", (_RESULTS, _DENY, "5.属于三类内部事务信息")),
    Row("deny_6", (_RESULTS, _DENY, "6.属于四类过程性信息")),
    Row("deny_7", (_RESULTS, _DENY, "7.属于行政执法案卷")),
    Row("deny_8", (_RESULTS, _DENY, "8.属于行政查询事项")),
    Row("unable_1", (_RESULTS, _UNABLE, "1.本机关不掌握相关政府信息")),
    Row("unable_2", (_RESULTS, _UNABLE, "2.没有现成信息需要另行制作")),
    Row("unable_3", (_RESULTS, _UNABLE, "3.补正后申请内容仍不明确")),
    Row("noproc_1", (_RESULTS, _NOPROC, "1.信访举报投诉类申请")),
    Row("noproc_2", (_RESULTS, _NOPROC, "2.重复申请")),
    Row("noproc_3", (_RESULTS, _NOPROC, "3.要求提供公开出版物")),
    Row("noproc_4", (_RESULTS, _NOPROC, "4.无正当理由大量反复申请")),
    Row("noproc_5", (_RESULTS, _NOPROC, "5.要求行政机关确认或重新出具已获取信息")),
    Row("other_1", (_RESULTS, _OTHER, "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请")),
    Row("other_2", (_RESULTS, _OTHER, "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请")),
    Row("other_3", (_RESULTS, _OTHER, "3.其他")),
    Row("total", (_RESULTS, "（七）总计")),
    Row("carry_out", ("四、结转下年度继续办理",)),
)

T3_COLUMNS = (
    Column("natural", "自然人"),
    Column("commercial", "商业企业"),
    Column("research", "科研机构"),
    Column("charity", "社会公益组织"),
    Column("legal", "法律服务机构"),
    Column("other_org", "其他"),
    Column("total", "总计"),
)

T3_BALANCE_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

TABLE3 = Table3(
    heading=SECTION_HEADINGS[2],
    label_columns=3,
    header_rows=3,
    header=(
        HeaderCell(0, 0, T3_BALANCE_NOTE, rowspan=3, colspan=3),
        HeaderCell(0, 3, "申请人情况", colspan=7),
        HeaderCell(1, 3, "自然人", rowspan=2),
        HeaderCell(1, 4, "法人或其他组织", colspan=5),
        HeaderCell(1, 9, "总计", rowspan=2),
        HeaderCell(2, 4, "商业企业"),
        HeaderCell(2, 5, "科研机构"),
        HeaderCell(2, 6, "社会公益组织"),
        HeaderCell(2, 7, "法律服务机构"),
        HeaderCell(2, 8, "其他"),
    ),
    columns=T3_COLUMNS,
    rows=T3_ROWS,
    total_row="total",
    total_column="total",
    result_rows=tuple(r.key for r in T3_ROWS[2:-2]),
    balance_note=T3_BALANCE_NOTE,
)

# ---------------------------------------------------------------- 表四 政府信息公开行政复议、行政诉讼情况
T4_COLUMNS = (
    Column("upheld", "结果维持"),
    Column("corrected", "结果纠正"),
    Column("other", "其他结果"),
    Column("pending", "尚未审结"),
    Column("total", "总计"),
)

T4_GROUPS = (
    Table4Group("review", "行政复议"),
    Table4Group("suit_direct", "行政诉讼·未经复议直接起诉"),
    Table4Group("suit_after", "行政诉讼·复议后起诉"),
)


def _table4_header() -> tuple[HeaderCell, ...]:
    cells = [
        HeaderCell(0, 0, "行政复议", colspan=5),
        HeaderCell(0, 5, "行政诉讼", colspan=10),
        HeaderCell(1, 5, "未经复议直接起诉", colspan=5),
        HeaderCell(1, 10, "复议后起诉", colspan=5),
    ]
    for offset, column in enumerate(T4_COLUMNS):
        cells.append(HeaderCell(1, offset, column.label, rowspan=2))
        cells.append(HeaderCell(2, 5 + offset, column.label))
        cells.append(HeaderCell(2, 10 + offset, column.label))
    return tuple(sorted(cells, key=lambda c: (c.row, c.col)))


TABLE4 = Table4(
    heading=SECTION_HEADINGS[3],
    header=_table4_header(),
    header_rows=3,
    groups=T4_GROUPS,
    columns=T4_COLUMNS,
    total_column="total",
)

# ---------------------------------------------------------------- counting notes quoted from the notice
COUNTING_NOTES = (
    (
        SECTION_HEADINGS[0],
        "……主要包括主动公开、依申请公开、政府信息管理、政府信息公开平台建设、监督保障……等方面，"
        "重在聚焦主题、简明客观，篇幅原则上不超过一千字。",
    ),
    (
        SECTION_HEADINGS[1],
        "这一项主要报告《中华人民共和国政府信息公开条例》第二十条规定的法定主动公开内容中，"
        "适宜以数据方式呈现且具备统计汇总价值的内容，包括（一）（五）（六）（八）共四项，其中，"
        "第（五）项的行政许可数量、第（六）项的行政处罚和行政强制数量，包括已公开和依法未公开的全部处理决定。"
        "各项数据核定时间点为报告年度的12月31日。",
    ),
    (
        SECTION_HEADINGS[2],
        "这一项主要报告两方面情况：一是申请人的类别；二是政府信息公开申请的最终处理结果。"
        "此项内容重在数据准确、要素齐备……",
    ),
    (
        SECTION_HEADINGS[3],
        "根据行政复议法和行政诉讼法有关规定，行政诉讼处理结果需进一步区分两类情形，"
        "分别是“未经复议直接起诉”和“复议后起诉”。行政复议机关作为共同被告的行政诉讼案件，"
        "只计算原行为主体的案件数量，不计算行政复议机关的案件数量。",
    ),
    (
        SECTION_HEADINGS[5],
        "这一项主要报告本机关认为需要报告的其他事项，以及其他有关文件专门要求通过年度报告予以报告的事项。"
        "各行政机关依据《政府信息公开信息处理费管理办法》收取信息处理费的情况，在此处专门报告。",
    ),
    (
        "（六）其他处理（国办公开办函〔2019〕60号）",
        "行政机关处理政府信息公开申请的情况中，设置了“其他处理”项目，主要是考虑新旧条例执行衔接以及极少数特殊情况。"
        "原则上，所有的政府信息公开申请，都应当按照法定的处理方式做出处理。"
        "各政府信息公开工作主管部门要高度关注这一项目的数据，对“其他处理”数量偏高的行政机关，要了解情况，"
        "及时发现并解决相关问题。",
    ),
)


def _items() -> tuple[Item, ...]:
    items: list[Item] = []
    for block in TABLE2.blocks:
        value_headers = block.headers[1:]
        for row in block.rows:
            for index, item_id in enumerate(row.item_ids):
                is_fee = item_id == "t2_fee"
                col_label = value_headers[index] if len(value_headers) > 1 else value_headers[0]
                items.append(
                    Item(
                        id=item_id,
                        table="t2",
                        row_label=f"{block.caption} {row.label}",
                        col_label=col_label,
                        unit="万元" if is_fee else "件",
                        kind=ValueKind.AMOUNT if is_fee else ValueKind.COUNT,
                        decimals=FEE_DECIMALS if is_fee else 0,
                    )
                )
    t3 = TABLE3
    part_columns = [c.key for c in t3.columns if c.key != t3.total_column]
    for row in t3.rows:
        for column in t3.columns:
            if column.key == t3.total_column:
                sum_of = tuple(t3.item_id(row.key, c) for c in part_columns)
            elif row.key == t3.total_row:
                sum_of = tuple(t3.item_id(r, column.key) for r in t3.result_rows)
            else:
                sum_of = ()
            items.append(
                Item(
                    id=t3.item_id(row.key, column.key),
                    table="t3",
                    row_label=row.label,
                    col_label=column.label,
                    unit="件",
                    sum_of=sum_of,
                )
            )
    t4 = TABLE4
    for group in t4.groups:
        parts = tuple(t4.item_id(group.key, c.key) for c in t4.columns if c.key != t4.total_column)
        for column in t4.columns:
            items.append(
                Item(
                    id=t4.item_id(group.key, column.key),
                    table="t4",
                    row_label=group.label,
                    col_label=column.label,
                    unit="件",
                    sum_of=parts if column.key == t4.total_column else (),
                )
            )
    return tuple(items)


FORM_2021 = Form(
    version="2021",
    title="政府信息公开工作年度报告",
    basis="国办公开办函〔2021〕30号",
    section_headings=SECTION_HEADINGS,
    meta=META,
    texts=TEXTS,
    table2=TABLE2,
    table3=TABLE3,
    table4=TABLE4,
    counting_notes=COUNTING_NOTES,
    items=_items(),
)
