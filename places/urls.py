from django.urls import path, re_path

from places import feeds, views

app_name = "places"
urlpatterns = [
    path("map/", views.map_page, name="map"),
    path("leaders/map/", views.leaders_map, name="leaders-map"),
    path("open-data/", views.open_data_page, name="open-data"),
    re_path(r"^open-data/(?P<slug>[a-z-]+)\.(?P<fmt>csv|json)$", views.open_data_file, name="open-data-file"),
    re_path(r"^feeds/commune/(?P<code>[-\w]+)\.(?P<fmt>atom|rss)$", feeds.CommuneFeed(), name="feed-commune"),
    re_path(r"^feeds/topic/(?P<code>[-\w]+)\.(?P<fmt>atom|rss)$", feeds.TopicFeed(), name="feed-topic"),
    path("alerts/", views.subscribe, name="subscribe"),
    path("alerts/confirm/<str:signed>/", views.subscription_confirm, name="subscription-confirm"),
    path("alerts/unsubscribe/<str:signed>/", views.unsubscribe, name="unsubscribe"),
]
