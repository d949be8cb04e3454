from django.urls import path

from parity.maternal import views

app_name = "maternal"
urlpatterns = [
    path("people/<int:pk>/", views.person_page, name="person"),
    path("people/<int:pk>/pregnancies/new/", views.pregnancy_register, name="pregnancy_register"),
    path("people/<int:pk>/child-checks/", views.child_checks, name="child_checks"),
    path("people/<int:pk>/child-checks/new/", views.child_check_record, name="child_check_record"),
    path(
        "pregnancies/<int:pk>/visits/new/",
        views.antenatal_visit_record,
        name="antenatal_visit_record",
    ),
    path("pregnancies/<int:pk>/delivery/", views.delivery_record, name="delivery_record"),
    path("pregnancies/<int:pk>/end/", views.pregnancy_end, name="pregnancy_end"),
    path(
        "pregnancies/<int:pk>/postpartum/new/",
        views.postpartum_visit_record,
        name="postpartum_visit_record",
    ),
    path("overdue/", views.overdue_list, name="overdue_list"),
    path("pregnant/", views.pregnant_list, name="pregnant_list"),
    path("children/overdue/", views.children_overdue_list, name="children_overdue_list"),
]
