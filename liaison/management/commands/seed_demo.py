"""`python manage.py seed_demo`: a district federation's year of contact work, for demos and
development.

Everything is generated from one `random.Random` per step, seeded from `--seed`, so the same
seed on the same day gives the same database. Every object has a natural key (department name,
staff number, credit code, username), so running the command again adds nothing; a year whose
assignments or record sheets already exist is skipped as a whole.
"""

import bisect
import datetime
import random
import unicodedata
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.functional import cached_property
from simple_history.utils import bulk_create_with_history

from liaison.models import LiaisonAssignment, QuarterlyMeeting
from records.calendar import WorkingCalendar
from records.models import ContactForm, Problem, ProblemEvent, VisitRecord
from unions.models import Cadre, Department, GrassrootsUnion, Street
from unions.roles import GROUP_NAMES, Role
from unions.validators import credit_code_check_character

DEMO_PASSWORD = "liaison-demo"
DEMO_URL = "http://127.0.0.1:8000/"
MIN_CADRES = 5  # the three demo cadres, their department heads and one leader
MIN_UNIONS = 10
MAX_CADRES, MAX_UNIONS = 3000, 30000  # a whole city; the name pools run out beyond


def _words(text: str) -> list[str]:
    return text.split()


# --- The federation's office (区总工会机关各部室) --------------------------------------------

OFFICE = "办公室"
ORGANIZATION = "组织人事部"
PUBLICITY = "宣传教育部"
LEGAL = "法律工作部（权益保障部）"
ECONOMIC = "经济工作部（劳动和经济工作部）"
WOMEN = "女职工部"
GRASSROOTS = "基层工作部"
FINANCE = "财务部（经审办）"
SERVICE = "服务中心"


@dataclass(frozen=True)
class DepartmentSpec:
    name: str
    units_per_cadre: int
    chief: str = "部长"
    deputy: str = "副部长"


DEPARTMENTS = [
    DepartmentSpec(OFFICE, 2, "主任", "副主任"),
    DepartmentSpec(ORGANIZATION, 2),
    DepartmentSpec(PUBLICITY, 2),
    DepartmentSpec(LEGAL, 3),
    DepartmentSpec(ECONOMIC, 2),
    DepartmentSpec(WOMEN, 2),
    DepartmentSpec(GRASSROOTS, 3),
    DepartmentSpec(FINANCE, 1),
    DepartmentSpec(SERVICE, 2, "主任", "副主任"),
]
DEPARTMENT_SPECS = {spec.name: spec for spec in DEPARTMENTS}


@dataclass(frozen=True)
class Position:
    department: str
    rank: Cadre.Rank
    title: str
    chief: bool = False  # heads the department: also in the 部室负责人 group
    demo: str = ""  # the demo login this cadre is, if any


# Filled in this order, so that even `--cadres 5` has the demo logins and their heads; the
# federation's leaders (局级) belong to no department of their own and sit with the 办公室.
LEADING_POSITIONS = [
    Position(OFFICE, Cadre.Rank.BUREAU, "常务副主席"),
    Position(ORGANIZATION, Cadre.Rank.DIVISION, "部长", chief=True),
    Position(PUBLICITY, Cadre.Rank.DIVISION, "部长", chief=True, demo="head"),
    Position(PUBLICITY, Cadre.Rank.SECTION, "四级主任科员", demo="cadre"),
    Position(ORGANIZATION, Cadre.Rank.SECTION, "二级主任科员", demo="org"),
    *(
        Position(spec.name, Cadre.Rank.DIVISION, spec.chief, chief=True)
        for spec in DEPARTMENTS
        if spec.name not in (ORGANIZATION, PUBLICITY)
    ),
    Position(OFFICE, Cadre.Rank.BUREAU, "副主席"),
    Position(OFFICE, Cadre.Rank.BUREAU, "副主席"),
    Position(LEGAL, Cadre.Rank.DIVISION, "副部长"),
    Position(GRASSROOTS, Cadre.Rank.DIVISION, "副部长"),
    Position(ORGANIZATION, Cadre.Rank.DIVISION, "副部长"),
    Position(ECONOMIC, Cadre.Rank.DIVISION, "副部长"),
]
# The rest of the office, department by department, the larger departments more often.
STAFF_ROTATION = [LEGAL, GRASSROOTS, PUBLICITY, ECONOMIC, WOMEN, SERVICE, OFFICE, ORGANIZATION]
STAFF_ROTATION += [FINANCE, GRASSROOTS, LEGAL, SERVICE, PUBLICITY, ECONOMIC, OFFICE]
SECTION_TITLES = ["一级主任科员", "二级主任科员", "三级主任科员", "四级主任科员"]
STAFF_TITLES = ["一级科员", "一级科员", "科员"]

# --- People --------------------------------------------------------------------------------

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程袁邓许傅沈曾彭吕苏卢蒋"
    "蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙"
    "万段雷钱汤尹黎易常武乔贺赖龚文"
)
GIVEN_SINGLE = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚丹宁颖凯鹏浩"
    "宇欣婷琳晨博瑞峰斌波辉华红梅兰莉萍鑫蕾璐帆迪"
)
GIVEN_DOUBLE = _words(
    "建华 建国 志强 海燕 晓东 雪梅 秀英 桂英 文博 思远 晓峰 丽娜 玉兰 国庆 红霞 春燕 "
    "子涵 雨萱 浩然 一鸣 佳怡 欣怡 宏伟 振华 立新 卫东 亚军 晓敏 婧雯 嘉怡 明轩 若曦 "
    "俊杰 淑华 金凤 永刚 海涛 晨曦 书文 雅琴 建军 丽君 志刚 秀兰 文静 凤英 德明 瑞华"
)
# Names of real people in the source document are never generated.
AVOID_NAMES = {"曹学义", "沙鸿海"}

# --- The district: 15 streets (街道) --------------------------------------------------------

STREET_NAMES = {
    Street.XICHANGANJIE: "西长安街",
    Street.XINJIEKOU: "新街口",
    Street.YUETAN: "月坛",
    Street.ZHANLANLU: "展览路",
    Street.DESHENG: "德胜",
    Street.JINRONGJIE: "金融街",
    Street.SHICHAHAI: "什刹海",
    Street.DASHILAR: "大栅栏",
    Street.TIANQIAO: "天桥",
    Street.CHUNSHU: "椿树",
    Street.TAORANTING: "陶然亭",
    Street.GUANGANMENNEI: "广安门内",
    Street.NIUJIE: "牛街",
    Street.BAIZHIFANG: "白纸坊",
    Street.GUANGANMENWAI: "广安门外",
}
# The place name a business of the street calls itself after.
STREET_PLACES = {
    Street.XICHANGANJIE: "西单",
    Street.XINJIEKOU: "新街口",
    Street.YUETAN: "月坛",
    Street.ZHANLANLU: "展览路",
    Street.DESHENG: "德胜",
    Street.JINRONGJIE: "金融街",
    Street.SHICHAHAI: "什刹海",
    Street.DASHILAR: "大栅栏",
    Street.TIANQIAO: "天桥",
    Street.CHUNSHU: "琉璃厂",
    Street.TAORANTING: "陶然",
    Street.GUANGANMENNEI: "广安",
    Street.NIUJIE: "牛街",
    Street.BAIZHIFANG: "白纸坊",
    Street.GUANGANMENWAI: "马连道",
}
COMMUNITIES = {
    Street.XICHANGANJIE: ["府右街", "六部口", "西交民巷", "钟声", "和平门"],
    Street.XINJIEKOU: ["西四北", "新开", "玉桃园", "官园", "前公用"],
    Street.YUETAN: ["三里河一区", "真武庙", "复兴门北大街", "汽南", "木樨地"],
    Street.ZHANLANLU: ["百万庄东", "车公庄", "三塔", "扣钟", "文兴街"],
    Street.DESHENG: ["新康", "德外大街", "六铺炕", "安德路", "裕中西里"],
    Street.JINRONGJIE: ["丰汇园", "大院", "文华", "砖塔", "二龙路"],
    Street.SHICHAHAI: ["护国寺", "后海", "柳荫街", "大金丝", "兴华"],
    Street.DASHILAR: ["延寿街", "前门西河沿", "铁树斜街", "大栅栏西街", "石头"],
    Street.TIANQIAO: ["永安路", "禄长街", "福长街", "香厂路", "先农坛"],
    Street.CHUNSHU: ["椿树园", "红线", "琉璃厂西", "宣武门外东大街", "香炉营"],
    Street.TAORANTING: ["黑窑厂", "龙泉", "粉房琉璃街", "米市", "南华里"],
    Street.GUANGANMENNEI: ["槐柏树街", "长椿街", "报国寺", "校场", "西便门"],
    Street.NIUJIE: ["牛街东里", "枣林", "南线阁", "钢院", "白广路"],
    Street.BAIZHIFANG: ["右内后身", "平原里", "建功北里", "崇效寺", "半步桥"],
    Street.GUANGANMENWAI: ["红莲北里", "马连道", "手帕口", "天宁寺", "湾子"],
}
ROADS = {
    Street.XICHANGANJIE: ["西长安街", "府右街", "南长街", "西单北大街"],
    Street.XINJIEKOU: ["新街口北大街", "西直门内大街", "赵登禹路"],
    Street.YUETAN: ["月坛北街", "三里河路", "复兴门外大街", "月坛南街"],
    Street.ZHANLANLU: ["车公庄大街", "百万庄大街", "西直门外大街"],
    Street.DESHENG: ["德胜门外大街", "新街口外大街", "德外关厢"],
    Street.JINRONGJIE: ["金融大街", "武定侯街", "太平桥大街", "阜成门内大街"],
    Street.SHICHAHAI: ["地安门西大街", "德胜门内大街", "护国寺街"],
    Street.DASHILAR: ["煤市街", "大栅栏西街", "前门西大街"],
    Street.TIANQIAO: ["永安路", "天桥南大街", "虎坊路"],
    Street.CHUNSHU: ["琉璃厂西街", "宣武门外大街", "骡马市大街"],
    Street.TAORANTING: ["陶然亭路", "南纬路", "太平街"],
    Street.GUANGANMENNEI: ["广安门内大街", "长椿街", "宣武门西大街"],
    Street.NIUJIE: ["牛街", "白广路", "南横西街"],
    Street.BAIZHIFANG: ["白纸坊东街", "右安门内大街", "菜园街"],
    Street.GUANGANMENWAI: ["广安门外大街", "马连道路", "红莲南路"],
}

