"""Tracking links of the carriers artists use most.

``tracking_url(carrier, number)`` recognises the carrier from the free text
the artist typed ("La Poste", "colissimo", "DHL Express"...) and builds the
carrier's public tracking page for the number; an unknown carrier gives None
(pages then show the number alone).
"""

from __future__ import annotations

import re
from urllib.parse import quote

# (carrier name shown to people, words that recognise it, URL with {number})
CARRIERS: list[tuple[str, tuple[str, ...], str]] = [
    (
        "Chronopost",
        ("chronopost",),
        "https://www.chronopost.fr/tracking-no-cms/suivi-page?listeNumerosLT={number}",
    ),
    (
        "Mondial Relay",
        ("mondial relay", "mondialrelay", "mondial-relay"),
        "https://www.mondialrelay.fr/suivi-de-colis/?numeroExpedition={number}",
    ),
    (
        "La Poste / Colissimo",
        ("colissimo", "la poste", "laposte", "lettre suivie"),
        "https://www.laposte.fr/outils/suivre-vos-envois?code={number}",
    ),
    (
        "DHL",
        ("dhl",),
        "https://www.dhl.com/fr-en/home/tracking.html?tracking-id={number}",
    ),
    ("UPS", ("ups",), "https://www.ups.com/track?tracknum={number}"),
    (
        "FedEx",
        ("fedex", "fed ex", "tnt"),
        "https://www.fedex.com/fedextrack/?trknbr={number}",
    ),
    ("DPD", ("dpd",), "https://www.dpd.com/tracking/?parcelNumber={number}"),
    ("GLS", ("gls",), "https://gls-group.com/track/{number}"),
    (
        "bpost",
        ("bpost", "b post", "belgian post"),
        "https://track.bpost.cloud/btr/web/#/search?itemCode={number}",
    ),
    (
        "PostNL",
        ("postnl", "post nl"),
        "https://jouw.postnl.nl/track-and-trace/{number}",
    ),
    (
        "Royal Mail",
        ("royal mail", "royalmail"),
        "https://www.royalmail.com/track-your-item#/tracking-results/{number}",
    ),
]


def _normalise(text: str) -> str:
    return " " + re.sub(r"[^a-z0-9]+", " ", (text or "").lower()).strip() + " "


def carrier_name(carrier: str) -> str | None:
    """The known carrier ``carrier`` names (e.g. "Chronopost"), or None."""
    text = _normalise(carrier)
    for name, words, _url in CARRIERS:
        for word in words:
            if _normalise(word) in text:
                return name
    return None


def tracking_url(carrier: str, number: str) -> str | None:
    """The public tracking page of parcel ``number`` sent with ``carrier``,
    or None when the carrier is not one of ``CARRIERS`` or there is no number."""
    number = (number or "").strip()
    if not number:
        return None
    text = _normalise(carrier)
    for _name, words, url in CARRIERS:
        if any(_normalise(word) in text for word in words):
            return url.format(number=quote(number, safe=""))
    return None


def known_carriers() -> list[str]:
    """The carrier names ``tracking_url`` recognises, for a form's suggestions."""
    return [name for name, _words, _url in CARRIERS]
