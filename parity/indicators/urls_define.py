from django.urls import path

from parity.indicators import views_define

urlpatterns = [
    path("", views_define.indicator_list, name="indicator_list"),
    path("new/", views_define.indicator_new, name="indicator_new"),
    path("<slug:code>/toggle/", views_define.indicator_toggle, name="indicator_toggle"),
]
