"""Volunteer allowance statements: lists, detail, PDF download, usage against the caps."""

from django.urls import path  # noqa: F401

app_name = "statements"

urlpatterns: list = []