# --- Grassroots unions (基层工会) -------------------------------------------------------------

AGENCIES = [
    ("北京市西城区发展和改革委员会", "机关工会"),
    ("北京市西城区财政局", "机关工会"),
    ("北京市西城区人力资源和社会保障局", "机关工会"),
    ("北京市西城区卫生健康委员会", "机关工会"),
    ("北京市西城区市场监督管理局", "机关工会"),
    ("北京市西城区城市管理委员会", "机关工会"),
    ("北京市西城区文化和旅游局", "机关工会"),
    ("北京市西城区商务局", "机关工会"),
    ("北京市西城区住房和城市建设委员会", "机关工会"),
    ("北京市西城区民政局", "机关工会"),
    ("北京市西城区司法局", "机关工会"),
    ("北京市西城区审计局", "机关工会"),
    ("北京市西城区统计局", "机关工会"),
    ("北京市西城区第一图书馆", "工会"),
    ("北京市西城区文化馆", "工会"),
    ("北京市西城区档案馆", "工会"),
]
HOSPITALS = [
    "北京市西城区平安医院",
    "北京市西城区展览路医院",
    "北京市西城区广外医院",
    "北京市西城区妇幼保健院",
    "北京市西城区疾病预防控制中心",
]
BRANDS = _words(
    "宏信 恒达 瑞祥 德润 安泰 鑫通 嘉禾 博雅 裕华 众合 天恒 永盛 广和 兴华 福瑞 隆昌 "
    "泰和 新元 华泽 睿达 卓远 鼎盛 益民 民安 文华 宣和 金阳 锦程 正阳 万方 厚德 明远 "
    "瀚海 云帆 启航 数创 易达 捷运 京韵 和顺"
)
STATE_TRADES = _words(
    "物业管理 市政工程 城市建设开发 商业管理 投资发展 文化旅游发展 "
    "供热 房地产经营 园林绿化 环境卫生服务"
)
PRIVATE_TRADES = _words(
    "科技 信息技术 文化传媒 餐饮管理 酒店管理 快递服务 商贸 设计咨询 "
    "医药连锁 健康管理 教育咨询 家政服务 建筑装饰 网络科技 茶叶 物流"
)

# --- What a work record sheet says (the four content areas) -----------------------------------

QUESTIONS = [
    "今年以来职工队伍有哪些变化？一线职工最关心的问题是什么？",
    "职工对加班、倒班和休息休假安排有什么意见？",
    "工资集体协商今年是否启动？职工对协商方案有哪些诉求？",
    "职工互助保障、疗休养、子女托管等普惠服务政策的知晓和落实情况如何？",
    "困难职工建档和帮扶是否到位？有无新增困难职工？",
    "工会会员实名制录入是否完成？新就业形态劳动者入会情况如何？",
    "工会经费收缴和使用中有什么困难？",
    "职工之家、母婴室、职工书屋等阵地建设需要区总哪些支持？",
    "对区总机关的工作作风和服务有什么意见建议？",
    "劳动合同签订、社会保险缴纳有无不规范的情况？",
    "安全生产和职业病防护情况如何？职工有无反映？",
    "上次联系时反映的问题解决得怎么样？职工是否满意？",
]
NEEDS = {
    "general": [
        "一线职工希望增加技能培训机会，提升职业技能等级，拓宽晋升通道。",
        "部分职工家住郊区，通勤时间长，希望单位优化弹性工作时间。",
        "双职工家庭反映暑期子女看护困难，希望工会继续举办职工子女暑期托管班。",
        "青年职工对婚恋交友、心理健康讲座需求较大。",
        "职工希望工会多组织健步走、羽毛球比赛等文体活动。",
        "女职工希望增加两癌筛查项目，并改善单位母婴室设施。",
        "职工希望进一步了解职工互助保障的理赔流程，简化报销手续。",
        "职工普遍反映午间就餐不便，希望协调周边餐饮企业提供职工优惠套餐。",
    ],
    "community": [
        "辖区快递员、外卖骑手希望就近有歇脚、充电、热饭的地方。",
        "小微企业职工入会意愿较强，但不清楚入会渠道和会员权益。",
        "社区工会联合会兼职干部人手少，希望区总加强业务指导。",
    ],
    "health": [
        "医护人员夜班多、休息不足，希望工会协调改善值班休息室条件。",
        "一线医务人员希望增加心理疏导和减压活动。",
        "护理人员希望在职称评定和继续教育方面获得更多支持。",
    ],
    "agency": [
        "机关职工希望工会多组织读书分享和健步走活动。",
        "青年干部希望开展业务技能比武和岗位练兵。",
        "职工希望改善机关食堂菜品，增加早餐品种。",
    ],
    "building": [
        "楼宇白领职工希望开展午间健身、减压沙龙等活动。",
        "楼宇内中小企业多，职工希望工会联合会提供法律咨询服务。",
        "楼宇职工希望协调解决非机动车停放和充电难的问题。",
    ],
}
POLICIES = [
    "宣讲了北京市职工互助保障计划和区总普惠服务项目，发放宣传折页{n}份。",
    "介绍了全总、市总关于新就业形态劳动者入会和权益保障的政策要求。",
    "宣讲了本市最低工资标准调整和高温津贴发放规定。",
    "解读了职工疗休养政策和区总年度疗休养安排。",
    "宣传了工会法律援助服务和职工服务热线12351。",
    "传达了区委区政府关于优化营商环境、服务企业发展的部署要求。",
    "解读了《中华人民共和国工会法》关于基层工会组建和经费保障的规定。",
    "宣讲了困难职工帮扶政策和申请流程，发放帮扶政策明白纸{n}份。",
    "介绍了区总职工子女暑期托管班和职工心理健康服务项目。",
]
REMOTE_POLICIES = [
    "通过微信向工会主席推送了区总近期普惠服务活动通知。",
    "电话告知了职工互助保障年度参保时间和办理方式。",
    "通过微信工作群转发了区总关于开展职工技能竞赛的通知。",
]
ACTIONS = [
    "现场协调企业人力资源部门，对职工关心的问题逐一作了说明，职工表示认可。",
    "当场联系区总法律援助律师，为职工提供了劳动争议法律咨询。",
    "帮助工会梳理了年度工作计划，明确了下一步重点任务。",
    "与单位负责人沟通，推动落实了职工反映的合理诉求。",
    "查看了职工之家和职工书屋建设情况，提出了改进建议。",
    "现场解答了职工提出的政策问题，留下了区总服务热线。",
]
SELF_ACTIONS = [
    "听取了基层工会对区总机关工作的意见建议，带回部室研究改进。",
    "指导工会规范换届选举程序，完善工会委员会分工。",
    "检查了工会经费收支台账，指导规范使用。",
    "对照联系点制度要求，与基层工会共同研讨了推进工作的办法。",
]
REMOTE_ACTIONS = [
    "电话了解了职工近期思想动态和热点问题，做好记录。",
    "微信答复了工会主席关于会员实名制录入的咨询。",
    "电话了解了上次反映问题的办理进展，向基层作了说明。",
]
RETURN_REASONS = [
    "记录单未填写职工具体诉求，请补充后重新备案。",
    "联系形式为电话联系，工作日应计0天，请核实修改。",
    "“事先准备的问题”一栏过于简单，请补充带着哪些问题下去。",
]
INTEGRITY_EXCEPTIONS = [
    (
        "transport_accepted",
        "当日突降暴雨，公共交通停运，经部室负责人同意乘坐基层单位车辆返回机关，"
        "已于次日向组织人事部报告。",
    ),
    (
        "banquet_accepted",
        "座谈延至午后，基层单位安排在职工食堂就餐，已按标准交纳伙食费并向组织人事部说明。",
    ),
]

