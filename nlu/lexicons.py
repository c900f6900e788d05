"""Small word lists that tell apart what character models confuse: plain Vietnamese, romanised Korean and Nepali, Cyrillic Uzbek."""

from __future__ import annotations

# Vietnamese syllables as typed without diacritics. English words such as "the", "an", "to" are
# left out on purpose so an English sentence is not taken for Vietnamese.
VIETNAMESE_PLAIN = frozenset(
    """
    toi khong ko dc duoc phai lam sao nao dau giup viec luong nguoi nuoc ngoai tieng benh vien xin
    chao cam minh dang ky bi mat cu tru gi cua thi roi chua bao hiem nhieu thue nha chu cong ty
    tien hoc oi anh chi em muon biet hoi giay thu tuc lai bay gio ngay thang nam co la va den di ve
    cho voi nhu han quoc doi gia dinh trung tam so dien thoai gap duong xe buyt kham thuoc lao dong
    tra tre con truong ket hon vo chong dia chuyen ai nay kia khi gium dum vay nhe mik mk k cung
    chung nhan
    """.split()
)

# Common romanised Korean words (Revised Romanisation and chat spellings).
KOREAN_ROMAN = frozenset(
    """
    annyeong annyeonghaseyo anyong annyong eotteoke eottoke otoke eodi eodiseo eodieyo haeyo
    hamnida juseyo jusaeyo gamsahamnida gomawo gomawoyo kamsahamnida oegugin wegugin deungnok
    deungnokjeung isseoyo isseyo eopseoyo mwo mwoyeyo nae jeo sajangnim wolgeup bohom boheom
    geongangboheom jumin senteo hanguk hangugeo
    """.split()
)

# Common romanised Nepali words.
NEPALI_ROMAN = frozenset(
    """
    mero garne kasari cha chha ho ma lai harayo kaha kata kun paisa kaam malai tapai tapain
    namaste dhanyabad dhanyawad ke garnu parcha parchha sakincha sakinchha bhayo hunchha huncha
    chaincha chahincha chahiyo kina kaile kati ramro sahayog garnuhos bhanu gadi tirne bharna kahile
    kasle jityo hijo banaune tarika aaja bholi ahile pani ni hajur dai didi bahini bhai sathi ghar
    kotha bhada talab tala jagir kam sahu malik pathaunu pathaune bhanna bhannus sodhna
    sodhnu thaha chhaina chaina chhan chan thiyo thiye garyo garchu garchhu garera gareko bhayeko
    lagi lai bata dekhi samma sanga hamro timro mero tapaiko kosailai kasaile kaslai kata katha
    kasto khana pasal aspatal dawai bimā bima bhisa nagarikta lekh padhne sikne bhasa kura
    """.split()
)

# Frequent Uzbek words in Cyrillic that Russian does not use (for messages without ў қ ғ ҳ).
UZBEK_CYRILLIC_WORDS = frozenset(
    """
    салом рахмат раҳмат мен сен биз сиз керак қандай кандай қаерда каерда қаерга каерга нима
    учун билан бор йўқ йук ёрдам ердам беринг иш ишхона пул ойлик шифохона рўйхатдан руйхатдан
    ўтиш утиш ҳужжат хужжат карта йўқотдим йукотдим бўлади булади қилиш килиш менга сизга
    """.split()
)
