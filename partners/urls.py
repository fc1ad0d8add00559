from django.urls import path

from partners import views

app_name = "partners"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("mine/", views.mine, name="mine"),
    path("register/", views.register, name="register"),
    path("new/", views.create_own, name="create_own"),
    path("new/organisation/<int:org_pk>/", views.create_for_mzo, name="create_for_mzo"),
    path("new/member/<int:membership_pk>/", views.create_for_member, name="create_for_member"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/offers/new/", views.offer_edit, name="offer_new"),
    path("<int:pk>/offers/<int:offer_pk>/", views.offer_edit, name="offer_edit"),
]
