"""Hours: partners log time on their engagements, care coordinators approve it."""

from django.urls import path

from marketplace import time_entry_views as views

app_name = "hours"

urlpatterns = [
    path("", views.my_hours, name="mine"),
    path("approve/", views.to_approve, name="to_approve"),
    path("approve/bulk/", views.approve_bulk, name="approve_bulk"),
    path("engagements/<int:pk>/", views.engagement_hours, name="engagement"),
    path("engagements/<int:pk>/max-hours/", views.raise_max_hours, name="raise_max_hours"),
    path("entries/<int:pk>/edit/", views.entry_edit, name="edit"),
    path("entries/<int:pk>/withdraw/", views.entry_withdraw, name="withdraw"),
    path("entries/<int:pk>/approve/", views.entry_approve, name="approve"),
    path("entries/<int:pk>/reject/", views.entry_reject, name="reject"),
]