# --- Problems: what was raised, who answers it, what they said --------------------------------


@dataclass(frozen=True)
class ProblemTemplate:
    category: Problem.Category
    department: str
    description: str
    on_spot: str
    answer: str


C = Problem.Category
PROBLEMS = [
    ProblemTemplate(
        C.WAGES,
        LEGAL,
        "职工反映加班费计算口径不清，法定节假日加班未按三倍标准支付。",
        "现场讲解了劳动法关于加班工资的规定，企业人力资源部门当场承诺按规定补发。",
        "法律工作部已约谈企业人力资源负责人，企业已补发节假日加班工资，今后在工资条中列明加班费。",
    ),
    ProblemTemplate(
        C.WAGES,
        ECONOMIC,
        "一线职工希望开展工资集体协商，适当提高夜班津贴。",
        "指导工会起草了工资集体协商要约书，明确了协商议题和时间安排。",
        "经济工作部已指导企业工会发出协商要约，首次协商拟将夜班津贴由每班30元提高至45元，"
        "待职代会审议通过后执行。",
    ),
    ProblemTemplate(
        C.WAGES,
        LEGAL,
        "部分职工反映高温津贴未按本市标准发放。",
        "现场宣讲了本市高温津贴发放规定，企业负责人表示当月补齐。",
        "法律工作部已与企业核实，6至8月高温津贴已按本市标准补发到位。",
    ),
    ProblemTemplate(
        C.LABOUR_RELATIONS,
        LEGAL,
        "劳务派遣职工反映与正式职工同工不同酬，希望工会协调。",
        "当场联系区总法律援助律师，为职工代表提供了法律咨询。",
        "法律工作部已会同企业工会与用工单位协商，劳务派遣职工绩效奖金纳入同一考核办法，明年起执行。",
    ),
    ProblemTemplate(
        C.LABOUR_RELATIONS,
        LEGAL,
        "企业拟调整倒班制度，职工担心影响休息，希望工会参与协商。",
        "建议企业将倒班调整方案提交职工代表大会讨论，企业已同意。",
        "法律工作部已指导企业工会召开职工代表座谈会，方案按职工意见改为四班三运转，职工表示认可。",
    ),
    ProblemTemplate(
        C.LABOUR_RELATIONS,
        LEGAL,
        "个别职工劳动合同到期后未及时续签。",
        "现场提示企业依法续签劳动合同，企业当场安排人力资源部门办理。",
        "法律工作部已督促企业完成续签，并指导建立劳动合同到期提醒台账。",
    ),
    ProblemTemplate(
        C.SAFETY,
        ECONOMIC,
        "分拣场地通风差，夏季高温，职工希望改善作业环境。",
        "现场协调负责人增配工业风扇和防暑降温药品。",
        "经济工作部已联系企业总部，场地加装了通风设备并调整了高温时段作业时间。",
    ),
    ProblemTemplate(
        C.SAFETY,
        ECONOMIC,
        "后厨燃气报警装置老化，职工担心安全隐患。",
        "当场提醒单位立即停用老化设备并联系燃气公司检修。",
        "经济工作部已将情况通报街道安全生产部门，单位已更换燃气报警装置并组织全员安全培训。",
    ),
    ProblemTemplate(
        C.WELFARE,
        SERVICE,
        "户外劳动者希望就近设立工会驿站，解决饮水、休息、如厕等困难。",
        "现场查看周边场地，与社区协商在社区服务站内临时开辟休息点。",
        "服务中心已会同街道总工会在社区服务站挂牌设立户外劳动者服务站点，配备饮水机、微波炉和药箱。",
    ),
    ProblemTemplate(
        C.WELFARE,
        SERVICE,
        "职工反映午间就餐难，附近缺少职工食堂。",
        "协调周边两家餐饮企业为职工提供优惠工作餐。",
        "服务中心已联系区内餐饮企业推出职工优惠套餐，职工凭工会会员卡享受折扣。",
    ),
    ProblemTemplate(
        C.WELFARE,
        WOMEN,
        "双职工家庭反映暑期子女看护困难，希望开办职工子女暑期托管班。",
        "现场介绍了区总暑期托管班报名办法，帮助职工完成报名。",
        "女职工部已将该单位纳入暑期托管班服务范围，就近在社区开设托管点，可接收职工子女30名。",
    ),
    ProblemTemplate(
        C.WELFARE,
        WOMEN,
        "女职工反映单位缺少母婴室，哺乳期女职工多有不便。",
        "指导工会利用闲置会议室先行设置临时哺乳室。",
        "女职工部已指导单位按标准建设母婴室，并申请区总爱心母婴室建设补助。",
    ),
    ProblemTemplate(
        C.WELFARE,
        WOMEN,
        "女职工希望增加两癌筛查项目。",
        "现场讲解了区总女职工两癌筛查项目的申请条件和流程。",
        "女职工部已将该单位女职工纳入年度两癌筛查计划，筛查安排在下月进行。",
    ),
    ProblemTemplate(
        C.WELFARE,
        SERVICE,
        "困难职工家庭子女上学负担重，希望获得帮扶。",
        "当场为困难职工填写了帮扶申请表，带回区总服务中心审核。",
        "服务中心已完成困难职工建档审核，发放助学金并纳入常态化帮扶。",
    ),
    ProblemTemplate(
        C.UNION_BUILDING,
        GRASSROOTS,
        "基层工会换届工作逾期，工会主席人选尚未确定。",
        "现场讲解了基层工会换届选举的程序和时限要求。",
        "基层工作部已指导单位制定换届方案，换届选举大会已召开，新一届工会委员会产生。",
    ),
    ProblemTemplate(
        C.UNION_BUILDING,
        GRASSROOTS,
        "新就业形态劳动者入会渠道不清，希望集中组织入会。",
        "现场为12名外卖骑手办理了入会登记。",
        "基层工作部已会同社区工会联合会开展集中入会活动，并为新会员办理职工互助保障。",
    ),
    ProblemTemplate(
        C.UNION_BUILDING,
        FINANCE,
        "工会经费使用范围不清，希望区总开展业务培训。",
        "现场讲解了基层工会经费收支管理办法，指导建立经费收支台账。",
        "财务部已将该单位纳入本年度基层工会财务人员培训，并提供经费使用负面清单。",
    ),
    ProblemTemplate(
        C.UNION_BUILDING,
        ORGANIZATION,
        "兼职工会干部业务不熟，希望参加区总举办的培训班。",
        "现场赠送了工会工作实务手册，并介绍了网上培训课程。",
        "组织人事部已安排该单位工会干部参加下期基层工会主席培训班。",
    ),
    ProblemTemplate(
        C.UNION_BUILDING,
        GRASSROOTS,
        "工会会员实名制数据与实际人数不符，需协助核对。",
        "现场指导工会登录实名制管理系统核对会员信息。",
        "基层工作部已派员协助完成会员信息核对，新增会员46名，转出离职会员19名。",
    ),
    ProblemTemplate(
        C.POLICY,
        PUBLICITY,
        "职工希望了解职工互助保障的参保办法和理赔流程。",
        "现场讲解了职工互助保障参保和理赔流程，发放宣传材料。",
        "宣传教育部已安排互助保障专员到单位开展专题宣讲，并将理赔流程图张贴在职工之家。",
    ),
    ProblemTemplate(
        C.POLICY,
        PUBLICITY,
        "职工询问职工疗休养政策和报名方式。",
        "现场介绍了区总职工疗休养年度安排。",
        "宣传教育部已将疗休养政策解读推送至单位工会微信群，并协调下一批次名额。",
    ),
    ProblemTemplate(
        C.POLICY,
        PUBLICITY,
        "职工对工会法了解不多，希望开展专题宣讲。",
        "现场为职工代表解读了工会法的主要内容。",
        "宣传教育部已安排宣讲团到单位开展工会法专题宣讲，参加职工60余人。",
    ),
    ProblemTemplate(
        C.OTHER,
        OFFICE,
        "社区工会联合会办公场地紧张，希望协调活动阵地。",
        "与社区党委沟通，临时共享社区会议室用于工会活动。",
        "办公室已协调街道将社区党群服务中心一间活动室固定用于工会活动。",
    ),
    ProblemTemplate(
        C.OTHER,
        SERVICE,
        "职工书屋图书陈旧，希望更新配送。",
        "现场登记了职工需要的书目。",
        "服务中心已为该单位职工书屋配送新书300册，并开通数字职工书屋账号。",
    ),
]
del C
FEEDBACK_METHOD_WORDS = {
    Problem.FeedbackMethod.VISIT: "上门走访",
    Problem.FeedbackMethod.PHONE: "电话",
    Problem.FeedbackMethod.MEETING: "座谈会",
}
SATISFACTION_WORDS = {
    Problem.Satisfaction.SATISFIED: "满意",
    Problem.Satisfaction.BASICALLY: "基本满意",
    Problem.Satisfaction.UNSATISFIED: "不满意",
}

