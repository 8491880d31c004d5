"""The rehearsal's load: locust users that alternate between the two web
nodes within each journey (``REHEARSAL_NODES``, comma-separated URLs).

- ``Journey`` (one per rehearsal buyer): browses (home, search, item and
  shop pages), adds to the cart (by the item page's form with its CSRF
  token, or the API), checks out, has the artists accept and ship, confirms
  delivery, asks for a return with a photo, writes to the artist with a
  photo and reads the answer; after each change on one node it reads the
  same state on the other node (a read that shows an older state is a
  *stale read*). Uploaded photos are viewed on the node that did not
  receive them.
- ``Staff``: runs a payout run by the API now and then.

Every request is appended as one JSON line to ``REHEARSAL_LOG`` (time, name,
milliseconds, status, failure), every stale read as ``{"stale": ...}``; the
driver (``bench.rehearsal.run``) turns them into the report. Pages are
requested with the session cookie set by hand: with ``DEBUG`` off Django
marks its cookies ``Secure``, which ``requests`` will not send over plain
HTTP.
"""

import io
import itertools
import json
import os
import random
import re
import time

from locust import HttpUser, between, events, task
from PIL import Image

DATA = json.loads(open(os.environ["REHEARSAL_DATA"]).read())  # noqa: SIM115
NODES = os.environ["REHEARSAL_NODES"].split(",")
LOG = open(os.environ["REHEARSAL_LOG"], "a", buffering=1)  # noqa: SIM115
BUYERS = itertools.cycle(DATA["buyers"])
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ADDRESS = {
    "name": "Rehearsal Buyer",
    "line1": "1 rue de la Paix",
    "city": "Paris",
    "postcode": "75002",
    "country": "FR",
}
LATER = {
    "awaiting_acceptance": 0,
    "accepted": 1,
    "shipped": 2,
    "delivered": 3,
    "completed": 4,
}


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (180, 90, 40)).save(out, "JPEG")
    return out.getvalue()


PHOTO = _jpeg()


@events.request.add_listener
def _record(name, response_time, response, exception, start_time=None, **kwargs):
    status = getattr(response, "status_code", 0) if response is not None else 0
    LOG.write(
        json.dumps(
            {
                "t": start_time or time.time(),
                "name": name,
                "ms": round(response_time, 1),
                "status": status,
                "failed": exception is not None,
                "error": str(exception)[:200] if exception else "",
            }
        )
        + "\n"
    )


def stale(what: str, detail: str) -> None:
    LOG.write(json.dumps({"t": time.time(), "stale": what, "detail": detail}) + "\n")


class Node(HttpUser):
    """Requests on either node, with a token or the session cookie."""

    abstract = True
    host = NODES[0]

    def on_start(self):
        self.turn = random.randrange(len(NODES))
        self.cookies: dict[str, str] = {}

    def other(self) -> str:
        """The next node: each step of a journey runs on the other one."""
        self.turn = (self.turn + 1) % len(NODES)
        return NODES[self.turn]

    def call(self, method, url, name, *, token=None, expect=(200,), page=False, **kw):
        headers = kw.pop("headers", {})
        if token:
            headers["Authorization"] = f"Token {token}"
        if page and self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        with self.client.request(
            method,
            url,
            name=name,
            headers=headers,
            catch_response=True,
            allow_redirects=False,
            **kw,
        ) as response:
            if page:
                for hop in [*response.history, response]:
                    self.cookies.update(hop.cookies.get_dict())
            if response.status_code not in expect:
                response.failure(f"{response.status_code} {response.text[:160]!r}")
                return None
            response.success()
            return response

    def api(self, method, path, name, token, **kw):
        """``/api/v1/<path>`` on the next node."""
        url = f"{self.other()}/api/v1/{path}"
        return self.call(method, url, f"api: {name}", token=token, **kw)

    def page(self, path, name, method="GET", **kw):
        """A page on the next node, with the session cookie."""
        url = f"{self.other()}{path}"
        return self.call(method, url, f"page: {name}", page=True, **kw)

    def form(self, path, name, action, fields) -> bool:
        """GET a page, then POST ``fields`` with its CSRF token to ``action``
        on the same node (a browser posts where the page came from)."""
        shown = self.page(path, name)
        match = CSRF.search(shown.text) if shown is not None else None
        if match is None:
            return False
        node = NODES[self.turn]
        posted = self.call(
            "POST",
            f"{node}{action}",
            f"page: {action} (POST)",
            page=True,
            expect=(302,),
            data={**fields, "csrfmiddlewaretoken": match.group(1)},
            headers={"Referer": f"{node}{path}"},
        )
        return posted is not None


