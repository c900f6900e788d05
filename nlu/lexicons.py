"""Small word lists and endings that tell apart what character models confuse in Latin and Cyrillic chat."""

from __future__ import annotations

import re


def _words(block: str) -> frozenset[str]:
    return frozenset(block.split())


# Frequent English function and chat words. They are votes against the romanised lists, so an English
# sentence is not taken for Vietnamese or Nepali because of "to", "an" or "ma", nor for Vietnamese typed
# in Telex because of a word with its marks (keeps, meets, down, soon). Then the frequent verbs, adjectives
# and adverbs of everyday questions (buy, cook, say, cheap, near, usually...) that other languages' chat seldom
# borrows: the character model took short English questions made of them for Uzbek ("send parcel to ... price").
ENGLISH_COMMON = _words(
    """
    the a an and or but if so to of in on at by for from with without about into over under after before
    i me my mine myself we us our you your yours he him his she her it its they them their this that these
    those there here what which who whom whose when where why how is am are was were be been being do does
    did done doing have has had having can could will would shall should may might must not no yes dont
    didnt doesnt isnt cant wont im ive id its whats wheres hows thats there's i'm don't can't won't isn't
    doesn't didn't please thanks thank thx hi hello hey any some all more most much many very also
    just only still already again need want get got give go going went come know tell ask help find
    make pay work working where's anyone someone something anything
    one two three today tomorrow yesterday week month year now then than too pls plz u r ur bye good
    morning night evening afternoon sorry hii hiya gm ty tysm tks thnx pls day days
    see soon keep keeps meet meets down own away
    buy bought sell sold cook say said says mean means use used using bring brought take taken took put stop
    start started live living stay staying move moved moving opened close closing cost costs cheap cheaper
    cheapest expensive near nearby best better great bad new old big small little short late early right wrong
    sure fast slow easy hard possible safe usually really maybe never always ever often every each other another
    same different enough next last first second around between through during until since while because though
    although like likes liked look looking saw seen watch watching read write writing wrote speak speaking spoke
    talk talking learn learning study studying teach understand think thought feel feeling felt try trying tried
    let leave left wait waiting happen happened happens show told asked asking paid paying getting gets coming
    came goes taking making made done having found finding losing kept hold drink eat eating sleep sleeping walk
    drive driving ride playing play plays win won lose hurt hurts broke broken sick allowed able anywhere
    everywhere somewhere nowhere everyone everybody nobody nothing everything yet ago later else either both few
    less seem become begin turn hear run believe provide sit stand include continue set lead follow create
    allow add spend grow offer remember love consider appear serve die expect build fall cut reach kill remain
    suggest raise require decide pull recommend explain meaning difference high large young important real
    full clear recent certain personal strong whole ready simple nice happy cold worth funny boring scary
    actually probably anyway instead almost quite rather pretty kinda gonna wanna gotta lemme rn bc cuz coz
    thing things life world kind others lot lots guy guys girl
    """
)

# The topics people ask the bot about, in English, everyday nouns, and the verbs and adjectives that are
# borrowed with them ("apply garne", "book vé", "free"). Nepali, Vietnamese and Uzbek chat borrows such words
# ("mero salary aayena"), so each is a weak vote, and none counts against romanised Nepali; alone ("tax",
# "hotline") it still outweighs the character model, which takes many short English nouns for Uzbek.
ENGLISH_TOPIC = _words(
    """
    salary wage wages payslip overtime severance pension boss employer job jobs landlord tax taxes fine
    fines penalty trash garbage rubbish recycling translator translation interpreter hotline helpline
    harassment wife husband child children kid kids daughter son baby insurance dormitory deposit
    shelter ambulance injury injured accident divorce marriage married wedding daycare kindergarten
    licence license registration address renewal extension discrimination racism counselling counseling
    train subway station supervisor manager coworker layoff fired
    center centre office card phone number hours open closed lost bus stop room rooms door law laws
    price prices food restaurant shop shops store market parcel package delivery order money cash account
    accounts doctor doctors dentist hospital clinic medicine pharmacy school university student students
    teacher class classes lesson lessons test exam certificate form forms document documents paper papers
    application appointment passport contract company factory car cars taxi ticket tickets flight airport
    weather rain snow umbrella game match team football soccer movie movies music songs joke jokes friend
    friends family parents mother father people person woman women home house apartment water rice meat
    chicken gym pool park church mosque temple holiday holidays weekend weekends time hour minute minutes
    way problem problems question questions answer word words language english country city town area
    street road place places website fee fees rent bill bills letter mail post refund receipt checkup
    surgery vaccination benefit benefits
    send sent sending call called calling change changed apply applied applying register registered book
    booked cancel sign signed renew extend extended visit visiting join joined receive received return
    returned renting free translate report pass group system program government point story fact eye
    business issue side head service power line end member community name president idea body information
    back parent face level health art war history party result reason research moment air force education
    case part hand state
    """
)

