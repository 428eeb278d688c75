"""The consolidated workbook's fixed shape: its sheet names and the layout of 明细.

Public contracts (auditors' macros and other tools look for them); the writer (:mod:`gongkai_xlsx.consolidate`) and
the reader of a consolidated workbook (:mod:`gongkai_xlsx.read.consolidated`, for the city level and ``--previous``)
both take them from here, so it sits below both.
"""

SHEET_README = "说明"
SHEET_SUMMARY = "汇总"
SHEET_INDICATORS = "指标"
SHEET_BY_CATEGORY = "分类汇总"
SHEET_DETAIL = "明细"
SHEET_TEXTS = "文字"
SHEET_STATUS = "报送情况"
SHEET_FINDINGS = "校验明细"

# 明细: two header rows (Chinese label, stable id), then one row per counted agency
DETAIL_FIXED = (("机构代码", "code"), ("机构名称", "name"), ("类别", "category"), ("上级", "parent"),
                ("状态", "status"), ("下级单位数", "units"), ("来源文件", "source"))
DETAIL_NUMBERS = frozenset({"units"})  # the fixed columns written as numbers
DETAIL_COLUMN = {key: col for col, (_, key) in enumerate(DETAIL_FIXED)}  # a fixed column's id → its column
DETAIL_ID_ROW = 1
DETAIL_FIRST_ROW = 2

# 报送情况: one header row, then one row per roster agency and per input (the last two columns are not printed)
STATUS_COLUMNS = ("序号", "机构代码", "机构名称", "类别", "报送情况", "文件", "发件人", "收到时间", "错误", "警告", "提示",
                  "说明", "填报日期", "sha256")
