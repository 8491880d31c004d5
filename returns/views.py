"""The private photos of return requests, served to their buyer, their
artist and staff only (``returns.selectors.return_photo_get_for_user``).
The buyer's return pages are in ``accounts.views.returns``, the artist's in
``dashboard.views.returns``."""

from django.contrib.auth.decorators import login_required

from marketplace.storage import private_file_response

from . import selectors


@login_required
def return_photo(request, pk):
    """A photo of a return request: its buyer, its artist and staff only."""
    photo = selectors.return_photo_get_for_user(user=request.user, pk=pk)
    return private_file_response(photo.image, cache_control="private, max-age=3600")