# Vietnamese syllables as typed without diacritics, and chat shorthands (e: em, r: rồi, j: gì,
# z: vậy, no: nợ). English words such as "the", "an", "to" are left out on purpose; syllables that
# are also English words are in both lists and so split their vote. The last lines are frequent
# syllables the first ones lacked (ở, trên, dưới, trong, theo, bằng, sẽ, để, dùng, rất, nhất, tốt...);
# those romanised Nepali owns (dai, ta, xa, chan, chau) are left to it.
VIETNAMESE_PLAIN = _words(
    """
    toi khong ko kh hong dc duoc phai lam sao nao dau giup viec luong nguoi nuoc ngoai tieng benh vien
    xin chao cam minh dang ky bi mat cu tru gi cua thi roi chua bao hiem nhieu thue nha chu cong ty cty
    tien hoc oi anh chi em muon biet hoi giay thu tuc lai bay gio ngay thang nam co la va den di ve
    cho voi nhu han quoc doi gia dinh trung tam so dien thoai gap duong xe buyt kham thuoc lao dong
    tra tre con truong ket hon vo chong dia chuyen ai nay kia khi gium dum vay nhe mik mk k cung
    chung nhan ban bn ah a ak uh u vs vk ck ng nhung cac mot hai ba bon sau bay tam chin muoi tram
    nghin trieu ngan het han gia dat re mac qua lon nho moi cuoi dau tuan sang chieu toi dem hom
    nay mai qua kia sap vua xong nua luon hay hoac neu thi vi nen tai sao the nao bao nhieu may ma
    nhe nha ha he hen day do kia ay biet hieu noi viet nam tieng han quoc phien dich nguoi
    giam doc chu quan ly sep ong ba co chu bac ho chieu thi thuc the ngan hang tai khoan gui rut
    chuyen khoan dien nuoc ga rac phan loai nhan vien cong nhan xuong nha may lam them tang ca nghi
    phep om dau sot thuoc kham rang mat tai mui hong cap cuu canh sat bao luc danh dap so hai lo lang
    hoc tieng lop khoa mien phi tre em be con trai gai vo chong me bo gia dinh da van hoa trung tam
    ho tro tu van dang ky ket hon ly hon quoc tich thuong tru gia han ra vao duoc khong a ak nhi nhe
    chua xem tim hieu huong dan cach thu tuc ho so giay to can gi them alo camon ntn trc
    e r j z no bjo lm mun bit bik hok wa sdt ms cx dk nc
    o tren duoi trong truoc giua ben gan theo bang tu cau tao tui ta se de dung mo mua lay goi nghe thay thich
    quen gioi kieu rat nhat kha tot xau dep ngon kho nhanh cham cao thap nong lanh manh yeu vui buon met
    com pho banh uong ngu choi phong phut trua thoi tiet tuyet nang mang cuoc cai coc hop tin tran tuyen
    bong thua dua ghet nghiep suc khoe cum si te tau xom
    """
)

