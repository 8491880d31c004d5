import pytest
from django.conf import settings as django_settings

TEST_TEMPLATES = django_settings.BASE_DIR / "tests" / "templates"


@pytest.fixture(autouse=True)
def _test_email_templates(settings):
    """The test-only event ``test_note`` (tests/templates/emails/test_note_*)."""
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "DIRS": [*settings.TEMPLATES[0]["DIRS"], TEST_TEMPLATES],
        },
        *settings.TEMPLATES[1:],
    ]


@pytest.fixture
def failing_email_provider(settings):
    """The email provider refuses every message until the test switches it back."""
    settings.EMAIL_BACKEND = "tests.notifications.backends.FailingBackend"
    return settings
