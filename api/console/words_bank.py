"""The bank desk's words (违约, 质权实现, 贴息/风险补偿, one pledge), merged into i18n.STRINGS."""

from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
    "default_pledge": ("登记违约", "Record a default"),
    "enforce_pledge": ("质权实现（处置）", "Enforce the pledge"),
    "record_support": ("登记贴息或风险补偿", "Record a subsidy or risk compensation"),
    "enforce_hint": ("仅限已登记违约的质押；填写处置所得，质押随即不再约束质押物。",
                     "Only for a defaulted pledge; enter the proceeds — the pledge then stops "
                     "binding its items."),
    "support_hint": ("由科技局登记对质押贷款的贴息或风险补偿资金。",
                     "The S&T bureau records an interest subsidy or risk compensation paid on "
                     "a pledge loan."),
    "f_default_note": ("违约情况说明", "What happened"),
    "f_proceeds": ("处置所得（元）", "Proceeds (CNY)"),
    "f_support_kind": ("支持类型", "Kind"),
    "f_support_amount": ("金额（元）", "Amount (CNY)"),
    "f_payer": ("支付方", "Paid by"),
    "payer_hint": ("保定市科学技术局", "Baoding S&T Bureau"),
    "support_interest_subsidy": ("贴息", "Interest subsidy"),
    "support_risk_compensation": ("风险补偿", "Risk compensation"),
    "pledge_done_default": ("已登记违约：", "Default recorded:"),
    "pledge_done_enforcement": ("已登记质权实现：", "Enforcement recorded:"),
    "pledge_done_support": ("已登记贴息/风险补偿：", "Subsidy recorded:"),
    "pledge": ("质押", "Pledge"),
    "pledge_status_registered": ("在押", "Registered"),
    "pledge_status_defaulted": ("已违约", "Defaulted"),
    "pledge_status_released": ("已注销", "Released"),
    "pledge_status_enforced": ("质权已实现", "Enforced"),
    "defaulted_on": ("违约日期", "Defaulted on"),
    "ended_on": ("终止日期", "Ended on"),
    "proceeds": ("处置所得", "Proceeds"),
    "consents": ("质权人同意的合同", "Consented contracts"),
    "support_received": ("贴息与风险补偿", "Subsidies received"),
    "views_behind": ("查询视图尚未追上刚才的写入，请稍后刷新。",
                     "The views have not caught up with the write yet; refresh shortly."),
}