# Common romanised Korean words (Revised Romanisation, McCune-Reischauer-ish and chat spellings).
KOREAN_ROMAN = _words(
    """
    annyeong annyeonghaseyo anyong annyong annyonghaseyo eotteoke eottoke otoke eotteohge eottokhe
    eodi eodiseo eodie eodieyo eodiya haeyo hamnida juseyo jusaeyo jusyeo gamsahamnida gomawo gomawoyo
    gomapseumnida kamsahamnida kamsahamida gamsahamida oegugin wegugin deungnok deungnokjeung isseoyo isseyo isseumnida
    eopseoyo eopseo mwo mwoyeyo mwoya museun wae eonje eolma eolmayeyo molla mollayo arasseo araseo
    aniyo gwaenchanayo gwenchana gwaenchana jeoneun naneun urineun hangugeo hangukmal hanguk saram
    sajangnim sajang hoesa wolgeup toejikgeum bohom boheom geongangboheom byeongwon yakguk gyeongchal
    pyeonuijeom chingu jigeum oneul naeil eoje dwaeyo doeyo dwae sipeoyo sipeo halsu imnida ieyo
    sillyehamnida joesonghamnida mianhamnida mianhae ajumma ajeossi eonni unni oppa hyeong nuna
    jumin senteo bija chulipguk sinchung singo sseoyo haejuseyo dowajuseyo dowa juseyo gayo gaseyo
    """
)

# The romanised Korean nouns of the lists above that every language's chat borrows ("jumin deungnok how",
# "jumin deungnok qayerda", "ARC ko lagi chulipguk"): like a Hangul noun, they say Korean only with a
# Korean predicate or question word beside them, and count half otherwise.
KOREAN_ROMAN_TERMS = _words(
    """
    oegugin wegugin deungnok deungnokjeung hangugeo hangukmal hanguk saram sajangnim sajang hoesa wolgeup
    toejikgeum bohom boheom geongangboheom byeongwon yakguk gyeongchal pyeonuijeom chingu jumin senteo bija
    chulipguk sinchung singo
    """
)

# Common romanised Nepali words, with the chat spellings (x for chh, v for bh, k for ke); hai is the
# softening particle ("thik cha hai", "dhanyabad hai"), shared with Vietnamese hai (two).
NEPALI_ROMAN = _words(
    """
    mero malai maile hami hamro hamilai timi timro timilai tapai tapain tapaiko tapailai tapaile usko
    uslai unko unlai yesko yeslai tyo tyasko tyaslai kasko kaslai kasle kasto kasari kaha kahaa kahan
    kata kahile kaile kati kina kun ke k garne garnu garna garchu garchhu garxu garcha garchha garxa
    garera gareko garyo garnus garnuhos garnuhola gardai gardaina gardina garnuparcha garnuparchha
    garnuparxa gardinu gardinus garidinu garidinus parcha parchha parxa parne paryo pardaina pauna paune
    pauchu paincha painchha painxa paiyo paidaina dinu dinus dinuhos diyo dincha dinchha dinxa
    diyena dinna linu lina liyo lincha linchha linxa janu jana gayo jancha janchha janxa
    jaane aaunu aaune aayo aayena aucha auchha auxa basnu basne bascha baschha basxa khanu khane khayo
    bhannu bhanne bhana bhanus bhannus bhancha bhanchha bhanxa vanne vancha vanxa sodhnu sodhna sodhne
    sakchu sakchhu sakxu sakincha sakinchha sakinxa sakdina sakdaina milcha milchha milxa mildaina
    mildena chahiyo chaiyo chahincha chaincha chainchha chainxa chahinchha chaahiyo thaha thaa haraayo
    harayo haraeko haraeo bigryo bigreko dukhyo dukhcha dukhchha dukhxa lagyo lagcha lagchha lagxa
    laagyo rakhnu rakhne pathaunu pathaune pathayo kinnu kinne kinera kineko bechne tirnu tirne tiryo
    khojnu khojne khojdai bujhnu bujhina bujhena bujhchu bujhdina bolnu bolne boldina padhnu padhne
    padhna sikna sikne siknu cha chha xa chaa chaina chhaina xaina chhu chu xu chau chhau chan chhan
    ho hoina hoin huncha hunchha hunxa hudaina hunna hola holaa thiyo thie thiye bhayo vayo bhaeko
    bhayeko vako bhako bhaye vaye rahecha rahechha raixa paisa kaam kam ghar kotha bhada talab jagir
    sahu sahuji malik sathi saathi dai didi bahini bhai aama buwa baba shrimati shriman srimati sriman
    budi budo bachha chora chori chhora chhori naam thegana thau thaun sahar desh bhasa
    bhasha kura samasya dukha sahayog maddat madat sahayata jankari niyam kagaj kagajpatra aspatal
    aaspatal dawai ausadhi bima bimaa bida chhutti chutti din hapta mahina barsa barsha saal aaja aja
    bholi hijo ahile aile pahile paila pachhi pachi sadhai ramro naramro thulo sano dherai thorai
    alikati sabai arko aru pani ni ta ra ani tara hajur namaste namaskar dhanyabad dhanyawad
    dhanyabaad sanchai khusi dukhi garo sajilo sasto mahango naya nayaa purano thik thikai lai laai
    le bata dekhi samma sanga sang lagi agadi aghi bhanda jasto nira tira mathi bhitra bahira ko ma
    gadi banaune tarika bharna pathaunu manche manchhe kasaile kosailai bimā bhisa nagarikta lekh
    bhanu kahile jityo momo sodhna nagarik euta ekdam kehi kohi kasaiko hunuhuncha hunuhunchha
    dhanyavad subha prabhat sunau lekhidinu hai
    """
)

