"""The pages of a person's account: sign-up, login, password and profile
(``account``), and the buyer's orders and returns (as ``dashboard.views``
holds the artist's)."""
