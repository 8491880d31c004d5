"""How dates are written on every page, email and admin screen, per language
(``FORMAT_MODULE_PATH``): always with the month's name, never "12/07/2026",
which an English reader takes for 7 December and a French one for 12 July.
What is not set here comes from Django's own formats of the language."""