class Journey(Node):
    weight = 4
    wait_time = between(0.2, 1.0)

    def on_start(self):
        super().on_start()
        buyer = next(BUYERS)
        self.username, self.token = buyer["username"], buyer["token"]
        self.cart = 0
        login = {"username": self.username, "password": DATA["password"]}
        self.form("/accounts/login/", "login", "/accounts/login/", login)

    # ------------------------------------------------------------- browsing
    @task(3)
    def browse(self):
        word = random.choice(DATA["words"])
        artist = random.choice(list(DATA["artists"]))
        variant = random.choice(DATA["artists"][artist]["variants"])
        self.page("/", "home")
        self.page(f"/items/?q={word}", "search")
        self.page(f"/items/{variant['item']}/", "item")
        self.page(f"/artists/{artist}/", "shop")
        self.api("GET", f"items/?q={word}", "items search", self.token)

    # ------------------------------------------------------------- journey
    @task(2)
    def journey(self):
        slug = random.choice(list(DATA["artists"]))
        variant = random.choice(DATA["artists"][slug]["variants"])
        if not self.add_to_cart(variant):
            return
        order = self.checkout()
        if order is None:
            return
        for artist_order in order["artist_orders"]:
            owner = DATA["artists"].get(artist_order["artist"])
            if owner is None or not self.deliver(artist_order, owner["token"]):
                continue
            return_id = self.return_with_photo(artist_order, owner["token"])
            self.message_with_photo(artist_order, owner["token"], return_id)

    def add_to_cart(self, variant) -> bool:
        if random.random() < 0.5:
            fields = {"variant": variant["id"], "quantity": 1}
            added = self.form(
                f"/items/{variant['item']}/", "item", "/cart/add/", fields
            )
        else:
            body = {"variant": variant["id"], "quantity": 1}
            added = self.api(
                "POST", "cart/lines/", "cart add", self.token, expect=(201,), json=body
            )
        if not added:
            return False
        self.cart += 1
        cart = self.api("GET", "cart/", "cart", self.token)
        if cart is not None and cart.json()["quantity"] < self.cart:
            stale("cart", f"{self.username}: {cart.json()['quantity']} < {self.cart}")
        self.page("/cart/", "cart")
        return True

    def checkout(self):
        body = {
            "shipping_address": ADDRESS,
            "payment": {"provider": "test", "token": "ok"},
        }
        placed = self.api(
            "POST", "checkout/", "checkout", self.token, expect=(201,), json=body
        )
        if placed is None:
            return None
        self.cart = 0
        order = placed.json()
        number = order["number"]
        seen = self.api(
            "GET", f"orders/{number}/", "order", self.token, expect=(200, 404)
        )
        if seen is not None and seen.status_code == 404:
            stale("order", f"{self.username}: order {number} not found")
        self.page(f"/account/orders/{number}/", "order")
        return order

    def transition(self, artist_order_id, action, token, state, **body) -> bool:
        path = f"artist-orders/{artist_order_id}/"
        if (
            self.api(
                "POST", f"{path}{action}/", f"artist order {action}", token, json=body
            )
            is None
        ):
            return False
        seen = self.api("GET", path, "artist order", token)
        if seen is not None and LATER.get(seen.json()["state"], 9) < LATER[state]:
            stale(
                "artist order",
                f"{artist_order_id}: {seen.json()['state']} after {action}",
            )
        return True

    def deliver(self, artist_order, artist_token) -> bool:
        ident = artist_order["id"]
        parcel = {"carrier": "La Poste", "tracking_number": f"RH{ident:08d}FR"}
        return (
            self.transition(ident, "accept", artist_token, "accepted")
            and self.transition(ident, "ship", artist_token, "shipped", **parcel)
            and self.transition(ident, "confirm-delivery", self.token, "delivered")
        )

    def return_with_photo(self, artist_order, artist_token):
        fields = {
            "line": artist_order["lines"][0]["id"],
            "quantity": 1,
            "kind": "return",
            "reason": "damaged",
            "comment": "Arrived chipped.",
        }
        created = self.api(
            "POST",
            "returns/",
            "return create (photo)",
            self.token,
            expect=(201,),
            data=fields,
            files=[("photos", ("chip.jpg", PHOTO, "image/jpeg"))],
        )
        if created is None:
            return None
        return_id = created.json()["id"]
        seen = self.api(
            "GET", f"returns/{return_id}/", "return", artist_token, expect=(200, 404)
        )
        if seen is None:
            return return_id
        if seen.status_code == 404 or not seen.json()["photos"]:
            stale("return", f"{return_id} not seen by its artist")
            return return_id
        for url in seen.json()["photos"]:
            self.photo(url, "api: return photo", token=artist_token)
        self.page(f"/account/returns/{return_id}/", "return")
        return return_id

    def photo(self, url, name, **kw) -> None:
        """A photo URL from one node, asked of the other one (an object
        storage URL is asked as it is)."""
        node = self.other()
        for base in NODES:
            if url.startswith(base):
                url = node + url[len(base) :]
        got = self.call("GET", url, name, expect=(200, 302), **kw)
        if got is not None and got.status_code == 302:
            got = self.call("GET", got.headers["Location"], f"{name} (signed URL)")
        if got is not None and not got.content:
            stale("photo", f"{url}: empty")

    def message_with_photo(self, artist_order, artist_token, return_id) -> None:
        fields = {
            "artist": artist_order["artist"],
            "artist_order": artist_order["id"],
            "subject": "About my order",
            "body": "Here is a photo of the chip.",
        }
        thread = self.api(
            "POST",
            "threads/",
            "thread create (photo)",
            self.token,
            expect=(201,),
            data=fields,
            files=[("photos", ("chip.jpg", PHOTO, "image/jpeg"))],
        )
        if thread is None:
            return
        thread_id = thread.json()["id"]
        path = f"threads/{thread_id}/"
        seen = self.api("GET", path, "thread", artist_token, expect=(200, 404))
        if seen is None or seen.status_code == 404 or not seen.json()["messages"]:
            stale("thread", f"{thread_id} not seen by the artist")
            return
        for message in seen.json()["messages"]:
            for url in message["photos"]:
                self.photo(url, "page: message photo", page=True)
        reply = f"Sorry about that ({thread_id}), see the return."
        answered = self.api(
            "POST",
            f"{path}messages/",
            "message post",
            artist_token,
            expect=(201,),
            json={"body": reply},
        )
        shown = self.page(f"/messages/{thread_id}/", "thread")
        if answered is not None and shown is not None and reply not in shown.text:
            stale("thread page", f"{thread_id}: the answer is missing")
        if return_id is not None:
            instructions = {"instructions": "Send it back in its box."}
            self.api(
                "POST",
                f"returns/{return_id}/accept/",
                "return accept",
                artist_token,
                json=instructions,
            )


class Staff(Node):
    """One staff member running payouts by the API now and then."""

    fixed_count = 1
    wait_time = between(8, 12)

    @task
    def payouts(self):
        staff = DATA["staff"]
        self.api(
            "POST",
            "staff/payouts/run/",
            "staff payout run",
            staff,
            expect=(200, 201, 202),
        )
        self.api("GET", "artists/", "artists", staff)
