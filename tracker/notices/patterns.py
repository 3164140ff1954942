"""The regular expressions the notice reader matches: dates, headings, rules and lists."""

import re

SENTENCE_END = "。！？；"
# A line that ends in none of these was cut by the page layout (a newspaper column break).
LINE_END = SENTENCE_END + "：:”」）)"
BODY_PUNCTUATION = re.compile(r"[，。；！？]")
HEADING_NUMBER = re.compile(
    r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、]|[①-⑳])"
)
BYLINE = re.compile(r"记者|通讯员|报道|摄影|编辑|来源[:：]")
# The newspaper's "日报消息（全媒体记者某某）" before the first sentence of a report.
DATELINE = re.compile(r"^(?:本报讯|[^，。]{0,12}消息)\s*(?:[（(][^）)]*[）)])?\s*")
CALL = re.compile(r"申报|认定|通知|征集|遴选|推荐")

DATE = (
    r"(?:(?P<year>\d{4})\s*年\s*)?(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*[日号]"
    r"(?:\s*(?:上午|(?P<pm>下午|晚上))?\s*(?P<hour>\d{1,2})\s*[:：时点]\s*(?P<minute>\d{2})?\s*分?)?"
)
DATE_RE = re.compile(DATE)
FULL_DATE_RE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
BEFORE_RE = re.compile(r"^\s*(?:之前|以前|前|止|为止)")
DEADLINE_WORD = re.compile(r"截止|截至")
# "4月1日至4月15日" or "3月25日至26日"; the end date's groups are prefixed with e_.
RANGE_RE = re.compile(
    DATE
    + r"\s*(?:至|到|—|－|~|～)\s*(?P<end>"
    + DATE.replace("?P<", "?P<e_")
    + r"|(?P<end_day>\d{1,2})\s*[日号])"
)
OPENING_WORD = re.compile(r"启动|开始|开展|发布|印发|受理|起")
FROM_TODAY = re.compile(r"即日起|自即日")

BUREAU_SUBJECT = re.compile(r"县|区|市级|主管部门|推荐|科技局|科技厅|各市")
APPLICANT_SUBJECT = re.compile(r"申报单位|申请单位|项目单位|企业|申请人|申报人")

SHORT_NAME = re.compile(r"以下简称[“\"]([^”\"]+)[”\"]")
TITLE_DROP = [
    re.compile(r"^.*?关于(?:组织|开展|做好)?(?:申报|推荐|征集)?"),
    re.compile(r"(?:申报)?(?:工作)?的通知$"),
    re.compile(r"(?:申报)?(?:工作)?(?:正式)?(?:启动|开始|开启|开展)$"),
]
REQUIRED_SECTORS = re.compile(r"仅限|限于|须属于|必须属于")
SECTOR_TRIGGER = re.compile(
    rf"(?:重点支持|支持领域|支持方向|重点领域|聚焦|{REQUIRED_SECTORS.pattern})[:：为是]?"
)
# The list ends at "等" ("and other") or at the word naming what the items are.
SECTOR_LIST_END = re.compile(r"等|领域|产业|行业|方向|[，。；]")
LIST_SPLIT = re.compile(r"、|以及|及|和")
CN_NUMBERS = {c: i for i, c in enumerate("零一二三四五六七八九十")} | {"两": 2}
LIMIT_RE = re.compile(
    r"(?:共建|合作|联合)单位[^，。；]{0,10}?(?:不超过|不得超过|不多于|最多|至多)\s*"
    r"(\d+|[一二两三四五六七八九十])\s*[个家]"
)
ACADEMIA = r"(?:高校|高等院校|科研机构|科研院所|研究院所)"
PARTNERSHIP_RE = re.compile(
    rf"(?:优先|鼓励)[^。]*(?:{ACADEMIA}[^。]*企业|企业[^。]*{ACADEMIA})[^。]*(?:联合|共建|合作)"
)
BENEFIT_RE = re.compile(
    r"可[^。，]{0,6}(?:优先)?获得|给予[^。]*(?:支持|补助|奖励|资助)|(?:补助|资助|奖补|奖励)[^。]{0,10}\d+\s*万元"
)
MATERIALS_HEADING = re.compile(r"材料")
INLINE_MATERIALS = re.compile(
    r"(?:须|需|需要|应|应当|请)[^。；]{0,10}?(?:提交|报送|递交|提供)(?:以下|如下)?(?:材料)?[:：]?"
    r"([^。；等]*、[^。；等]*)"
)
ATTESTATION = re.compile(r"承诺|声明|无严重失信|失信|信用记录|未被列入")
JOINT_ONLY = re.compile(r"合作协议|共建协议|联合申报|共建单位|合作单位")
