app_name = "maternal"
urlpatterns: list = []
