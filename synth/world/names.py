"""Chinese personal names, road names and unit names (vectorised draws).

The surname table follows the 2020 census ranking, re-weighted towards Hunan (刘 李 陈 王
张 罗 彭 曾 周 胡 ...), and keeps rare surnames whose reading trips up matchers: 单 (Shàn),
曾 (Zēng), 解 (Xiè), 仇 (Qiú), 区 (Ōu), 查 (Zhā), 朴, 覃, and compound surnames 欧阳 司马 诸葛 上官.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

_SURNAMES = """
刘 6.0 李 6.5 陈 5.6 王 5.2 张 5.0 罗 2.8 彭 2.4 曾 2.3 周 2.3 胡 2.2 黄 2.2 杨 2.3 谭 1.6 邓 1.6
唐 1.6 吴 1.5 赵 1.4 肖 1.4 蒋 1.2 何 1.3 龚 1.0 易 1.0 谢 1.2 文 0.9 夏 0.9 郭 1.0 朱 1.1 徐 1.0
孙 0.9 马 0.8 高 0.9 林 0.8 贺 0.8 符 0.5 汤 0.7 姚 0.6 熊 0.7 颜 0.5 钟 0.6 蔡 0.5 卢 0.6 邹 0.7
廖 0.7 丁 0.5 任 0.5 袁 0.6 段 0.5 戴 0.6 范 0.5 方 0.5 石 0.5 余 0.5 宋 0.5 姜 0.4 秦 0.4 伍 0.5
左 0.4 向 0.5 卜 0.2 莫 0.4 雷 0.5 侯 0.3
单 0.15 解 0.08 仇 0.08 区 0.04 查 0.06 朴 0.03 覃 0.15 盖 0.04 尉 0.03 乐 0.05 员 0.02 繁 0.01
欧阳 0.25 司马 0.03 诸葛 0.02 上官 0.03 皇甫 0.02
"""

_GIVEN_M = list("伟强磊军洋勇杰涛斌超明辉鹏华飞刚平波宇浩俊峰建志国文博轩睿宏鑫晨阳亮龙兵")
_GIVEN_F = list("芳娜敏静丽艳娟霞秀英玲燕红萍婷雪琳慧颖洁倩梅莉晶兰琴蓉欣怡佳月萱雨梦")
_GIVEN_ANY = list("子思一家小春秋德永新海林云清")


def _surname_table() -> tuple[np.ndarray, np.ndarray]:
    toks = _SURNAMES.split()
    names, weights = [], []
    for a, b in zip(toks[0::2], toks[1::2], strict=True):
        if a.isascii():
            continue
        names.append(a)
        weights.append(float(b))
    w = np.array(weights)
    return np.array(names), w / w.sum()


SURNAMES, SURNAME_P = _surname_table()


def person_names(rng: np.random.Generator, is_male: np.ndarray) -> np.ndarray:
    """Draw full names: surname by frequency, 1-2 given characters by sex (70 % two)."""
    n = len(is_male)
    sur = SURNAMES[rng.choice(len(SURNAMES), n, p=SURNAME_P)]
    m, f, a = np.array(_GIVEN_M), np.array(_GIVEN_F), np.array(_GIVEN_ANY)
    g1 = np.where(is_male, m[rng.integers(0, len(m), n)], f[rng.integers(0, len(f), n)])
    g0_pool = np.where(rng.random(n) < 0.5, a[rng.integers(0, len(a), n)],
                       np.where(is_male, m[rng.integers(0, len(m), n)],
                                f[rng.integers(0, len(f), n)]))
    two = rng.random(n) < 0.7
    given = np.where(two, np.char.add(g0_pool, g1), g1)
    return np.char.add(sur, given)


_ROAD_STEMS = ["康富", "桃花仑", "龙岭", "金花湖", "银城", "迎宾", "梓山", "会龙", "团圆", "长春", "朝阳", "人民", "建设", "解放", "五一", "新华", "光明", "幸福", "和平", "学门口", "白马山", "秀峰", "资江", "志溪", "鹅羊池", "马良", "大海塘", "碧云峰", "赫山", "沧水铺", "兰溪", "茈湖口", "泉交河", "衡龙", "新市渡", "长春", "甘溪", "张家塞", "迎风桥", "新桥河", "清溪", "芙蓉", "秀山", "云树", "桥北", "花亭湖", "梅城", "东坪", "烟溪", "马迹塘", "修山", "灰山港", "南洲", "茅草街", "草尾", "琼湖", "胭脂湖", "黄茅洲", "阳罗", "万子湖", "益阳", "金山", "枫林", "紫竹", "青龙", "凤凰", "翠竹", "荷塘", "望城", "锦江", "文昌", "兴业", "高新", "东部", "金银山", "贺家桥", "石码头", "三益", "羞山", "天子坟", "李昌港", "泥江口", "松木塘", "高明", "牛田", "东升", "仙峰", "丰收", "双龙", "汉寿", "陆贾", "秀林"]
_ROAD_SUFFIX_ARTERIAL = np.array(["大道", "路", "大道", "路"])
_ROAD_SUFFIX_LOCAL = np.array(["路", "路", "路", "街", "巷"])
_DIRECTION_MODS = ["东", "西", "南", "北", "中"]
_ORDINALS = ["二", "三", "四", "五", "六", "七", "八", "九", "十"]


def road_name_parts(rng: np.random.Generator, kind: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(stem, suffix) of Chinese road names by kind: arterial 大道/路, secondary and local
    路/街/巷, rural 'XY线' (two place initials)."""
    n = len(kind)
    stems = np.array(_ROAD_STEMS)
    s = stems[rng.integers(0, len(stems), n)]
    suf_a = _ROAD_SUFFIX_ARTERIAL[rng.integers(0, len(_ROAD_SUFFIX_ARTERIAL), n)]
    suf_l = _ROAD_SUFFIX_LOCAL[rng.integers(0, len(_ROAD_SUFFIX_LOCAL), n)]
    s2 = stems[rng.integers(0, len(stems), n)]
    first = np.array([x[:1] for x in s.tolist()], dtype="<U1")
    second = np.array([x[:1] for x in s2.tolist()], dtype="<U1")
    rural = kind == "rural"
    stem = np.where(rural, np.char.add(first, second), s)
    suffix = np.where(kind == "arterial", suf_a, np.where(rural, "线", suf_l))
    return stem, suffix


