"""The rehearsal's data, on top of the demo (``seed_demo``): buyers of its
own with API tokens, tokens for the demo's artists and staff, stock that
cannot run out, and a JSON file that tells the locust users who they are.

Run as ``python -m bench.rehearsal.seed OUT.json BUYERS [shops]`` with no
broker, so that the demo's emails are sent (and done with) before the
rehearsal starts; ``shops``: the demo's shops and items alone, no orders.
"""

import json
import sys

import django


def seed(buyers: int, *, demo: bool = True) -> dict:
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db.models import Max
    from rest_framework.authtoken.models import Token

    from accounts.models import User
    from artists.models import Artist, Item, Variant
    from demo.seed import PASSWORD, ensure_user, seed_shops
    from marketplace.notifications.models import Notification

    if demo:
        call_command("seed_demo", verbosity=0)
    else:  # the shops alone: a shorter start (CI's short rehearsal)
        ensure_user(username="staff", email="staff@atelier.test", is_staff=True)
        seed_shops()
    Variant.objects.update(stock=1_000_000)

    def token(user) -> str:
        return Token.objects.get_or_create(user=user)[0].key

    hashed = make_password(PASSWORD)  # once: hashing takes a while
    people = []
    for number in range(buyers):
        username = f"rehearsal{number}"
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create(
                username=username,
                email=f"{username}@atelier.test",
                password=hashed,
                language="fr" if number % 2 else "en",
            )
        people.append({"username": username, "token": token(user)})

    artists = {}
    for artist in Artist.objects.visible().select_related("user"):
        if artist.return_window_days < 1:
            continue  # returns are part of every journey
        variants = list(
            Variant.objects.filter(
                item__artist=artist, item__is_active=True, item__personalisable=False
            ).values("id", "item_id", "item__title")
        )
        if variants:
            artists[artist.slug] = {
                "token": token(artist.user),
                "variants": [
                    {"id": v["id"], "item": v["item_id"], "title": v["item__title"]}
                    for v in variants
                ],
            }
    words = sorted(
        {
            word
            for title in Item.objects.filter(is_active=True).values_list(
                "title", flat=True
            )[:40]
            for word in title.split()
            if len(word) > 4 and word.isalpha()
        }
    )[:20]
    staff = User.objects.get(username="staff")
    return {
        "password": PASSWORD,
        "buyers": people,
        "artists": artists,
        "staff": token(staff),
        "words": words or ["bowl"],
        "watermark": Notification.objects.aggregate(top=Max("id"))["top"] or 0,
    }


if __name__ == "__main__":
    django.setup()
    data = seed(int(sys.argv[2]), demo=sys.argv[3:] != ["shops"])
    with open(sys.argv[1], "w") as out:
        json.dump(data, out)
    print(
        f"seeded: {len(data['buyers'])} buyers, {len(data['artists'])} artists, "
        f"outbox watermark {data['watermark']}"
    )
