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
# 受理 and 申领: rolling calls and subsidy claims announce no 申报 at all (常年受理, 申领补贴).
CALL = re.compile(r"申报|认定|通知|征集|遴选|推荐|受理|申领")
# Lines a web page adds around a notice: breadcrumbs, print and share buttons, related links.
WEB_CHROME = re.compile(
    r"^(?:首页\s*[>＞]|当前位置|您的位置|分享到|【打印】|【关闭】|【字体|相关链接|扫一扫|上一篇|下一篇)"
)
# A table pasted as text keeps its cells apart with tabs.
TABLE_CELL = "\t"

DATE = (
    r"(?:(?P<year>\d{4})\s*年\s*)?(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*[日号]"
    r"(?:\s*[（(](?:星期|周)[一二三四五六日天][）)])?"
    r"(?:\s*(?:上午|(?P<pm>下午|晚上))?\s*(?P<hour>\d{1,2})\s*[:：时点]\s*(?P<minute>\d{2})?\s*分?)?"
)
DATE_RE = re.compile(DATE)
FULL_DATE_RE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
BEFORE_RE = re.compile(r"^\s*(?:之前|以前|前|止|为止)")
DEADLINE_WORD = re.compile(r"截止|截至")
# "即日起至6月30日": the end of an open-ended range.
UNTIL_BEFORE = re.compile(r"(?:起至|起到|至|到)\s*$")
# "截至2024年12月31日，企业拥有…": a reference date of a condition, not a deadline.
AS_OF = re.compile(r"截至\s*$")
# Dates in conditions on the applicant (registered, completed, granted, graduated ... by a
# date) are no stages of the call.
CONDITION_DATE = re.compile(
    r"注册|成立|设立|登记|开工|竣工|建成|投产|获得|取得|授权|毕业|出生|进站|以后|以来|之后"
)
ROLLING = re.compile(
    r"常年受理|长期受理|全年受理|常年申报|常年开放|滚动受理|随时申报|随时申请|随时受理"
)
# "4月1日至4月15日" or "3月25日至26日"; the end date's groups are prefixed with e_.
RANGE_RE = re.compile(
    DATE
    + r"\s*(?:至|到|—|－|~|～)\s*(?P<end>"
    + DATE.replace("?P<", "?P<e_")
    + r"|(?P<end_day>\d{1,2})\s*[日号])"
)
OPENING_WORD = re.compile(r"启动|开始|开展|发布|印发|受理|起")
FROM_TODAY = re.compile(r"即日起|自即日")

# Who acts at a stage: the last actor named before its date. Offices an applicant sends its
# papers to ("报送县科技局") are recipients and are dropped first.
RECIPIENT = re.compile(
    r"(?:向|报送至?|报至|提交至?|递交至?|送至?)[^，。；\t]*?(?:局|厅|委|部门|机构|股|科|处)"
    r"|(?:通过|登录)[^，。；\t]*?(?:系统|平台|网站|大厅)"
)
ACTOR = re.compile(
    r"(?P<applicant>申报单位|申请单位|项目单位|申报企业|申请企业|企业|申请人|申报人|个人|承担单位"
    r"|依托单位|申报组织|见习单位|用人单位)"
    r"|(?P<bureau>主管部门|推荐单位|设站单位|[县区市省]级|各[县区市省]|县（区）|县区|各城区"
    r"|(?:科技|工信|工业和信息化|人社|人力资源和?社会保障|发展改革|发改|商务|市场监管|市场监督管理"
    r"|知识产权|财政)(?:局|厅|委|部门)|审核|推荐|初审|汇总)"
)
# What follows a date and only a bureau does ("于5月20日前完成推荐", "前将推荐函报送").
BUREAU_OBJECT = re.compile(
    r"^[^，。；]*?(?:推荐函|推荐材料|推荐名单|推荐文件|推荐意见|完成审核|完成推荐|审核推荐|择优推荐"
    r"|初审|汇总)"
)

