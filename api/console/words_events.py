"""The events desk's words (路演, 直通车, 创新挑战赛), Simplified Chinese and English."""

from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
    "events": ("路演与对接活动", "Roadshows and events"),
    "event_kind": ("活动类型", "Kind"),
    "kind_roadshow": ("路演", "Roadshow"), "kind_direct_train": ("成果直通车", "Direct train"),
    "kind_challenge": ("创新挑战赛", "Innovation challenge"),
    "organiser": ("主办单位", "Organiser"), "venue": ("地点", "Venue"),
    "starts_on": ("开始日期", "Starts on"), "ends_on": ("结束日期", "Ends on"),
    "featured": ("推介项目", "Featured"), "attendees": ("到场", "Attended"),
    "registered_count": ("报名", "Registered"), "deals": ("后续成交", "Deals that followed"),
    "events_with_deals": ("促成交易的活动", "Events with deals"),
    "featured_achievements": ("推介成果", "Featured achievements"),
    "featured_demands": ("发布需求", "Featured demands"),
    "attendance": ("报名与到场", "Registrations and attendance"),
    "registered_on_ev": ("报名日期", "Registered on"), "attended_on": ("到场日期", "Attended on"),
    "follow_on": ("活动后成交的合同", "Contracts that followed"),
    "follow_on_rule": ("统计口径", "Rule"), "deal_window": ("统计期间", "Window"),
    "buyer": ("买方", "Buyer"), "because": ("计入原因", "Counted because"),
    "feature_achievement": ("增加推介成果", "Feature an achievement"),
    "achievement_id": ("成果 ID", "Achievement id"),
    "record_attendance": ("记录到场", "Record attendance"),
    "hold_event": ("确认活动已举办", "Record that it was held"),
    "event_status": ("活动状态", "Status"), "contract_type": ("合同类型", "Contract type"),
    # domain.market_event.EventStatus
    "event_status_scheduled": ("待举办", "Scheduled"), "event_status_held": ("已举办", "Held"),
    "event_status_cancelled": ("已取消", "Cancelled"),
    # why domain.market_event_policy counts a contract as following the event
    "because_featured_achievement": ("成果在活动中推介", "Achievement featured"),
    "because_featured_demand": ("需求在活动中发布", "Demand featured"),
    "because_buyer_attended": ("买方到场", "Buyer attended"),
    # domain.contract.ContractType
    "contract_type_development": ("技术开发", "Development"),
    "contract_type_transfer": ("技术转让", "Transfer"), "contract_type_license": ("技术许可", "License"),
    "contract_type_consulting": ("技术咨询", "Consulting"),
    "contract_type_service": ("技术服务", "Service"),
}
