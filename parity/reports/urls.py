from django.urls import path

from parity.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.report_page, name="report"),
]
