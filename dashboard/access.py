"""Who gets into the seller dashboard: users with a shop."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404

from artists.selectors import artist_for_user


def artist_required(view):
    """Let in users with a shop, as ``request.artist``; anonymous users are
    sent to the login page, other users get a 404."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        artist = artist_for_user(request.user)
        if artist is None:
            raise Http404
        request.artist = artist
        return view(request, *args, **kwargs)

    return wrapper
