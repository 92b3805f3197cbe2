"""The demo federation's names and texts: departments, positions, streets, unions, questions,
needs and problems, in the federation's own words."""

import datetime
import random
import unicodedata
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field

from records.models import Problem, VisitRecord
from unions.models import Cadre, Department, Street
from unions.validators import credit_code_complete

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


def cn_date(day: datetime.date) -> str:
    return f"{day.month}月{day.day}日"


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))


def credit_code(rng: random.Random) -> str:
    """A unified social credit code of a union of Xicheng: 8 (registered by a trade union),
    1 (a grassroots union), 110102 (Xicheng District), an organization code of 8 digits and
    its check character (GB 11714), the code's check character."""
    return credit_code_complete("81110102" + "".join(rng.choice("0123456789") for _ in range(8)))


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


def model_fields(model, *names):
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