# Frequent Uzbek words in Latin script, also as typed without the o' / g' apostrophe; the same words as
# the Cyrillic list below, so neither script knows less ("kun" was a Nepali vote alone, "xop" Vietnamese).
# The last lines are pronoun and case forms, numbers, converbs (qilib, olib, kelib), time words, frequent
# adjectives and adverbs the first ones lacked; u (English, Vietnamese chat), uni (English), er (English)
# and, in Cyrillic, words Russian shares (у, она, ой, куча, завод, автобус, машина, поезд) are left out.
UZBEK_LATIN = _words(
    """
    salom assalomu alaykum rahmat raxmat men sen biz siz ular menga sizga senga menda sizda mening
    sizning nima nimaga nega qanday qanaqa qayerda qayerga qayerdan qachon qancha necha nechta nechchi
    kim qaysi kerak kerakmi uchun bilan bor bormi yo'q yoq yuq va ham lekin ammo yoki agar bu shu ana
    mana endi hozir bugun ertaga kecha yana juda ko'p kop oz yaxshi yomon ish ishxona ishxonam ishlayman
    ishlash pul maosh oylik ishchi xo'jayin xojayin hujjat xujjat viza muddat muddati pasport ro'yxat
    royxat ro'yxatdan royxatdan o'tish otish kasalxona shifoxona shifokor dori sug'urta sugurta yordam
    bering bermayapti beradi qilish qilsam qilay qilaman qildim bo'ladi boladi bo'lsa bolsa bo'lmaydi
    olish olsam olaman oldim borish boraman bordim kelish keldim keladi tili tilida koreys koreyscha
    o'zbek ozbek o'zbekcha ozbekcha o'zbekiston ozbekiston uzbekiston oila xotin xotinim erim bola
    bolam bolalar uy uyga raqam raqami manzil markaz markazi kursi dars o'qish oqish tushunmadim
    tushunmayapman bilmayman bilasizmi mumkin mumkinmi iltimos kechirasiz xayr qanaqa arzon qimmat
    xayrli soat bepul tong assalom telefon
    ishxonani o'tkazish otkazish beringlar til kartam kartamni yo'qotdim yoqotdim yo'qotib yoqotib pulimni
    tashakkur tarjimon soliq maktab maktabga boshpana turar joy chiqindi axlat farzand farzandim
    shartnoma guvohnoma guvohnomasi boshliq ishdan uyim aka uka kun yil odam savol javob tushundim mayli
    xo'p xop emas edi ekan ariza idora ijara haqi haqida to'g'risida togrisida bo'yicha boyicha keyin
    oldin zarur tibbiy kasal tushunarli bo'pti bopti qalaysiz bo'ladimi boladimi orqali tarjima
    unga uning ularga ularni meni seni sizni bizga bizni bizning o'z o'zim hamma barcha har bir ikki uch
    to'rt tort besh o'n yuz ming deb dedi degan dedim desa bo'lib bolib qilib olib berib kelib ketib borib
    vaqt vaqti hafta oy oyda tun kechqurun ertalab kunduz narsa yer joyda qayer shahar qishloq ko'cha kocha
    yo'l yol avtobus mashina poyezd bekat eng ancha biroz faqat hali allaqachon hech yangi eski katta kichik
    uzoq yaqin tez sekin oson qiyin to'g'ri togri boshqa bilaman bilasiz qilsa ishladim ishlaydi zavod puli
    pulim to'lov tolov qarz dorixona ota ona opa singil o'g'il ogil qiz do'st dost kimga kimni qiladi berish
    beraman kelaman gapiring yozish koreyada koreyaga ingliz davlat hujjatlar ruxsat o'sha osha ruscha
    ber ovqat chet ellik aholi naqd jarohat tufayli doimiy imtihon huquq huquqlari milliy inson qaynona
    """
)