ORG_NAME = re.compile(
    r"[\u4e00-\u9fa5（）]{2,40}?(?:部|厅|局|委员会|委|办公室|管委会|人民政府|中心|总局)"
)
FORWARD = re.compile(r"转发")
AUTHORITY_LEVELS = [
    # (pattern, Authority.Level value), tried in order: 自治区 is provincial, not a district.
    (re.compile(r"^(?:国家|国务院|全国|中华人民共和国)|^[^省市县区]*(?:部|总局)"), "national"),
    (re.compile(r"省|自治区|^(?:北京|上海|天津|重庆)市"), "provincial"),
    (re.compile(r"县|区"), "district"),
    (re.compile(r"市|州|盟"), "municipal"),
]
SHORT_NAME = re.compile(r"以下简称[“\"]([^”\"]+)[”\"]")
TITLE_DROP = [
    re.compile(r"^.*?关于(?:组织|开展|做好|实施|发布|受理)*(?:申报|推荐|征集|申领)?"),
    # A news headline: "我市启动2025年…", "自治区工业和信息化厅部署2025年度…".
    re.compile(r"^[^\d“”]*?(?:正式)?(?:启动|开展|开始|部署|印发)(?=\s*\d{4}\s*年)"),
    re.compile(r"(?:申报|申请|申领|推荐|征集)?(?:工作)?(?:的?(?:通知|公告|通告))?$"),
    re.compile(r"(?:申报)?(?:工作)?(?:正式)?(?:启动|开始|开启|开展)$"),
    re.compile(r"申报$"),
]
REQUIRED_SECTORS = re.compile(r"仅限|限于|须属于|必须属于")
SECTOR_TRIGGER = re.compile(
    rf"(?:重点支持|支持领域|支持方向|重点领域|聚焦|{REQUIRED_SECTORS.pattern})"
    r"(?:主要)?(?:包括|涉及)?[:：为是]?"
)
# A heading over a list of sectors, one a line ("一、支持方向" then "（一）人工智能；").
SECTOR_HEADING = re.compile(r"(?:支持|征集|重点|申报)(?:领域|方向)|重点支持领域")
# "汽车、钢铁、机械三大支柱产业" names a group after its members: the label goes, they stay.
SECTOR_GROUP = re.compile(
    r"[一二三四五六七八九十两\d]+大[^、，。；和及（(]{0,6}?(?:产业|领域|行业)"
)
# "“三大支柱产业”（汽车、钢铁、机械）" names the group first, its members in brackets.
SECTOR_GROUP_BRACKETS = re.compile(r"[“\"]?[^、，。；“”（(]{1,10}[”\"]?[（(]([^）)]+)[）)]")
LOCALITY = re.compile(r"^(?:我区|我市|我省|全区|全市|本市|本区|本省)")
# The list ends at "等" ("and other") or at the word naming what the items are.
SECTOR_LIST_END = re.compile(r"等|领域|产业|行业|方向|[，。；]")
LIST_SPLIT = re.compile(r"、|以及|及|和")
CN_NUMBERS = {c: i for i, c in enumerate("零一二三四五六七八九十")} | {"两": 2}
# "参与单位（含牵头单位）不超过4家" counts the lead too: 3 co-builders.
LIMIT_RE = re.compile(
    r"(?:共建|合作|联合|参与|联合申报|合作申报)单位(?P<lead>[（(]含牵头单位[）)]|总数)?"
    r"[^，。；]{0,10}?(?:不超过|不得超过|不多于|最多|至多)\s*"
    r"(?P<n>\d+|[一二两三四五六七八九十])\s*[个家]"
)
ACADEMIA = r"(?:高校(?!毕业)|高等院校|高等学校|科研机构|科研院所|研究院所)"
PARTNERSHIP_RE = re.compile(
    rf"(?=[^。]*(?:优先|鼓励))(?=[^。]*{ACADEMIA})(?=[^。]*企业)[^。]*(?:联合|共建|合作|参与|牵头)"
)
BENEFIT_RE = re.compile(
    r"可[^。，]{0,6}(?:优先)?获得|给予[^。]*(?:支持|补助|奖励|资助|补贴|奖补|贴息|经费)"
    r"|(?:补助|资助|奖补|奖励|补贴|贴息|额度)[^。]{0,20}\d+\s*万?元|享受[^。]{0,20}(?:政策|优惠)"
)
MATERIALS_HEADING = re.compile(r"材料")
# An item's number inside a line ("（1）申请表；（2）营业执照"), where items share one line.
ITEM_NUMBER = re.compile(
    r"^(?:\d+[.．、]|[（(]\d+[）)]|[（(][一二三四五六七八九十]+[）)]|[①-⑳])\s*"
)
INLINE_MATERIALS = re.compile(
    r"(?:须|需|需要|应|应当|请)[^。；]{0,10}?(?:提交|报送|递交|提供)(?:以下|如下)?(?:材料)?[:：]?"
    r"([^。；等]*、[^。；等]*)"
)
ATTESTATION = re.compile(r"承诺|声明|无严重失信|失信|信用记录|未被列入")
JOINT_ONLY = re.compile(r"合作协议|共建协议|联合申报|共建单位|合作单位")

