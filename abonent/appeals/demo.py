"""The routing table of the procedure (C-2) as data: question → channels → units."""

from __future__ import annotations

from django.db import transaction

from abonent.appeals.models import Topic
from abonent.core.models import Department

TOPICS = [
    (
        1,
        "Условия договора энергоснабжения, сроки оплаты, условия снабжения тепловой энергией",
        "Энергиямен жабдықтау шартының талаптары, төлем мерзімдері, жылумен жабдықтау талаптары",
        ["contact_center", "sales", "contracts"],
        "contact centre, sales, contract department",
        "договор\nшарт\nусловия\nсрок оплат\nтеплоснабж\nтепловой\nжылу",
    ),
    (
        2,
        "Приём показаний приборов учёта горячего водоснабжения",
        "Ыстық сумен жабдықтауды есепке алу аспаптарының көрсеткіштерін қабылдау",
        ["contact_center", "sales"],
        "contact centre, personal cabinet, IVR, sales",
        "показан\nсчетчик\nсчётчик\nприбор\nгвс\nгоряч\nесептеуіш\nкөрсеткіш",
    ),
    (
        3,
        "Информация об отключении и подключении энергии",
        "Энергияны ажырату және қосу туралы ақпарат",
        ["sales"],
        "sales",
        "отключ\nподключ\nажырат\nқосу",
    ),
    (
        4,
        "Начисления, задолженность и оплата",
        "Есептеу, берешек және төлем",
        ["contact_center", "sales", "accounting"],
        "contact centre, sales, accounting",
        "начисл\nзадолж\nдолг\nоплат\nплатеж\nплатёж\nквитанц\nперерасчет\nберешек\nтөле",
    ),
    (
        5,
        "Приём обращений потребителей в адрес компании",
        "Тұтынушылардың компанияға өтініштерін қабылдау",
        ["chancellery", "sales"],
        "website, Chancellery, sales",
        "жалоб\nобращен\nпретенз\nшағым\nөтініш",
    ),
    (
        6,
        "Порядок оформления документов и проведения работ",
        "Құжаттарды ресімдеу және жұмыстарды жүргізу тәртібі",
        ["contact_center", "contracts"],
        "contact centre, service centres, contract department",
        "документ\nсправк\nоформ\nзамен\nустановк\nқұжат\nанықтама",
    ),
]


@transaction.atomic
def load_topics() -> None:
    for number, ru, kk, depts, channels, keywords in TOPICS:
        topic, made = Topic.objects.get_or_create(
            number=number,
            defaults={"name_ru": ru, "name_kk": kk, "channels": channels, "keywords": keywords},
        )
        if made:
            topic.departments.set(Department.objects.filter(code__in=depts))
