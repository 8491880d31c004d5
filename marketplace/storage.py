"""Storage for private uploads (personalisation, return and message photos).

Files here have no public URL: views check who asks before streaming them.
"""

from django.core.files.storage import storages


def private_storage():
    return storages["private"]