# --- Small helpers ------------------------------------------------------------------------------


def _cn_date(day: datetime.date) -> str:
    return f"{day.month}月{day.day}日"


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _display_width(text))


def _organization_code(rng: random.Random) -> str:
    """A 9-character organization code (GB 11714): 8 digits and their check character."""
    body = "".join(rng.choice("0123456789") for _ in range(8))
    total = sum(
        int(char) * weight for char, weight in zip(body, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)
    )
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def credit_code(rng: random.Random) -> str:
    """A unified social credit code of a union of Xicheng: 8 (registered by a trade union),
    1 (a grassroots union), 110102 (Xicheng District), an organization code, the check."""
    first17 = "81" + "110102" + _organization_code(rng)
    return first17 + credit_code_check_character(first17)


@contextmanager
def stamps_as_given(*fields):
    """Let `bulk_create` keep the timestamps we set on `auto_now`/`auto_now_add` fields.

    Django stamps those fields with the present moment on insert; a demo year needs record
    sheets written, problems raised and answered on the days they happened.
    """
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    try:
        for f, _now, _add in saved:
            f.auto_now = f.auto_now_add = False
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def _fields(model, *names):
    return [model._meta.get_field(name) for name in names]


@dataclass
class Step:
    status: Problem.Status
    at: datetime.datetime
    action: str
    actor: object
    note: str = ""


@dataclass
class ProblemPlan:
    record: VisitRecord
    template: ProblemTemplate
    steps: list[Step]
    reached: int = 0  # index into steps of the problem's status today
    department: Department | None = None
    leader: Cadre | None = None
    deadline: datetime.date | None = None
    urgent: bool = False
    answered_by: object = None
    feedback_method: str = ""
    satisfaction: str = ""

    @property
    def status(self) -> Problem.Status:
        return self.steps[self.reached].status

    def reached_at_least(self, status: Problem.Status) -> bool:
        return any(step.status == status for step in self.steps[: self.reached + 1])

    def truncate_to(self, status: Problem.Status) -> None:
        self.reached = [step.status for step in self.steps].index(status)


@dataclass
class Summary:
    created: Counter = field(default_factory=Counter)
    logins: list[tuple[str, str, str, bool]] = field(default_factory=list)


class Command(BaseCommand):
    help = (
        "生成演示数据：区总工会机关各部室、机关干部、基层工会、联系点、工作记录单、问题及其办理过程、"
        "季度例会，以及每个角色一个演示账号（密码 liaison-demo）。可重复运行，不会重复生成。"
        "只在 DEBUG 开启时运行（否则需 --force）。"
        " / Seed a demo database: departments, cadres, grassroots unions, contact points, "
        "a year of record sheets and problems, quarterly meetings, and one demo login per role. "
        "Idempotent; refuses to run with DEBUG off unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cadres", type=int, default=40, help="机关干部人数（默认 40）")
        parser.add_argument("--unions", type=int, default=120, help="基层工会数（默认 120）")
        parser.add_argument(
            "--years",
            type=int,
            default=1,
            help="生成几年的数据：1 = 今年，2 = 去年和今年（默认 1）",
        )
        parser.add_argument(
            "--seed", type=int, default=2026, help="随机数种子，相同种子生成相同数据（默认 2026）"
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="DEBUG 关闭时也运行（演示账号不得出现在生产环境，慎用）",
        )
        parser.add_argument("--dry-run", action="store_true", help="生成后回滚，只报告会生成什么")

    def handle(self, *args, cadres, unions, years, seed, force, dry_run, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo 只用于开发和演示环境：DEBUG 未开启，拒绝运行（演示账号绝不能出现在"
                "生产环境）。确需运行请加 --force。\n"
                "seed_demo is for development and demos only: DEBUG is off, so it refuses to run "
                "(demo logins must never reach production). Pass --force if you really mean it."
            )
        if not MIN_CADRES <= cadres <= MAX_CADRES:
            raise CommandError(
                f"--cadres 须在 {MIN_CADRES}–{MAX_CADRES} 之间 / "
                f"--cadres must be {MIN_CADRES} to {MAX_CADRES}."
            )
        if not MIN_UNIONS <= unions <= MAX_UNIONS:
            raise CommandError(
                f"--unions 须在 {MIN_UNIONS}–{MAX_UNIONS} 之间 / "
                f"--unions must be {MIN_UNIONS} to {MAX_UNIONS}."
            )
        # The programme's data starts in 2016 (the models refuse earlier years).
        max_years = timezone.localdate().year - 2015
        if not 1 <= years <= max_years:
            raise CommandError(
                f"--years 须在 1–{max_years} 之间 / --years must be 1 to {max_years}."
            )

        with transaction.atomic():
            seeder = Seeder(
                cadres=cadres, unions=unions, years=years, seed=seed, say=self.stdout.write
            )
            summary = seeder.run()
            if dry_run:
                transaction.set_rollback(True)
        self.report(summary, seed=seed, years=seeder.years, dry_run=dry_run)

    def report(self, summary: Summary, *, seed: int, years: list[int], dry_run: bool):
        created = summary.created
        labels = [
            ("departments", "部室"),
            ("cadres", "机关干部"),
            ("unions", "基层工会"),
            ("assignments", "联系点"),
            ("records", "工作记录单"),
            ("problems", "问题"),
            ("events", "问题办理过程"),
            ("meetings", "季度例会"),
        ]
        counts = " · ".join(f"{label} {created[key]:,}" for key, label in labels)
        year_text = "、".join(str(year) for year in years)
        self.stdout.write(f"\n种子 {seed}，年份 {year_text}。本次新建：{counts}")
        if dry_run:
            self.stdout.write(self.style.WARNING("--dry-run：已回滚，数据库未改动。"))
            return
        if not sum(created.values()):
            self.stdout.write(self.style.SUCCESS("演示数据此前已生成，本次没有新建任何数据。"))
        else:
            self.stdout.write(self.style.SUCCESS("演示数据已就绪。"))
        self.stdout.write(f"\n打开 {DEMO_URL} ，用以下账号登录（密码均为 {DEMO_PASSWORD}）：\n")
        header = ("用户名", "角色", "说明")
        rows = [header] + [(username, role, note) for username, role, note, _ in summary.logins]
        widths = [max(_display_width(row[i]) for row in rows) + 2 for i in range(3)]
        for i, (username, role, note) in enumerate(rows):
            self.stdout.write(f"  {_pad(username, widths[0])}{_pad(role, widths[1])}{note}")
            if i == 0:
                self.stdout.write("  " + "-" * sum(widths))
        if any(existed for *_, existed in summary.logins):
            self.stdout.write("（已存在的账号未改动密码。）")


