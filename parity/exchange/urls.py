from django.urls import path

from parity.exchange import views

app_name = "exchange"

urlpatterns = [
    path("requests/", views.request_list, name="requests"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/new/<int:person_id>/", views.request_new, name="request_new"),
    path("people/<int:person_id>/notices/", views.person_notices, name="notices"),
    path("partners/", views.partner_list, name="partners"),
    path("partners/new/", views.partner_new, name="partner_new"),
    path("partners/<int:pk>/", views.partner_edit, name="partner_edit"),
    path("assessment/", views.assessment, name="assessment"),
]
