"""The console's words in Simplified Chinese (default) and English."""

from __future__ import annotations

from collections.abc import Callable

from api.console import words_bank, words_events, words_imports, words_market, words_rest

STRINGS: dict[str, tuple[str, str]] = {
    "app": ("科技成果与技术市场账本", "techledger console"),
    "sign_in": ("登录", "Sign in"), "sign_out": ("退出", "Sign out"),
    "api_key": ("API 密钥", "API key"),
    "sign_in_hint": ("请输入您的 API 密钥；它只保存在本站的 HttpOnly 会话 Cookie 中。",
                     "Enter your API key; it is kept only in this site's HttpOnly session cookie."),
    "bad_key": ("API 密钥无效或已吊销。", "The API key is unknown or revoked."),
    "bad_csrf": ("表单已过期，请重试。", "The form has expired; please try again."),
    "forbidden": ("无权访问", "Forbidden"),
    "forbidden_text": ("您的角色（{role}）不能使用此页面。",
                       "Your role ({role}) may not use this page."),
    "not_found": ("未找到", "Not found"),
    "home": ("首页", "Home"), "role": ("角色", "Role"), "welcome": ("欢迎", "Welcome"),
    "registry": ("成果登记", "Registry"), "library": ("可转化成果库", "Transferable library"),
    "search": ("搜索", "Search"), "keyword": ("关键词（中文子串）", "Keyword (Chinese substring)"),
    "category": ("类别", "Category"), "status": ("状态", "Status"), "all": ("全部", "All"),
    "grade": ("等级", "Grade"), "support": ("支持方式", "Support"),
    "title": ("名称", "Title"), "reg_no": ("登记号", "Registration no."),
    "field": ("领域", "Field"), "registered_on": ("登记日期", "Registered on"),
    "owners": ("成果完成单位", "Owners"), "patents": ("专利", "Patents"),
    "results": ("共 {n} 条", "{n} results"), "prev": ("上一页", "Previous"),
    "next": ("下一页", "Next"), "none": ("无", "None"),
    "timeline": ("回溯时间线", "Timeline (backward tracing)"),
    "position": ("账本位置", "Ledger position"), "date": ("生效日期", "Effective date"),
    "recorded": ("记录时间", "Recorded at"), "actor": ("操作者", "Actor"),
    "event": ("事件", "Event"), "receipt": ("下载可验证回执（JSON）",
                                            "Download verifiable receipt (JSON)"),
    "no_timeline": ("时间线仅对审计和登记角色开放。",
                    "The timeline is open to auditors and registrars."),
    "bank_desk": ("银行", "Bank desk"), "pledge_lookup": ("质押查询", "Pledge lookup"),
    "achievement_ref": ("成果登记号或 ID", "Achievement registration no. or id"),
    "patent_no": ("专利号", "Patent number"), "as_of": ("查询日期", "As of date"),
    "lookup": ("查询", "Look up"), "pledged": ("已质押", "Pledged"),
    "not_pledged": ("未质押", "Not pledged"),
    "name_one": ("请填写成果或专利号。", "Name an achievement or a patent number."),
    "unknown_achievement": ("未找到该成果。", "No such achievement."),
    "pledgee": ("质权人", "Pledgee"), "pledgor": ("出质人", "Pledgor"),
    "amount": ("担保金额（元）", "Secured amount (CNY)"), "loan": ("贷款期限", "Loan term"),
    "binds": ("质押生效", "Binding"), "active_pledges": ("在押质押与敞口", "Active pledges & exposure"),
    "bank": ("银行", "Bank"), "exposure": ("敞口合计", "Exposure"),
    "defaulted_exposure": ("其中已违约", "of which defaulted"), "count": ("笔数", "Count"),
    "alerts": ("风险预警", "Alerts"), "reason": ("原因", "Reason"),
    "expiry": ("到期日", "Expiry"), "no_alerts": ("无预警。", "No alerts."),
    "reason_expires_before_loan_end": ("专利在贷款到期前届满", "Patent expires before the loan ends"),
    "reason_patent_lapsed": ("专利已失效", "Patent lapsed"),
    "reason_patent_invalidated": ("专利被宣告无效", "Patent invalidated"),
    "reason_patent_expired": ("专利已届满", "Patent expired"),
    "reason_patent_fee_arrears": ("专利欠缴年费", "Patent fees in arrears"),
    "reason_patent_unknown": ("专利未登记", "Patent unknown"),
    "integrity": ("科研诚信", "Integrity"), "blacklist": ("黑名单", "Blacklist"),
    "party": ("主体", "Party"), "scopes": ("限制范围", "Barred from"),
    "until": ("截止", "Until"), "permanent": ("永久", "Permanent"),
    "party_record": ("诚信记录", "Integrity record"),
    "barred_now": ("当前限制", "Barred today"), "decision": ("处理决定", "Decision"),
    "decided_on": ("决定日期", "Decided on"), "severity": ("严重程度", "Severity"),
    "findings": ("认定事实", "Findings"), "sanctions": ("处理措施", "Sanctions"),
    "overturned": ("已撤销", "Overturned"), "no_records": ("无记录。", "No records."),
    "coming": ("即将推出", "Coming"),
    "exchange_desk": ("技术合同登记", "Exchange desk"),
    "statistics": ("交易统计", "Statistics"),
    "register_contract": ("登记技术合同", "Register a contract"),
    "register": ("提交登记", "Register"),
    "contract_registered": ("合同 {number} 已受理（状态：{status}）", "Contract {number} accepted "
                            "(status: {status})"),
    "f_contract_number": ("合同编号", "Contract number"), "f_title": ("合同名称", "Title"),
    "f_contract_type": ("合同类型", "Contract type"), "f_seller_id": ("卖方 ID", "Seller id"),
    "f_buyer_id": ("买方 ID", "Buyer id"),
    "f_achievement_ids": ("成果 ID（逗号分隔，可空）", "Achievement ids (comma-separated)"),
    "f_turnover": ("成交额（元）", "Turnover (CNY)"),
    "f_transaction_amount": ("技术交易额（元）", "Technology transaction amount (CNY)"),
    "f_signed_on": ("签订日期", "Signed on"), "f_term_end": ("履行期限（可空）", "Term end"),
    "f_field": ("技术领域", "Technology field"), "f_exchange_id": ("技术交易机构 ID", "Exchange id"),
    "v_missing": ("此项必填。", "Required."), "v_too_long": ("内容过长。", "Too long."),
    "v_uuid": ("不是有效的 ID（UUID）。", "Not a valid id (UUID)."),
    "v_date": ("日期格式应为 YYYY-MM-DD。", "Use a YYYY-MM-DD date."),
    "v_enum": ("请选择一个有效选项。", "Choose one of the options."),
    "v_money": ("金额格式无效，例如 150000.00。", "Not an amount, e.g. 150000.00."),
    "v_money_places": ("金额最多两位小数。", "At most two decimal places."),
    "v_not_negative": ("金额不能为负数。", "Must not be negative."),
    "bulk_import": ("批量登记（CSV / JSON Lines）", "Bulk import (CSV / JSON Lines)"),
    "bulk_hint": ("每行独立校验：有误的行会列出行号与原因，其余行照常登记；重复上传不会重复登记。",
                  "Each row stands alone: bad rows are listed with line and reason, the others "
                  "are registered; uploading the same file again writes nothing twice."),
    "upload": ("上传并导入", "Upload and import"), "sending": ("正在上传…", "Uploading…"),
    "importing": ("正在导入…", "Importing…"), "upload_failed": ("上传失败", "Upload failed"),
    "import_summary": ("共 {rows} 行：新登记 {created}，重复 {replayed}，拒绝 {rejected}。",
                       "{rows} rows: {created} registered, {replayed} already there, "
                       "{rejected} rejected."),
    "line": ("行号", "Line"), "code": ("错误代码", "Code"),
    "stats_hint": ("按登记完成日期统计全部已登记合同（含后来终止的），与 /v1/statistics/trades 同源。",
                   "All registered contracts (terminated ones too) by date registered; the same "
                   "figures as /v1/statistics/trades."),
    "by_month": ("按月份", "By month"), "by_type": ("按合同类型", "By contract type"),
    "by_field": ("按技术领域", "By technology field"), "group": ("分组", "Group"),
    "turnover": ("成交额（元）", "Turnover (CNY)"),
    "transaction_amount": ("技术交易额（元）", "Technology transaction amount (CNY)"),
    "share": ("技术交易额占比", "Share"), "flows": ("京津冀技术流向（卖方 → 买方）",
                                                 "Beijing–Tianjin–Hebei flows (seller → buyer)"),
    "origin_destination": ("卖方 \\ 买方", "Seller \\ buyer"),
    "row_total": ("流出合计", "Out total"), "column_total": ("流入合计", "In total"),
    "pledge_desk": ("质押登记与注销", "Pledge desk"),
    "register_pledge": ("质押登记", "Register a pledge"),
    "grant_consent": ("质权人同意转让或许可", "Consent to a transfer or license"),
    "release_pledge": ("质押注销", "Release a pledge"),
    "f_pledgor_id": ("出质人 ID", "Pledgor id"), "f_debtor_id": ("债务人 ID（默认出质人）",
                                                             "Debtor id (default: pledgor)"),
    "f_pledged_ids": ("质押成果 ID（逗号分隔）", "Achievement ids (comma-separated)"),
    "f_loan_start": ("贷款起始日", "Loan start"), "f_loan_end": ("贷款到期日", "Loan end"),
    "f_pledge_id": ("质押 ID", "Pledge id"),
    "f_note": ("备注", "Note"),
    "pledge_done_pledges": ("质押已登记：", "Pledge registered:"),
    "pledge_done_consents": ("已记录质权人同意：", "Consent recorded:"),
    "pledge_done_release": ("质押已注销：", "Pledge released:"),
    "post_evaluation": ("后评价", "Post-evaluation"),
    "window": ("观察期", "Window"), "months": ("{n} 个月", "{n} months"),
    "bad_window": ("观察期应为 6、12 或 24 个月。", "The window is 6, 12 or 24 months."),
    "by_grade": ("按评价等级", "By grade"), "by_agency": ("按评价机构", "By agency"),
    "agency": ("评价机构", "Agency"),
    "evaluations": ("评价数", "Evaluations"), "observed": ("已满观察期", "Observed"),
    "not_yet_observable": ("未满观察期", "Not yet observable"),
    "share_traded": ("成交比例", "Share traded"), "share_licensed": ("许可比例", "Share licensed"),
    "share_transferred": ("转让比例", "Share transferred"),
    "share_company_formed": ("成立企业比例", "Share with a company"),
    "share_pledged": ("质押比例", "Share pledged"),
    "median_transaction_amount": ("技术交易额中位数（元）", "Median transaction amount (CNY)"),
    "revoked": ("后被撤销", "Later revoked"), "share_revoked": ("撤销比例", "Share revoked"),
    "grades_given": ("等级分布", "Grades given"), "total": ("合计", "Total"),
    "flows_unit": ("单元格为技术交易额（元）。", "Cells are technology transaction amounts (CNY)."),
}


def _merge(*desks: dict[str, tuple[str, str]]) -> None:
    """Each desk keeps its words in its own module; a key may be defined once only."""
    for words in desks:
        clash = STRINGS.keys() & words.keys()
        if clash:
            raise ValueError(f"console words defined twice: {sorted(clash)}")
        STRINGS.update(words)


_merge(words_market.WORDS, words_bank.WORDS, words_imports.WORDS, words_rest.WORDS,
       words_events.WORDS)


def translator(lang: str) -> Callable[..., str]:
    """`t("key", n=3)`: the string in `lang`, formatted; an unknown key shows itself."""
    index = 1 if lang == "en" else 0

    def t(key: str, **values: object) -> str:
        pair = STRINGS.get(key)
        text = pair[index] if pair else key
        return text.format(**values) if values else text

    return t