class Seeder:
    def __init__(self, *, cadres: int, unions: int, years: int, seed: int, say):
        self.n_cadres, self.n_unions, self.seed, self.say = cadres, unions, seed, say
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.years = list(range(self.today.year - years + 1, self.today.year + 1))
        # Deadlines and closing steps may fall a little past today.
        self.calendar = WorkingCalendar(
            datetime.date(self.years[0], 1, 1), self.today + datetime.timedelta(days=120)
        )
        self._working = self.calendar.working_days()
        self._working_set = set(self._working)
        self.summary = Summary()

    def rng(self, *parts) -> random.Random:
        """One generator per step, so skipping a step does not change the others."""
        return random.Random(":".join(map(str, (self.seed, *parts))))

    # --- Calendar -----------------------------------------------------------------------------

    def working_days(self, start: datetime.date, end: datetime.date) -> list[datetime.date]:
        return [day for day in self._working if start <= day <= end]

    def add_working_days(self, day: datetime.date, count: int) -> datetime.date:
        """The date `count` working days after `day` (not counting `day` itself)."""
        index = bisect.bisect_right(self._working, day) + count - 1
        if index < len(self._working):
            return self._working[index]
        return day + datetime.timedelta(days=count * 2)  # past the span: an estimate will do

    def on_or_before(self, day: datetime.date) -> datetime.date:
        while day not in self._working_set and day > self.calendar.start:
            day -= datetime.timedelta(days=1)
        return day

    def at(self, rng: random.Random, day: datetime.date, hours=(9, 17)) -> datetime.datetime:
        moment = datetime.datetime.combine(
            day, datetime.time(rng.randint(*hours), rng.randrange(0, 60, 5))
        )
        return timezone.make_aware(moment)

    def later(self, rng, after: datetime.datetime, working_days: int) -> datetime.datetime:
        day = timezone.localtime(after).date()
        if working_days:
            day = self.add_working_days(day, working_days)
        moment = self.at(rng, day)
        if moment <= after:
            moment = after + datetime.timedelta(minutes=rng.randint(20, 120))
        return moment

    # --- Steps --------------------------------------------------------------------------------

    def run(self) -> Summary:
        departments = self.seed_departments()
        cadres = self.seed_cadres(departments)
        self.seed_admin()
        unions = self.seed_unions()
        for year in self.years:
            self.seed_assignments(year, cadres, unions)
        for year in self.years:
            self.seed_records(year, cadres, unions)
        self.seed_meetings(cadres)
        return self.summary

    def seed_departments(self) -> dict[str, Department]:
        existing = {d.name: d for d in Department.objects.filter(name__in=DEPARTMENT_SPECS)}
        # Another database may already have its own lead department: ours then is not the lead.
        lead_taken = Department.objects.filter(is_lead=True).exclude(name=ORGANIZATION).exists()
        new = [
            Department(
                name=spec.name,
                order=order,
                is_lead=spec.name == ORGANIZATION and not lead_taken,
                units_per_cadre=spec.units_per_cadre,
            )
            for order, spec in enumerate(DEPARTMENTS, start=1)
            if spec.name not in existing
        ]
        Department.objects.bulk_create(new)
        self.summary.created["departments"] = len(new)
        return {**existing, **{d.name: d for d in new}}

    def positions(self) -> list[Position]:
        rng = self.rng("positions")
        positions = LEADING_POSITIONS[: self.n_cadres]
        for i in range(self.n_cadres - len(positions)):
            department = STAFF_ROTATION[i % len(STAFF_ROTATION)]
            if rng.random() < 0.55:
                positions.append(
                    Position(department, Cadre.Rank.SECTION, rng.choice(SECTION_TITLES))
                )
            else:
                positions.append(Position(department, Cadre.Rank.STAFF, rng.choice(STAFF_TITLES)))
        return positions

    def names(self, rng: random.Random, count: int) -> list[tuple[str, str]]:
        """`count` distinct (surname, given name) pairs."""
        weights = [1 / (1 + i / 8) for i in range(len(SURNAMES))]
        seen, names = set(AVOID_NAMES), []
        while len(names) < count:
            surname = rng.choices(SURNAMES, weights)[0]
            given = rng.choice(GIVEN_SINGLE) if rng.random() < 0.4 else rng.choice(GIVEN_DOUBLE)
            if surname + given not in seen:
                seen.add(surname + given)
                names.append((surname, given))
        return names

    @cached_property
    def demo_hash(self) -> str:
        # Hashed once for every demo login: the production hasher takes a good part of a second.
        return make_password(DEMO_PASSWORD)

    def seed_cadres(self, departments: dict[str, Department]) -> list[Cadre]:
        User = get_user_model()
        rng = self.rng("cadres")
        positions = self.positions()
        names = self.names(rng, len(positions))
        phones = rng.sample(range(10000), len(positions))
        rows = []
        for i, (position, (surname, given), phone) in enumerate(
            zip(positions, names, phones, strict=True), start=1
        ):
            username = position.demo or f"c{i:03d}"
            rows.append((i, position, surname, given, username, f"010-6601{phone:04d}"))

        usernames = [row[4] for row in rows]
        users = {u.username: u for u in User.objects.filter(username__in=usernames)}
        new_users = [
            User(
                username=username,
                last_name=surname,
                first_name=given,
                # Only the demo logins can sign in; the other cadres are scenery.
                password=self.demo_hash if position.demo else make_password(None),
            )
            for _i, position, surname, given, username, _phone in rows
            if username not in users
        ]
        User.objects.bulk_create(new_users)
        new_usernames = {u.username for u in new_users}
        users.update({u.username: u for u in new_users})

        groups = self.groups()
        memberships = []
        for _i, position, _surname, _given, username, _phone in rows:
            held = [Role.CADRE]
            if position.chief:
                held.append(Role.DEPARTMENT_HEAD)
            if position.department == ORGANIZATION:
                held.append(Role.ORGANIZATION)
            memberships += [(users[username], groups[role]) for role in held]
        self.add_to_groups(memberships)

        staff_numbers = [f"XC{i:04d}" for i, *_ in rows]
        existing = set(
            Cadre.objects.filter(staff_number__in=staff_numbers).values_list(
                "staff_number", flat=True
            )
        )
        users_with_cadre = set(
            Cadre.objects.filter(user__in=users.values()).values_list("user_id", flat=True)
        )
        new_cadres = [
            Cadre(
                user=users[username],
                name=surname + given,
                staff_number=f"XC{i:04d}",
                department=departments[position.department],
                rank=position.rank,
                title=position.title,
                phone=phone,
            )
            for i, position, surname, given, username, phone in rows
            if f"XC{i:04d}" not in existing and users[username].pk not in users_with_cadre
        ]
        Cadre.objects.bulk_create(new_cadres)
        self.summary.created["cadres"] = len(new_cadres)

        by_number = {
            c.staff_number: c
            for c in Cadre.objects.filter(staff_number__in=staff_numbers).select_related(
                "department", "user"
            )
        }
        cadres = [by_number[number] for number in staff_numbers if number in by_number]
        position_of = dict(zip(staff_numbers, positions, strict=True))
        self.positions_by_cadre = {c.pk: position_of[c.staff_number] for c in cadres}
        self.cadres = cadres
        self.demo = {
            position.demo: cadre
            for cadre in cadres
            if (position := self.positions_by_cadre[cadre.pk]).demo
        }
        self.org_user = self.demo["org"].user if "org" in self.demo else None
        self.chief_user = {
            cadre.department_id: cadre.user
            for cadre in cadres
            if self.positions_by_cadre[cadre.pk].chief
        }
        for key, role in (
            ("cadre", "机关干部"),
            ("head", "机关干部 + 部室负责人"),
            ("org", "机关干部 + 组织人事部"),
        ):
            if key in self.demo:
                cadre = self.demo[key]
                note = (
                    f"{cadre.name}，{cadre.department.name}{cadre.title}，联系{cadre.unit_quota}家"
                )
                self.summary.logins.append((key, role, note, key not in new_usernames))
        return cadres

    def groups(self) -> dict[Role, Group]:
        # The groups are created by migrations; get_or_create keeps a hand-trimmed DB working.
        return {role: Group.objects.get_or_create(name=GROUP_NAMES[role])[0] for role in Role}

    def add_to_groups(self, memberships) -> None:
        Membership = get_user_model().groups.through
        Membership.objects.bulk_create(
            [Membership(user_id=user.pk, group_id=group.pk) for user, group in memberships],
            ignore_conflicts=True,
        )

    def seed_admin(self) -> None:
        User = get_user_model()
        admin = User.objects.filter(username="admin").first()
        existed = admin is not None
        if admin is None:
            admin = User.objects.create(
                username="admin",
                password=self.demo_hash,
                is_staff=True,
                is_superuser=True,
            )
        self.add_to_groups([(admin, self.groups()[Role.ADMIN])])
        self.summary.logins.append(("admin", "系统管理员", "超级用户，可进入 /admin/", existed))

    # --- Grassroots unions ------------------------------------------------------------------

    def union_specs(self) -> list[dict]:
        rng = self.rng("unions")
        streets = list(Street)
        rng.shuffle(streets)
        agencies, hospitals = list(AGENCIES), list(HOSPITALS)
        rng.shuffle(agencies)
        rng.shuffle(hospitals)
        names, codes, specs = set(), set(), []
        kinds = ["community", "agency", "health", "state", "private", "building"]
        weights = [20, 8, 8, 26, 32, 6]
        while len(specs) < self.n_unions:
            # The first fifteen cover every street once; the rest fall where they may.
            street = streets[len(specs)] if len(specs) < len(streets) else rng.choice(streets)
            sector = rng.choices(kinds, weights)[0]
            kind = GrassrootsUnion.Kind.DIRECT
            place = STREET_PLACES[street]
            if sector == "community":
                community = rng.choice(COMMUNITIES[street])
                name = f"西城区{STREET_NAMES[street]}街道{community}社区工会联合会"
                members = rng.randint(40, 400)
            elif sector == "agency" and agencies:
                unit, suffix = agencies.pop()
                name, members = unit + suffix, rng.randint(60, 450)
            elif sector == "health":
                unit = (
                    hospitals.pop()
                    if hospitals and rng.random() < 0.5
                    else f"北京市西城区{STREET_NAMES[street]}社区卫生服务中心"
                )
                name, members = unit + "工会", rng.randint(120, 1600)
            elif sector == "state":
                prefix = place if rng.random() < 0.6 else rng.choice(BRANDS)
                suffix = rng.choice(["有限责任公司", "集团有限公司", "有限公司"])
                name = f"北京{prefix}{rng.choice(STATE_TRADES)}{suffix}工会"
                members = rng.randint(80, 2500)
            elif sector == "building":
                name = f"{place}{rng.choice(['楼宇', '商圈'])}工会联合会"
                kind, members = GrassrootsUnion.Kind.OTHER, rng.randint(100, 1200)
            else:
                sector = "private"
                name = f"北京{rng.choice(BRANDS)}{rng.choice(PRIVATE_TRADES)}有限公司工会"
                kind, members = GrassrootsUnion.Kind.NON_PUBLIC, rng.randint(15, 600)
            if name in names and sector in ("state", "private"):
                # A longer trade name (字号) of two words, as real firms take when one is taken.
                name = name.replace("北京", "北京" + rng.choice(BRANDS), 1)
            code = credit_code(rng)
            if name in names or code in codes:
                continue
            names.add(name)
            codes.add(code)
            surname, given = self.names(rng, 1)[0]
            specs.append(
                {
                    "name": name,
                    "credit_code": code,
                    "kind": kind,
                    "street": street,
                    "address": f"北京市西城区{rng.choice(ROADS[street])}{rng.randint(1, 199)}号",
                    "chair": surname + given,
                    "phone": f"010-{rng.choice('68')}{rng.randint(0, 9999999):07d}",
                    "member_count": members,
                }
            )
        return specs

    def seed_unions(self) -> list[GrassrootsUnion]:
        specs = self.union_specs()
        codes = [spec["credit_code"] for spec in specs]
        existing = set(
            GrassrootsUnion.objects.filter(credit_code__in=codes).values_list(
                "credit_code", flat=True
            )
        )
        new = [GrassrootsUnion(**spec) for spec in specs if spec["credit_code"] not in existing]
        GrassrootsUnion.objects.bulk_create(new)
        self.summary.created["unions"] = len(new)
        by_code = GrassrootsUnion.objects.in_bulk(codes, field_name="credit_code")
        return [by_code[code] for code in codes]

    # --- Contact points (联系点) ------------------------------------------------------------

    def seed_assignments(self, year: int, cadres: list[Cadre], unions: list[GrassrootsUnion]):
        if LiaisonAssignment.objects.filter(year=year, cadre__in=cadres).exists():
            self.say(f"{year} 年的联系点已生成过，跳过。")
            return
        rng = self.rng("assignments")  # the same draw every year: contact points carry over
        pool = [union for union in unions if union.active]
        rng.shuffle(pool)
        pool = pool[2:]  # the first two are left uncovered: nobody has been assigned them yet
        first_day = self.working_days(datetime.date(year, 1, 1), datetime.date(year, 12, 31))[0]
        assigned_at = min(self.at(rng, first_day, hours=(9, 11)), self.now)
        held: dict[int, list[GrassrootsUnion]] = {}
        cursor = 0
        for cadre in cadres:
            mine = []
            while len(mine) < cadre.unit_quota:
                union = pool[cursor % len(pool)]
                cursor += 1
                if union not in mine:
                    mine.append(union)
            held[cadre.pk] = mine
        objs = [
            LiaisonAssignment(
                cadre=cadre,
                union=union,
                year=year,
                assigned_by=self.org_user,
                assigned_at=assigned_at,
            )
            for cadre in cadres
            for union in held[cadre.pk]
        ]
        if year == self.today.year:
            objs += self.end_one_assignment(year, held, objs, pool)
        for obj in objs:
            obj._history_date = obj.assigned_at
            obj._history_user = self.org_user
        with stamps_as_given(*_fields(LiaisonAssignment, "assigned_at")):
            bulk_create_with_history(objs, LiaisonAssignment)
        self.summary.created["assignments"] += len(objs)

    def end_one_assignment(self, year, held, objs, pool) -> list[LiaisonAssignment]:
        """End one contact point mid-year and give the cadre another union instead. Returns the
        replacement. A union only this cadre held has moved out of the district (and is no
        longer active); a shared one is left to its other contact cadre."""
        rng = self.rng("assignment-end", year)
        start = datetime.date(year, 1, 1)
        if (self.today - start).days < 45:
            return []
        ended_on = self.on_or_before(
            min(datetime.date(year, 6, 30), start + (self.today - start) / 2)
        )
        holders = Counter(union.pk for unions in held.values() for union in unions)
        # Not a leader (their four stay four), nor the demo cadre (whose two units the login
        # table promises); another demo login only when no one else is left (`--cadres 12`).
        candidates = [
            obj for obj in objs if not obj.cadre.is_leader and obj.cadre != self.demo.get("cadre")
        ]
        demo_pks = {cadre.pk for cadre in self.demo.values()}
        candidates = [obj for obj in candidates if obj.cadre.pk not in demo_pks] or candidates
        if not candidates:
            return []
        moved_out = [
            obj
            for obj in candidates
            if holders[obj.union.pk] == 1 and obj.union.kind == GrassrootsUnion.Kind.NON_PUBLIC
        ]
        ended = rng.choice(moved_out or candidates)
        ended.ended_at = ended_on
        if moved_out:
            ended.end_reason = "该企业迁出西城区，工会组织关系转出，联系关系终止。"
            GrassrootsUnion.objects.filter(pk=ended.union.pk).update(active=False)
            ended.union.active = False
        else:
            ended.end_reason = "因工作调整，该单位改由其他联系干部联系。"
        spare = [
            union
            for union in pool
            if union not in held[ended.cadre.pk] and union.pk != ended.union.pk
        ]
        replacement = min(spare, key=lambda union: (holders[union.pk], rng.random()))
        held[ended.cadre.pk].append(replacement)
        return [
            LiaisonAssignment(
                cadre=ended.cadre,
                union=replacement,
                year=year,
                assigned_by=self.org_user,
                assigned_at=self.later(rng, self.at(rng, ended_on), 1),
            )
        ]

    # --- Work record sheets (工作记录单) ----------------------------------------------------

    def seed_records(self, year: int, cadres: list[Cadre], unions: list[GrassrootsUnion]):
        if VisitRecord.objects.filter(cadre__in=cadres, start_date__year=year).exists():
            self.say(f"{year} 年的工作记录单已生成过（演示数据已存在），跳过。")
            return
        rng = self.rng("records", year)
        end = min(datetime.date(year, 12, 31), self.today)
        window = self.working_days(datetime.date(year, 1, 1), end)
        year_days = self.working_days(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
        if not window:
            return
        share = len(window) / len(year_days)
        periods = defaultdict(list)
        for a in LiaisonAssignment.objects.filter(year=year, cadre__in=cadres).select_related(
            "union"
        ):
            first = max(timezone.localtime(a.assigned_at).date(), datetime.date(year, 1, 1))
            periods[a.cadre_id].append((a.union, first, a.ended_at or datetime.date(year, 12, 31)))
        active_unions = [union for union in unions if union.active]

        records = []
        for cadre in cadres:
            records += self.plan_records(
                rng, cadre, window, share, periods[cadre.pk], active_unions
            )
        current = year == self.today.year
        self.decide_statuses(rng, records, current=current)
        plans = self.plan_problems(self.rng("problems", year), records, current=current)

        for record in records:
            record._history_date = record.updated_at
            record._history_user = record.cadre.user
        with stamps_as_given(*_fields(VisitRecord, "created_at", "updated_at")):
            bulk_create_with_history(records, VisitRecord)
        self.summary.created["records"] += len(records)
        self.create_problems(plans)

    def plan_records(self, rng, cadre, window, share, periods, active_unions):
        # The year's target of 21 days: most cadres reach it, some run ahead, some lag.
        if cadre == self.demo.get("cadre"):
            target = 26.0
        elif cadre == self.demo.get("head"):
            target = 23.0
        elif cadre.is_leader:
            target = rng.triangular(13, 28, 22)
        else:
            target = rng.triangular(12, 32, 24)
        goal = Decimal(str(round(target * share * 2) / 2))
        taken: set[datetime.date] = set()
        visits: list[tuple[datetime.date, datetime.date, Decimal, str]] = []
        total, attempts = Decimal(0), 0
        while total < goal and attempts < 400:
            attempts += 1
            start = rng.choice(window)
            form = rng.choices(
                [ContactForm.ON_SITE, ContactForm.FACE_TO_FACE, ContactForm.DISCUSSION],
                [40, 40, 20],
            )[0]
            days = rng.choices(
                [Decimal("0.5"), Decimal("1"), Decimal("1.5"), Decimal("2")], [50, 42, 3, 5]
            )[0]
            if days > 1 and form != ContactForm.ON_SITE:
                days = Decimal("1")
            span = [start]
            if days > 1:
                span.append(self.add_working_days(start, 1))
            if span[-1] > window[-1] or taken.intersection(span):
                continue
            taken.update(span)
            visits.append((start, span[-1], days, form))
            total += days
        for _ in range(round(len(visits) * rng.uniform(0.15, 0.45))):
            free = [day for day in rng.sample(window, min(20, len(window))) if day not in taken]
            if free:
                taken.add(free[0])
                visits.append((free[0], free[0], Decimal("0"), ContactForm.REMOTE))
        visits.sort()

        mine = {union.pk for union, _first, _last in periods}
        others = [union for union in active_unions if union.pk not in mine]
        records = []
        for start, end, days, form in visits:
            assigned = [union for union, first, last in periods if first <= start <= last]
            if assigned and (rng.random() < 0.9 or not others):
                union = rng.choice(assigned)
            elif others:
                union = rng.choice(others)
            else:
                continue
            record = self.record(rng, cadre, union, start, end, days, form)
            record.outside_assignment = union.pk not in mine
            records.append(record)
        return records

    def record(self, rng, cadre, union, start, end, days, form) -> VisitRecord:
        sector = _sector(union.name)
        remote = form == ContactForm.REMOTE
        areas = {
            ContactForm.ON_SITE: ["area_needs", "area_problems", "area_policy", "area_self"],
            ContactForm.FACE_TO_FACE: ["area_needs", "area_policy", "area_problems"],
            ContactForm.DISCUSSION: ["area_self", "area_policy", "area_problems"],
            ContactForm.REMOTE: ["area_needs", "area_problems"],
        }[form]
        chosen = {areas[0]} | set(rng.sample(areas[1:], rng.randint(0, min(2, len(areas) - 1))))
        workers = {
            ContactForm.ON_SITE: (5, 30),
            ContactForm.FACE_TO_FACE: (3, 20),
            ContactForm.DISCUSSION: (0, 5),
            ContactForm.REMOTE: (0, 1),
        }[form]
        workers_met = rng.randint(*workers)
        chair_word = "主席" if "联合会" in union.name else "工会主席"
        if remote:
            people = f"{chair_word}{union.chair}（{rng.choice(['电话', '微信'])}）"
        elif form == ContactForm.DISCUSSION:
            people = f"{chair_word}{union.chair}、工会委员{rng.randint(2, 5)}名"
        elif sector == "community":
            people = f"{chair_word}{union.chair}、新就业形态劳动者{workers_met}名"
        elif sector == "health":
            people = f"院工会主席{union.chair}、护士长、一线医护人员{workers_met}名"
        else:
            people = f"{chair_word}{union.chair}、单位人力资源负责人、一线职工代表{workers_met}名"
        needs_pool = NEEDS["general"] + NEEDS.get(sector, []) * 2
        actions = rng.choice(REMOTE_ACTIONS) if remote else rng.choice(ACTIONS)
        if "area_self" in chosen and not remote:
            actions += rng.choice(SELF_ACTIONS)
        policies = (
            rng.choice(REMOTE_POLICIES)
            if remote
            else rng.choice(POLICIES).format(n=rng.randint(20, 120))
        )
        return VisitRecord(
            cadre=cadre,
            union=union,
            start_date=start,
            end_date=end,
            days=days,
            contact_form=form,
            **{
                name: name in chosen
                for name in ("area_needs", "area_policy", "area_problems", "area_self")
            },
            questions_prepared=""
            if remote
            else "\n".join(rng.sample(QUESTIONS, rng.randint(2, 3))),
            people_met=people,
            workers_met=workers_met,
            needs_and_opinions="".join(rng.sample(needs_pool, 1 if remote else 2)),
            policies_publicised=policies,
            actions_on_spot=actions,
            transport_accepted=False,
            gifts_accepted=False,
            banquet_accepted=False,
        )

    def decide_statuses(self, rng, records, *, current: bool) -> None:
        """Most sheets are filed a few days after the contact; the latest ones are still drafts;
        in the current year a couple were returned for revision."""
        for record in records:
            written = self.at(rng, record.end_date, hours=(16, 20))
            record.created_at = min(written, self.now)
            filed_on = record.end_date + datetime.timedelta(
                days=rng.choice([0, 1, 1, 2, 2, 3, 4, 6])
            )
            filed_at = self.at(
                rng, self.on_or_before(filed_on) if filed_on > record.end_date else filed_on
            )
            if filed_at <= record.created_at:
                filed_at = record.created_at + datetime.timedelta(minutes=rng.randint(5, 90))
            if filed_at <= self.now and rng.random() > 0.02:
                record.status, record.filed_at = VisitRecord.Status.FILED, filed_at
            else:
                record.status, record.filed_at = VisitRecord.Status.DRAFT, None
            record.updated_at = record.filed_at or record.created_at
        if not current:
            return

        demo = self.demo.get("cadre")
        demo_records = [r for r in records if r.cadre == demo]
        if demo_records:  # the demo cadre has a sheet half written
            latest = demo_records[-1]
            latest.status, latest.filed_at, latest.updated_at = (
                VisitRecord.Status.DRAFT,
                None,
                latest.created_at,
            )

        recent = [
            r
            for r in records
            if r.status == VisitRecord.Status.FILED
            and (self.today - r.end_date).days <= 60
            and r.contact_form != ContactForm.REMOTE
        ]
        returned = [r for r in recent if r.cadre == demo][-1:]
        others = [r for r in recent if r.cadre != demo]
        returned += rng.sample(others, min(1, len(others)))
        for reason, record in zip(RETURN_REASONS, returned, strict=False):
            returned_at = self.later(rng, record.filed_at, rng.randint(1, 2))
            if returned_at > self.now:
                returned_at = record.filed_at + (self.now - record.filed_at) / 2
            # As `records.services.record_return` does: filed_at stays, the status changes.
            record.status = VisitRecord.Status.RETURNED
            record.return_reason, record.updated_at = reason, returned_at

        # 廉洁自律: all declined, but for one or two sheets, each explained.
        candidates = [
            r
            for r in records
            if r.status == VisitRecord.Status.FILED
            and r.contact_form != ContactForm.REMOTE
            and r.cadre not in self.demo.values()
        ]
        count = 2 if len(records) >= 200 else 1
        for (field_name, explanation), record in zip(
            INTEGRITY_EXCEPTIONS, rng.sample(candidates, min(count, len(candidates))), strict=False
        ):
            setattr(record, field_name, True)
            record.integrity_explanation = explanation

    # --- Problems and their handling ----------------------------------------------------------

    def plan_problems(self, rng, records, *, current: bool) -> list[ProblemPlan]:
        departments = {d.name: d for d in Department.objects.all()}
        bureau = [c for c in self.cadres if c.rank == Cadre.Rank.BUREAU]
        demo = self.demo.get("cadre")
        plans = []
        for record in records:
            if record.status != VisitRecord.Status.FILED:
                continue
            chance = 0.45 if record.area_problems else 0.08
            if record.cadre == demo:
                chance = 0.6
            if rng.random() >= chance:
                continue
            for _ in range(1 if rng.random() < 0.9 else 2):
                template = rng.choice(PROBLEMS)
                record.area_problems = True
                if template.description not in record.needs_and_opinions:
                    record.needs_and_opinions = f"{template.description}{record.needs_and_opinions}"
                if rng.random() < 0.45:
                    plans.append(self.on_spot_plan(record, template))
                else:
                    department = departments[template.department]
                    plans.append(self.transfer_plan(rng, record, template, department, bureau))
        if current:
            self.cover_every_status(rng, plans)
        return plans

    def on_spot_plan(self, record, template) -> ProblemPlan:
        # As `records.services.record_save` files it: one event, straight to closed.
        step = Step(
            Problem.Status.CLOSED,
            record.filed_at,
            "solve_on_spot",
            record.cadre.user,
            template.on_spot,
        )
        return ProblemPlan(record=record, template=template, steps=[step])

    def transfer_plan(self, rng, record, template, department, bureau) -> ProblemPlan:
        cadre_user = record.cadre.user
        head = self.chief_user.get(department.pk) or self.org_user
        org = self.org_user
        raised = record.filed_at
        transferred = self.later(rng, raised, rng.randint(1, 3))
        deadline = self.add_working_days(timezone.localtime(transferred).date(), 10)
        accepted = self.later(rng, transferred, rng.randint(0, 2))
        answered = self.later(rng, accepted, rng.randint(2, 8) if rng.random() < 0.9 else 14)
        fed_back = self.later(rng, answered, rng.randint(1, 5))
        closed = self.later(rng, fed_back, rng.randint(1, 3))
        urgent = rng.random() < 0.06
        leader = rng.choice(bureau) if urgent and bureau else None
        method = rng.choice(list(Problem.FeedbackMethod))
        satisfaction = rng.choices(
            [Problem.Satisfaction.SATISFIED, Problem.Satisfaction.BASICALLY], [78, 22]
        )[0]
        transfer_note = f"移交{department.name}办理，请于{_cn_date(deadline)}前答复"
        if leader is not None:
            transfer_note += f"，并报{leader.name}同志阅示"
        plan = ProblemPlan(
            record=record,
            template=template,
            department=department,
            leader=leader,
            deadline=deadline,
            urgent=urgent,
            answered_by=head,
            feedback_method=method,
            satisfaction=satisfaction,
            steps=[
                Step(Problem.Status.RAISED, raised, "raise", cadre_user),
                Step(
                    Problem.Status.TRANSFERRED, transferred, "transfer", org, transfer_note + "。"
                ),
                Step(Problem.Status.ACCEPTED, accepted, "accept", head, "已签收，抓紧办理。"),
                Step(Problem.Status.ANSWERED, answered, "answer", head, template.answer),
                Step(Problem.Status.FED_BACK, fed_back, "feedback", cadre_user),
                Step(Problem.Status.CLOSED, closed, "close", org, "经回访，问题已办结。"),
            ],
        )
        plan.reached = max(i for i, step in enumerate(plan.steps) if step.at <= self.now)
        if plan.status == Problem.Status.CLOSED and rng.random() < 0.06:
            plan.truncate_to(Problem.Status.FED_BACK)  # fed back, not yet closed
        return plan

    def cover_every_status(self, rng, plans: list[ProblemPlan]) -> None:
        """Make sure the demo shows every step: each status somewhere, a transferred and an
        accepted problem in the demo head's inbox, an answer waiting for the demo cadre's
        feedback, and one grassroots union that was not satisfied."""
        transfers = [p for p in plans if p.department is not None]
        used: set[int] = set()
        order = list(Problem.Status)

        def ensure(status, candidates):
            if any(p.status == status for p in candidates):
                return
            later = [
                p
                for p in candidates
                if id(p) not in used and order.index(p.status) > order.index(status)
            ]
            if later:  # the most recent one, so it is not long overdue
                plan = max(later, key=lambda p: p.steps[0].at)
                plan.truncate_to(status)
                used.add(id(plan))

        settled = [p for p in transfers if p.reached_at_least(Problem.Status.FED_BACK)]
        if settled:
            unhappy = rng.choice(settled)
            unhappy.truncate_to(Problem.Status.FED_BACK)
            unhappy.satisfaction = Problem.Satisfaction.UNSATISFIED
            used.add(id(unhappy))

        head = self.demo.get("head")
        if head is not None:
            inbox = [p for p in transfers if p.department.pk == head.department_id]
            ensure(Problem.Status.TRANSFERRED, inbox)
            ensure(Problem.Status.ACCEPTED, inbox)
        if "cadre" in self.demo:
            ensure(
                Problem.Status.ANSWERED,
                [p for p in transfers if p.record.cadre == self.demo["cadre"]],
            )
        for status in (
            Problem.Status.RAISED,
            Problem.Status.TRANSFERRED,
            Problem.Status.ACCEPTED,
            Problem.Status.ANSWERED,
            Problem.Status.FED_BACK,
        ):
            ensure(status, transfers)

    def create_problems(self, plans: list[ProblemPlan]) -> None:
        problems = []
        for plan in plans:
            reached = plan.reached
            step = plan.steps[reached]
            transferred = plan.department is not None and reached >= 1
            answered = transferred and reached >= 3
            fed_back = transferred and reached >= 4
            problem = Problem(
                record=plan.record,
                description=plan.template.description,
                category=plan.template.category,
                resolution=(
                    Problem.Resolution.TRANSFER
                    if plan.department is not None
                    else Problem.Resolution.ON_SPOT
                ),
                action_on_spot="" if plan.department else plan.template.on_spot,
                department=plan.department if transferred else None,
                leader=plan.leader if transferred else None,
                urgent=plan.urgent,
                deadline=plan.deadline if transferred else None,
                answer=plan.template.answer if answered else "",
                answered_at=plan.steps[3].at if answered else None,
                answered_by=plan.answered_by if answered else None,
                feedback_on=timezone.localtime(plan.steps[4].at).date() if fed_back else None,
                feedback_method=plan.feedback_method if fed_back else "",
                feedback_by=plan.record.cadre if fed_back else None,
                satisfaction=plan.satisfaction if fed_back else "",
                status=step.status,
                created_at=plan.steps[0].at,
                updated_at=step.at,
            )
            problem._history_date, problem._history_user = step.at, step.actor
            problems.append(problem)
        with stamps_as_given(*_fields(Problem, "created_at", "updated_at")):
            bulk_create_with_history(problems, Problem)

        events = []
        for plan, problem in zip(plans, problems, strict=True):
            for i, step in enumerate(plan.steps[: plan.reached + 1]):
                note = step.note
                if step.action == "feedback":
                    note = (
                        f"以{FEEDBACK_METHOD_WORDS[plan.feedback_method]}方式向基层反馈答复，"
                        f"基层表示{SATISFACTION_WORDS[plan.satisfaction]}。"
                    )
                events.append(
                    ProblemEvent(
                        problem=problem,
                        actor=step.actor,
                        at=step.at,
                        action=step.action,
                        from_status=plan.steps[i - 1].status if i else "",
                        to_status=step.status,
                        note=note,
                    )
                )
        with stamps_as_given(*_fields(ProblemEvent, "at")):
            ProblemEvent.objects.bulk_create(events)
        self.summary.created["problems"] += len(problems)
        self.summary.created["events"] += len(events)

    # --- Quarterly meetings (季度例会) --------------------------------------------------------

    def seed_meetings(self, cadres: list[Cadre]) -> None:
        chair = cadres[0]
        attendees = [c for c in cadres if c.is_leader or c.department.name == ORGANIZATION]
        existing = set(
            QuarterlyMeeting.objects.filter(year__in=self.years).values_list("year", "quarter")
        )
        for year in self.years:
            for quarter in range(1, 5):
                quarter_end = datetime.date(year, quarter * 3, 1) + datetime.timedelta(days=31)
                quarter_end = quarter_end.replace(day=1) - datetime.timedelta(days=1)
                if quarter_end >= self.today or (year, quarter) in existing:
                    continue
                meeting = QuarterlyMeeting.objects.create(
                    year=year,
                    quarter=quarter,
                    date=self.on_or_before(datetime.date(year, quarter * 3, 25)),
                    other_attendees="街道总工会、基层工会代表3名",
                    minutes=self.minutes(year, quarter, quarter_end, chair),
                    created_by=self.org_user,
                )
                meeting.attendees.add(*attendees)
                self.summary.created["meetings"] += 1

    def minutes(self, year: int, quarter: int, last: datetime.date, chair: Cadre) -> str:
        first = datetime.date(year, quarter * 3 - 2, 1)
        records = VisitRecord.objects.filter(
            start_date__range=(first, last), status=VisitRecord.Status.FILED
        ).aggregate(count=Count("pk"), days=Sum("days"))
        problems = Problem.objects.filter(record__start_date__range=(first, last)).aggregate(
            count=Count("pk"),
            on_spot=Count("pk", filter=Q(resolution=Problem.Resolution.ON_SPOT)),
            transfer=Count("pk", filter=Q(resolution=Problem.Resolution.TRANSFER)),
        )
        return (
            f"{year}年第{quarter}季度联系基层工作例会，{chair.name}同志主持。"
            f"会议通报了本季度机关干部联系基层情况：备案工作记录单{records['count']}份，"
            f"累计联系{records['days'] or 0}个工作日；基层反映问题{problems['count']}个，"
            f"其中现场解决{problems['on_spot']}个，移交相关部室办理{problems['transfer']}个。"
            "会议逐一研究了移交问题的办理情况，要求各部室在规定时限内答复并及时向基层反馈；"
            "对联系天数进度滞后的干部，由所在部室督促落实。"
        )


def _sector(name: str) -> str:
    if "社区工会联合会" in name:
        return "community"
    if any(word in name for word in ("医院", "卫生", "保健", "疾病预防")):
        return "health"
    if "机关工会" in name or name.startswith("北京市西城区"):
        return "agency"
    if "楼宇" in name or "商圈" in name:
        return "building"
    return "enterprise"
