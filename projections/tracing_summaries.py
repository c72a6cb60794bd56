"""One-line summaries of timeline entries in Chinese and English (回溯, DOMAIN.md "Backward
tracing"): e.g. "转让给 X" / "transferred to X", scores with the expert's name. Keyed by the stable
event name; an event without a summary here shows its name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from projections.store import Tx
from projections.tracing_market import MARKET_SUMMARIES

Summary = tuple[str, str]  # (zh, en)


class Names:
    """Party names and achievement titles from the registry, looked up once per query."""

    def __init__(self, tx: Tx) -> None:
        self.tx = tx
        self._cache: dict[tuple[str, str], str] = {}

    def party(self, party_id: object) -> str:
        return self._lookup("SELECT name AS label FROM parties WHERE id = ?", party_id)

    def achievement(self, achievement_id: object) -> str:
        return self._lookup("SELECT title AS label FROM achievements WHERE id = ?", achievement_id)

    def _lookup(self, sql: str, ident: object) -> str:
        key = (sql, str(ident))
        if key not in self._cache:
            rows = self.tx.execute(sql, (str(ident),))
            self._cache[key] = str(rows[0]["label"]) if rows else str(ident)
        return self._cache[key]


Template = Callable[[dict[str, Any], Names], Summary]


def _scores(d: dict[str, Any], n: Names) -> Summary:
    marks = ", ".join(f"{k} {v}" for k, v in d["scores"].items())
    who = n.party(d["expert_id"])
    return f"{who} 提交评分：{marks}", f"scores by {who}: {marks}"


def _panel(d: dict[str, Any], _: Names) -> Summary:
    names = "、".join(m["name"] for m in d["members"])
    return f"组建评审专家组：{names}", f"panel formed: {', '.join(m['name'] for m in d['members'])}"


def _contract(d: dict[str, Any], n: Names) -> Summary:
    t = d["terms"]
    seller, buyer = n.party(t["seller_id"]), n.party(t["buyer_id"])
    return (f"技术合同 {t['contract_number']}（{t['contract_type']}）受理：{seller} → {buyer}，"
            f"成交额 {t['turnover']} 元",
            f"{t['contract_type']} contract {t['contract_number']} accepted: {seller} → {buyer}, "
            f"turnover {t['turnover']} CNY")


def _pledge(d: dict[str, Any], n: Names) -> Summary:
    t = d["terms"]
    pledgor, pledgee = n.party(t["pledgor_id"]), n.party(t["pledgee_id"])
    return (f"{pledgor} 向 {pledgee} 出质，担保金额 {t['secured_amount']} 元",
            f"pledged by {pledgor} to {pledgee}, securing {t['secured_amount']} CNY")


def _valuation(d: dict[str, Any], n: Names) -> Summary:
    r = d["report"]
    who = n.party(r["appraiser_id"])
    return (f"{who} 评估价值 {r['value']} 元（{r['method']}，基准日 {r['base_date']}）",
            f"valued at {r['value']} CNY by {who} ({r['method']}, base date {r['base_date']})")


def _sanction(d: dict[str, Any], _: Names) -> Summary:
    s = d["sanction"]
    return (f"惩戒：{s['kind']}（{s['start']} 至 {s['end'] or '永久'}）",
            f"sanction: {s['kind']} ({s['start']} to {s['end'] or 'permanent'})")


def _ok(d: dict[str, Any], key: str, yes: Summary, no: Summary) -> Summary:
    return yes if d[key] else no


SUMMARIES: dict[str, Template] = {
    "achievement.registered": lambda d, n: (
        f"成果登记 {d['registration_number']}：《{d['draft']['title']}》",
        f"registered as {d['registration_number']}: {d['draft']['title']}"),
    "achievement.disclosed": lambda d, n: (f"{n.party(d['discloser_id'])} 披露职务科技成果",
                                           f"disclosed by {n.party(d['discloser_id'])}"),
    "achievement.patent_status_changed": lambda d, n: (
        f"专利 {d['patent_number']} 状态：{d['status']}",
        f"patent {d['patent_number']} now {d['status']}"),
    "achievement.registration_cancelled": lambda d, n: (f"登记撤销（{d['reason']}）",
                                                        f"registration cancelled ({d['reason']})"),
    "achievement.company_formed": lambda d, n: (f"依托成果成立企业 {n.party(d['company_id'])}",
                                                f"company {n.party(d['company_id'])} formed on it"),
    "achievement.technology_manager_engaged": lambda d, n: (
        f"技术经理人 {n.party(d['manager_id'])} 参与 {d['stage']}",
        f"technology manager {n.party(d['manager_id'])} engaged ({d['stage']})"),
    "project.proposed": lambda d, n: (f"项目申报《{d['title']}》，承担单位 {n.party(d['undertaker_id'])}",
                                      f"proposed: {d['title']}, by {n.party(d['undertaker_id'])}"),
    "project.pre_approval_assessed": lambda d, n: _ok(
        d, "recommended", ("立项前评估：建议立项", "pre-approval assessment: recommended"),
        ("立项前评估：不建议立项", "pre-approval assessment: not recommended")),
    "project.approved": lambda d, n: (f"批准立项，财政资金 {d['approved_amount']} 元",
                                      f"approved, {d['approved_amount']} CNY"),
    "project.stage_assessed": lambda d, n: (f"阶段性评估（{d['stage']}）：{d['conclusion']}",
                                            f"stage assessment ({d['stage']}): {d['conclusion']}"),
    "project.accepted": lambda d, n: ("项目验收", "project accepted"),
    "project.terminated": lambda d, n: (f"项目终止：{d['reason']}", f"terminated: {d['reason']}"),
    "project.output_linked": lambda d, n: (f"关联成果《{n.achievement(d['achievement_id'])}》",
                                           f"output linked: {n.achievement(d['achievement_id'])}"),
    "evaluation.commissioned": lambda d, n: (
        f"{n.party(d['evaluator_id'])} 受理评价委托（{d['evaluation_class']}）",
        f"{n.party(d['evaluator_id'])} accepted the {d['evaluation_class']} evaluation"),
    "evaluation.plan_set": lambda d, n: (
        f"评价方案：{'、'.join(d['forms'])}，政策 {d['policy']['version']}",
        f"plan: {', '.join(d['forms'])}, policy {d['policy']['version']}"),
    "evaluation.panel_formed": _panel,
    "evaluation.expert_recused": lambda d, n: (f"{n.party(d['expert_id'])} 回避：{d['reason']}",
                                               f"{n.party(d['expert_id'])} recused: {d['reason']}"),
    "evaluation.scores_submitted": _scores,
    "evaluation.reviewed": lambda d, n: (f"会议审议：总分 {d['total']}，等级 {d['grade']}",
                                         f"reviewed: total {d['total']}, grade {d['grade']}"),
    "evaluation.concluded": lambda d, n: (f"评价结论：{d['conclusion']['summary']}",
                                          f"concluded: {d['conclusion']['summary']}"),
    "evaluation.publicized": lambda d, n: (f"公示 {d['start']} 至 {d['end']}",
                                           f"publicity {d['start']} to {d['end']}"),
    "evaluation.finalized": lambda d, n: ("评价认定", "evaluation finalized"),
    "evaluation.revoked": lambda d, n: (f"评价撤销：{d['reason']}", f"revoked: {d['reason']}"),
    "contract.accepted": _contract,
    "contract.correction_requested": lambda d, n: (f"要求补正：{d['reason']}",
                                                   f"correction requested: {d['reason']}"),
    "contract.correction_submitted": lambda d, n: (f"补正后成交额 {d['turnover']} 元",
                                                   f"corrected: turnover {d['turnover']} CNY"),
    "contract.dispute_raised": lambda d, n: (
        f"{d['dispute']['raised_by']} 提出异议：{d['dispute']['reason']}",
        f"dispute by {d['dispute']['raised_by']}: {d['dispute']['reason']}"),
    "contract.dispute_resolved": lambda d, n: _ok(
        d, "upheld", (f"异议 {d['number']} 成立", f"dispute {d['number']} upheld"),
        (f"异议 {d['number']} 驳回", f"dispute {d['number']} dismissed")),
    "contract.amended": lambda d, n: (f"合同变更：成交额 {d['turnover']} 元",
                                      f"amended: turnover {d['turnover']} CNY"),
    "contract.registration_completed": lambda d, n: ("合同登记完成", "registration completed"),
    "contract.registration_refused": lambda d, n: (f"不予登记：{d['reason']}",
                                                   f"registration refused: {d['reason']}"),
    "contract.payment_recorded": lambda d, n: (f"付款 {d['amount']} 元",
                                               f"payment of {d['amount']} CNY"),
    "contract.terminated": lambda d, n: (f"合同终止：{d['reason']}", f"terminated: {d['reason']}"),
    "rights.opened": lambda d, n: ("权利记录开立", "rights record opened"),
    "rights.ownership_changed": lambda d, n: (f"转让给 {n.party(d['trade']['buyer_id'])}",
                                              f"transferred to {n.party(d['trade']['buyer_id'])}"),
    "rights.licensed": lambda d, n: (
        f"许可给 {n.party(d['trade']['buyer_id'])}（{d['license']['variant']}）",
        f"licensed to {n.party(d['trade']['buyer_id'])} ({d['license']['variant']})"),
    "rights.pledged": lambda d, n: (f"质押给 {n.party(d['lien']['pledgee_id'])}",
                                    f"pledged to {n.party(d['lien']['pledgee_id'])}"),
    "rights.traded": lambda d, n: (
        f"技术{d['trade']['contract_type']}合同：{n.party(d['trade']['buyer_id'])}",
        f"{d['trade']['contract_type']} contract with {n.party(d['trade']['buyer_id'])}"),
    "rights.trade_amended": lambda d, n: ("合同变更同步至权利记录", "contract amendment recorded"),
    "rights.trade_ended": lambda d, n: ("合同终止，许可随之结束", "contract ended: its license ends"),
    "rights.consent_noted": lambda d, n: (f"质权人同意合同 {d['contract_number']}",
                                          f"pledgee's consent to contract {d['contract_number']}"),
    "rights.unpledged": lambda d, n: ("质押解除", "pledge no longer binds"),
    "pledge.registered": _pledge,
    "pledge.released": lambda d, n: ("质押注销", "pledge released"),
    "pledge.defaulted": lambda d, n: ("贷款违约", "loan defaulted"),
    "pledge.enforced": lambda d, n: (f"质权实现，所得 {d['proceeds']} 元",
                                     f"pledge enforced, proceeds {d['proceeds']} CNY"),
    "pledge.consent_granted": lambda d, n: (f"质权人同意合同 {d['contract_number']}",
                                            f"pledgee consented to contract {d['contract_number']}"),
    "pledge.support_recorded": lambda d, n: (f"{d['payer']} {d['kind']} {d['amount']} 元",
                                             f"{d['kind']} of {d['amount']} CNY by {d['payer']}"),
    "valuation.recorded": _valuation,
    "valuation.withdrawn": lambda d, n: (f"评估报告撤回：{d['reason']}",
                                         f"valuation withdrawn: {d['reason']}"),
    "standing.opened": lambda d, n: ("诚信记录开立", "integrity standing opened"),
    "standing.sanction_end_changed": lambda d, n: (
        f"惩戒期限变更至 {d['end'] or '永久'}", f"sanction now ends {d['end'] or 'never'}"),
    "party.qualification_recorded": lambda d, n: (
        f"评价资质 {d['qualification']['certificate_no']}（{d['qualification']['valid_from']} 至 "
        f"{d['qualification']['valid_to']}）",
        f"qualification {d['qualification']['certificate_no']} ({d['qualification']['valid_from']}"
        f" to {d['qualification']['valid_to']})"),
    "standing.sanction_imposed": _sanction,
    "standing.sanction_withdrawn": lambda d, n: ("惩戒撤销", "sanction withdrawn"),
    "party.registered": lambda d, n: (f"主体登记：{d['name']}", f"party registered: {d['name']}"),
    "misconduct.recorded": lambda d, n: (
        f"失信行为处理决定 {d['decision']['decision_ref']}（{d['decision']['category']}）："
        f"{n.party(d['decision']['subject_id'])}",
        f"misconduct decision {d['decision']['decision_ref']} ({d['decision']['category']}) "
        f"about {n.party(d['decision']['subject_id'])}"),
    "misconduct.appealed": lambda d, n: (f"提出申诉：{d['grounds']}", f"appealed: {d['grounds']}"),
    "misconduct.appeal_decided": lambda d, n: (
        ("申诉成立，撤销惩戒" if d["overturned"] else "申诉驳回，维持原决定"),
        ("appeal decided: overturned" if d["overturned"] else "appeal decided: upheld")),
    "misconduct.corrected": lambda d, n: (f"决定更正：{d['note']}", f"decision corrected: {d['note']}"),
    "party.relation_declared": lambda d, n: (
        f"申报关联关系：{n.party(d['relation']['party_id'])}（{d['relation']['kind']}）",
        f"relation declared with {n.party(d['relation']['party_id'])} ({d['relation']['kind']})"),
    **MARKET_SUMMARIES,  # demands, listings, matches and market events
}


def summarize(name: str, data: dict[str, Any], names: Names) -> dict[str, str]:
    template = SUMMARIES.get(name)
    zh, en = template(data, names) if template is not None else (name, name)
    return {"zh": zh, "en": en}
