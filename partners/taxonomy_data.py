"""The seed taxonomy (data migration and seed_demo). Staff can edit it in the admin afterwards."""

EXPERTISE = [
    ("explaining-system", "Uitleg over het jeugdhulpstelsel", "Explaining the youth-care system"),
    ("bridging", "Toeleiding naar zorg", "Bridging to care"),
    ("accompanying", "Begeleiden naar afspraken", "Accompanying to appointments"),
    ("outreach", "Outreach in de wijk", "Outreach in the neighbourhood"),
    ("cultural-advice", "Cultureel interview en advies", "Cultural interview and advice"),
    ("case-consultation", "Casuïstiekbespreking met een team", "Case consultation with a team"),
    ("training", "Themabijeenkomst of training", "Theme session or training"),
    ("interpreting", "Informeel tolken en bemiddelen", "Informal interpreting and mediation"),
    ("parenting-group", "Opvoedondersteuningsgroep", "Parenting support group"),
]

COMMUNITIES = [
    ("moroccan", "Marokkaans-Nederlands", "Moroccan-Dutch"),
    ("turkish", "Turks-Nederlands", "Turkish-Dutch"),
    ("surinamese", "Surinaams", "Surinamese"),
    ("hindustani", "Hindostaans", "Hindustani"),
    ("antillean", "Antilliaans en Arubaans", "Antillean and Aruban"),
    ("polish", "Pools", "Polish"),
    ("bulgarian", "Bulgaars", "Bulgarian"),
    ("romanian", "Roemeens", "Romanian"),
    ("syrian", "Syrisch", "Syrian"),
    ("iraqi", "Iraaks", "Iraqi"),
    ("eritrean", "Eritrees", "Eritrean"),
    ("ethiopian", "Ethiopisch", "Ethiopian"),
    ("somali", "Somalisch", "Somali"),
    ("afghan", "Afghaans", "Afghan"),
    ("ukrainian", "Oekraïens", "Ukrainian"),
    ("kurdish", "Koerdisch", "Kurdish"),
    ("ghanaian", "Ghanees", "Ghanaian"),
    ("cape-verdean", "Kaapverdisch", "Cape Verdean"),
    ("chinese", "Chinees", "Chinese"),
]

LANGUAGES = [
    ("nl", "Nederlands", "Dutch"),
    ("en", "Engels", "English"),
    ("ary", "Marokkaans-Arabisch (Darija)", "Moroccan Arabic (Darija)"),
    ("ar", "Arabisch", "Arabic"),
    ("zgh", "Tamazight (Berbers)", "Tamazight (Berber)"),
    ("tr", "Turks", "Turkish"),
    ("srn", "Sranantongo", "Sranan Tongo"),
    ("hns", "Sarnami Hindoestani", "Sarnami Hindustani"),
    ("pap", "Papiaments", "Papiamentu"),
    ("pl", "Pools", "Polish"),
    ("bg", "Bulgaars", "Bulgarian"),
    ("ro", "Roemeens", "Romanian"),
    ("ti", "Tigrinya", "Tigrinya"),
    ("am", "Amhaars", "Amharic"),
    ("so", "Somalisch", "Somali"),
    ("prs", "Dari", "Dari"),
    ("ps", "Pasjtoe", "Pashto"),
    ("fa", "Perzisch (Farsi)", "Persian (Farsi)"),
    ("uk", "Oekraïens", "Ukrainian"),
    ("ru", "Russisch", "Russian"),
    ("kmr", "Koerdisch (Kurmanji)", "Kurdish (Kurmanji)"),
    ("ckb", "Koerdisch (Sorani)", "Kurdish (Sorani)"),
    ("fr", "Frans", "French"),
    ("es", "Spaans", "Spanish"),
    ("pt", "Portugees", "Portuguese"),
    ("kea", "Kaapverdisch Creools", "Cape Verdean Creole"),
    ("tw", "Twi", "Twi"),
    ("zh", "Chinees (Mandarijn)", "Chinese (Mandarin)"),
    ("hi", "Hindi", "Hindi"),
    ("ur", "Urdu", "Urdu"),
]


def seed_taxonomy(get_model) -> None:
    """Create the terms that are missing; existing rows keep staff edits. `get_model(name)` gives
    the model class: the real one, or a migration's historical one."""
    for name, rows in (
        ("Expertise", EXPERTISE),
        ("Community", COMMUNITIES),
        ("Language", LANGUAGES),
    ):
        model = get_model(name)
        for position, (code, name_nl, name_en) in enumerate(rows):
            model.objects.get_or_create(
                code=code, defaults={"name_nl": name_nl, "name_en": name_en, "position": position}
            )


def seed_current_taxonomy() -> None:
    from django.apps import apps

    seed_taxonomy(lambda name: apps.get_model("partners", name))
