"""The newsletter's public addresses, under /uutiskirje/ (config/urls.py)."""

urlpatterns: list = []