# Conditions on the applicant (tracker/notices/conditions.py).
# Bounds before the figure ("不低于2000万元") or after it ("2000万元以上"). "超过" and "低于" are
# strict in the notice, the rows' bounds inclusive: a figure exactly at the limit is the only
# case read one way or the other, and the clause is shown with the row.
AT_LEAST_WORDS = r"不低于|不少于|不小于|不得低于|不得少于|达到|超过|高于|大于|≥"
AT_MOST_WORDS = r"不超过|不高于|不多于|不大于|不得超过|低于|少于|小于|≤"
BOUND_BEFORE = rf"(?P<before>{AT_LEAST_WORDS}|{AT_MOST_WORDS})\s*"
BOUND_AFTER = r"\s*(?P<after>（含）以上|（含）以下|及以上|及以下|以上|以下)?"
FIGURE = r"(?P<value>\d+(?:\.\d+)?)"
# A year the figure refers to ("2024年主营业务收入", "2024年度营业收入", "上年度…").
FACT_YEAR = r"(?:(?P<year>\d{4})\s*年度?|(?P<last>上一?年度?|上年))?\s*"
GAP = r"[^，。；、\d]{0,6}?"
# The fact's name starts the phrase, or follows the firm or the year: "农产品销售收入" or
# "研发人员" name a part, not the firm's revenue or staff.
FACT_START = (
    r"(?:(?<![\u4e00-\u9fa5])|(?<=[年度的为])|(?<=企业)|(?<=公司)|(?<=单位)|(?<=机构)|(?<=主体))"
)
# "…不低于1000万元，或研发费用占比不低于3%": either condition is enough, which rows (all
# required) cannot say; such a sentence's thresholds are left to the administrator.
EITHER = re.compile(r"(?:^|[，,；;])\s*或|或者|之一")
# "…的企业" after the figure makes it a case of another rule ("销售收入小于5000万元的企业，
# 比例不低于5%"), not a condition of its own.
NOT_A_CASE = r"(?!\s*(?:（含）)?的)"
THRESHOLDS = [
    # (fact, pattern): the R&D ratio first, as its sentence names 销售收入 too.
    ("rd_ratio", re.compile(
        FACT_YEAR + r"(?:研究开发|研发)(?:费用|投入|经费)(?:总额)?" + r"[^，。；\d]{0,14}?"
        + r"(?:占|强度)[^，。；\d]{0,12}?" + BOUND_BEFORE + FIGURE + r"\s*[%％]" + NOT_A_CASE
    )),
    ("main_revenue", re.compile(
        FACT_YEAR + FACT_START + r"(?<!占)(?:主营业务收入|营业收入|销售收入|营收)" + GAP
        + rf"(?:{BOUND_BEFORE})?" + FIGURE + r"\s*(?P<unit>亿元|万元)" + BOUND_AFTER + NOT_A_CASE
    )),
    ("employees", re.compile(
        FACT_YEAR + FACT_START
        + r"(?:职工人数|职工总数|从业人员|从业人数|员工人数|员工总数|在职员工|在职职工)"
        + r"(?:数量|总数)?"
        + GAP + rf"(?:{BOUND_BEFORE})?" + FIGURE + r"\s*[人名]" + BOUND_AFTER + NOT_A_CASE
    )),
    ("registered_capital", re.compile(
        r"注册(?:资本|资金)" + GAP + rf"(?:{BOUND_BEFORE})?" + FIGURE + r"\s*(?P<unit>亿元|万元)"
        + BOUND_AFTER + NOT_A_CASE
    )),
]
# "注册满1年", "成立1年以上", "成立时间不满5年": years since registration, at least or at most.
YEARS_REGISTERED = re.compile(
    r"(?:注册|成立|设立)(?:成立|登记)?(?:时间)?\s*"
    r"(?:(?P<most>不满|未满|不超过|不足)|(?P<least>满|已满|超过|达到|不少于|不低于))?\s*"
    r"(?P<value>\d{1,2}|[一二两三四五六七八九十])\s*(?:个)?(?:周)?年(?!\d)"
    r"(?P<after>（含）以上|及以上|以上)?"
)
# A qualification required, not one rewarded or certified by the notice ("对新认定的高新技术企业
# 给予奖励", "2025年高新技术企业认定"): a verb of requirement before the name in its clause.
QUALIFICATION_CUE = re.compile(
    r"(?:须|需|必须|应|应当|要求)(?:同时)?(?:为|是|属于|具有|具备|获得|取得|拥有|被认定为|认定为)"
    r"|仅限|限于|申报(?:单位|企业|主体)(?:为|是)|(?:注册|登记|设立)的"
)
# Qualifications joined by one of these are each required (several groups); otherwise a list
# of them ("、", "或", "之一") names alternatives.
ALL_OF = re.compile(r"同时|并且|且")
# A condition the site cannot judge, stated in the body: the firm reads and confirms it.
MANUAL_CONDITION = re.compile(
    r"承诺|声明|失信|信用记录|未被列入|未列入|未发生[^，。；]*(?:事故|事件|违法)|[未无]拖欠"
    r"|无[^，。；]{0,10}(?:违法|违规|事故)"
)
# Abbreviations notices use inside qualification names, matched as the full word.
QUALIFICATION_ABBREVIATIONS = [("规模以上", "规上")]
