"""The demo voice menu in Russian and Kazakh (CC-2, CC-3, C-2 rows 2 and 4, PC-1), and its
phrases. Idempotent: rows that exist are kept as staff edited them.

    root      language: 1 Russian, 2 Kazakh → main
    main      1 reference → 2 reading → 3 balance → 0 operator (says when the centre is closed)
    reference 1 contact-centre hours, 2 office hours, 3 payment details, 4 how to submit
              readings, * back to main
    reading   account (10 digits) → meter → value → read back → submit (source ivr)
    balance   account (10 digits) → balance
    operator  the recording warning, then the PBX queue ``contact_center``

Hook: ``seed_demo`` calls ``abonent.calls.ivr.demo.load_demo()`` (after the core demo, whose
contact-centre schedule it announces).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from abonent.calls.ivr.models import (
    MAIN,
    OPERATOR,
    ROOT,
    InfoSource,
    IvrKey,
    IvrNode,
    IvrPrompt,
    NodeKind,
)

ACCOUNT_DIGITS = 10  # the billing system's personal account numbers (cabinet demo: 1000000001)
ASK_ACCOUNT_RU = "Введите номер лицевого счёта из десяти цифр и нажмите решётку."
ASK_ACCOUNT_KK = "Он цифрдан тұратын дербес шот нөмірін енгізіп, торды басыңыз."


@dataclass(frozen=True)
class NodeSeed:
    code: str
    kind: str
    title: str
    ru: str
    kk: str
    keys: tuple[tuple[str, str, str], ...] = ()  # (key, target, language)
    info: str = ""
    next: str | None = None
    digits: int = 1
    transfer_to: str = ""
    closed_notice: bool = False


NODES = [
    NodeSeed(
        ROOT, NodeKind.MENU, "Language",
        "Здравствуйте! Вы позвонили в ТОО «Астанаэнергосбыт». Для обслуживания на русском "
        "языке нажмите 1. Қазақ тілінде қызмет алу үшін 2 басыңыз.",
        "Сәлеметсіз бе! Сіз «Астанаэнергосбыт» ЖШС-ге қоңырау шалдыңыз. Қазақ тілінде қызмет "
        "алу үшін 2 басыңыз. Для обслуживания на русском языке нажмите 1.",
        keys=(("1", MAIN, "ru"), ("2", MAIN, "kk")),
    ),
    NodeSeed(
        MAIN, NodeKind.MENU, "Main menu",
        "Справочная информация — нажмите 1. Передать показания счётчика горячей воды — "
        "нажмите 2. Узнать баланс лицевого счёта — нажмите 3. Соединение с оператором — "
        "нажмите 0.",
        "Анықтамалық ақпарат — 1 басыңыз. Ыстық су есептегішінің көрсеткішін беру — 2 "
        "басыңыз. Дербес шоттың балансын білу — 3 басыңыз. Операторға қосылу — 0 басыңыз.",
        keys=(("1", "reference", ""), ("2", "reading", ""), ("3", "balance", ""),
              ("0", OPERATOR, "")),
        closed_notice=True,
    ),
    NodeSeed(
        "reference", NodeKind.MENU, "Reference information",
        "Часы работы контакт-центра — нажмите 1. Часы работы офисов и сервис-центров — "
        "нажмите 2. Реквизиты для оплаты — нажмите 3. Как передать показания — нажмите 4. "
        "Вернуться в главное меню — нажмите звёздочку.",
        "Байланыс орталығының жұмыс уақыты — 1 басыңыз. Кеңселер мен сервис-орталықтардың "
        "жұмыс уақыты — 2 басыңыз. Төлем деректемелері — 3 басыңыз. Көрсеткішті қалай беру "
        "керек — 4 басыңыз. Басты мәзірге оралу — жұлдызшаны басыңыз.",
        keys=(("1", "cc_hours", ""), ("2", "office_hours", ""), ("3", "payment", ""),
              ("4", "readings_howto", ""), ("*", MAIN, "")),
    ),
    NodeSeed(
        "cc_hours", NodeKind.INFO, "Contact centre hours",
        "Контакт-центр принимает звонки с понедельника по пятницу с 9:00 до 18:00, в "
        "праздничные дни не работает.",
        "Байланыс орталығы қоңырауларды дүйсенбіден жұмаға дейін сағат 9:00-ден 18:00-ге "
        "дейін қабылдайды, мереке күндері жұмыс істемейді.",
        info=InfoSource.CONTACT_CENTRE_HOURS, next="reference",
    ),
    NodeSeed(
        "office_hours", NodeKind.INFO, "Office hours",
        "Центральный офис работает в рабочие дни с 9:00 до 18:00. Сервис-центры работают в "
        "рабочие дни с 9:00 до 18:00, в субботу и в последнее воскресенье месяца с 9:00 до "
        "13:00.",
        "Орталық кеңсе жұмыс күндері сағат 9:00-ден 18:00-ге дейін жұмыс істейді. "
        "Сервис-орталықтар жұмыс күндері 9:00-ден 18:00-ге дейін, сенбіде және айдың соңғы "
        "жексенбісінде 9:00-ден 13:00-ге дейін жұмыс істейді.",
        info=InfoSource.OFFICE_HOURS, next="reference",
    ),
    NodeSeed(
        "payment", NodeKind.INFO, "Payment details",
        "Реквизиты для оплаты.", "Төлем деректемелері.",
        info=InfoSource.PAYMENT_DETAILS, next="reference",
    ),
    NodeSeed(
        "readings_howto", NodeKind.INFO, "How to submit readings",
        "Показания счётчика горячей воды можно передать в личном кабинете на сайте, в этом "
        "голосовом меню — пункт 2 главного меню, или оператору контакт-центра. Показания "
        "принимаются с 1 по 25 число месяца.",
        "Ыстық су есептегішінің көрсеткішін сайттағы жеке кабинетте, осы дауыстық мәзірде — "
        "басты мәзірдің 2-тармағы, немесе байланыс орталығының операторына беруге болады. "
        "Көрсеткіштер айдың 1-інен 25-іне дейін қабылданады.",
        next="reference",
    ),
    NodeSeed(
        "reading", NodeKind.READING, "Hot-water meter reading",
        ASK_ACCOUNT_RU, ASK_ACCOUNT_KK, next=MAIN, digits=ACCOUNT_DIGITS,
    ),
    NodeSeed(
        "balance", NodeKind.BALANCE, "Account balance",
        ASK_ACCOUNT_RU, ASK_ACCOUNT_KK, next=MAIN, digits=ACCOUNT_DIGITS,
    ),
    NodeSeed(
        OPERATOR, NodeKind.TRANSFER, "Operator",
        "Соединяю с оператором. Пожалуйста, оставайтесь на линии.",
        "Операторға қосып жатырмын. Желіден шықпаңыз.",
        next=MAIN, transfer_to="contact_center",
    ),
]  # fmt: skip

# code: (Russian, Kazakh); placeholders as in prompts.DEFAULTS, written {name}.
PHRASES: dict[str, tuple[str, str]] = {
    "recording_warning": (
        "Обращаем ваше внимание: разговор с оператором записывается.",
        "Назар аударыңыз: оператормен сөйлесу жазылады.",
    ),
    "closed": (
        "Контакт-центр сейчас не работает. Операторы отвечают с понедельника по пятницу с "
        "9:00 до 18:00, кроме праздничных дней; ближайшее время работы — {day} в {time}. "
        "Сейчас доступно самообслуживание.",
        "Байланыс орталығы қазір жұмыс істемейді. Операторлар дүйсенбіден жұмаға дейін сағат "
        "9:00-ден 18:00-ге дейін, мереке күндерінен басқа, жауап береді; келесі жұмыс уақыты "
        "— {day}, сағат {time}. Қазір өзіне-өзі қызмет көрсету қолжетімді.",
    ),
    "cc_open": (
        "Контакт-центр сейчас работает, до {time}.",
        "Байланыс орталығы қазір жұмыс істеп тұр, сағат {time}-ге дейін.",
    ),
    "cc_closed": (
        "Контакт-центр сейчас закрыт. Он откроется {day} в {time}.",
        "Байланыс орталығы қазір жабық. Ол {day}, сағат {time}-де ашылады.",
    ),
    "office_open": (
        "{office} сейчас открыт, до {time}.",
        "{office} қазір ашық, сағат {time}-ге дейін.",
    ),
    "office_closed": (
        "{office} сейчас закрыт, откроется {day} в {time}.",
        "{office} қазір жабық, {day}, сағат {time}-де ашылады.",
    ),
    "payment_details": (
        "Получатель: {name}. БИН: {bin}. ИИК: {iban}. Банк: {bank}. БИК: {bic}. Кбе: {kbe}.",
        "Алушы: {name}. БСН: {bin}. ЖСК: {iban}. Банк: {bank}. БСК: {bic}. КБе: {kbe}.",
    ),
    "payment_banks": (
        "Оплатить можно также по номеру лицевого счёта через {banks}.",
        "Сондай-ақ дербес шот нөмірі бойынша {banks} арқылы төлеуге болады.",
    ),
    "no_input": ("Мы не услышали ваш выбор.", "Біз сіздің таңдауыңызды естімедік."),
    "invalid_choice": ("Такого пункта нет.", "Мұндай тармақ жоқ."),
    "wrong_length": ("Неверное количество цифр.", "Цифрлар саны қате."),
    "not_digits": (
        "Пожалуйста, используйте цифровые клавиши, а для десятичной запятой — звёздочку.",
        "Цифрлық пернелерді, ал ондық үтір үшін жұлдызшаны пайдаланыңыз.",
    ),
    "unknown_account": (
        "Действующего лицевого счёта с таким номером нет.",
        "Мұндай нөмірлі жұмыс істеп тұрған дербес шот жоқ.",
    ),
    "no_hot_water_meter": (
        "На этом лицевом счёте нет счётчика горячей воды.",
        "Бұл дербес шотта ыстық су есептегіші жоқ.",
    ),
    "choose_meter": (
        "Счётчиков горячей воды на лицевом счёте: {count}.",
        "Дербес шоттағы ыстық су есептегіштерінің саны: {count}.",
    ),
    "choose_meter_item": (
        "Для счётчика с номером, оканчивающимся на {tail}, нажмите {key}.",
        "Нөмірі {tail} деп аяқталатын есептегіш үшін {key} басыңыз.",
    ),
    "reading_value": (
        "Введите показание счётчика с номером, оканчивающимся на {tail}. Десятичную запятую "
        "вводите звёздочкой, в конце нажмите решётку.",
        "Нөмірі {tail} деп аяқталатын есептегіштің көрсеткішін енгізіңіз. Ондық үтірді "
        "жұлдызшамен енгізіп, соңында торды басыңыз.",
    ),
    "reading_readback": (
        "Вы ввели {value}. Для подтверждения нажмите 1. Чтобы ввести заново, нажмите 2.",
        "Сіз {value} енгіздіңіз. Растау үшін 1 басыңыз. Қайта енгізу үшін 2 басыңыз.",
    ),
    "reading_high": (
        "Расход намного выше обычного. Чтобы подтвердить показание, нажмите 1. Чтобы ввести "
        "заново, нажмите 2.",
        "Тұтыну әдеттегіден әлдеқайда жоғары. Көрсеткішті растау үшін 1 басыңыз. Қайта "
        "енгізу үшін 2 басыңыз.",
    ),
    "reading_accepted": (
        "Спасибо, показание {value} принято.",
        "Рақмет, {value} көрсеткіші қабылданды.",
    ),
    "reading_next_period": (
        "Спасибо, показание {value} принято и будет учтено в следующем периоде.",
        "Рақмет, {value} көрсеткіші қабылданды және келесі кезеңде ескеріледі.",
    ),
    "balance_debt": (
        "На {date} задолженность по лицевому счёту составляет {amount} тенге.",
        "{date} жағдай бойынша дербес шот бойынша берешек {amount} теңге.",
    ),
    "balance_overpaid": (
        "На {date} переплата по лицевому счёту составляет {amount} тенге.",
        "{date} жағдай бойынша дербес шот бойынша артық төлем {amount} теңге.",
    ),
    "balance_zero": (
        "На {date} задолженности по лицевому счёту нет.",
        "{date} жағдай бойынша дербес шот бойынша берешек жоқ.",
    ),
    "balance_unknown_date": (
        "Баланс лицевого счёта: {amount} тенге.",
        "Дербес шоттың балансы: {amount} теңге.",
    ),
    "too_many_tries": (
        "Нам не удалось принять ваш ввод.",
        "Сіз енгізген мәліметті қабылдай алмадық.",
    ),
    "goodbye": ("Спасибо за звонок. До свидания.", "Қоңырауыңызға рақмет. Сау болыңыз."),
    "refused_unknown_meter": (
        "На этом лицевом счёте нет такого счётчика.",
        "Бұл дербес шотта мұндай есептегіш жоқ.",
    ),
    "refused_not_a_number": ("Показание должно быть числом.", "Көрсеткіш сан болуы керек."),
    "refused_negative": (
        "Показание не может быть отрицательным.",
        "Көрсеткіш теріс бола алмайды.",
    ),
    "refused_too_many_decimals": (
        "В показании больше цифр после запятой, чем показывает счётчик.",
        "Көрсеткіште үтірден кейін есептегіш көрсететіннен көп цифр бар.",
    ),
    "refused_too_many_digits": (
        "В показании больше цифр, чем на счётном механизме счётчика.",
        "Көрсеткіште есептегіштің санау механизміндегіден көп цифр бар.",
    ),
    "refused_verification_expired": (
        "Срок поверки счётчика истёк: показания не принимаются до новой поверки.",
        "Есептегішті тексеру мерзімі өтіп кетті: жаңа тексеруге дейін көрсеткіштер қабылданбайды.",
    ),
    "refused_outside_window": (
        "Показания принимаются только в установленные дни месяца.",
        "Көрсеткіштер айдың белгіленген күндерінде ғана қабылданады.",
    ),
    "refused_decreasing": (
        "Показание меньше предыдущего.",
        "Көрсеткіш алдыңғысынан аз.",
    ),
    "refused_implausible": (
        "Расход намного больше, чем когда-либо показывал этот счётчик. Проверьте показание.",
        "Тұтыну бұл есептегіш бұрын көрсеткеннен әлдеқайда көп. Көрсеткішті тексеріңіз.",
    ),
}


@transaction.atomic
def load_demo() -> dict[str, int]:
    """Create the demo menu's missing nodes, keys and phrases; returns how many of each."""
    made = {"nodes": 0, "keys": 0, "phrases": 0}
    nodes: dict[str, IvrNode] = {}
    fresh: set[str] = set()
    for seed in NODES:
        node, created = IvrNode.objects.get_or_create(
            code=seed.code,
            defaults={
                "kind": seed.kind,
                "title": seed.title,
                "prompt_ru": seed.ru,
                "prompt_kk": seed.kk,
                "info_source": seed.info,
                "min_digits": seed.digits,
                "max_digits": seed.digits,
                "transfer_to": seed.transfer_to,
                "closed_notice": seed.closed_notice,
            },
        )
        nodes[seed.code] = node
        if created:
            fresh.add(seed.code)
            made["nodes"] += 1
    for seed in NODES:
        node = nodes[seed.code]
        if seed.code in fresh and seed.next:
            node.next = nodes[seed.next]
            node.save(update_fields=["next"])
        for key, target, language in seed.keys:
            _key, created = IvrKey.objects.get_or_create(
                node=node, key=key, defaults={"target": nodes[target], "language": language}
            )
            made["keys"] += created
    for code, (ru, kk) in PHRASES.items():
        _prompt, created = IvrPrompt.objects.get_or_create(
            code=code, defaults={"text_ru": ru, "text_kk": kk}
        )
        made["phrases"] += created
    return made
