"""The notice boards, the workers' opinions and the public page a board's QR code opens."""

from django.urls import path

from liaison.boards import public
from liaison.boards import views as views_board

app_name = "boards"

urlpatterns = [
    path("boards/", views_board.board_index, name="board-index"),
    path("boards/<int:pk>/", views_board.board_detail, name="board"),
    path("boards/<int:pk>/new-link/", views_board.token_regenerate, name="token-regenerate"),
    path("boards/street/<slug:street>/", views_board.board_street, name="board-street"),
    path("boards/all/", views_board.board_all, name="board-all"),
    path("opinions/", views_board.opinion_list, name="opinion-list"),
    path("opinions/<int:pk>/take-up/", views_board.opinion_take_up, name="opinion-take-up"),
    path("opinions/<int:pk>/answer/", views_board.opinion_answer, name="opinion-answer"),
    # Public, no login: short, so the QR code stays small. The token is URL-safe base64.
    path("u/<slug:token>/", public.public_page, name="public"),
    path("u/<slug:token>/thanks/", public.public_thanks, name="public-thanks"),
    # The worker's receipt: the code as printed (groups of four, dashes) or typed otherwise.
    path("u/<slug:token>/r/", public.receipt_find, name="receipt-find"),
    path("u/<slug:token>/r/<str:code>/", public.receipt, name="receipt"),
    path("u/<slug:token>/r/<str:code>/rate/", public.receipt_rate, name="receipt-rate"),
]
