# "7 décembre 2026" and, in lists, "7 déc. 2026 14:30" ("N": the French
# abbreviations with their full stop, "juin" and "mai" left whole).
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y H:i"
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = "j N Y"
SHORT_DATETIME_FORMAT = "j N Y H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
