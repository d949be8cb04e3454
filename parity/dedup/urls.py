from django.urls import path

from parity.dedup import views

app_name = "dedup"
urlpatterns = [
    path("", views.pair_list, name="pair_list"),
    path("pairs/<int:pk>/", views.pair_detail, name="pair_detail"),
    path("pairs/<int:pk>/merge/", views.pair_merge, name="pair_merge"),
    path("pairs/<int:pk>/dismiss/", views.pair_dismiss, name="pair_dismiss"),
    path("merges/<int:pk>/", views.merge_detail, name="merge_detail"),
    path("merges/<int:pk>/unmerge/", views.merge_unmerge, name="merge_unmerge"),
    path("people/<int:pk>/", views.person_resolve, name="person_resolve"),
]
