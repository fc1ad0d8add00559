"""Pages for proposals, invitations, engagements and bookings, mounted at /engagements/."""

from django.urls import path

from marketplace import engagement_views as views

app_name = "engagements"

urlpatterns = [
    path("", views.engagement_list, name="list"),
    path("<int:pk>/", views.engagement_detail, name="detail"),
    path("<int:pk>/complete/", views.engagement_complete, name="complete"),
    path("<int:pk>/cancel/", views.engagement_cancel, name="cancel"),
    path("invitations/", views.invitation_list, name="invitations"),
    path("invitations/<int:pk>/", views.invitation_detail, name="invitation_detail"),
    path("invitations/<int:pk>/accept/", views.invitation_accept, name="invitation_accept"),
    path("invitations/<int:pk>/decline/", views.invitation_decline, name="invitation_decline"),
    path("invitations/<int:pk>/withdraw/", views.invitation_withdraw, name="invitation_withdraw"),
    path("requests/<int:request_pk>/proposals/", views.proposals, name="proposals"),
    path("requests/<int:request_pk>/propose/", views.propose, name="propose"),
    path("requests/<int:request_pk>/invite/", views.invite_partner, name="invite_partner"),
    path("offers/<int:offer_pk>/book/", views.offer_book, name="book_offer"),
]
