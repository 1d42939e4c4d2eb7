from django.urls import path

from ratings import leaders, views

app_name = "ratings"
urlpatterns = [
    path("rate/", views.answer_lookup, name="answer-lookup"),
    path("rate/<str:token>/", views.answer_link, name="answer-link"),
    path("desks/", views.desk_list, name="desks"),
    path("desks/<int:pk>/rate/", views.desk_rate, name="desk-rate"),
    path("desks/<int:pk>/token/", views.desk_token, name="desk-token"),
    path("desks/<int:pk>/qr.pdf", views.desk_card, name="desk-card"),
    path("leaders/ratings/", leaders.ratings_page, name="leaders"),
]
