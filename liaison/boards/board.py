"""The notice board (联系基层公示牌) of each grassroots union: its contact cadres this year and
how to reach them, what workers can raise, the supervision phone, and a QR code to the union's
public page. Reads, and the one write: a new public token.

Who sees a board: the organization department (and administrators) every union's, and may
print a whole street or the whole district at once; a cadre the boards of their own current
contact units this year. Anyone else gets a 404 for a single board and a 403 for the documents.
"""

from dataclasses import dataclass

import qrcode
import qrcode.constants
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from qrcode.image.svg import SvgPathImage

from records.models import ContactForm, ContentArea
from unions.assignments.selectors import assigned_union_ids
from unions.links import absolute_url
from unions.models import GrassrootsUnion, LiaisonAssignment, active_q
from unions.permissions import is_contact_cadre, may
from unions.roles import cadre_of
from unions.tokens import new_public_token

# What workers can raise with their contact cadres: the four content areas (主要内容), each
# with a line from the programme's own description of it.
CONTENT_AREA_TEXT = {
    ContentArea.NEEDS: _(
        "We listen to frontline workers' opinions and suggestions and learn the real problems "
        "on their minds."
    ),
    ContentArea.POLICY: _(
        "We explain the policies of the national, municipal and district federations and "
        "learn how the policies that benefit workers are carried out."
    ),
    ContentArea.PROBLEMS: _(
        "We help solve the problems workers care about most, the most direct and practical "
        "ones, and the difficulties many of them raise."
    ),
    ContentArea.SELF: _(
        "We change our style of work, find our own shortcomings and strengthen the union's "
        "own work."
    ),
}


@dataclass(frozen=True)
class Board:
    union: GrassrootsUnion
    assignments: list[LiaisonAssignment]
    public_url: str
    qr_svg: SafeString


def sees_every_board(user) -> bool:
    """The organization department and administrators: every board, the street and district
    documents, the token."""
    return may(user, "liaison.view_every_board")


def board_unions(unions: QuerySet, year: int) -> QuerySet:
    """`unions` with their current contact points of `year` (active cadres, with department)
    prefetched as `board_assignments`: two queries, however many unions."""
    assignments = (
        LiaisonAssignment.objects.for_year(year)
        .current()
        .filter(active_q("cadre__"))
        .select_related("cadre__department")
        .order_by("cadre__department__order", "cadre__name")
    )
    return unions.prefetch_related(
        Prefetch("assignments", queryset=assignments, to_attr="board_assignments")
    )


def get_board_union_for_user(user, pk: int, year: int) -> GrassrootsUnion:
    """An active union whose board `user` may see, with its board's assignments; 404 else."""
    unions = board_unions(GrassrootsUnion.objects.active(), year)
    if not sees_every_board(user):
        if not is_contact_cadre.test(user):
            unions = unions.none()
        else:
            unions = unions.filter(pk__in=assigned_union_ids(cadre_of(user), year))
    return get_object_or_404(unions, pk=pk)


def public_url(request, union: GrassrootsUnion) -> str:
    """The absolute address of the union's public page: on settings.PUBLIC_BASE_URL when it is
    set (boards printed from an intranet name), else where this request came in."""
    return absolute_url(reverse("boards:public", args=[union.public_token]), request)


def qr_svg(data: str) -> SafeString:
    """`data` as a QR code in an inline <svg> (one path, 1 unit per module, quiet zone included).

    Error correction M (15%) survives a worn or partly covered board. Pure Python: no network,
    no image library."""
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        box_size=10,
        border=4,
        image_factory=SvgPathImage,
    )
    code.add_data(data)
    code.make(fit=True)
    image = code.make_image()
    # Several boards share one document: no duplicate element ids.
    image.path.attrib.pop("id", None)
    root = image.get_image()
    root.set("class", "qr")
    root.set("role", "img")
    root.set("aria-label", str(_("QR code of the union's page for workers' opinions")))
    # The SVG comes from our own code and the URL in it is not in the markup, only as modules.
    return mark_safe(image.to_string(encoding="unicode"))


def boards_for(request, unions) -> list[Board]:
    """A board for each union (fetched with `board_unions`), in the order given."""
    boards = []
    for union in unions:
        url = public_url(request, union)
        boards.append(
            Board(
                union=union,
                assignments=union.board_assignments,
                public_url=url,
                qr_svg=qr_svg(url),
            )
        )
    return boards


def board_context() -> dict:
    """What every board says the same way: the forms of contact, the content areas with their
    line, the supervision phone."""
    return {
        "contact_forms": ContactForm,
        "content_areas": [(area, CONTENT_AREA_TEXT[area]) for area in ContentArea],
        "supervision_phone": settings.SUPERVISION_PHONE,
    }


@transaction.atomic
def union_token_regenerate(*, union: GrassrootsUnion, user) -> GrassrootsUnion:
    """Give the union a new public token: the old link (and the printed QR code) stops working
    at once, and the board must be printed again. Only the organization department."""
    if not may(user, "liaison.regenerate_board_token", union):
        raise PermissionDenied
    # 128 random bits: a collision is not a practical concern, and the unique index would
    # refuse one. Only the token is written (the union's other data is not revalidated here).
    union.public_token = new_public_token()
    union.save(update_fields=["public_token"])
    return union
