from django.urls import path

from parity.certificates import views

app_name = "certificates"
urlpatterns = [
    path("people/<int:pk>/", views.person_page, name="person"),
    path("people/<int:pk>/new/", views.certificate_record, name="certificate_record"),
    path("<int:pk>/check/", views.certificate_check, name="certificate_check"),
    path("missing/", views.missing_list, name="missing_list"),
    path("people/<int:pk>/permit/", views.permit_page, name="permit"),
    path("people/<int:pk>/permit/apply/", views.permit_apply, name="permit_apply"),
    path("permits/<int:pk>/issue/", views.permit_issue, name="permit_issue"),
    path("permits/<int:pk>/endorse/", views.permit_endorse, name="permit_endorse"),
    path("permits/eligible/", views.permit_eligible_list, name="permit_eligible_list"),
]
