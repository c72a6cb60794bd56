"""The console's words for the registry filters and the post-evaluation page (by expert, the
agency and grade pickers), Simplified Chinese and English; merged into i18n.STRINGS."""

from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
    "tech_field": ("技术领域", "Technical field"),
    "owner_region": ("完成单位所在地区", "Owner's region"),
    "hefei_subtype": ("可转化成果类型", "Transferable subtype"),
    "subtype_applied_research": ("应用技术研究成果", "Applied research"),
    "subtype_development_industrialization": ("技术开发及产业化成果",
                                              "Development & industrialization"),
    "bad_region": ("地区代码应为 6 位数字（GB/T 2260），例如 130600。",
                   "A region is a 6-digit GB/T 2260 code, e.g. 130600."),
    "bad_grade": ("等级应为 A、B、C 或 cultivation。", "The grade is A, B, C or cultivation."),
    "bad_agency": ("评价机构 ID 无效。", "Not an agency id."),
    "bad_class": ("评价类别无效。", "Not an evaluation class."),
    "policy_version": ("政策版本", "Policy version"),
    "evaluation_class": ("评价类别", "Evaluation class"),
    "class_transferable": ("可转化科技成果评价", "Transferable achievement"),
    "class_basic_research": ("基础研究成果评价", "Basic research"),
    "class_applied_research": ("应用研究成果评价", "Applied research"),
    "class_pre_approval": ("立项前评估", "Pre-approval assessment"),
    "pe_hint": ("认定后在观察期内的成交、许可、转让、成立企业、质押与撤销；观察期未满的评价不计入比例。"
                "与 /v1/post-evaluation/grades、/agencies、/experts 同源；选定等级时只统计该等级的评价。",
                "What followed finalized evaluations within the window; evaluations whose window "
                "has not elapsed are left out of the shares. The same figures as "
                "/v1/post-evaluation/grades, /agencies and /experts; a grade keeps only that "
                "grade's evaluations."),
    "by_expert": ("按评审专家", "By expert"),
    "pe_expert_hint": ("参与（未回避）的评审专家：本人评分表的加权总分均值与评价结果均值，"
                       "及其评价的后续表现。",
                       "Experts who served (not recused): the mean weighted total of their own "
                       "score sheets and of the panels' results, and what followed."),
    "expert": ("专家", "Expert"), "expert_type": ("专家类型", "Expert type"),
    "expert_type_technical": ("技术专家", "Technical"),
    "expert_type_industry": ("行业专家", "Industry"),
    "expert_type_investment": ("投资专家", "Investment"),
    "expert_type_market": ("市场专家", "Market"),
    "scored": ("评分表数", "Score sheets"),
    "mean_sheet_total": ("本人评分均值", "Mean own sheet total"),
    "mean_result_total": ("评价结果均值", "Mean panel result"),
}