# Frequent Uzbek words in Cyrillic that Russian does not use, keyed without ў қ ғ ҳ (see
# plain_uzbek_cyrillic) because many write Uzbek on a Russian keyboard: "кандай" for "қандай".
UZBEK_CYRILLIC_WORDS = _words(
    """
    салом ассалому алайкум рахмат мен сен биз сиз улар менга сизга менда менинг сизнинг нима нимага
    нега кандай канака каерда каерга каердан качон канча неча нечта ким кайси керак керакми учун билан
    бор борми йук йок ва хам лекин ёки агар бу шу энди хозир бугун эртага кеча яна жуда куп яхши ёмон
    иш ишхона ишхонани ишлайман ишлаш пул маош ойлик ишчи хужайин хужжат муддат муддати руйхат руйхатдан
    утиш утказиш касалхона шифохона шифокор дори сугурта ёрдам беринг беринглар беради бермаяпти килиш
    килсам килай киламан килдим булади булса булмайди олиш олсам оламан олдим бориш бораман келдим
    келади тил тили тилида корейс корейсча узбек узбекча узбекистон оила хотин хотиним эрим бола болам
    болалар уй ракам раками манзил марказ маркази дарс укиш тушунмадим билмайман мумкин мумкинми
    илтимос кечирасиз хайр картам картамни йукотдим йукотиб пулимни хайрли тонг соат бепул ташаккур
    таржимон солик мактаб мактабга бошпана турар жой чикинди ахлат фарзанд фарзандим шартнома
    гувохнома гувохномаси бошлик ишдан уйим ака ука кун йил одам савол жавоб тушундим майли хоп эмас
    эди экан ариза идора ижара хаки хакида тугрисида буйича кейин олдин зарур тиббий
    арзон киммат уйга тушунмаяпман биласизми касал тушунарли бопти калайсиз буладими оркали таржима
    унга унинг уларга уларни мени сени сизни бизга бизни бизнинг уз узим хамма барча хар бир икки уч турт
    беш ун юз минг деб деди деган дедим деса булиб килиб олиб бериб келиб кетиб бориб вакт вакти хафта ойда
    тун кечкурун эрталаб кундуз нарса ер жойда каер шахар кишлок йул бекат энг анча бироз факат хали
    аллакачон хеч янги эски катта кичик узок якин тез секин осон кийин тугри бошка биламан биласиз килса
    ишладим ишлайди тулов карз дорихона ота опа сингил угил киз дуст кимга кимни килади бериш бераман
    келаман гапиринг ёзиш кореяда кореяга инглиз давлат хужжатлар рухсат уша русча
    аммо ана ассалом бупти бордим ишхонам келиш курси неччи сенга сизда пулим хуп бер овкат
    чет эллик ахоли накд жарохат туфайли доимий имтихон хукук хукуклари миллий инсон кайнона
    """
)

