from django.urls import path

from imports import views

app_name = "imports"
urlpatterns = [
    path("oauth/<str:platform>/callback/", views.oauth_callback, name="oauth_callback"),
]
