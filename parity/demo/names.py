"""Words the demo city is written with: surnames, given-name characters, occupations by
industry section (GB/T 4754) and employers' name endings."""

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
)
MALE_GIVEN = "伟强磊军洋勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林阳亮成建志国峰"
FEMALE_GIVEN = "芳娜敏静丽艳娟霞秀英慧玲桂兰萍红梅琳雪倩婷燕丹颖佳欣悦怡洁琴云莉晶璐璇"

# Industry sections outside services (A-E), for the workers who are not in F-T.
OTHER_INDUSTRIES = ("B", "C", "C", "D", "E", "E", "A")
OCCUPATIONS = {
    "A": "农业工人",
    "B": "矿工",
    "C": "车间工人",
    "D": "电工",
    "E": "建筑工人",
    "F": "销售员",
    "G": "货车司机",
    "H": "厨师",
    "I": "程序员",
    "J": "柜员",
    "K": "物业管理员",
    "L": "业务员",
    "M": "技术员",
    "N": "保洁员",
    "O": "维修工",
    "P": "教师",
    "Q": "护士",
    "R": "文员",
    "S": "办事员",
    "T": "职员",
}
EMPLOYERS = ("商贸有限公司", "餐饮管理有限公司", "物流有限公司", "建筑工程有限公司", "钢铁公司")