# Frequent Russian words, the Cyrillic counterweight to the Uzbek list, with the chat replies (ладно,
# понятно, ага) that answer "хоп" or "рахмат" from people who write Russian with Uzbek courtesies.
RUSSIAN_COMMON = _words(
    """
    и в во не на я ты он она мы вы они что как где куда когда почему зачем сколько кто это этот эта
    эти мне меня мой моя мои моё у с со по за для от до из о об к же ли бы а но или если чтобы можно
    нужно надо нет да есть был была было быть будет очень уже ещё еще тоже здравствуйте привет спасибо
    пожалуйста помогите хочу могу может делать сделать получить работаю работу
    зарплату больницу корее корейский язык языке подскажите скажите
    какие какой какая нам нас вам вас его её ее их всё все сейчас потом здесь там тут много мало
    без при через после про под над перед около только даже вот ну так такой который свой
    ладно хорошо понял поняла понятно ясно ага давай нормально конечно извините спс
    """
)

# Russian nouns that Uzbek chat borrows as they are ("работа борми", "помощь керак", "зарплата йук"):
# half a Russian vote, as an Uzbek word ending or grammar word outweighs them. Their Russian case
# forms (работу, зарплату, больницу) are Russian grammar and stay in the list above.
RUSSIAN_LOANS = _words("работа зарплата врач больница документы документ помощь корея")

# Russian endings no Uzbek word has: adjective and pronoun endings (-ого, -ому, -ая, -ое, -ой, -ей),
# reflexive -ся, present -ает/-яет/-ует/-ают, verbal nouns -ние/-ния. A weak vote, as Uzbek endings are.
RUSSIAN_ENDINGS = re.compile(
    r"\w{2,}(?:ого|его|ому|ему|ая|яя|ое|ее|ой|ей|ся|[аеуя]ет|[аеуя]ют|ни[еяюи])"
)

# Endings that mark a word as one language when it is in none of the lists above (weaker votes).
ENDINGS: dict[str, re.Pattern[str]] = {
    "ne": re.compile(
        r"\w{2,}(?:chh?a|chh?u|chh?au|chh?an|x[au]|nchh?a|nxa|nuhos|nuhuncha|nupar(?:ch?h?a|xa)|daina|"
        r"dainx?a|dina|dinus|ainus|idinu|eko|yeko|aeko|aune|aunu|aayo|iyo|yena|lai|laai|\wko)$"
    ),
    "ko": re.compile(r"\w{2,}(?:eoyo|seyo|nida|haeyo|hae|jwo|kkayo|ieyo|yeyo|neyo|deyo|geyo|eumyeon)$"),
    "uz": re.compile(
        r"\w{2,}(?:moqchi\w*|mokchi\w*|yapti\w*|yapman|yapsiz|ingiz|ingizni|larni|larga|lardan|larim\w*|"
        r"lari(?:ga|ni|da|dan|ning)|"
        r"dagi|dimi|ganman|ishni|ishga|sizmi|manmi|misiz|"
        r"(?<![crfl])ib)$"  # the converb -ib ("aytib ber", "yozib"), not English crib, rib, fib, lib
    ),
    "uz-Cyrl": re.compile(
        r"\w{3,}дан|\w{2,}(?:мокчи\w*|япти\w*|япман|япсиз|ингиз|ингизни|(?<!дол)лар|ларни|ларга|лардан|ларим\w*|даги|дими|"
        r"ганман|ишни|ишга|сизми|манми|ади|дим|сиз|гача|(?<![аяьи])ми|"
        # -иш/-аш/-уш verbal nouns (Russian's -ишь keeps its ь), -ди past after a consonant (Russian's
        # иди, жди, люди, езди have a vowel, ж, д or з there), possessive and case (-имни, -имиз), -чилик.
        r"иш|аш|уш|[бклмнпрстш]ди|им(?:ни|га|да|дан|из\w*)|чилик\w*|"
        # the converb -иб ("айтиб бер", "ёзиб бер", "бугиб олди"); Russian's ушиб, спасиб left out, and
        # гриб, погиб stay in Russian sentences that outweigh this weak vote.
        r"(?<![шс])иб|"
        # dative -га after a consonant Russian never has there (бюджетга, никоҳга, ишга; Russian has Волга,
        # мозга, ранга, Петербурга), -ганда (when), conditional -масам (килмасам).
        r"[бдймпстфхчшж]га|ганда|масам)$"
    ),
}

