from django.urls import path

from parity.immunization import views

app_name = "immunization"
urlpatterns = [
    path("person/<int:pk>/", views.child_page, name="person"),
    path("person/<int:pk>/records.xlsx", views.records_export, name="records_export"),
    path("overdue/", views.overdue_list, name="overdue"),
    path("overdue/export/", views.overdue_export, name="overdue_export"),
    path("campaigns/", views.campaign_list, name="campaign_list"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/draw/", views.campaign_draw, name="campaign_draw"),
    path(
        "campaigns/<int:pk>/targets.xlsx",
        views.campaign_targets_export,
        name="campaign_targets_export",
    ),
]
