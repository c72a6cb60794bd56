"""Names of GB/T 2260 administrative divisions the trading statistics print: every
province-level division, and the cities of 京津冀 (Beijing, Tianjin, Hebei), whose flows
Baoding's regional technology market reports (Baoding items 4-5)."""

from __future__ import annotations

# GB/T 2260 province-level divisions: the same prefixes domain.codes.PROVINCE_PREFIXES accepts.
PROVINCE_NAMES = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
    "21": "辽宁省", "22": "吉林省", "23": "黑龙江省", "31": "上海市", "32": "江苏省",
    "33": "浙江省", "34": "安徽省", "35": "福建省", "36": "江西省", "37": "山东省",
    "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区",
    "46": "海南省", "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省",
    "54": "西藏自治区", "61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区", "71": "台湾省", "81": "香港特别行政区", "82": "澳门特别行政区",
}

# Prefecture level in 京津冀: the municipalities' districts (市辖区) carry the city's name;
# Hebei's 11 prefecture-level cities and the two county-level cities the province governs.
CITY_NAMES = {
    "1101": "北京市", "1201": "天津市",
    "1301": "石家庄市", "1302": "唐山市", "1303": "秦皇岛市", "1304": "邯郸市",
    "1305": "邢台市", "1306": "保定市", "1307": "张家口市", "1308": "承德市",
    "1309": "沧州市", "1310": "廊坊市", "1311": "衡水市",
    "1390": "河北省直辖县级行政区划", "139001": "辛集市", "139002": "定州市",
}

JJJ_PROVINCES = frozenset({"11", "12", "13"})  # 京津冀


def trimmed(code: str) -> str:
    """130600 → 1306, 130000 → 13: a code ending in 00 names the division above."""
    while code.endswith("00") and len(code) > 2:
        code = code[:-2]
    return code


def region_name(code: str) -> str | None:
    """The name of a division (2, 4 or 6 digits), or None when the table does not know it."""
    code = trimmed(code)
    return CITY_NAMES.get(code) or (PROVINCE_NAMES.get(code) if len(code) == 2 else None)


def region_label(code: str) -> str:
    """A name for any code: its own, else its nearest named parent followed by the code."""
    own = region_name(code)
    if own is not None:
        return own
    for length in (4, 2):
        parent = region_name(code[:length])
        if parent is not None:
            return f"{parent} {code}"
    return code


def in_jjj(code: str | None) -> bool:
    return code is not None and code[:2] in JJJ_PROVINCES
