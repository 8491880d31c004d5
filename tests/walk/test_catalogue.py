"""The walk's French check flags English of the catalogue, with or without
its placeholders filled in, and nothing else: not French, not words that
are the same in both languages, not what people wrote."""

from tests.walk.catalogue import untranslated


def test_flags_english_of_the_catalogue_with_the_french_it_should_read():
    found = untranslated(["Add to cart", "3 in stock", "by Atelier Claire"])

    assert found == [
        ("3 in stock", "%(counter)s en stock"),
        ("Add to cart", "Ajouter au panier"),
        ("by Atelier Claire", "par %(name)s"),
    ]


def test_leaves_french_shared_words_ordinals_and_other_text_alone():
    texts = [
        "Ajouter au panier",
        "Se déconnecter",
        "Photos",
        "Total",
        "1 minute",  # the French singular of "%(count)d minute" is the same
        "23rd",  # "{}rd" of an ordinal has no word of its own
        "Hello there, how are you?",
    ]

    assert untranslated(texts) == []


def test_leaves_user_content_alone():
    reply = "Of course: the order will leave by Monday."

    found = untranslated(
        ["buyer", f"Jonas wrote: {reply}"], names={"buyer"}, sentences=(reply,)
    )

    assert found == []
