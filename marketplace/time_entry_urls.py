"""Hours: partners log time on their engagements, care coordinators approve it."""

from django.urls import path  # noqa: F401

app_name = "hours"

urlpatterns: list = []
