"""Volunteer allowance statements: lists, detail, PDF download, usage against the caps."""

from django.urls import path

from payments import statement_views as views

app_name = "statements"

urlpatterns = [
    path("", views.statement_list, name="list"),
    path("mine/", views.my_allowance, name="mine"),
    path("<int:pk>/", views.statement_detail, name="detail"),
    path("<int:pk>/pdf/", views.statement_pdf, name="pdf"),
    path(
        "engagements/<int:engagement_pk>/compensation/",
        views.engagement_compensation,
        name="compensation",
    ),
]
