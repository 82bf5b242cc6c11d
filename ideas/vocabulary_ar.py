"""Arabic names of the shared vocabulary, by slug (see `ideas.reference_data`).

`reference_data.vocabulary_ar_load` fills `name_ar` from these where it is still empty.
"""

THEMES_AR = {
    "broadband": "الألياف الضوئية والإنترنت السريع",
    "rural-services": "الخدمات في الريف",
    "local-development": "التنمية المحلية",
    "integration": "الاندماج والإشراك",
    "culture-leisure": "الثقافة وأوقات الفراغ",
    "environment": "البيئة والمناخ",
    "health": "الصحة والرعاية",
    "children-youth": "الأطفال والشباب",
    "older-people": "كبار السن",
    "work-enterprise": "العمل وريادة الأعمال",
    "transport": "السفر والنقل",
    "housing": "السكن",
    "democracy": "الديمقراطية والمشاركة",
    "learning": "التعلّم والتثقيف",
}

SUPPORT_KINDS_AR = {
    "advice": "النصح والإرشاد",
    "funding": "التمويل والمنح",
    "premises": "الأماكن والمقرّات",
    "network": "شبكة العلاقات والمعارف",
    "competence": "الخبرة والتدريب",
    "incubation": "الاحتضان وتطوير الأعمال",
    "volunteers": "المتطوعون",
    "communication": "التواصل والانتشار",
    "public-dialogue": "الحوار مع القطاع العام",
}