def unique_road_names(stem: np.ndarray, suffix: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Join stem + suffix, making names unique within each group (county): repeats become
    康富东路, 康富西路 ... then 康富二路 ...; rural 益马二线 ..."""
    base = pd.Series(np.char.add(stem, suffix))
    k = base.groupby([pd.Series(group), base]).cumcount().to_numpy()
    mods = np.array([""] + _DIRECTION_MODS + _ORDINALS)
    rural = suffix == "线"
    idx_u = np.minimum(k, len(mods) - 1)
    idx_r = np.where(k == 0, 0, np.minimum(len(_DIRECTION_MODS) + k, len(mods) - 1))
    mod = mods[np.where(rural, idx_r, idx_u)]
    out = np.char.add(np.char.add(stem, mod), suffix)
    # anything still repeated (more than 15 namesakes) gets a running number
    s = pd.Series(out)
    k2 = s.groupby([pd.Series(group), s]).cumcount().to_numpy()
    return np.where(k2 > 0, np.char.add(np.char.add(stem, (k2 + 10).astype(str)), suffix), out)


def road_names(rng: np.random.Generator, kind: np.ndarray) -> np.ndarray:
    """Road names by kind (not deduplicated; see :func:`unique_road_names`)."""
    stem, suffix = road_name_parts(rng, kind)
    return np.char.add(stem, suffix)


_UNIT_WORDS = ["鑫盛", "恒通", "宏达", "兴旺", "金源", "华信", "福瑞", "永安", "天成", "德润", "顺发", "锦华", "益康", "资兴", "银城", "湘益", "梓晟", "嘉禾", "隆昌", "富民", "和美", "聚源", "万家", "新星", "长青", "红叶", "明珠", "东方", "利民", "安康", "百汇", "星河", "绿野", "蓝天", "龙腾", "博雅"]

UNIT_NAME_FORMS: dict[str, list[str]] = {
    "company_制造": ["{p}{w}机械制造有限公司", "{p}{w}竹业有限公司", "{p}{w}电子有限公司"],
    "company_商贸": ["{p}{w}贸易有限公司", "{p}{w}商贸有限公司", "{p}{w}建材有限公司"],
    "company_建筑": ["{p}{w}建筑工程有限公司", "{p}{w}建设有限公司"],
    "company_物流": ["{p}{w}物流有限公司", "{p}{w}运输有限公司"],
    "company_科技": ["{p}{w}科技有限公司", "{p}{w}网络科技有限公司"],
    "company_农业": ["{p}{w}茶业有限公司", "{p}{w}农业开发有限公司", "{p}{w}食品有限公司"],
    "three_small_小餐馆": ["{w}小吃", "{w}快餐店", "{w}米粉店", "{w}餐馆", "{w}烧烤"],
    "three_small_小商店": ["{w}便利店", "{w}超市", "{w}五金店", "{w}副食店", "{w}烟酒店"],
    "three_small_小旅馆": ["{w}旅社", "{w}招待所", "{w}宾馆"],
    "bar_ktv_网吧": ["{w}网咖", "{w}网吧", "{w}电竞馆"],
    "bar_ktv_KTV": ["{w}KTV", "{w}量贩式KTV", "{w}歌城"],
    "bar_ktv_酒吧": ["{w}酒吧", "{w}清吧", "{w}音乐酒吧"],
    "school_小学": ["{p}{w}小学", "{p}第{n}小学"],
    "school_初中": ["{p}第{n}中学", "{p}{w}中学"],
    "school_高中": ["{p}第{n}高级中学", "{p}{w}实验高级中学"],
    "school_幼儿园": ["{p}{w}幼儿园", "{p}第{n}幼儿园"],
    "hospital_综合医院": ["{p}人民医院", "{p}中医医院", "{p}妇幼保健院", "{p}第{n}人民医院"],
    "hospital_社区卫生服务中心": ["{p}{w}社区卫生服务中心"],
    "hospital_诊所": ["{w}诊所", "{w}口腔诊所", "{w}中医诊所"],
    "hospital_卫生院": ["{p}{w}卫生院"],
    "hazmat_firm_加油站": ["中国石化{p}{w}加油站", "中国石油{p}{w}加油站"],
    "hazmat_firm_化工": ["{p}{w}化工有限公司"],
    "hazmat_firm_燃气": ["{p}{w}燃气有限公司"],
    "hazmat_firm_危险品运输": ["{p}{w}危险品运输有限公司"],
    "hotel_酒店": ["{w}大酒店", "{w}国际酒店"],
    "hotel_宾馆": ["{w}宾馆", "{w}商务宾馆"],
    "hotel_快捷酒店": ["{w}快捷酒店", "{w}精品酒店"],
}

_CN_NUM = list("一二三四五六七八九") + ["十", "十一", "十二"]


def unit_names(rng: np.random.Generator, form_key: np.ndarray, place: np.ndarray) -> np.ndarray:
    """Unit names from a form key (kind or '三小_小餐馆'...) and a place prefix (county name)."""
    n = len(form_key)
    out = np.empty(n, dtype=object)
    words = np.array(_UNIT_WORDS)
    w = words[rng.integers(0, len(words), n)]
    num = np.array(_CN_NUM)[rng.integers(0, len(_CN_NUM), n)]
    pick = rng.random(n)
    for key in np.unique(form_key):
        m = form_key == key
        forms = UNIT_NAME_FORMS[str(key)]
        idx = (pick[m] * len(forms)).astype(int)
        f = np.array(forms)[idx]
        out[m] = [fm.format(p=p, w=ww, n=nn) for fm, p, ww, nn in
                  zip(f.tolist(), place[m].tolist(), w[m].tolist(), num[m].tolist(),
                      strict=True)]
    return out.astype(str)