# Two-word phrases that one language owns although each word alone is shared ("cam on": "on").
PHRASES = {
    "cam on": "vi", "xin loi": "vi", "tam biet": "vi", "bao nhieu": "vi", "o dau": "vi", "the nao": "vi",
    "thank you": "en", "k cha": "ne", "k xa": "ne", "ke cha": "ne", "xayrli kun": "uz", "ok dai": "ne",
}

# Keyboard mash ("asdf", "jkjkjk", "hhhh") is no language at all.
MASH = re.compile(r"\w*(?:(\w)\1{3,}|(\w\w)\2{2,}|asdf|sdfg|dfgh|fghj|ghjk|hjkl|qwer|wert|zxcv|uiop)\w*")

# Chat words every language uses ("ok dai", "ok ạ"): they say nothing about the language.
NEUTRAL_LATIN = _words("ok okay oke okey okie lol haha hehe hihi kkk")

# Romanised names of Asan, its districts and the cities and sites around it, as every language's
# messages write them ("tu Onyang di Baebang", "Onyangda", "bus to Tangjeong"): a name alone says
# nothing about the sentence's language (the character model took "Onyang Baebang" for Vietnamese).
PLACE_NAMES = _words(
    """
    asan onyang oncheon baebang tangjeong eumbong dunpo yeongin inju seonjang dogo songak sinchang
    yeomchi gwangdeok cheonan seoul pyeongtaek dangjin sejong daejeon suwon incheon busan hikorea
    """
)

# Borrowed terms every language writes in Latin letters, often lower-cased ("arc olish", "the arc", "kiip
# level test"): like an acronym in capitals (ARC, KIIP) or a place name, they say nothing about the language.
BORROWED_TERMS = _words("arc kiip topik eps usim sim atm sns kakao kakaotalk naver coupang")

# The same names in Cyrillic, as Uzbek and Russian write them (Асан, Онян, Чхонан, Сеул).
PLACE_NAMES_CYRILLIC = _words(
    """
    асан онян оньян онъян ончхон пэбан бэбан тханджон танджон ымбон чхонан чонан сеул пхёнтхэк пхентхэк
    танджин сечжон седжон тэджон теджон сувон инчхон пусан
    """
)


def _place_case(names: frozenset[str], endings: str) -> re.Pattern[str]:
    return re.compile(f"(?:{'|'.join(sorted(names, key=len, reverse=True))})(?:{endings})")


# A local place name or a borrowed term with a case ending joined tells the language though the name alone
# does not: Uzbek "Asanda", "Cheonanga", "kiipga", "Асанга", "Асандаги" (Russian says "в Асане", "до Асана"),
# Nepali "Asanma", "Cheonanko", "Asanbata". Checked on the whole word, lower-cased.
PLACE_CASE = {
    "uz": _place_case(PLACE_NAMES | BORROWED_TERMS, "dagi|dan|da|gacha|ga|ning|ni|dek"),
    "ne": _place_case(PLACE_NAMES | BORROWED_TERMS, "ma|ko|bata|lai|dekhi|samma|tira"),
    "uz-Cyrl": _place_case(PLACE_NAMES_CYRILLIC, "даги|дан|да|гача|га|нинг|ни|дек"),
}

