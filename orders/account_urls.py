app_name = "account"

urlpatterns = []
