"""The private photos of return requests, served to their buyer, their
artist and staff only (``returns.selectors.return_photo_get_for_user``).
The buyer's return pages are in ``accounts.views.returns``, the artist's in
``dashboard.views.returns``."""

import mimetypes

from django.contrib.auth.decorators import login_required
from django.http import FileResponse

from . import selectors


@login_required
def return_photo(request, pk):
    """A photo of a return request: its buyer, its artist and staff only."""
    photo = selectors.return_photo_get_for_user(user=request.user, pk=pk)
    content_type = (
        mimetypes.guess_type(photo.image.name)[0] or "application/octet-stream"
    )
    response = FileResponse(photo.image.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response