# Korean predicate endings and particles: a Hangul word with one shows that Korean is the grammar
# of the sentence, not a borrowed noun such as 외국인등록증 inside a Russian question. So do the question
# words (어디, 언제, 얼마...) and the chat endings -임, -됨, -함 ("필수임?", "가능함?", "만들어야됨?"):
# nobody borrows them into another language's sentence.
KOREAN_GRAMMAR = re.compile(
    r"(?:요|다|까|죠|니|해|줘|래|네|은|는|을|를|에서|으로|한테|에게|이랑|임|됨|함)$"
    r"|^(?:어디|어디서|어디에|어떻게|어케|언제|얼마|얼마나|뭐|뭔가|무엇|왜|누구)$"
)

# Chat words: English chat abbreviations and yes/no replies (nope, yep); Vietnamese chat spellings (ad: the admin
# addressed, "ad ơi"; nhiu: nhiều; mn: mọi người; bt: biết; ae: anh em; uk, ukm: ừ, yes); Uzbek ha (yes,
# shared with Vietnamese hả); the Nepali name of the language and country ("ma nepali ho").
CHAT_WORDS = {
    "en": frozenset("nvm idk btw omg asap np tbh imo brb nope yep yeah yup nah".split()),
    "vi": frozenset("ad nhiu mn bt ae uk ukm".split()),
    "uz": frozenset("ha".split()),
    "ne": frozenset("nepali nepal nepalma".split()),
}
# Uzbek Latin verb endings: past -di/-dim/-dik after a consonant (tushundim, bordik),
# present -yman/-ymiz/-amiz, negative -madi/-magan/-maydi/-mayman. Not -ish: English has it (finish).
UZBEK_LATIN_VERB = re.compile(r"\w{2,}(?:(?:[bklmnprstz]|sh)di[mk]?|ma(?:di[mk]?|gan\w*|ydi|yman)|yman|ymiz|amiz)")

# Uzbek suffixes no Russian word ends in: intention -мокчи, continuous -япти/-мокда, -ганман, 2nd person
# -ингиз, plural and possessive case forms (-ларни, -ларига: Russian's словари has no case ending after it),
# question -сизми/-манми, -чилик, -гача, verbal noun -иш
# (Russian's -ишь keeps its ь) and -лаш/-раш (ишлаш, сўраш: stems in -ла/-ра; карандаш is not one),
# past -ди/-дим/-дик and ablative -дан after a consonant (Russian has a vowel, ж or з there: иди, жди,
# гвозди, видим, ходим, садик, чемодан, создан), present -йман/-ймиз/-амиз and negative -мади/-маган/
# -майди (яшайман, борамиз, бормади). As sure as a listed word. Those endings after a vowel,
# and -ади, -ми, also end Russian words (сзади, пойми) and stay weak votes.
UZBEK_CYRILLIC_SURE = re.compile(
    r"\w{2,}(?:мокчи\w*|мокда\w*|япти\w*|япман|япсиз|ганман|ганмиз|ингиз\w*|ларни|ларга|лардан|ларим\w*|"
    r"лари(?:га|ни|да|дан|нинг)|"
    r"(?<!дол)лар|сизми|манми|сиз|гача|даги|дими|ишни|ишга|чилик\w*|иш|[лр]аш|[бклмнпрстш]д(?:и[мк]?|ан)|"
    r"им(?:ни|га|да|дан|из\w*)|йман|ймиз|амиз|ма(?:ди[мк]?|ган\w*|йди|йман)|"
    # genitive -нинг after a consonant (онамнинг, давлатнинг); Russian's тренинг, митинг have a vowel there
    r"[бвгджзйклмпрстфхчш]нинг)"
)
